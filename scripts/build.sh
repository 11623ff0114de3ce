#!/usr/bin/env bash
# Configures (once) and builds build/ with Ninja, Release, ccache when present.
# Extra arguments are passed to cmake --build (e.g. a target name).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${SWITCHBOARD_BUILD_DIR:-build}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release ${SWITCHBOARD_CMAKE_ARGS:-} >/dev/null
fi
cmake --build "$BUILD_DIR" "$@"
