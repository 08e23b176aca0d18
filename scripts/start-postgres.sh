#!/usr/bin/env bash
# Start a PostgreSQL server of webgns's own (idempotent) and print its WEBGNS_DATABASE_URL.
#
#   scripts/start-postgres.sh            # cluster in $WEBGNS_PG_DIR, port $WEBGNS_PG_PORT
#   eval "$(scripts/start-postgres.sh --env)"   # export WEBGNS_DATABASE_URL=...
#   scripts/start-postgres.sh --stop     # stop it (the cluster's files stay)
#
# It installs Debian's postgresql when no initdb is found, initialises a cluster owned by the
# `postgres` user (PostgreSQL refuses to run as root) under $WEBGNS_PG_DIR (default
# /var/lib/webgns/postgres), starts it on 127.0.0.1:$WEBGNS_PG_PORT (default 54329, away from the
# system cluster's 5432) with its socket in the cluster's folder, and creates the role and database
# `webgns` (password `webgns`, local connections only; Django's test runner creates `test_webgns`
# beside it, hence CREATEDB). Debian's own cluster (`main`) is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_DIR=${WEBGNS_PG_DIR:-/var/lib/webgns/postgres}
PG_PORT=${WEBGNS_PG_PORT:-54329}
DB=${WEBGNS_PG_DB:-webgns}
URL="postgres://$DB:$DB@127.0.0.1:$PG_PORT/$DB"
# Extra server options, e.g. "-c fsync=off" for a throwaway test server (never for real data).
PG_OPTIONS=${WEBGNS_PG_OPTIONS:-}

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [[ -n $found ]] && echo "$found"
}

as_postgres() { runuser -u postgres -- "$@"; }

BIN=$(pg_bin || true)
if [[ -z $BIN ]]; then
  echo "Installing postgresql" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
  BIN=$(pg_bin)
fi

if [[ ${1:-} == --stop ]]; then
  if [[ -f $PG_DIR/postmaster.pid ]]; then as_postgres "$BIN/pg_ctl" -D "$PG_DIR" -m fast -w stop >&2; fi
  exit 0
fi

if [[ ! -f $PG_DIR/PG_VERSION ]]; then
  echo "Initialising a PostgreSQL cluster in $PG_DIR" >&2
  mkdir -p "$PG_DIR"
  chown postgres:postgres "$PG_DIR"
  chmod 700 "$PG_DIR"
  as_postgres "$BIN/initdb" -D "$PG_DIR" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$PG_DIR.initdb.log" 2>&1 || { cat "$PG_DIR.initdb.log" >&2; exit 1; }
fi

if ! as_postgres "$BIN/pg_isready" -q -h "$PG_DIR" -p "$PG_PORT"; then
  echo "Starting PostgreSQL on 127.0.0.1:$PG_PORT" >&2
  as_postgres "$BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR $PG_OPTIONS" start >&2
fi

psql_admin() { as_postgres "$BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [[ -z $(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB'") ]]; then
  psql_admin -c "CREATE ROLE $DB LOGIN CREATEDB PASSWORD '$DB'"
fi
if [[ -z $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
  psql_admin -c "CREATE DATABASE $DB OWNER $DB"
fi

if [[ ${1:-} == --env ]]; then echo "export WEBGNS_DATABASE_URL=$URL"; else echo "$URL"; fi
