#!/usr/bin/env bash
# scale: 1, 2 and 3 worker processes in one consumer group (mock broker, 12 partitions, file
# registry, delivery.mode = null so that the workers' own cost is what scales). For each
# count, a fresh broker and group; loadgen offers RATE (default max: as fast as the producer
# goes) for DURATION s or EVENTS events (300,000), whichever ends first, and reports the
# throughput; every event must get a status, whatever worker took its partition. EVENTS
# bounds the backlog: the mock broker keeps only 5 MiB per partition and silently evicts
# older batches, which a larger backlog than the workers drain turns into real loss. On this 2-core machine the broker, the load generator and the
# workers share the cores, so the throughput stops growing at the core limit: that shows the
# partition split works and loses nothing, not horizontal speed-up.
#   bench/scenarios/scale.sh             # DURATION=20 RATE=max EVENTS=300000 WORKERS="1 2 3"
# Writes REPORT_DIR/workers-N/report.{json,html} and REPORT_DIR/summary.json.
source "$(dirname "$0")/lib.sh"
DURATION="${DURATION:-20}"
RATE="${RATE:-max}"
rc=0
summary="["
for n in ${WORKERS:-1 2 3}; do
  start_broker 12
  for i in $(seq "$n"); do start_worker "w$i"; done
  for i in $(seq "$n"); do wait_ready "w$i"; done
  # Every member must hold partitions before the load starts: a join after the start would
  # pause the group for a rebalance and measure that instead.
  sleep 2
  log "$n worker(s): offering $RATE events/s for $DURATION s"
  pids=()
  for i in $(seq "$n"); do pids+=(--sample-pid "w$i=${WORKER_PIDS[w$i]}"); done
  loadgen --rate "$RATE" --duration "$DURATION" --events "${EVENTS:-300000}" --drain-timeout 60 --report "$REPORT_DIR/workers-$n" \
    --slo 'lost==0' "${pids[@]}" || rc=1
  summary+="$(python3 - "$REPORT_DIR/workers-$n/report.json" "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"workers": int(sys.argv[2]), "eventsPerSecond": r["throughput"]["eventsPerSecond"],
                  "deliveriesPerSecond": r["throughput"]["deliveriesPerSecond"], "p99Ms": r["latencyMs"]["p99"],
                  "lost": r["counts"]["lost"], "repeated": r["counts"]["repeatedStatuses"]}))
PY
  ),"
  for i in $(seq "$n"); do kill -TERM "${WORKER_PIDS[w$i]}" 2>/dev/null || true; done
  for i in $(seq "$n"); do wait "${WORKER_PIDS[w$i]}" 2>/dev/null || true; done
  kill -TERM "${CHILDREN[0]}" 2>/dev/null || true  # the broker: the next count starts fresh
  wait "${CHILDREN[0]}" 2>/dev/null || true
  CHILDREN=()
done
echo "${summary%,}]" | python3 -m json.tool >"$REPORT_DIR/summary.json"
cat "$REPORT_DIR/summary.json"
log "reports: $REPORT_DIR/workers-N/report.html, summary $REPORT_DIR/summary.json (exit $rc)"
exit "$rc"
