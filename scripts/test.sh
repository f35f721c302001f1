#!/usr/bin/env bash
# Runs every test of the project: the library's unit tests, Netty's testsuite against GoNetpoll, and the
# integration tests that use real clients (curl, strace). Installs those two tools, and on x86_64 the aarch64
# cross compiler the build uses for the linux-aarch_64 JNI library, first if they are missing and this shell may
# install packages (root with apt-get); otherwise the tests that need them say so (and the build says it skipped
# the aarch64 library).
set -euo pipefail
cd "$(dirname "$0")/.."

# command the tests or the build run -> Debian package that provides it
declare -A packages=([curl]=curl [strace]=strace)
if [ "$(uname -m)" = x86_64 ]; then
  packages[aarch64-linux-gnu-gcc]=gcc-aarch64-linux-gnu
fi
missing=()
for tool in "${!packages[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${packages[$tool]}")
done
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  (apt-get install -y -q "${missing[@]}" || (apt-get update -q && apt-get install -y -q "${missing[@]}")) >/dev/null
fi

exec mvn -B -ntp install "$@"
