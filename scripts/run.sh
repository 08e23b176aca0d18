#!/usr/bin/env bash
# Serve webgns: a Celery worker (with its beat for reconcile) and Daphne, started unless running.
# Ctrl-C stops what this script (and start-services.sh) started, and nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
host=${1:-127.0.0.1}
port=${2:-8000}
py=.venv/bin/python
mkdir -p var/log
pids=()

cleanup() {
  trap - EXIT INT TERM
  echo; echo "Stopping what make run started"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -f var/started-services ]]; then
    while read -r name pid; do echo "  $name"; kill "$pid" 2>/dev/null || true; done < var/started-services
    rm -f var/started-services
  fi
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# This host's workers and the coordinator's queue with the beat that runs reconcile (workers.sh).
source scripts/workers.sh
if ! pgrep -f "celery -A webgns worker" >/dev/null; then
  start_workers coordinator
fi

if ss -ltn "sport = :$port" | grep -q LISTEN; then
  echo "Port $port is already in use: is webgns already running? (PORT=8001 make run picks another)" >&2
  exit 1
fi
echo
echo "webgns is at http://$host:$port/  (user: admin; Ctrl-C stops it)"
.venv/bin/daphne -b "$host" -p "$port" webgns.asgi:application &
pids+=($!)
wait "${pids[-1]}"
