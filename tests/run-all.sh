#!/bin/bash
# Builds ipmi-jumphost and runs every test: the unit tests and the fuzz
# corpora under ASan+UBSan, the unit tests under TSan, then (ctest) the unit
# tests, the fuzz corpora, the end-to-end sandbox on this kernel and the
# end-to-end tests in a QEMU VM whose kernel has 802.1Q. Run as root (the
# end-to-end tests make namespaces and mounts). Every build has -Werror.
#
# Arguments go to the main ctest run: bash tests/run-all.sh -E vm
# Environment:
#   BUILD_DIR=DIR           the build directory (default build); the sanitizer
#                           builds go to DIR-asan and DIR-tsan
#   IJ_SKIP_SANITIZERS=1    skip the sanitizer builds and runs
set -euo pipefail
cd "$(dirname "$0")/.."

# On a fresh Debian 12 machine, install what the build and the tests need
# (.ci/packages) first, as tests/lab/up.sh does; nothing when all is there.
missing=$(grep -v '^#' .ci/packages | while read -r p; do
  [ -n "$p" ] || continue
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qx 'install ok installed' || echo "$p"
done)
if [ -n "$missing" ]; then
  echo "run-all: installing" $missing
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
build=${BUILD_DIR:-build}
configure() {  # DIR BUILD_TYPE [CMAKE ARGS...]
  local dir=$1 type=$2
  shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DIJ_WERROR=ON "$@" >/dev/null
}
took() { echo "run-all: $1 took $((SECONDS - $2)) s"; }

configure "$build" RelWithDebInfo -DIJ_SANITIZE=
cmake --build "$build"

if [ "${IJ_SKIP_SANITIZERS:-0}" != 1 ]; then
  # Only what runs without root, a bus or a BMC: the unit tests, and the fuzz
  # targets replaying their corpora. Any report fails the run: ASan and TSan
  # stop at the first error, UBSan too (-fno-sanitize-recover), LeakSanitizer
  # fails the exit status. Debug builds: they compile in less than half the
  # time of -O2 ones under ASan, and assert() stays on; the optimised build
  # above has the warnings that need optimisation.
  export ASAN_OPTIONS=detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

  start=$SECONDS
  configure "$build-asan" Debug -DIJ_SANITIZE=address
  mapfile -t fuzz_targets < <(ninja -C "$build-asan" -t targets all | sed -n 's/^\(fuzz_[A-Za-z0-9_]*\): phony$/\1/p')
  cmake --build "$build-asan" --target ij_unit_tests "${fuzz_targets[@]}"
  "$build-asan/tests/ij_unit_tests" --gtest_brief=1
  ctest --test-dir "$build-asan" -R '^fuzz_corpus_' --no-tests=error --output-on-failure
  took "ASan+UBSan" "$start"

  # Threads in the unit tests: the console server's loop (its tests and the
  # tenant service's attach consoles on a fake BMC) and the worker pool. The
  # fuzz targets have none.
  start=$SECONDS
  configure "$build-tsan" Debug -DIJ_SANITIZE=thread
  cmake --build "$build-tsan" --target ij_unit_tests
  "$build-tsan/tests/ij_unit_tests" --gtest_brief=1
  took "TSan" "$start"
fi

ctest --test-dir "$build" --output-on-failure "$@"
