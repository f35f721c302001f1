#!/usr/bin/env bash
# Runs one test method of integration-tests (all its parameterised cases), or one class, many times in one JVM, with the test JVM
# arguments of the build (leak detector PARANOID, -Xcheck:jni), and prints how many runs failed and each distinct
# failure once: for a failure CI saw once. Bounded by a number of runs and by minutes; run it beside nothing else
# (it is not a CPU burner, but the machine's load changes what it finds). Not part of CI.
#
#   scripts/stress-test.sh METHOD|CLASS RUNS MINUTES
#   scripts/stress-test.sh 'io.gonetpoll.it.fault.PeerClosesDuringLargeWriteTest#parkedFlushCompletesAfterPeerFinWithHalfClosure(io.gonetpoll.it.fault.FaultTransport,io.gonetpoll.it.fault.PeerConnection$Side)' 300 30
#
# Compiles what it runs first (mvn test-compile, offline), for the build's Netty.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 3 ] || { echo "usage: $0 METHOD|CLASS RUNS MINUTES" >&2; exit 2; }
classpath=$(mktemp)
trap 'rm -f "$classpath"' EXIT
# In one reactor with the transport, so that its classes resolve from target/ rather than from a local repository.
mvn -B -q -o -pl transport-gonetpoll,examples,shading-test,integration-tests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$classpath" -Dmdep.includeScope=test >/dev/null
jvm_args=$(sed -n 's|.*<test.jvm.args>\(.*\)</test.jvm.args>.*|\1|p' pom.xml)
# shellcheck disable=SC2086 # the JVM arguments are one word each
exec nice java $jvm_args -cp "integration-tests/target/test-classes:$(cat "$classpath")" io.gonetpoll.it.RepeatMain "$@"
