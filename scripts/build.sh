#!/usr/bin/env bash
# Configures (once) and builds with Ninja, Release, ccache when present.
# Usage: ./scripts/build.sh [TARGET...]   (no target: everything)
# Environment: SWITCHBOARD_BUILD_DIR (default build), SWITCHBOARD_CMAKE_ARGS (extra -D options).
set -euo pipefail
cd "$(dirname "$0")/.."
# Cache hits across checkouts in other directories (CI clones afresh).
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
BUILD_DIR="${SWITCHBOARD_BUILD_DIR:-build}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  # shellcheck disable=SC2086 # SWITCHBOARD_CMAKE_ARGS is a list of options
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release ${SWITCHBOARD_CMAKE_ARGS:-} >/dev/null
fi
if (($#)); then
  cmake --build "$BUILD_DIR" --target "$@"
else
  cmake --build "$BUILD_DIR"
fi
