#!/usr/bin/env bash
# slow-provider: the provider answers after 200 ms and 10 % of answers are 429. Mock broker +
# 1 worker + sink (--latency-ms 200 --error-rate 0.1 --error-status 429), webhook delivery,
# retry.max_attempts = 1 so that a 429 fails over to the next integration of the chain at once
# (e.g. ses-de -> sg-main for German subscribers: `failedOver` in the statuses, counted in the
# report) or ends `failed` when the chain is exhausted.
# The offered rate (RATE, 400/s) is above what 64 connections x 5 answers/s carry (~320/s):
# worker.max_in_flight (400) holds the consumer, the backlog waits in Kafka, and the worker's
# RSS, sampled every second into the report, stays flat.
#   bench/scenarios/slow-provider.sh     # DURATION=60 RATE=400
source "$(dirname "$0")/lib.sh"
DURATION="${DURATION:-60}"
RATE="${RATE:-400}"
export SWITCHBOARD_RETRY_MAX_ATTEMPTS=1 SWITCHBOARD_ROUTING_MAX_FAILOVER=2
export SWITCHBOARD_WORKER_MAX_IN_FLIGHT=400 SWITCHBOARD_DELIVERY_MAX_CONNECTIONS_PER_HOST=64
export SWITCHBOARD_DELIVERY_MAX_QUEUE_MS=5000

start_broker 12
start_sink --latency-ms 200 --error-rate 0.1 --error-status 429
start_worker w1
wait_ready w1
log "offering $RATE events/s for $DURATION s against a 200 ms provider with 10% 429"
rc=0
loadgen --rate "$RATE" --duration "$DURATION" --drain-timeout "$((DURATION + 60))" --report "$REPORT_DIR" \
  --slo 'lost==0' --sample-pid "worker=$WORKER_PID" || rc=$?
log "report: $REPORT_DIR/report.html (exit $rc)"
exit "$rc"
