#!/usr/bin/env bash
# Runs one load-test scenario of bench/scenarios/ and prints where its report is.
# Usage: scripts/loadtest.sh SCENARIO [--duration S] [--rate R]
#   SCENARIO: steady | scale | chaos | slow-provider
# Environment: SWITCHBOARD (binary, default build/switchboard), REPORT_DIR, KEEP=1 (see
# bench/scenarios/lib.sh). Exit code: the scenario's (0 when nothing was lost and the SLO held).
set -euo pipefail
cd "$(dirname "$0")/.."
usage() {
  echo "usage: $0 steady|scale|chaos|slow-provider [--duration S] [--rate R]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
scenario="$1"
shift
[ -f "bench/scenarios/$scenario.sh" ] && [ "$scenario" != lib ] || usage
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) [ $# -ge 2 ] || usage; export DURATION="$2"; shift 2 ;;
    --rate) [ $# -ge 2 ] || usage; export RATE="$2"; shift 2 ;;
    *) usage ;;
  esac
done
export REPORT_DIR="${REPORT_DIR:-/tmp/switchboard-loadtest/$scenario-$(date +%Y%m%d-%H%M%S)}"
rc=0
"bench/scenarios/$scenario.sh" || rc=$?
echo "loadtest $scenario: exit $rc; report: $REPORT_DIR"
exit "$rc"
