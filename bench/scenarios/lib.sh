# Shared by the load-test scenarios (bench/scenarios/*.sh); sourced, not run.
# Starts the local pieces of a scenario (mock broker, Redis, sink, workers) in the
# background, each killed when the scenario exits (also on failure or Ctrl-C), and runs
# `switchboard loadgen` with a report.
#
# Environment (all optional):
#   SWITCHBOARD   the binary (default: build/switchboard)
#   DURATION      seconds of load (each scenario has its default)
#   RATE          offered events/s (each scenario has its default; "max" allowed where noted)
#   REPORT_DIR    where the report goes (default: /tmp/switchboard-loadtest/SCENARIO-TIMESTAMP)
#   KEEP=1        keep the work directory (configs, process logs) after the run
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SB="${SWITCHBOARD:-$REPO/build/switchboard}"
MIX="${MIX:-$REPO/bench/scenarios/mix.json}"
INTEGRATIONS="$REPO/tests/e2e/worker_fixtures/integrations.json"
SCENARIO="$(basename "$0" .sh)"
REPORT_DIR="${REPORT_DIR:-/tmp/switchboard-loadtest/$SCENARIO-$(date +%Y%m%d-%H%M%S)}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sb-$SCENARIO.XXXXXX")"
PDEATHSIG=()
command -v setpriv >/dev/null && PDEATHSIG=(setpriv --pdeathsig KILL)
[ -x "$SB" ] || { echo "$SCENARIO: $SB not found: build it (scripts/build.sh switchboard) or set SWITCHBOARD" >&2; exit 2; }
mkdir -p "$REPORT_DIR"
CHILDREN=()

log() { echo "[$SCENARIO $(date +%H:%M:%S)] $*" >&2; }

cleanup() {
  local pid i
  # Workers first (they were started last): they drain while the broker is still up.
  for ((i = ${#CHILDREN[@]} - 1; i >= 0; i--)); do
    pid="${CHILDREN[$i]}"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  for pid in "${CHILDREN[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  [ -n "${REDIS_PORT:-}" ] && redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# spawn NAME CMD...: runs CMD in the background, output in $WORK/NAME.log; sets SPAWNED.
spawn() {
  local name="$1"
  shift
  "${PDEATHSIG[@]}" "$@" >"$WORK/$name.log" 2>&1 &
  SPAWNED=$!
  CHILDREN+=("$SPAWNED")
}

# wait_for WHAT SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_for() {
  local what="$1" seconds="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then log "timed out waiting for $what"; exit 1; fi
    sleep 0.1
  done
}

# start_broker [PARTITIONS [BROKER-ARGS...]]: sets BOOTSTRAP. BROKER-ARGS go to `switchboard
# broker` (e.g. --topics NAME:PARTITIONS,...).
start_broker() {
  local partitions="${1:-12}"
  (($#)) && shift
  spawn broker "$SB" broker --partitions "$partitions" --bootstrap-file "$WORK/bootstrap" "$@"
  wait_for "the broker" 20 test -s "$WORK/bootstrap"
  BOOTSTRAP="$(cat "$WORK/bootstrap")"
  export SWITCHBOARD_KAFKA_BROKERS="$BOOTSTRAP"
  log "broker at $BOOTSTRAP"
}

# start_redis: a throwaway redis-server (no persistence) on a free port, the same port again
# when called after stop_redis; switches the workers to the Redis registry (and so to dedup)
# and imports the integrations (again after a restart: the data died with the server).
start_redis() {
  command -v redis-server >/dev/null || { log "redis-server is needed"; exit 2; }
  REDIS_PORT="${REDIS_PORT:-$(free_port)}"
  spawn "redis-$REDIS_PORT-$SECONDS" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no
  REDIS_PID=$SPAWNED
  wait_for "redis" 10 redis-cli -p "$REDIS_PORT" ping
  export SWITCHBOARD_REGISTRY_BACKEND=redis
  export SWITCHBOARD_REGISTRY_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  export SWITCHBOARD_REGISTRY_COMMAND_TIMEOUT_MS=500 SWITCHBOARD_REGISTRY_RECONNECT_MAX_MS=1000
  SWITCHBOARD_SECRET_KEY="${SWITCHBOARD_SECRET_KEY:-$(head -c 32 /dev/urandom | base64)}"
  export SWITCHBOARD_SECRET_KEY
  "$SB" registry import --config "$WORK/worker.toml" --file "$INTEGRATIONS" >"$WORK/import.log" 2>&1 ||
    { log "registry import failed: $(tail -3 "$WORK/import.log")"; exit 1; }
  log "redis on port $REDIS_PORT (registry and dedup)"
}

stop_redis() { redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill -KILL "$REDIS_PID" 2>/dev/null || true; }

# start_sink ARGS...: `switchboard sink` on SINK_PORT (a free port, chosen once and reused,
# so a restarted sink keeps the URL); sets SINK_PID and the workers' webhook URL.
start_sink() {
  SINK_PORT="${SINK_PORT:-$(free_port)}"
  spawn "sink-$SECONDS" "$SB" sink --port "$SINK_PORT" --bind 127.0.0.1 "$@"
  SINK_PID=$SPAWNED
  wait_for "the sink" 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SINK_PORT"
  export SWITCHBOARD_DELIVERY_MODE=webhook SWITCHBOARD_DELIVERY_WEBHOOK_URL="http://127.0.0.1:$SINK_PORT/webhook/load"
}

# The workers' base config; keys vary per scenario through SWITCHBOARD_* variables.
write_worker_config() {
  cat >"$WORK/worker.toml" <<TOML
[registry]
backend = "file"
file = "$INTEGRATIONS"
poll_ms = 500

[kafka]
brokers = "127.0.0.1:9092"
group_id = "loadtest"
session_timeout_ms = 6000
heartbeat_interval_ms = 500
fetch_wait_max_ms = 5
commit_interval_ms = 200

[worker]
admin_bind = "127.0.0.1"
drain_timeout_ms = 5000

[delivery]
mode = "null"

[log]
level = "warn"
TOML
}

# start_worker NAME: `switchboard run` with the current SWITCHBOARD_* environment; sets
# WORKER_PID (also WORKER_PIDS[NAME]) and waits until /readyz answers 200.
declare -A WORKER_PIDS WORKER_PORTS
start_worker() {
  local name="$1" port
  port="${WORKER_PORTS[$name]:-$(free_port)}"
  SWITCHBOARD_WORKER_ADMIN_PORT="$port" spawn "$name-$SECONDS" "$SB" run --config "$WORK/worker.toml"
  WORKER_PID=$SPAWNED
  WORKER_PIDS[$name]=$SPAWNED
  WORKER_PORTS[$name]=$port
}

wait_ready() { wait_for "worker $1 ready" 30 curl -sf "http://127.0.0.1:${WORKER_PORTS[$1]}/readyz"; }

# loadgen [ARGS...]: `switchboard loadgen` against the broker with the scenario's mix;
# progress on stderr; returns its exit code.
loadgen() {
  "$SB" loadgen --brokers "$BOOTSTRAP" --mix "$MIX" "$@"
}

write_worker_config
