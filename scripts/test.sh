#!/usr/bin/env bash
# Run every test: ruff, the Python suite (unit, integration, kernel, e2e) and the frontend's Vitest.
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

echo "== frontend unit tests (vitest)"
if [[ -f frontend/package.json ]] && grep -q '"test"' frontend/package.json; then
  (cd frontend && npm test --silent) || status=1
fi

echo "== python tests (pytest)"
.venv/bin/pytest -p no:cacheprovider -rs --durations=15 "$@" || status=1

exit $status
