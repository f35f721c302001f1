#!/usr/bin/env bash
# Runs the whole suite on the build's Netty (scripts/test.sh without the JDK 25 run and the version matrix) RUNS
# times back to back while two processes burn a core each, as a loaded two-core CI host would: for the flakes
# that one scheduling stall brings out. A failing test does not stop a run (maven.test.failure.ignore), so every
# run runs every test; a run passes if Maven succeeds and no test failed. Prints each run's result, duration and
# failed tests, and ends with the count of failed runs (exit 1 if any); each run's Maven output stays in
# target/loaded-suite/run-N.log. Not part of CI.
#
#   scripts/loaded-suite.sh [RUNS]     (5 by default)
#
# The burners are spin loops pinned one to each of the first two cores and stopped when the script ends, however
# it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
logs=target/loaded-suite
mkdir -p "$logs"

burners=()
stop_burners() {
  for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_burners EXIT
for core in 0 1; do
  taskset -c "$core" sh -c 'while :; do :; done' &
  burners+=($!)
done

failed=0
for run in $(seq 1 "$runs"); do
  start=$(date +%s)
  maven=0
  GONETPOLL_JDK25="" NETTY_MATRIX="" scripts/test.sh -Dmaven.test.failure.ignore=true >"$logs/run-$run.log" 2>&1 \
    || maven=$?
  # Each module's summary line, not the per-class ones (which end in "-- in CLASS").
  read -r tests bad skipped < <(grep -a -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures' "$logs/run-$run.log" \
    | grep -a -v ' -- in ' | awk -F'[ ,]+' '{t += $4; f += $6 + $8; s += $10} END {print t + 0, f + 0, s + 0}')
  if [ "$maven" = 0 ] && [ "$bad" = 0 ]; then result=passed; else result=FAILED; failed=$((failed + 1)); fi
  echo "run $run of $runs: $result in $(( $(date +%s) - start )) s ($tests tests, $bad failed, $skipped skipped;" \
    "Maven exit $maven; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  [ "$result" = passed ] || grep -a -E '<<< (FAILURE|ERROR)!|^\[ERROR\] +[A-Za-z].*:[0-9]+ ' "$logs/run-$run.log" | grep -a -v 'Tests run:' | head -20
done
echo "$failed of $runs runs failed"
[ "$failed" = 0 ]
