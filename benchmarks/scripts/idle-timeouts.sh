#!/usr/bin/env bash
# Scenario g: N connections, each with a read timeout and a 16-byte message about once a second. Compares the
# transport's deadline (GoNetpoll READ_TIMEOUT_MILLIS) with epoll + ReadTimeoutHandler and epoll +
# IdleStateHandler, interleaved with the order rotated per run (A B C, B C A, C A B, ...; see rotation.sh):
# server CPU per message (from /proc, measured window only), live heap per connection (after full GCs, open
# minus closed), and for GoNetpoll the deadline-wheel operations per message. Server on core 0, load on core 1,
# each server warmed WARMUP seconds before measuring.
#
# usage: benchmarks/scripts/idle-timeouts.sh [runs] [connections] [measure-seconds]
#   e.g. benchmarks/scripts/idle-timeouts.sh 3 10000 30
# A variant written NAME+tickMS runs GoNetpoll's variant with that deadline-wheel tick, e.g.
#   VARIANTS="gonetpoll-read-timeout-millis gonetpoll-read-timeout-millis+tick100 epoll-read-timeout-handler"
set -euo pipefail
cd "$(dirname "$0")/../.."
. benchmarks/scripts/rotation.sh
RUNS=${1:-3}; CONNS=${2:-10000}; SECONDS_=${3:-30}
WARMUP=${WARMUP:-15}
TIMEOUT_MILLIS=${TIMEOUT_MILLIS:-10000}
VARIANTS=${VARIANTS:-"gonetpoll-read-timeout-millis epoll-read-timeout-handler epoll-idle-state-handler"}
JAR=benchmarks/target/gonetpoll-benchmarks.jar
[ -f "$JAR" ] || { echo "$JAR missing: mvn -DskipTests install" >&2; exit 1; }
HEAP=${HEAP:-1g}
# Both ends hold CONNS sockets; the hard limit here is 20,000 per process.
ulimit -n "$(ulimit -Hn)"

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "command: $0 $RUNS $CONNS $SECONDS_ (warm-up ${WARMUP}s, timeout ${TIMEOUT_MILLIS} ms, server heap $HEAP)"
results=$(mktemp)
for run in $(seq 1 "$RUNS"); do
  # shellcheck disable=SC2086 # VARIANTS is a space-separated list
  for v in $(rotated "$run" $VARIANTS); do
    log=$(mktemp)
    name=${v%%+tick*}
    tick=$([ "$name" != "$v" ] && echo "--deadline-tick-millis ${v##*+tick}" || true)
    # shellcheck disable=SC2086 # $tick is empty or two words
    taskset -c 0 java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseSerialGC -jar "$JAR" idle-server --variant "$name" $tick \
        --timeout-millis "$TIMEOUT_MILLIS" --connections "$CONNS" > "$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do grep -q '^listening' "$log" && break; sleep 0.1; done
    port=$(sed -n 's/^listening port=\([0-9]*\).*/\1/p' "$log")
    load=$(taskset -c 1 java -jar "$JAR" idle-load --port "$port" --connections "$CONNS" --server-pid "$pid" \
        --warmup-seconds "$WARMUP" --seconds "$SECONDS_" --clk-tck "$(getconf CLK_TCK)")
    for _ in $(seq 1 100); do grep -q '^heap phase=closed' "$log" && break; sleep 0.1; done
    kill "$pid"; wait "$pid" 2>/dev/null || true
    result=$(echo "$load" | grep '^result')
    open=$(sed -n 's/^heap phase=open .*usedBytes=\([0-9]*\)/\1/p' "$log")
    closed=$(sed -n 's/^heap phase=closed .*usedBytes=\([0-9]*\)/\1/p' "$log")
    stats=$(grep '^stats' "$log" || true)
    rm -f "$log"
    field() { echo "$result" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
    heap_per_conn=$(awk -v o="${open:-0}" -v c="${closed:-0}" -v n="$CONNS" 'BEGIN{printf "%.0f", (o - c) / n}')
    server_msgs=$(echo "$stats" | sed -n 's/.*stats messages=\([0-9]*\).*/\1/p')
    arms=$(echo "$stats" | sed -n 's/.*deadlineTimerArms=\([0-9]*\).*/\1/p')
    cancels=$(echo "$stats" | sed -n 's/.*deadlineTimerCancels=\([0-9]*\).*/\1/p')
    wheel_ops=$([ -n "$arms" ] && awk -v a="$arms" -v c="$cancels" -v m="$server_msgs" 'BEGIN{printf "%.3f", (a + c) / m}' || echo -)
    echo "run=$run variant=$v msgs/s=$(field messagesPerSecond) server-cpu-us/msg=$(field serverCpuUsPerMessage)" \
         "server-cpu%=$(field serverCpuPercent) load-cpu%=$(field loadCpuPercent) heap-bytes/conn=$heap_per_conn" \
         "wheel-ops/msg=$wheel_ops notEchoed=$(field notEchoed) closedByServer=$(field closedByServer)"
    echo "$v $(field serverCpuUsPerMessage) $heap_per_conn $(field messagesPerSecond) $wheel_ops" >> "$results"
  done
done
echo
med() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
printf "%-32s %14s %13s %18s %13s %10s\n" variant "cpu-us/msg med" "min-max" "heap-bytes/conn med" "msgs/s med" "wheel/msg"
for v in $VARIANTS; do
  cpu=$(awk -v v="$v" '$1==v{print $2}' "$results" | med)
  mn=$(awk -v v="$v" '$1==v{print $2}' "$results" | sort -n | head -1)
  mx=$(awk -v v="$v" '$1==v{print $2}' "$results" | sort -n | tail -1)
  heap=$(awk -v v="$v" '$1==v{print $3}' "$results" | med)
  rate=$(awk -v v="$v" '$1==v{print $4}' "$results" | med)
  wheel=$(awk -v v="$v" '$1==v{print $5}' "$results" | sort | tail -1)
  printf "%-32s %14s %6s-%-6s %18s %13s %10s\n" "$v" "$cpu" "$mn" "$mx" "$heap" "$rate" "$wheel"
done
rm -f "$results"
