#!/usr/bin/env bash
# Before/after of a transport change: two builds of the examples jar, side by side with Netty's epoll in one
# run, interleaved, the order rotated per run (before after epoll, after epoll before, epoll before after, ...;
# see rotation.sh). The server is pinned to core 0; the load
# generator (and the proxy's backend echo server) to core 1; each server JVM is warmed for WARMUP seconds.
# Prints one line per run and a median table: rate, ratio to epoll, server CPU-microseconds per operation
# (utime+stime of the server process from /proc/<pid>/stat, over the measured interval only).
#
# usage: benchmarks/scripts/builds-side-by-side.sh BEFORE.jar AFTER.jar SCENARIO [runs] [measure-seconds]
#   SCENARIO: proxy     (e: echo ping-pong through the explicit-read proxy, 64 connections, 64 B)
#             echo64    (c: echo ping-pong, 64 connections, 64 B)
#             http-pipe (a: wrk, 64 connections, 16 pipelined requests per write)
#             churn     (f: wrk, 64 connections, "Connection: close": connect, one request, close)
#   e.g. git stash; mvn -q -DskipTests install; cp examples/target/gonetpoll-examples.jar /tmp/before.jar;
#        git stash pop; mvn -q -DskipTests install;
#        benchmarks/scripts/builds-side-by-side.sh /tmp/before.jar examples/target/gonetpoll-examples.jar proxy 5
set -euo pipefail
cd "$(dirname "$0")/../.."
. benchmarks/scripts/rotation.sh
BEFORE=$1; AFTER=$2; SCENARIO=$3; RUNS=${4:-3}; SECONDS_=${5:-10}
WARMUP=${WARMUP:-15}
PORT=${PORT:-18090}; BACKEND_PORT=$((PORT + 1))
TICK=$(getconf CLK_TCK)
for jar in "$BEFORE" "$AFTER"; do [ -f "$jar" ] || { echo "$jar missing" >&2; exit 1; }; done
case "$SCENARIO" in
  proxy|echo64|http-pipe|churn) ;;
  *) echo "unknown scenario '$SCENARIO': proxy, echo64, http-pipe or churn" >&2; exit 2 ;;
esac
[ "$SCENARIO" != http-pipe ] && [ "$SCENARIO" != churn ] || command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }
LUA=$(mktemp --suffix=.lua); results=$(mktemp); trap 'rm -f "$LUA" "$results" "$results.r"' EXIT
cat > "$LUA" <<'LUAEOF'
init = function(args)
  local r = {}
  for i = 1, 16 do r[i] = wrk.format(nil, "/") end
  req = table.concat(r)
end
request = function() return req end
LUAEOF

await_listening() { for _ in $(seq 1 100); do grep -q listening "$1" && return; sleep 0.1; done; echo "no server" >&2; exit 1; }

# load JAR SECONDS: runs the scenario's load generator; prints "operations rate"
load() {
  local jar=$1 secs=$2 out
  if [ "$SCENARIO" = http-pipe ]; then
    out=$(taskset -c 1 wrk -t1 -c64 -d"${secs}s" -s "$LUA" "http://127.0.0.1:$PORT/")
    echo "$(echo "$out" | awk '/requests in/{print $1}') $(echo "$out" | awk '/Requests\/sec/{print $2}')"
  elif [ "$SCENARIO" = churn ]; then
    out=$(taskset -c 1 wrk -t1 -c64 -d"${secs}s" -H "Connection: close" "http://127.0.0.1:$PORT/")
    echo "$(echo "$out" | awk '/requests in/{print $1}') $(echo "$out" | awk '/Requests\/sec/{print $2}')"
  else
    out=$(taskset -c 1 java -Xms512m -Xmx512m -jar "$jar" echo-client --transport epoll --port "$PORT" \
        --connections 64 --message-size 64 --duration-seconds "$secs")
    echo "$out" | sed -E 's/.* round-trips=([0-9]+) round-trips\/s=([0-9.]+) .*/\1 \2/'
  fi
}

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "command: $0 $* (warm-up ${WARMUP}s per server)"
for run in $(seq 1 "$RUNS"); do
  for variant in $(rotated "$run" before after epoll); do
    case $variant in before) jar=$BEFORE; t=gonetpoll ;; after) jar=$AFTER; t=gonetpoll ;; epoll) jar=$AFTER; t=epoll ;; esac
    backend=
    log=$(mktemp)
    if [ "$SCENARIO" = proxy ]; then
      taskset -c 1 java -jar "$AFTER" echo-server --transport epoll --port "$BACKEND_PORT" > /dev/null 2>&1 &
      backend=$!
      sleep 1
      taskset -c 0 java -Xms1g -Xmx1g -jar "$jar" proxy --transport "$t" --port "$PORT" --remote-port "$BACKEND_PORT" > "$log" 2>&1 &
    elif [ "$SCENARIO" = echo64 ]; then
      taskset -c 0 java -Xms1g -Xmx1g -jar "$jar" echo-server --transport "$t" --port "$PORT" > "$log" 2>&1 &
    else
      taskset -c 0 java -Xms1g -Xmx1g -jar "$jar" http --transport "$t" --port "$PORT" > "$log" 2>&1 &
    fi
    pid=$!
    await_listening "$log"
    load "$jar" "$WARMUP" > /dev/null
    c0=$(awk '{print $14+$15}' /proc/$pid/stat)
    read -r ops rate < <(load "$jar" "$SECONDS_")
    c1=$(awk '{print $14+$15}' /proc/$pid/stat)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    if [ -n "$backend" ]; then kill "$backend"; wait "$backend" 2>/dev/null || true; fi
    rm -f "$log"
    cpu_us=$(awk -v c=$((c1 - c0)) -v n="$ops" -v tick="$TICK" 'BEGIN{printf "%.2f", c / tick * 1e6 / n}')
    echo "run=$run variant=$variant rate=$rate server-cpu-us/op=$cpu_us"
    echo "$variant $rate $cpu_us" >> "$results"
  done
done
echo
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
printf "%-8s %12s %19s %9s %18s\n" variant "median rate" "min-max" "vs epoll" "cpu-us/op (median)"
epoll_med=$(awk '$1=="epoll"{print $2}' "$results" | median)
for v in before after epoll; do
  awk -v v="$v" '$1==v{print $2}' "$results" | sort -n > "$results.r"
  med=$(median < "$results.r"); mn=$(head -1 "$results.r"); mx=$(tail -1 "$results.r")
  cpu=$(awk -v v="$v" '$1==v{print $3}' "$results" | median)
  printf "%-8s %12.0f %9.0f-%-9.0f %8.2fx %18s\n" "$v" "$med" "$mn" "$mx" "$(awk -v a="$med" -v b="$epoll_med" 'BEGIN{print a/b}')" "$cpu"
done
