#!/usr/bin/env bash
# Start dockerd, redis and Open vSwitch when they are not running (idempotent).
# What this script starts is recorded in var/started-services so `make run` can stop it on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log
started=var/started-services

wait_for() {  # wait_for <seconds> <command...>
  local limit=$1; shift
  for _ in $(seq $((limit * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

if ! docker info >/dev/null 2>&1; then
  if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
    systemctl start docker
  else
    echo "Starting dockerd"
    nohup dockerd >var/log/dockerd.log 2>&1 &
    echo "dockerd $!" >>"$started"
  fi
  wait_for 30 docker info || { echo "dockerd did not start; see var/log/dockerd.log" >&2; exit 1; }
fi

redis_port=$(python3 -c "import os,urllib.parse as u;print(u.urlparse(os.environ.get('WEBGNS_REDIS_URL','redis://127.0.0.1:6379/0')).port or 6379)")
if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
  echo "Starting redis-server on port $redis_port"
  redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --pidfile "$PWD/var/redis.pid" --logfile "$PWD/var/log/redis.log"
  wait_for 10 redis-cli -p "$redis_port" ping || { echo "redis did not start" >&2; exit 1; }
  echo "redis $(cat var/redis.pid)" >>"$started"
fi

scripts/start-ovs.sh
