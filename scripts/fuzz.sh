#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (build-fuzz/, ASan + UBSan) and
# runs each for SECONDS (default 30) on a copy of its seed corpus. Exits non-zero when a
# target finds a crash (the reproducer is kept in build-fuzz/artifacts/), 0 otherwise.
# Without clang it prints "fuzz: skipped (no clang)" and exits 0.
#
# Usage: scripts/fuzz.sh [SECONDS]
# Env:   FUZZ_BUILD_DIR (build-fuzz), FUZZ_JOBS (ninja -j, default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
# Cache hits across checkouts in other directories (CI clones afresh).
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"

SECONDS_PER_TARGET="${1:-30}"
BUILD_DIR="${FUZZ_BUILD_DIR:-build-fuzz}"
TARGETS=(fuzz_integration_parse fuzz_event_route)
declare -A CORPUS=([fuzz_integration_parse]=integrations [fuzz_event_route]=events)
declare -A DICT=([fuzz_integration_parse]=integrations.dict [fuzz_event_route]=event.dict)

if ! command -v clang++ >/dev/null || ! command -v clang >/dev/null; then
  echo "fuzz: skipped (no clang)"
  exit 0
fi

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
    -DSWITCHBOARD_FUZZ=ON -DSWITCHBOARD_BUILD_BENCH=OFF -DSWITCHBOARD_BUILD_TESTS=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD_DIR" --target "${TARGETS[@]}" -- -j "${FUZZ_JOBS:-2}"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$BUILD_DIR/artifacts"
status=0
for target in "${TARGETS[@]}"; do
  corpus="$WORK/${CORPUS[$target]}"
  cp -r "tests/fuzz/corpus/${CORPUS[$target]}" "$corpus"
  echo "fuzz: $target for ${SECONDS_PER_TARGET}s"
  # UBSan reports abort too; leaks are reported by ASan at exit.
  if UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     "$BUILD_DIR/tests/fuzz/$target" "$corpus" \
       -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
       -dict="tests/fuzz/${DICT[$target]}" -artifact_prefix="$BUILD_DIR/artifacts/$target-" \
       -print_final_stats=1 >"$WORK/$target.log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ *DONE)' "$WORK/$target.log" || true
    echo "fuzz: $target ok"
  else
    status=1
    echo "fuzz: $target FAILED; log tail:" >&2
    tail -n 60 "$WORK/$target.log" >&2
    echo "fuzz: reproducer(s): $(ls "$BUILD_DIR/artifacts/$target-"* 2>/dev/null | tr '\n' ' ')" >&2
  fi
done
exit "$status"
