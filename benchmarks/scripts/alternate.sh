#!/usr/bin/env bash
# Two servers compared in paired, alternating windows: both run at once, pinned to core 0, and the load generator
# (echo-load, or udp-load with MODE=udp; pinned to core 1) drives one, then the other, for SECONDS each, PAIRS times, the order swapped every pair (AB, BA, AB, ...).
# Windows a few seconds apart see the same machine: on these shared VMs the speed drifts by tens of percent between
# runs minutes apart, in every transport, which drowns a few percent between separate runs; the ratio within each
# pair does not see that drift. The idle server costs its core nothing (both park in epoll_wait between windows).
# Prints every window, then per pair B/A of the rate and of the server CPU per operation (utime+stime from
# /proc/PID/stat over the window), their medians, and in how many pairs B was ahead; with echo-load, the same for
# its RTT p50 and p99.
#
# usage: benchmarks/scripts/alternate.sh PAIRS SECONDS 'JAR_A::SERVER ARGS' 'JAR_B::SERVER ARGS' 'LOAD ARGS'
#   SERVER ARGS: the examples jar's subcommand and options, without the address, e.g. 'echo-server --transport epoll'
#   LOAD ARGS: the load generator's options without the address and duration, e.g. '--connections 64 --message-size 64'
#   env: MODE=tcp|uds|udp|tcp-stream|uds-stream (default tcp: echo-load on ports PORT and PORT+1, PORT default
#        18190; uds: echo-load on sockets in a temporary directory; udp: udp-load on the ports, against
#        udp-echo-server, an operation being a round trip in --mode pingpong and a datagram the sink counted in
#        --mode oneway; tcp-stream, uds-stream: JAR_A's echo-client in stream mode on Netty's epoll, the suite's
#        streaming client (scenarios d and m), an operation being a MB echoed, and SECONDS a window's megabytes
#        instead), WARMUP seconds per server before the first pair (default 15; 0: none; in the stream modes
#        megabytes, 4096 by default), FREEZE=1: each server is stopped (SIGSTOP) outside its own windows, for a
#        server that does not park when idle (--busy-wait), which would otherwise take core 0 from the other
#   e.g. benchmarks/scripts/alternate.sh 10 5 '/tmp/before.jar::echo-server' 'examples/target/gonetpoll-examples.jar::echo-server' \
#        '--connections 64 --message-size 64'
#   MODE=udp benchmarks/scripts/alternate.sh 10 5 'examples/target/gonetpoll-examples.jar::udp-echo-server --mode sink --transport epoll' \
#        'examples/target/gonetpoll-examples.jar::udp-echo-server --mode sink --transport gonetpoll' '--mode oneway --message-size 64'
#   MODE=uds-stream benchmarks/scripts/alternate.sh 10 2048 'gonetpoll-examples.jar::echo-server --transport epoll' \
#        'gonetpoll-examples.jar::echo-server' '--message-size 65536 --receive-buffer 16384'
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 5 ] || { sed -n '2,25p' "$0" >&2; exit 2; }
PAIRS=$1; SECONDS_=$2; SPEC_A=$3; SPEC_B=$4; LOAD_ARGS=$5
MODE=${MODE:-tcp}; PORT=${PORT:-18190}
TICK=$(getconf CLK_TCK)
# STREAM: the stream modes, whose windows and warm-up are megabytes (UNIT), not seconds.
STREAM=; UNIT=s
case "$MODE" in
  tcp|uds) LOAD=benchmarks/target/echo-load ;;
  udp) LOAD=benchmarks/target/udp-load ;;
  tcp-stream|uds-stream) STREAM=1; UNIT=MB
                         LOAD="java -jar ${SPEC_A%%::*} echo-client --transport epoll --mode stream" ;;
  *) echo "MODE must be tcp, uds, udp, tcp-stream or uds-stream, not '$MODE'" >&2; exit 2 ;;
esac
if [ -n "$STREAM" ]; then
  WARMUP=${WARMUP:-4096}
else
  WARMUP=${WARMUP:-15}
  [ -x "$LOAD" ] || { echo "$LOAD missing: mvn -q -DskipTests install" >&2; exit 1; }
fi
[[ $PAIRS =~ ^[1-9][0-9]*$ && $SECONDS_ =~ ^[1-9][0-9]*$ && $WARMUP =~ ^[0-9]+$ ]] \
    || { echo "PAIRS and SECONDS must be whole numbers from 1, WARMUP from 0" >&2; exit 2; }
# The window's CPU spans the whole load run and its operations only the measured part: they match only without the
# load generator's own warm-up; the address and the bound are the script's.
case " $LOAD_ARGS " in
  *" --warmup-seconds "*|*" --duration-seconds "*|*" --messages "*|*" --port "*|*" --uds "*|*" --host "*)
    echo "LOAD ARGS must not set --warmup-seconds, --duration-seconds, --messages or the address" >&2; exit 2 ;;
esac
if [ -n "$STREAM" ]; then
  # The stream client counts messages; a window of SECONDS megabytes is that many chunks.
  chunk=$(echo " $LOAD_ARGS " | sed -nE 's/.* --message-size ([0-9]+) .*/\1/p')
  [[ $chunk =~ ^[1-9][0-9]*$ ]] || { echo "the stream modes need --message-size in LOAD ARGS" >&2; exit 2; }
fi
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

# address SIDE: the server's and the load's address options
address() {
  if [ "${MODE%-stream}" = uds ]; then echo "--uds $dir/$1.sock"
  elif [ "$1" = b ]; then echo "--port $((PORT + 1))"
  else echo "--port $PORT"; fi
}

