#!/usr/bin/env bash
# Soak run, not part of CI: one GoNetpoll server under mixed load for MINUTES (default 60).
#
#   scripts/soak.sh [MINUTES]
#
# The programs are benchmarks' soak-server and soak-load (benchmarks/src/main/java/io/gonetpoll/benchmarks/soak):
# HTTP keep-alive and connection churn, echo with a slow reader (backpressure), half-closes, resets (SO_LINGER 0),
# read deadlines firing on idle clients (READ_TIMEOUT_MILLIS), and connects to a closed port. Every minute each
# prints a line: the server its open fds, heap after a full GC, threads, direct memory, leak reports, operations
# and errors by kind; the load its operations and errors.
#
# Netty's leak detector runs at PARANOID in the server: every buffer is tracked, not one in 128 as at SIMPLE or
# ADVANCED, because the paths a soak is for (a reset in the middle of a write, a deadline failing a read, a refused
# connect) run only a few hundred times a minute, and a leak on one of them could go unseen in sampling. Its
# cost, a stack trace per buffer access, lowers the load's rate, which a soak does not measure.
#
# Fails (exit status 1, with the reason) on a leak report, on an unexpected error in the server or the load, when
# the server's fds, heap or threads grow beyond the bounds of GrowthBounds after the warm-up (a tenth of the run,
# 1 to 5 minutes), or when the server's fds are not back to their number before the load once it is over.
# Builds benchmarks/target/gonetpoll-benchmarks.jar first (mvn package, never install); SOAK_SKIP_BUILD=1 skips
# that. Logs stay in a temporary directory, printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-60}
if ! [[ "$minutes" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/soak.sh [MINUTES]   (a whole number of minutes, default 60)" >&2
  exit 2
fi
read_timeout_millis=1000
jar=benchmarks/target/gonetpoll-benchmarks.jar

dir=$(mktemp -d /tmp/gonetpoll-soak.XXXXXX)
if [ -z "${SOAK_SKIP_BUILD:-}" ]; then
  echo "building $jar"
  if ! mvn -B -ntp package -DskipTests -pl benchmarks -am > "$dir/build.log" 2>&1; then
    tail -40 "$dir/build.log" >&2
    echo "soak FAILED: the build failed (log: $dir/build.log)" >&2
    exit 1
  fi
fi
server_pid=
load_pid=
cleanup() {
  for pid in $load_pid $server_pid; do
    kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# The server runs until its stdin closes: this script holds the FIFO's only writer (fd 3, opened once the server
# has started, so the server does not inherit it; the load is started without it) and closes it once the load has
# exited. The server also stops by itself 5 minutes after MINUTES.
mkfifo "$dir/server-stdin"
java -Xmx256m \
  -Dio.netty.leakDetection.level=paranoid -Dio.netty.leakDetection.targetRecords=8 \
  -Dio.netty.customResourceLeakDetector=io.gonetpoll.benchmarks.soak.CountingLeakDetector \
  -jar "$jar" soak-server --minutes "$minutes" --read-timeout-millis "$read_timeout_millis" \
  < "$dir/server-stdin" > >(tee "$dir/server.log") 2> >(tee "$dir/server.err" >&2) &
server_pid=$!
exec 3> "$dir/server-stdin"

ports=
for _ in $(seq 600); do
  ports=$(sed -n 's/^soak-server listening \(http=[0-9]* echo=[0-9]* idle=[0-9]* relay=[0-9]*\).*/\1/p' \
    "$dir/server.log" 2>/dev/null || true)
  [ -n "$ports" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$ports" ]; then
  echo "soak FAILED: the server did not start listening within 60 s (logs in $dir)" >&2
  exit 1
fi
# http=P echo=P idle=P relay=P  ->  --http P --echo P --idle P --relay P
load_args=$(echo "$ports" | sed 's/\([a-z]*\)=\([0-9]*\)/--\1 \2/g')

# shellcheck disable=SC2086
java -Xmx256m -jar "$jar" soak-load --minutes "$minutes" --read-timeout-millis "$read_timeout_millis" $load_args \
  3>&- > >(tee "$dir/load.log" 3>&-) 2>&1 &
load_pid=$!

# Whichever ends first: a failing server stops the load, and the load's end (or failure) ends the server's run.
set +e
wait -n "$server_pid" "$load_pid"
if kill -0 "$load_pid" 2>/dev/null; then
  echo "soak: the server exited during the load; stopping the load"
  kill "$load_pid" 2>/dev/null
fi
wait "$load_pid"
load_status=$?
exec 3>&-
wait "$server_pid"
server_status=$?
set -e
trap - EXIT

reasons=()
first_fail() {
  grep -h 'FAIL' "$1" | head -1
}
[ "$server_status" -eq 0 ] || reasons+=("server exit status $server_status: $(first_fail "$dir/server.log")")
[ "$load_status" -eq 0 ] || reasons+=("load exit status $load_status: $(first_fail "$dir/load.log")")
if grep -q 'LEAK:' "$dir/server.err" "$dir/server.log"; then
  reasons+=("a leak report in the server's output")
fi
if [ ${#reasons[@]} -gt 0 ]; then
  printf 'soak FAILED after %s minute(s):\n' "$minutes" >&2
  printf '  %s\n' "${reasons[@]}" >&2
  echo "logs: $dir" >&2
  exit 1
fi
echo "soak PASSED: $minutes minute(s); logs: $dir"
