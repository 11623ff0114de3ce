#!/usr/bin/env bash
# chaos: failures while the load runs; nothing may be lost. Mock broker + Redis (registry and
# dedup) + 2 workers in one group + sink (webhook delivery). During the run:
#   - every KILL_EVERY s (10) one worker (alternating) is SIGKILLed and restarted at once;
#   - at REDIS_DOWN_AT s (DURATION/3) Redis stops for REDIS_DOWN_FOR s (5), then restarts on
#     its port (the workers route from their snapshot meanwhile; dedup lookups fail open);
#   - every SINK_BURST_EVERY s (15) the sink answers 503 to everything for SINK_BURST_FOR s (3)
#     (a restart with --status 503 on the same port), so deliveries retry and fail over.
# Times count from the launch of loadgen, which starts producing ~4 s later (group join).
# Redelivered events show up as repeatedStatuses / duplicate in the report; the dips are in
# its throughput chart. Exit: loadgen's (1 when any event is lost).
#   bench/scenarios/chaos.sh             # DURATION=60 RATE=2000
source "$(dirname "$0")/lib.sh"
DURATION="${DURATION:-60}"
RATE="${RATE:-2000}"
KILL_EVERY="${KILL_EVERY:-10}"
REDIS_DOWN_AT="${REDIS_DOWN_AT:-$((DURATION / 3))}"
REDIS_DOWN_FOR="${REDIS_DOWN_FOR:-5}"
SINK_BURST_EVERY="${SINK_BURST_EVERY:-15}"
SINK_BURST_FOR="${SINK_BURST_FOR:-3}"
# Failed attempts retry quickly; a retried-out delivery fails over, then ends `failed`.
export SWITCHBOARD_RETRY_BASE_MS=50 SWITCHBOARD_RETRY_MAX_MS=500 SWITCHBOARD_DELIVERY_TIMEOUT_MS=2000

start_broker 12
start_redis
start_sink
start_worker w1
start_worker w2
wait_ready w1
wait_ready w2
log "offering $RATE events/s for $DURATION s; kill every ${KILL_EVERY}s, redis down at ${REDIS_DOWN_AT}s for ${REDIS_DOWN_FOR}s, sink 503 bursts every ${SINK_BURST_EVERY}s"
# The drain covers a killed worker's session timeout (6 s), the rebalance and the retries.
loadgen --rate "$RATE" --duration "$DURATION" --drain-timeout 60 --report "$REPORT_DIR" --slo 'lost==0' \
  --sample-pid "w1=${WORKER_PIDS[w1]}" &
LOADGEN=$!
start=$SECONDS
next_kill=$KILL_EVERY
next_burst=$SINK_BURST_EVERY
redis_state=up
victim=1
while kill -0 "$LOADGEN" 2>/dev/null && ((SECONDS - start < DURATION)); do
  t=$((SECONDS - start))
  if ((t >= next_kill)); then
    log "t=${t}s: SIGKILL w$victim (pid ${WORKER_PIDS[w$victim]}) and restart it"
    kill -KILL "${WORKER_PIDS[w$victim]}" 2>/dev/null || true
    start_worker "w$victim"
    victim=$((3 - victim))
    next_kill=$((next_kill + KILL_EVERY))
  fi
  if [ "$redis_state" = up ] && ((t >= REDIS_DOWN_AT)); then
    log "t=${t}s: stopping redis for ${REDIS_DOWN_FOR}s"
    stop_redis
    redis_state=down
  elif [ "$redis_state" = down ] && ((t >= REDIS_DOWN_AT + REDIS_DOWN_FOR)); then
    log "t=${t}s: restarting redis on its port (and importing the integrations again)"
    start_redis
    redis_state=back
  fi
  if ((t >= next_burst)); then
    log "t=${t}s: sink answers 503 for ${SINK_BURST_FOR}s"
    kill -TERM "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || true
    start_sink --status 503
    sleep "$SINK_BURST_FOR"
    kill -TERM "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || true
    start_sink
    next_burst=$((next_burst + SINK_BURST_EVERY))
  fi
  sleep 0.2
done
rc=0
wait "$LOADGEN" || rc=$?
log "report: $REPORT_DIR/report.html (exit $rc)"
exit "$rc"
