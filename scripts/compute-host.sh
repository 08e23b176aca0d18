#!/usr/bin/env bash
# Serve another compute host: only its workers (compute.<host>, exec.<host>, pool.<host>), pointed at
# the shared database and Redis; no web tier, no beat (the primary host runs those). It registers
# itself through its heartbeat and shows on the Compute hosts page. Ctrl-C stops its workers.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for name in WEBGNS_COMPUTE_HOST WEBGNS_UNDERLAY_ADDRESS WEBGNS_REDIS_URL WEBGNS_DATABASE_URL; do
  [[ -n ${!name:-} ]] || missing+=("$name")
done
if ((${#missing[@]})); then
  echo "make compute-host needs ${missing[*]}: this host's name and underlay address, and the primary's" >&2
  echo "Redis and database (README \"Labs across hosts\")." >&2
  exit 2
fi
mkdir -p var/log
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM
source scripts/workers.sh
start_workers
echo "compute host $WEBGNS_COMPUTE_HOST serves its queues (Ctrl-C stops it)"
wait
