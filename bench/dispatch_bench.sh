#!/usr/bin/env bash
# Delivery benchmark (issue 6; targets on this 2-core machine, worker and sink sharing the
# cores: >= 20,000 deliveries/s over plain HTTP, >= 12,000/s over TLS, >= 10,000/s with 50 ms
# provider latency). Results: docs/performance.md, "Delivery (issue 6)".
#
# Runs bench/dispatch_bench.py: per mode a fresh `switchboard broker`, `switchboard sink` and
# one `switchboard run` with delivery.mode = "adapters" sending ~1 KB email events through the
# SendGrid adapter (credentials.baseUrl = the sink). Modes: plain, tls (delivery.ca_file = the
# sink's certificate), latency50 (sink --latency-ms 50). Prints a JSON object per mode, the
# summary JSON and a one-line summary last.
#
# Usage: bench/dispatch_bench.sh [SWITCHBOARD_BINARY] [-- extra dispatch_bench.py options]
#        (--modes plain,tls --perf: perf record the worker, flat profiles in the kept temp dir)
# Env:   EVENTS (100000 per mode), PARTITIONS (32: the mock keeps only 5 MiB per partition)
# Do not run it while something else builds or benchmarks: broker, sink, worker and kcat
# share the machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="build/switchboard"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then BIN="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
[ -x "$BIN" ] || { echo "dispatch_bench: $BIN not found; build it first (scripts/build.sh switchboard)" >&2; exit 2; }
command -v kcat >/dev/null || { echo "dispatch_bench: kcat is needed (apt-get install kcat)" >&2; exit 2; }

exec python3 bench/dispatch_bench.py --switchboard "$BIN" --events "${EVENTS:-100000}" \
  --partitions "${PARTITIONS:-32}" "$@"
