#!/usr/bin/env bash
# The benchmark suite in one command: builds the jars if they are missing or older than the sources, installs
# wrk and strace if missing (as root, from Debian's packages), then runs every scenario (issue 5's a-g; UDP i-j
# and Unix-domain k-m) on every transport and writes docs/benchmarks/REPORT.md and its PNG charts.
#
# usage: benchmarks/run.sh [--quick] [suite options]
#   --quick   smoke run: 1 run, short warm-up, 1,000 idle connections; not for comparison (a-g: under 5 minutes)
#   (full run: 3 interleaved runs, 15 s warm-up per server start, 10,000 idle connections; a-g: 37 min measured;
#   h, the spin/busy-wait comparison, starts 8 servers per run and adds about 20 min; i-m, UDP and Unix-domain,
#   add roughly as much as a-g, estimated from a smoke run)
#   further options: --runs N, --only a,b,...(scenario letters), --no-strace, --out DIR, --warmup-seconds S,
#   --measure-seconds S, --spin-idle-seconds S (h's idle measurement), --idle-connections N (g); --help: this text.
#   An unknown option or --only letter stops the suite before it starts.
set -euo pipefail
case " $* " in *" --help "*|*" -h "*) sed -n '2,13p' "$0"; exit 0 ;; esac
cd "$(dirname "$0")/.."

# Each jar with the modules it is built from: a source or pom newer than the jar means it is stale.
stale() {
  local jar=$1; shift
  [ -f "$jar" ] || return 0
  [ -n "$(find pom.xml "$@" -newer "$jar" \( -path '*/target' -prune -o -type f \
      \( -name '*.java' -o -name '*.c' -o -name '*.h' -o -name pom.xml \) -print \) | head -1)" ]
}
needs_build() {
  stale examples/target/gonetpoll-examples.jar transport-gonetpoll examples \
      || stale benchmarks/target/gonetpoll-benchmarks.jar transport-gonetpoll benchmarks \
      || stale benchmarks/target/echo-load benchmarks \
      || stale benchmarks/target/udp-load benchmarks
}
if needs_build; then
  echo "building: mvn -B -q -DskipTests install"
  mvn -B -q -DskipTests install
fi

missing=()
for tool in wrk strace taskset; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  packages=("${missing[@]/taskset/util-linux}")
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${missing[*]}; install them: apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
  apt-get install -y "${packages[@]}" || { apt-get update && apt-get install -y "${packages[@]}"; }
fi

# Scenario g holds 10,000 connections in each of two processes.
ulimit -n "$(ulimit -Hn)"
exec java -jar benchmarks/target/gonetpoll-benchmarks.jar suite --command "benchmarks/run.sh $*" "$@"
