#!/usr/bin/env bash
# Builds and runs every test suite. Starts what the suites need and stops it afterwards.
#   1. routing suites under AddressSanitizer + UBSan (build-asan/)
#   2. libFuzzer targets for 30 s each when clang is present (build-fuzz/)
#   3. everything in build/ through ctest (its summary is the last thing printed)
# Exit status: non-zero when any stage fails. Environment:
#   SWITCHBOARD_SKIP_SANITIZE=1, SWITCHBOARD_SKIP_FUZZ=1 skip stages 1 and 2;
#   SWITCHBOARD_FUZZ_SECONDS (default 30).
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
stage() { printf '\n==> %s\n' "$*"; }

if [ "${SWITCHBOARD_SKIP_SANITIZE:-0}" != 1 ]; then
  stage "routing and registry suites under -DSWITCHBOARD_SANITIZE=address,undefined (build-asan/)"
  if SWITCHBOARD_BUILD_DIR=build-asan \
     SWITCHBOARD_CMAKE_ARGS="-DSWITCHBOARD_SANITIZE=address,undefined -DSWITCHBOARD_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo" \
     ./scripts/build.sh routing_tests registry_tests registry_integration_tests; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-asan -L 'routing|registry' -LE e2e --output-on-failure -j2 || failed+=("sanitizers")
  else
    failed+=("sanitizer build")
  fi
fi

if [ "${SWITCHBOARD_SKIP_FUZZ:-0}" != 1 ] && [ -x scripts/fuzz.sh ]; then
  stage "fuzzing (${SWITCHBOARD_FUZZ_SECONDS:-30} s per target)"
  ./scripts/fuzz.sh "${SWITCHBOARD_FUZZ_SECONDS:-30}" || failed+=("fuzz")
fi

stage "build/ (Release) and every ctest suite"
if ./scripts/build.sh; then
  ctest --test-dir build --output-on-failure -j2 || failed+=("ctest")
else
  failed+=("build")
fi

if ((${#failed[@]})); then
  echo "test.sh: FAILED stages: ${failed[*]}" >&2
  exit 1
fi
