#!/bin/bash
# Builds ipmi-jumphost and runs every test: unit tests, the end-to-end
# sandbox on this kernel, and the end-to-end tests in a QEMU VM whose kernel
# has 802.1Q. Run as root (the end-to-end tests make namespaces and mounts).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build"
ctest --test-dir "$build" --output-on-failure "$@"
