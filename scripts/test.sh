#!/usr/bin/env bash
# Runs every test of the project: the library's unit tests, Netty's testsuite against GoNetpoll, and the
# integration tests that use real clients (curl, strace). Installs those two tools, and on x86_64 the aarch64
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
for tool in curl strace; do
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

exec mvn -B -ntp install "$@"
