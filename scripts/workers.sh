# Sourced by run.sh and compute-host.sh: start this host's Celery workers, each under
# scripts/supervise.sh (started again whenever it exits), appending their PIDs to `pids`.
#   start_workers coordinator   this host's queues plus the coordinator's "lab" and the beat (make run)
#   start_workers               this host's queues only (another compute host: make compute-host)
# Queues (<host> is $WEBGNS_COMPUTE_HOST, "local" unless set): compute.<host> (lab operations,
# processes), exec.<host> (commands and console relays, threads) and pool.<host> (warm-pool resumes,
# threads), so that long execs and resumes never take the slots lab starts and stops need.
start_workers() {
  local host=${WEBGNS_COMPUTE_HOST:-local} queues extra=()
  queues="compute.$host"
  if [[ ${1:-} == coordinator ]]; then
    queues="lab,$queues"
    extra=(-B --schedule var/celerybeat-schedule)
  fi
  echo "Starting Celery workers for compute host $host under supervision (logs: var/log/*worker.log)"
  scripts/supervise.sh worker .venv/bin/celery -A webgns worker -Q "$queues" -n lab@%h "${extra[@]}" --concurrency 4 -l INFO \
    --without-gossip --without-mingle >>var/log/worker.log 2>&1 &
  pids+=($!)
  scripts/supervise.sh exec-worker .venv/bin/celery -A webgns worker -Q "exec.$host" -n exec@%h --pool threads \
    --concurrency 8 -l INFO --without-gossip --without-mingle >>var/log/exec-worker.log 2>&1 &
  pids+=($!)
  scripts/supervise.sh pool-worker .venv/bin/celery -A webgns worker -Q "pool.$host" -n pool@%h --pool threads \
    --concurrency 4 -l INFO --without-gossip --without-mingle >>var/log/pool-worker.log 2>&1 &
  pids+=($!)
}
