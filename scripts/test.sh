#!/usr/bin/env bash
# Run every test: ruff, the docs build, the Python suite (unit, integration, kernel, e2e) and the frontend's Vitest.
# Every part runs even when an earlier one fails; the exit status is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
# Tests use their own Redis database so a running `make run` instance is not disturbed.
export WEBGNS_REDIS_URL=${WEBGNS_TEST_REDIS_URL:-redis://127.0.0.1:6379/9}
# Test settings: their own instance label, so no sweep touches the nodes of a running `make run`.
export DJANGO_SETTINGS_MODULE=tests.settings
mkdir -p test-artifacts
status=0

echo "== ruff"
.venv/bin/ruff check . || status=1

echo "== docs (mkdocs build --strict: broken links, pages missing from the nav)"
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet || status=1

echo "== frontend unit tests (vitest)"
if [[ -f frontend/package.json ]] && grep -q '"test"' frontend/package.json; then
  (cd frontend && npm test --silent) || status=1
fi

echo "== python tests (pytest)"
.venv/bin/pytest -p no:cacheprovider -rs --durations=15 "$@" || status=1

# The model, API and classroom tests again, against a real PostgreSQL server (the production
# database; SQLite stays the embedded default). Only on a full run (no arguments), unless
# WEBGNS_TEST_POSTGRES=0. scripts/start-postgres.sh installs, initialises and starts it when needed.
if [[ $# -eq 0 && ${WEBGNS_TEST_POSTGRES:-1} != 0 ]]; then
  echo "== python tests on PostgreSQL (tests/labs tests/classrooms, without containers)"
  # A throwaway server of its own (own folder and port, fsync off), never one that holds real data.
  if pg_url=$(WEBGNS_PG_DIR=${WEBGNS_TEST_PG_DIR:-/var/lib/webgns/postgres-test} \
              WEBGNS_PG_PORT=${WEBGNS_TEST_PG_PORT:-54330} WEBGNS_PG_OPTIONS="-c fsync=off" \
              scripts/start-postgres.sh); then
    WEBGNS_DATABASE_URL=$pg_url .venv/bin/pytest -p no:cacheprovider -rs -m "not integration" \
      tests/labs tests/classrooms || status=1
  else
    echo "PostgreSQL did not start" >&2
    status=1
  fi
fi

exit $status
