#!/usr/bin/env bash
# Runs every test of the project: the library's unit tests, Netty's testsuite against GoNetpoll, and the
# integration tests that use real clients (curl, strace; python3 as a peer that sends MSG_OOB on a Unix socket), on the
# build's Netty; then a version matrix on newer Netty releases (below). Installs those tools, and on x86_64 the aarch64
# cross compiler the build uses for the linux-aarch_64 JNI library, first if they are missing and this shell may
# install packages (root with apt-get); otherwise the tests that need them say so (and the build says it skipped
# the aarch64 library).
set -euo pipefail
cd "$(dirname "$0")/.."

can_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

# Installs Debian packages, refreshing the package lists only if the packages are not found without.
install_packages() {
  export DEBIAN_FRONTEND=noninteractive
  (apt-get install -y -q "$@" || (apt-get update -q && apt-get install -y -q "$@")) >/dev/null
}

missing=()
for tool in curl strace python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ] && can_install; then
  echo "installing ${missing[*]}"
  install_packages "${missing[@]}"
fi

# Optional: without it the build skips the linux-aarch_64 library and says so.
if [ "$(uname -m)" = x86_64 ] && ! command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 && can_install; then
  echo "installing gcc-aarch64-linux-gnu"
  install_packages gcc-aarch64-linux-gnu || echo "could not install gcc-aarch64-linux-gnu: the build will skip the linux-aarch_64 JNI library"
fi

# The full suite on the build's Netty (netty.version in pom.xml: the default, and the oldest release GoNetpoll
# supports). Further arguments go to this Maven run.
mvn -B -ntp install "$@"

# The tests of the JDK 25 run and of the version matrix (both below): the transport's unit tests, the integration tests
# and a fixed subset of Netty's testsuite (echo, half-closure, file regions, SSL echo, auto-read, shutdown of the
# output by either side; GoNetpoll x GoNetpoll pairs only).
testsuite_subset=GoNetpollSocketEchoTest,GoNetpollSocketHalfClosedTest,GoNetpollSocketFileRegionTest,\
GoNetpollSocketSslEchoTest,GoNetpollSocketAutoReadTest,GoNetpollSocketShutdownOutputBySelfTest,\
GoNetpollSocketShutdownOutputByPeerTest
# Left out: EpollCtlUnderBackpressureTest, whose echo runs through Netty's epoll, and Netty's epoll classes of a newer
# release over the build's epoll library fail it ('Channel output shutdown', 'Connection reset'): a mix no
# application has, since a release's epoll classes come with its own library. The full suite above runs it.
matrix_tests="io/gonetpoll/channel/*Test,io/gonetpoll/leakcheck/*Test,io/gonetpoll/it/*Test,io/gonetpoll/it/fault/*Test,\
io/gonetpoll/it/uds/*Test,$testsuite_subset,!EpollCtlUnderBackpressureTest"

# JDK 25, the newest LTS users run (JDK 24 and later: restricted native access, Netty without sun.misc.Unsafe): those
# tests on the build's Netty, with surefire forking that JDK's java (the build itself stays on the JDK
# that runs Maven). Run before the matrix, while the modules' target/ directories hold the build's Netty.
# GONETPOLL_JDK25=/path/to/jdk picks the JDK; GONETPOLL_JDK25="" skips this part.
jdk25=${GONETPOLL_JDK25-/usr/lib/jvm/temurin-25-jdk-amd64}
if [ -n "$jdk25" ]; then
  if [ ! -x "$jdk25/bin/java" ]; then
    echo "no JDK at $jdk25 (GONETPOLL_JDK25): set it to a JDK 25, or to \"\" to skip the JDK 25 tests" >&2
    exit 1
  fi
  echo "JDK 25: $("$jdk25/bin/java" -version 2>&1 | head -1)"
  start=$(date +%s)
  mvn -B -ntp -Djvm="$jdk25/bin/java" -pl transport-gonetpoll,examples,shading-test,integration-tests verify \
    -Dtest="$matrix_tests" -Dsurefire.failIfNoSpecifiedTests=false -Dgonetpoll.testsuite.gonetpollPairOnly=true
  echo "JDK 25 passed in $(( $(date +%s) - start )) s"
fi

# The version matrix: on each newer Netty release below, those tests compiled and run against that release's classes. Its native jars
# (unix-common's static library, epoll, io_uring, BoringSSL) are not served, so the build's serve
# (netty.native.version, netty.tcnative.version), as where an application runs GoNetpoll built with one release on
# the classes of a newer one. NETTY_MATRIX="4.2.20.Final ..." picks the releases, NETTY_MATRIX="" skips the matrix.
# The modules' target/ directories end up built for the last release run.
NETTY_MATRIX=${NETTY_MATRIX-4.2.20.Final}
build_netty=$(sed -n 's|^ *<netty.version>\(.*\)</netty.version>.*|\1|p' pom.xml)
build_tcnative=$(sed -n 's|^ *<netty.tcnative.version>\(.*\)</netty.tcnative.version>.*|\1|p' pom.xml)
for netty in $NETTY_MATRIX; do
  echo "version matrix: Netty $netty (native jars $build_netty)"
  start=$(date +%s)
  mvn -B -ntp -Dnetty.version="$netty" -Dnetty.native.version="$build_netty" -Dtcnative.version="$build_tcnative" \
    -pl transport-gonetpoll,examples,shading-test,integration-tests verify \
    -Dtest="$matrix_tests" -Dsurefire.failIfNoSpecifiedTests=false -Dgonetpoll.testsuite.gonetpollPairOnly=true
  echo "version matrix: Netty $netty passed in $(( $(date +%s) - start )) s"
done