# start SIDE SPEC: starts the server, waits for its "listening" line, sets pid_SIDE
start() {
  local side=$1 jar=${2%%::*} args=${2#*::}
  [ -f "$jar" ] || { echo "$jar missing" >&2; exit 1; }
  # shellcheck disable=SC2086
  taskset -c 0 java -Xms1g -Xmx1g -jar "$jar" $args $(address "$side") > "$dir/$side.log" 2>&1 &
  pids+=($!)
  eval "pid_$side=$!"
  for _ in $(seq 1 150); do grep -q listening "$dir/$side.log" && return; sleep 0.1; done
  echo "server $side did not start: $(cat "$dir/$side.log")" >&2; exit 1
}

# window SIDE SECONDS: drives the side's server (SECONDS: megabytes in the stream modes); prints "rate
# cpu-us-per-op p50-us p99-us" (the percentiles "- -" where the load does not give them)
window() {
  local side=$1 secs=$2 pid out c0 c1 ops rate
  pid=$(eval echo "\$pid_$side")
  [ -n "${FREEZE:-}" ] && kill -CONT "$pid"
  c0=$(awk '{print $14+$15}' "/proc/$pid/stat")
  if [ -n "$STREAM" ]; then
    # shellcheck disable=SC2086
    out=$(taskset -c 1 $LOAD $(address "$side") $LOAD_ARGS --messages "$(( (secs << 20) / chunk ))" 2>&1)
  else
    # shellcheck disable=SC2086
    out=$(taskset -c 1 "$LOAD" $(address "$side") $LOAD_ARGS --duration-seconds "$secs")
  fi
  c1=$(awk '{print $14+$15}' "/proc/$pid/stat")
  [ -n "${FREEZE:-}" ] && kill -STOP "$pid"
  echo "$out" | grep -q "result=ok" || { echo "$LOAD failed: $out" >&2; exit 1; }
  out=$(echo "$out" | grep "result=ok")
  # echo-load: requests; udp-load: round-trips (pingpong) or the datagrams the sink received (oneway);
  # echo-client in stream mode: MB echoed.
  if [ -n "$STREAM" ]; then
    ops=$(echo "$out" | sed -E 's/.* bytes-echoed=([0-9]+) .*/\1/' | awk '{print $1 / 1048576}')
    rate=$(echo "$out" | sed -E 's/.* MB\/s=([0-9.]+) .*/\1/')
  else
    ops=$(echo "$out" | sed -E 's/.* (requests|round-trips|received)=([0-9]+) .*/\2/')
    rate=$(echo "$out" | sed -E 's/.* (requests|round-trips|datagrams)\/s=([0-9.]+) .*/\2/')
  fi
  local p50=- p99=-
  if [[ $out =~ rtt-p50-us=([0-9]+)\ rtt-p99-us=([0-9]+) ]]; then p50=${BASH_REMATCH[1]}; p99=${BASH_REMATCH[2]}; fi
  echo "$rate $(awk -v c=$((c1 - c0)) -v n="$ops" -v tick="$TICK" 'BEGIN{printf "%.3f", c / tick * 1e6 / n}') $p50 $p99"
}

echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "command: $0 $PAIRS $SECONDS_ '$SPEC_A' '$SPEC_B' '$LOAD_ARGS' (MODE=$MODE, warm-up $WARMUP $UNIT per server)"
start a "$SPEC_A"
start b "$SPEC_B"
if [ -n "${FREEZE:-}" ]; then kill -STOP "$pid_a" "$pid_b"; fi
if [ "$WARMUP" -gt 0 ]; then
  window a "$WARMUP" > /dev/null
  window b "$WARMUP" > /dev/null
fi
results=$dir/results
for pair in $(seq 1 "$PAIRS"); do
  order="a b"; [ $((pair % 2)) -eq 0 ] && order="b a"
  for side in $order; do
    read -r rate cpu p50 p99 < <(window "$side" "$SECONDS_")
    echo "pair=$pair side=$side rate=$rate server-cpu-us/op=$cpu rtt-p50-us=$p50 rtt-p99-us=$p99"
    eval "rate_$side=$rate; cpu_$side=$cpu; p50_$side=$p50; p99_$side=$p99"
  done
  echo "$pair $rate_a $cpu_a $rate_b $cpu_b $p50_a $p99_a $p50_b $p99_b" >> "$results"
done
echo
median() { sort -g | awk '{a[NR]=$1} END{if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
printf "%4s %12s %10s %12s %10s %9s %9s\n" pair "A rate" "A cpu/op" "B rate" "B cpu/op" "B/A rate" "B/A cpu"
awk '{printf "%4d %12.0f %10.3f %12.0f %10.3f %9.3f %9.3f\n", $1, $2, $3, $4, $5, $4/$2, $5/$3}' "$results"
echo "A: $SPEC_A"
echo "B: $SPEC_B"
echo "median B/A rate: $(awk '{print $4/$2}' "$results" | median)  median B/A server CPU per operation: $(awk '{print $5/$3}' "$results" | median)"
echo "B ahead in rate in $(awk '$4>$2' "$results" | wc -l) of $PAIRS pairs, in CPU per operation in $(awk '$5<$3' "$results" | wc -l)"
if [ "$(awk 'NR==1{print $6}' "$results")" != - ]; then
  echo "RTT p50 / p99 in us, per pair A then B: $(awk '{printf "%s/%s %s/%s; ", $6, $7, $8, $9}' "$results")"
  echo "median B/A RTT p50: $(awk '$6>0{print $8/$6}' "$results" | median)  p99: $(awk '$7>0{print $9/$7}' "$results" | median)"
  echo "B lower in p50 in $(awk '$8<$6' "$results" | wc -l) of $PAIRS pairs, in p99 in $(awk '$9<$7' "$results" | wc -l)"
fi
