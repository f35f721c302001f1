#!/usr/bin/env bash
# The cost of one TCP read by the call that makes it (recv, recvmsg, recvmsg + TCP_INQ, recv + ioctl(FIONREAD)),
# measured by recv-cost.c on core 1, interleaved, RUNS rounds of READS reads each. See recv-cost.c.
#
# usage: benchmarks/scripts/recv-cost.sh [runs] [reads]     e.g. benchmarks/scripts/recv-cost.sh 3 2000000
set -euo pipefail
cd "$(dirname "$0")"
RUNS=${1:-3}; READS=${2:-2000000}
BIN=$(mktemp); trap 'rm -f "$BIN"' EXIT
gcc -O2 -Wall -Werror -o "$BIN" recv-cost.c
echo "machine: $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "command: $0 $RUNS $READS"
for run in $(seq 1 "$RUNS"); do
  for mode in 0 1 2 3; do
    echo "run=$run $(taskset -c 1 "$BIN" "$READS" "$mode")"
  done
done
