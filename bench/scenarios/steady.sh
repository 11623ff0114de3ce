#!/usr/bin/env bash
# steady: a sustained rate through one worker. Mock broker + Redis (registry and dedup) +
# 1 worker + `switchboard sink`; the worker delivers every target as a webhook POST to the
# sink (delivery.mode = webhook; MODE=null delivers nowhere instead).
# Partitions: PARTITIONS (4) for the events and dead-letter topics, STATUS_PARTITIONS (1) for
# the status topic. librdkafka's mock answers each Fetch with one batch per partition, found
# by walking that partition's batch list from its start (up to 5 MiB of batches are kept), so
# its CPU grows with the partitions squared at a given rate; with 12 partitions everywhere it
# took more of the 2 cores than the worker. One worker (one io thread) gains nothing from more
# partitions; scale.sh keeps 12.
# Target on the 2-core machine: >= 15,000 deliveries/s end to end, p99 <= 50 ms, none lost.
#   bench/scenarios/steady.sh            # RATE=15000 DURATION=60
#   RATE=5000 DURATION=10 SLO='lost==0' bench/scenarios/steady.sh
# Exit code: loadgen's (0 ok, 1 lost or SLO missed).
source "$(dirname "$0")/lib.sh"
DURATION="${DURATION:-60}"
RATE="${RATE:-15000}"
SLO="${SLO:-p99<=50ms,lost==0}"

PARTITIONS="${PARTITIONS:-4}"
start_broker "$PARTITIONS" --topics \
  "notifications.events,notifications.status:${STATUS_PARTITIONS:-1},notifications.dlq"
start_redis
if [ "${MODE:-webhook}" = webhook ]; then start_sink; fi
start_worker w1
wait_ready w1
log "offering $RATE events/s for $DURATION s (delivery.mode = ${MODE:-webhook})"
rc=0
loadgen --rate "$RATE" --duration "$DURATION" --drain-timeout 30 --report "$REPORT_DIR" --slo "$SLO" \
  --sample-pid "worker=$WORKER_PID" || rc=$?
log "report: $REPORT_DIR/report.html (exit $rc)"
exit "$rc"
