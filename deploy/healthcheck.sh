#!/bin/bash
# Container HEALTHCHECK without curl: GET /healthz on the admin port over bash's /dev/tcp;
# healthy when the status line says 200. Port: $SWITCHBOARD_HEALTH_PORT, else
# $SWITCHBOARD_WORKER_ADMIN_PORT, else 9100 (worker.admin_port's default). The API
# container sets SWITCHBOARD_HEALTH_PORT to its api.port.
set -euo pipefail
port="${SWITCHBOARD_HEALTH_PORT:-${SWITCHBOARD_WORKER_ADMIN_PORT:-9100}}"
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
IFS= read -r -t 2 status <&3
[[ "$status" == HTTP/1.[01]\ 200* ]]
