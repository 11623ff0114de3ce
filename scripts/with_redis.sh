#!/usr/bin/env bash
# Runs a command against a throwaway Redis on 127.0.0.1:
#   scripts/with_redis.sh CMD [ARGS...]
# Starts `redis-server` (no persistence) on a free port, waits until it answers PING,
# exports SWITCHBOARD_TEST_REDIS_URL=redis://127.0.0.1:PORT/0, SWITCHBOARD_TEST_REDIS_PORT
# and SWITCHBOARD_TEST_REDIS_SERVER (the redis-server binary, for tests that restart it),
# runs CMD, stops every server on that port (also one a test restarted) and exits with
# CMD's status. Exit 125 when Redis cannot be started.
set -uo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi
redis_server="$(command -v redis-server || true)"
redis_cli="$(command -v redis-cli || true)"
if [ -z "$redis_server" ] || [ -z "$redis_cli" ]; then
  echo "with_redis.sh: redis-server and redis-cli are needed (apt-get install redis-server)" >&2
  exit 125
fi

free_port() {
  python3 - <<'EOF' 2>/dev/null && return 0
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
  # No python3: try ports until one refuses connections.
  local port
  for port in $(seq 26379 26479); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

workdir="$(mktemp -d "${TMPDIR:-/tmp}/with_redis.XXXXXX")"
redis_pid=""
port=""

cleanup() {
  if [ -n "$port" ]; then
    # Stops whichever server holds the port now (a test may have restarted it).
    "$redis_cli" -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  fi
  if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2>/dev/null; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=0
for attempt in 1 2 3 4 5; do
  port="$(free_port)" || { echo "with_redis.sh: no free port found" >&2; exit 125; }
  "$redis_server" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --dir "$workdir" --logfile "$workdir/redis.log" &
  redis_pid=$!
  for _ in $(seq 1 100); do
    if "$redis_cli" -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
      started=1
      break
    fi
    kill -0 "$redis_pid" 2>/dev/null || break  # exited: the port was taken meanwhile
    sleep 0.05
  done
  [ "$started" = 1 ] && break
  kill "$redis_pid" 2>/dev/null || true
  wait "$redis_pid" 2>/dev/null || true
  redis_pid=""
  echo "with_redis.sh: redis-server did not start on port $port (attempt $attempt)" >&2
done
if [ "$started" != 1 ]; then
  cat "$workdir/redis.log" >&2 2>/dev/null || true
  port=""
  exit 125
fi

export SWITCHBOARD_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
export SWITCHBOARD_TEST_REDIS_PORT="$port"
export SWITCHBOARD_TEST_REDIS_SERVER="$redis_server"
"$@"
status=$?
exit "$status"
