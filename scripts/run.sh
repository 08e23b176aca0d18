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

# Three workers, each under scripts/supervise.sh (started again whenever it exits): this host's lab
# operations (queue compute.<host>, plus the coordinator's "lab" with the beat that runs reconcile)
# and exec (queue exec.<host>, threads), so that long execs never take the slots lab starts and
# stops need. <host> is $WEBGNS_COMPUTE_HOST ("local" unless set).
if ! pgrep -f "celery -A webgns worker" >/dev/null; then
  echo "Starting Celery workers under supervision (logs: var/log/worker.log, var/log/exec-worker.log)"
  scripts/supervise.sh worker .venv/bin/celery -A webgns worker -Q "lab,compute.${WEBGNS_COMPUTE_HOST:-local}" -n lab@%h -B --concurrency 4 -l INFO \
    --without-gossip --without-mingle --schedule var/celerybeat-schedule >>var/log/worker.log 2>&1 &
  pids+=($!)
  scripts/supervise.sh exec-worker .venv/bin/celery -A webgns worker -Q "exec.${WEBGNS_COMPUTE_HOST:-local}" -n exec@%h --pool threads \
    --concurrency 8 -l INFO --without-gossip --without-mingle >>var/log/exec-worker.log 2>&1 &
  pids+=($!)
  # Warm pool (queue pool.<host>, threads): a claimed copy resumes without waiting behind lab starts.
  scripts/supervise.sh pool-worker .venv/bin/celery -A webgns worker -Q "pool.${WEBGNS_COMPUTE_HOST:-local}" -n pool@%h --pool threads \
    --concurrency 4 -l INFO --without-gossip --without-mingle >>var/log/pool-worker.log 2>&1 &
  pids+=($!)
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
