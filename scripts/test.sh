#!/usr/bin/env bash
# Runs every test of the project: the library's unit tests, Netty's testsuite against GoNetpoll, and the
# integration tests that use real clients (curl, strace). Installs those two tools first if they are missing
# and this shell may install packages (root with apt-get); otherwise the tests that need them say so.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in curl strace; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]}"
  (apt-get install -y -q "${missing[@]}" || (apt-get update -q && apt-get install -y -q "${missing[@]}")) >/dev/null
fi

exec mvn -B -ntp install "$@"
