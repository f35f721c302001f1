#!/usr/bin/env bash
# The cost of one read of a stream socket by the call that makes it (recv, recvmsg, recvmsg + TCP_INQ or SO_INQ,
# recv + ioctl(FIONREAD)), measured by recv-cost.c on core 1, interleaved, RUNS rounds of READS reads each, on a
# loopback TCP pair or (unix) a Unix stream socketpair (SO_INQ: Linux 6.17+). See recv-cost.c.
#
# usage: benchmarks/scripts/recv-cost.sh [runs] [reads] [tcp|unix]     e.g. benchmarks/scripts/recv-cost.sh 3 2000000 unix
set -euo pipefail
cd "$(dirname "$0")"
RUNS=${1:-3}; READS=${2:-2000000}; FAMILY=${3:-tcp}
case "$FAMILY" in
  tcp) MODES="0 1 2 3" ;;
  unix) MODES="0 1 2 3" ;;
  *) echo "the family is tcp or unix, not '$FAMILY'" >&2; exit 2 ;;
esac
BIN=$(mktemp); trap 'rm -f "$BIN"' EXIT
gcc -O2 -Wall -Werror -o "$BIN" recv-cost.c
echo "machine: $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "command: $0 $RUNS $READS $FAMILY"
for run in $(seq 1 "$RUNS"); do
  for mode in $MODES; do
    echo "run=$run $(taskset -c 1 "$BIN" "$READS" "$mode" "$FAMILY")"
  done
done
