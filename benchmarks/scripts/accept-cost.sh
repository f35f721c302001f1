#!/usr/bin/env bash
# The cost of finding a listener's accept queue empty: a failed accept4 against getsockopt(TCP_INFO), measured
# by accept-cost.c on core 1, RUNS rounds of CALLS calls each. See accept-cost.c.
#
# usage: benchmarks/scripts/accept-cost.sh [runs] [calls]     e.g. benchmarks/scripts/accept-cost.sh 3 200000
set -euo pipefail
cd "$(dirname "$0")"
RUNS=${1:-3}; CALLS=${2:-200000}
BIN=$(mktemp); trap 'rm -f "$BIN"' EXIT
gcc -O2 -Wall -Werror -o "$BIN" accept-cost.c
echo "machine: $(nproc) cores, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "command: $0 $RUNS $CALLS"
for run in $(seq 1 "$RUNS"); do
  echo "run=$run $(taskset -c 1 "$BIN" "$CALLS")"
done
