#!/usr/bin/env bash
# Worker pipeline benchmark (issue 5; targets: >= 50,000 events/s through one worker, and a
# worker-added p99 latency <= 5 ms at half that rate). Results: docs/performance.md,
# "Worker pipeline".
#
# Runs bench/pipeline_bench.py: `switchboard broker` (librdkafka's mock cluster) and one
# `switchboard run` with delivery.mode = "null" (file registry: tests/e2e/worker_fixtures),
# ~1 KB events produced with kcat.
#   1. throughput: EVENTS events produced first, then the worker started; rate = statuses over
#      the span of their `ts`, cross-checked against /metrics (first consumed -> all acked);
#   2. latency: fresh broker and worker, events stamped with createdAt at RATE (default half the
#      measured rate) for LATENCY_SECONDS; percentiles of the statuses' latencyMs, and of ts - createdAt.
# Prints progress lines and, last, one JSON object with every figure.
#
# Usage: bench/pipeline_bench.sh [SWITCHBOARD_BINARY] [-- extra pipeline_bench.py options]
# Env:   EVENTS (300000), LATENCY_SECONDS (6), RATE (0 = half the measured rate), PARTITIONS (32: the mock keeps only 5 MiB per partition)
# Do not run it while something else builds or benchmarks: broker, worker, kcat and the
# producer share the machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="build/switchboard"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then BIN="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
[ -x "$BIN" ] || { echo "pipeline_bench: $BIN not found; build it first (scripts/build.sh switchboard)" >&2; exit 2; }
command -v kcat >/dev/null || { echo "pipeline_bench: kcat is needed (apt-get install kcat)" >&2; exit 2; }

exec python3 bench/pipeline_bench.py --switchboard "$BIN" \
  --events "${EVENTS:-300000}" --seconds "${LATENCY_SECONDS:-6}" --rate "${RATE:-0}" \
  --partitions "${PARTITIONS:-32}" "$@"
