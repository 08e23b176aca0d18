# webgns: `make run` sets everything up and serves the app; `make test` sets up and runs every test.
# Each step is idempotent and skips what is already done, so a second run is quick.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := webgns.settings

.PHONY: run test compute-host setup test-setup system services venv frontend images db docs kernel lint bench clean

run: setup services
	scripts/run.sh $(HOST) $(PORT)

test: test-setup services
	scripts/test.sh

# Another compute host: its workers only, on the primary's Redis and database (README "Labs across hosts").
compute-host: setup services
	scripts/compute-host.sh

setup: system venv frontend images db docs
test-setup: test-system venv frontend images db docs kernel

system:
	scripts/install-system.sh

test-system:
	scripts/install-system.sh --test

services:
	scripts/start-services.sh

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	# The `webgns` command line (console script) in the venv's bin/, running this checkout's code.
	$(PY) -m pip install -q --no-deps -e .
	touch $@

frontend: frontend/dist/.built
frontend/dist/.built: $(shell find frontend -path frontend/node_modules -prune -o -path frontend/dist -prune -o -type f -print 2>/dev/null)
	cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build
	touch $@

images: services
	scripts/build-images.sh

db: venv frontend
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_templates
	$(PY) manage.py ensure_admin
	$(PY) manage.py collectstatic --noinput -v0

# The documentation site (docs/, mkdocs.yml) in var/docs-site, served by the app at /docs/; rebuilt only
# when a page changes. --strict: a broken link or a page missing from the nav fails the build.
docs: var/docs-site/index.html
var/docs-site/index.html: mkdocs.yml $(shell find docs -type f 2>/dev/null) $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet

# Debian's kernel for the kernel tests, fetched once into /var/cache/webgns/kernel (kept across runs).
kernel: venv
	$(PY) -m tests.kernel.debian_kernel

lint: venv
	$(VENV)/bin/ruff check .

bench: setup services
	$(PY) bench/bench_deploy.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist var/static var/docs-site
