#!/usr/bin/env bash
# Batch explain throughput (routing, issue 3; target >= 300,000 events/s on one core).
#
# Generates (bench/gen_events.py, fixed seeds) a 100,000-line events file of ~1 KB
# events and the 50 email integrations of BM_RouteDecision/50, then times
#   switchboard explain --integrations F --events E > /dev/null
# RUNS times (default 3), pinned to one core with taskset when available, and prints
# events/s for the best and the median run. Invalid and blank lines count as events
# (each gets an output line).
#
# Usage: bench/explain_batch.sh [SWITCHBOARD_BINARY]   (default build/switchboard)
# Env:   LINES (100000), RUNS (3), CPU (0), WORK_DIR (a temp dir, removed at exit)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${1:-build/switchboard}"
LINES="${LINES:-100000}"
RUNS="${RUNS:-3}"
CPU="${CPU:-0}"
[ -x "$BIN" ] || { echo "explain_batch: $BIN not found; build it first (scripts/build.sh switchboard)" >&2; exit 2; }

if [ -n "${WORK_DIR:-}" ]; then
  mkdir -p "$WORK_DIR"
  DIR="$WORK_DIR"
else
  DIR="$(mktemp -d)"
  trap 'rm -rf "$DIR"' EXIT
fi
INTEGRATIONS="$DIR/integrations-50.json"
EVENTS="$DIR/events-$LINES.jsonl"
[ -s "$INTEGRATIONS" ] || python3 bench/gen_events.py --integrations "$INTEGRATIONS"
[ -s "$EVENTS" ] || python3 bench/gen_events.py --events "$EVENTS" --lines "$LINES"

PIN=()
if command -v taskset >/dev/null && taskset -c "$CPU" true 2>/dev/null; then
  PIN=(taskset -c "$CPU")
  echo "explain_batch: pinned to CPU $CPU"
else
  echo "explain_batch: taskset not available, not pinned"
fi

# The output must hold one line per non-blank input line.
expected=$(grep -cv '^[[:space:]]*$' "$EVENTS" || true)
got=$("${PIN[@]}" "$BIN" explain --integrations "$INTEGRATIONS" --events "$EVENTS" | wc -l)
if [ "$got" != "$expected" ]; then
  echo "explain_batch: expected $expected output lines, got $got" >&2
  exit 1
fi
echo "explain_batch: $LINES lines, $(stat -c %s "$EVENTS") bytes; $expected output lines"

times=()
for run in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  "${PIN[@]}" "$BIN" explain --integrations "$INTEGRATIONS" --events "$EVENTS" > /dev/null
  end=$(date +%s%N)
  ns=$((end - start))
  times+=("$ns")
  python3 -c "import sys; ns=int(sys.argv[1]); print('run %s: %.3f s, %.0f events/s' % (sys.argv[2], ns/1e9, int(sys.argv[3])*1e9/ns))" \
    "$ns" "$run" "$LINES"
done

python3 - "$LINES" "${times[@]}" <<'EOF'
import statistics, sys
lines = int(sys.argv[1])
ns = sorted(int(t) for t in sys.argv[2:])
best, median = ns[0], statistics.median(ns)
print("best:   %.0f events/s (%.3f s)" % (lines * 1e9 / best, best / 1e9))
print("median: %.0f events/s (%.3f s)" % (lines * 1e9 / median, median / 1e9))
print("target: 300000 events/s on one core: %s (median)" % ("met" if lines * 1e9 / median >= 300000 else "NOT met"))
EOF
