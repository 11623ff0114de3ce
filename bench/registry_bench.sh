#!/usr/bin/env bash
# Snapshot reload and write-visibility figures (docs/performance.md, "Registry").
# Usage: bench/registry_bench.sh [WRITES]   (builds registry_bench first)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh registry_bench >/dev/null
exec ./scripts/with_redis.sh ./build/bench/registry_bench "${1:-300}"
