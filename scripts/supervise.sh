#!/usr/bin/env bash
# Keep one command running: start it again whenever it exits, waiting 1, 2, 4 … 30 s between
# starts (back to 1 s once a run has lasted a minute). A plain loop rather than supervisord or
# honcho: no extra dependency, the same behaviour under `make run`, the Procfile and a container,
# and TERM/INT stop the command and the loop together (so make run's Ctrl-C still ends it all).
#   scripts/supervise.sh NAME COMMAND [ARGS…]
set -uo pipefail
name=$1; shift
child=
stop() { trap - TERM INT; [[ -n $child ]] && kill -TERM "$child" 2>/dev/null && wait "$child"; exit 0; }
trap stop TERM INT
delay=1
while true; do
  started=$(date +%s)
  "$@" &
  child=$!
  wait "$child"
  code=$?
  child=
  if (( $(date +%s) - started >= 60 )); then delay=1; fi
  echo "supervise: $name exited with status $code; starting it again in ${delay}s" >&2
  sleep "$delay" & wait $!
  delay=$(( delay * 2 > 30 ? 30 : delay * 2 ))
done
