#!/usr/bin/env bash
# wrk against the http example, transports side by side in one run, interleaved with the order rotated per run
# (A B C, B C A, C A B, ...; see rotation.sh).
# The server is pinned to core 0 and wrk to core 1; each server JVM is warmed for WARMUP seconds first.
# Prints one line per run and a median table with the ratio to epoll and server CPU-microseconds per request
# (utime+stime of the server process from /proc/<pid>/stat, over the measured interval only).
#
# usage: benchmarks/scripts/http-wrk.sh [runs] [measure-seconds] [connections] [pipeline-depth]
#   e.g. benchmarks/scripts/http-wrk.sh 3 10 64 1     (plain keep-alive)
#        benchmarks/scripts/http-wrk.sh 3 10 64 16    (16 pipelined requests per write)
set -euo pipefail
cd "$(dirname "$0")/../.."
. benchmarks/scripts/rotation.sh
RUNS=${1:-3}; SECONDS_=${2:-10}; CONNS=${3:-64}; DEPTH=${4:-1}
WARMUP=${WARMUP:-15}
TRANSPORTS=${TRANSPORTS:-"gonetpoll epoll nio"}
JAR=examples/target/gonetpoll-examples.jar
PORT=${PORT:-18080}
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }
[ -f "$JAR" ] || { echo "$JAR missing: mvn -DskipTests install" >&2; exit 1; }
TICK=$(getconf CLK_TCK)
LUA=$(mktemp --suffix=.lua); trap 'rm -f "$LUA"' EXIT
cat > "$LUA" <<LUAEOF
init = function(args)
  local r = {}
  for i = 1, $DEPTH do r[i] = wrk.format(nil, "/") end
  req = table.concat(r)
end
request = function() return req end
LUAEOF

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "command: $0 $RUNS $SECONDS_ $CONNS $DEPTH (warm-up ${WARMUP}s per server)"
results=$(mktemp)
for run in $(seq 1 "$RUNS"); do
  # shellcheck disable=SC2086 # TRANSPORTS is a space-separated list
  for t in $(rotated "$run" $TRANSPORTS); do
    log=$(mktemp)
    taskset -c 0 java -Xms1g -Xmx1g -jar "$JAR" http --transport "$t" --port "$PORT" > "$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do grep -q listening "$log" && break; sleep 0.1; done
    taskset -c 1 wrk -t1 -c"$CONNS" -d"${WARMUP}s" -s "$LUA" "http://127.0.0.1:$PORT/" > /dev/null
    c0=$(awk '{print $14+$15}' /proc/$pid/stat)
    out=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"${SECONDS_}s" --latency -s "$LUA" "http://127.0.0.1:$PORT/")
    c1=$(awk '{print $14+$15}' /proc/$pid/stat)
    kill "$pid"; wait "$pid" 2>/dev/null || true; rm -f "$log"
    rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
    reqs=$(echo "$out" | awk '/requests in/{print $1}')
    p99=$(echo "$out" | awk '$1=="99%"{print $2}')
    cpu_us=$(awk -v c=$((c1 - c0)) -v r="$reqs" -v tick="$TICK" 'BEGIN{printf "%.2f", c / tick * 1e6 / r}')
    echo "run=$run transport=$t req/s=$rps p99=$p99 server-cpu-us/req=$cpu_us"
    echo "$t $rps $cpu_us" >> "$results"
  done
done
echo
printf "%-10s %12s %14s %10s %16s\n" transport "median req/s" "min-max" "vs epoll" "cpu-us/req (med)"
epoll_med=$(awk '$1=="epoll"{print $2}' "$results" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
for t in $TRANSPORTS; do
  awk -v t="$t" '$1==t{print $2}' "$results" | sort -n > "$results.r"
  med=$(awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}' "$results.r")
  mn=$(head -1 "$results.r"); mx=$(tail -1 "$results.r")
  cpu=$(awk -v t="$t" '$1==t{print $3}' "$results" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  ratio=$([ -n "$epoll_med" ] && awk -v a="$med" -v b="$epoll_med" 'BEGIN{printf "%.2fx", a/b}' || echo -)
  printf "%-10s %12.0f %7.0f-%-7.0f %9s %16s\n" "$t" "$med" "$mn" "$mx" "$ratio" "$cpu"
done
rm -f "$results" "$results.r"
