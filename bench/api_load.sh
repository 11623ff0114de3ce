#!/usr/bin/env bash
# Load test of the management API: starts a throwaway Redis (scripts/with_redis.sh) or uses
# a file store, starts `switchboard api` on a free loopback port, runs build/bench/api_load
# (8 keep-alive connections: creates, then GETs by id), prints its JSON, stops everything.
#
#   bench/api_load.sh [--backend redis|file] [api_load options, e.g. --get-seconds 10]
#
# Build first: ./scripts/build.sh switchboard api_load. Do not run it during a build: the
# figures are only meaningful on otherwise idle cores.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${SWITCHBOARD_BUILD_DIR:-build}"

backend=redis
if [ "${1:-}" = "--backend" ]; then
  backend="$2"
  shift 2
fi
case "$backend" in redis|file) ;; *) echo "api_load.sh: --backend redis|file" >&2; exit 2 ;; esac
for binary in "$BUILD_DIR/switchboard" "$BUILD_DIR/bench/api_load"; do
  [ -x "$binary" ] || { echo "api_load.sh: $binary missing: ./scripts/build.sh switchboard api_load" >&2; exit 2; }
done
if [ "$backend" = redis ] && [ -z "${SWITCHBOARD_TEST_REDIS_URL:-}" ]; then
  exec scripts/with_redis.sh "$0" --backend redis "$@"
fi

workdir="$(mktemp -d "${TMPDIR:-/tmp}/api_load.XXXXXX")"
api_pid=""
cleanup() {
  if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then
    kill -TERM "$api_pid"
    wait "$api_pid" || echo "api_load.sh: switchboard api exited with $?" >&2
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
key="load-$(openssl rand -hex 16)"
cat > "$workdir/api.toml" <<EOF
[api]
bind = "127.0.0.1"
port = $port

[[api.keys]]
key = "$key"
organization_id = "org-load"
environment_id = "env-load"

[registry]
backend = "$backend"
file = "$workdir/integrations.json"
redis_url = "${SWITCHBOARD_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}"
key_prefix = "load$(openssl rand -hex 4):"

[log]
level = "warn"
EOF

SWITCHBOARD_SECRET_KEY="$(openssl rand -base64 32)" "$BUILD_DIR/switchboard" api --config "$workdir/api.toml" \
  >"$workdir/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 100); do
  if python3 - "$port" <<'PY' 2>/dev/null; then break; fi
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=1)
c.request("GET", "/readyz")
sys.exit(0 if c.getresponse().status == 200 else 1)
PY
  kill -0 "$api_pid" 2>/dev/null || { cat "$workdir/api.log" >&2; exit 1; }
  sleep 0.1
done

echo "api_load.sh: backend=$backend port=$port" >&2
"$BUILD_DIR/bench/api_load" --port "$port" --key "$key" "$@"
