#!/usr/bin/env bash
# Install webgns for production on Debian 12 / Ubuntu 22.04+ from this checkout (run as root):
# PostgreSQL, Redis with persistence, nginx with TLS in front of several Daphne processes, and
# systemd units for the web processes, the workers and the beat (Restart=on-failure, logs in the
# journal). docs/operator-guide.md walks through it. Idempotent: a second run upgrades in place
# (new code, migrations, static files, restarts) and keeps the settings, database and certificate.
#
#   WEBGNS_SERVER_NAME=labs.school.example scripts/install-production.sh
#
# Settings (environment):
#   WEBGNS_SERVER_NAME     the site's DNS name (default: this machine's FQDN)
#   WEBGNS_TLS_CERT/KEY    the operator's certificate and key (PEM); unset: a self-signed one is made
#   WEBGNS_WEB_PROCESSES   Daphne processes (default: the number of CPUs, at least 2)
#   WEBGNS_FIRST_PORT      the first one's port on 127.0.0.1 (default 8001)
#   WEBGNS_DATA_DIR        data (static files, secret key, beat schedule; default /var/lib/webgns)
#   WEBGNS_COMPUTE_HOST    this machine's compute host name (default local)
#
#   scripts/install-production.sh --render DIR   only write the rendered units and nginx site to DIR
#                                                (what the tests check), installing nothing
set -euo pipefail
cd "$(dirname "$0")/.."
APP_DIR=$(pwd)
SERVER_NAME=${WEBGNS_SERVER_NAME:-$(hostname -f 2>/dev/null || hostname)}
DATA_DIR=${WEBGNS_DATA_DIR:-/var/lib/webgns}
PROCESSES=${WEBGNS_WEB_PROCESSES:-$(( $(nproc) > 2 ? $(nproc) : 2 ))}
FIRST_PORT=${WEBGNS_FIRST_PORT:-8001}
TLS_DIR=/etc/webgns/tls
TLS_CERT=${WEBGNS_TLS_CERT:-$TLS_DIR/webgns.crt}
TLS_KEY=${WEBGNS_TLS_KEY:-$TLS_DIR/webgns.key}
ENV_FILE=/etc/webgns/webgns.env

ports() { seq "$FIRST_PORT" $(( FIRST_PORT + PROCESSES - 1 )); }

# Write the units and the nginx site, with this installation's paths, into $1/systemd and $1/nginx.
render() {
  local out=$1 upstreams="" port unit
  mkdir -p "$out/systemd" "$out/nginx"
  for port in $(ports); do upstreams+="    server 127.0.0.1:$port;"$'\n'; done
  for unit in deploy/systemd/*; do
    sed -e "s|@APP_DIR@|$APP_DIR|g" -e "s|@DATA_DIR@|$DATA_DIR|g" "$unit" >"$out/systemd/$(basename "$unit")"
  done
  python3 - "$out/nginx/webgns.conf" "$upstreams" <<PY
import sys
text = open("deploy/nginx/webgns.conf").read()
for name, value in {"@SERVER_NAME@": "$SERVER_NAME", "@TLS_CERT@": "$TLS_CERT", "@TLS_KEY@": "$TLS_KEY",
                    "@STATIC_ROOT@": "$DATA_DIR/static", "@UPSTREAM_SERVERS@": sys.argv[2].rstrip("\n")}.items():
    text = text.replace(name, value)
open(sys.argv[1], "w").write(text)
PY
}

if [[ ${1:-} == --render ]]; then
  render "${2:?--render needs a folder}"
  exit 0
fi

[[ $EUID -eq 0 ]] || { echo "Run as root: it installs packages, users and services." >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

echo "== packages"
scripts/install-system.sh
apt-get install -y -qq --no-install-recommends postgresql nginx openssl >/dev/null

echo "== Redis with persistence (append-only file, fsync every second)"
redis_conf=/etc/redis/redis.conf
if ! grep -q '^appendonly yes' "$redis_conf"; then
  sed -i -e 's/^appendonly .*/appendonly yes/' -e 's/^# *appendfsync everysec/appendfsync everysec/' "$redis_conf"
  grep -q '^appendonly yes' "$redis_conf" || echo "appendonly yes" >>"$redis_conf"
fi
systemctl enable -q redis-server && systemctl restart redis-server

echo "== user, folders, settings"
id webgns >/dev/null 2>&1 || useradd --system --home-dir "$DATA_DIR" --shell /usr/sbin/nologin webgns
install -d -o webgns -g webgns -m 755 "$DATA_DIR" "$DATA_DIR/static"
install -d -m 755 /etc/webgns
if [[ ! -f $ENV_FILE ]]; then
  db_password=$(openssl rand -hex 24)
  umask 077
  cat >"$ENV_FILE" <<ENV
# webgns's settings (README lists every WEBGNS_* variable). Read by every webgns unit.
DJANGO_SETTINGS_MODULE=webgns.settings
WEBGNS_DATABASE_URL=postgres://webgns:$db_password@127.0.0.1:5432/webgns
WEBGNS_REDIS_URL=redis://127.0.0.1:6379/0
WEBGNS_SECRET_KEY=$(openssl rand -base64 48 | tr -d '\n/+=')
WEBGNS_DATA_DIR=$DATA_DIR
WEBGNS_ALLOWED_HOSTS=$SERVER_NAME
WEBGNS_ALLOWED_ORIGINS=https://$SERVER_NAME
WEBGNS_HTTPS=1
WEBGNS_COMPUTE_HOST=${WEBGNS_COMPUTE_HOST:-local}
# Prometheus scrapes GET /metrics with: Authorization: Bearer <this>
WEBGNS_METRICS_TOKEN=$(openssl rand -hex 24)
ENV
  umask 022
  chgrp webgns "$ENV_FILE" && chmod 640 "$ENV_FILE"
  echo "== PostgreSQL role and database"
  systemctl enable -q postgresql && systemctl start postgresql
  runuser -u postgres -- psql -qtA -v ON_ERROR_STOP=1 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'webgns') THEN
    CREATE ROLE webgns LOGIN PASSWORD '$db_password';
  ELSE ALTER ROLE webgns PASSWORD '$db_password'; END IF;
END \$\$;
SQL
  runuser -u postgres -- psql -qtA -c "SELECT 1 FROM pg_database WHERE datname='webgns'" | grep -q 1 \
    || runuser -u postgres -- createdb -O webgns webgns
fi

echo "== TLS certificate"
if [[ -z ${WEBGNS_TLS_CERT:-} && ! -f $TLS_CERT ]]; then
  install -d -m 700 "$TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=$SERVER_NAME" \
    -addext "subjectAltName=DNS:$SERVER_NAME" -keyout "$TLS_KEY" -out "$TLS_CERT" 2>/dev/null
  echo "   self-signed for $SERVER_NAME: replace with a real one (WEBGNS_TLS_CERT/KEY) before students come"
fi

echo "== application (virtualenv, editor, node images, database, static files)"
make venv frontend images
set -a; source "$ENV_FILE"; set +a
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_templates
.venv/bin/python manage.py ensure_admin
.venv/bin/python manage.py collectstatic --noinput -v0
chown -R webgns:webgns "$DATA_DIR"

echo "== systemd units and nginx site"
rendered=$(mktemp -d)
render "$rendered"
install -m 644 "$rendered"/systemd/* /etc/systemd/system/
install -m 644 "$rendered/nginx/webgns.conf" /etc/nginx/sites-available/webgns.conf
ln -sf /etc/nginx/sites-available/webgns.conf /etc/nginx/sites-enabled/webgns.conf
rm -f /etc/nginx/sites-enabled/default
rm -rf "$rendered"
systemctl daemon-reload
# Web processes no longer wanted (fewer than last time) stop; the wanted ones start.
for unit in $(systemctl list-units --all --plain --no-legend 'webgns-web@*.service' | awk '{print $1}'); do
  port=${unit#webgns-web@}; port=${port%.service}
  if (( port < FIRST_PORT || port >= FIRST_PORT + PROCESSES )); then systemctl disable -q --now "$unit"; fi
done
systemctl enable -q webgns.target webgns-worker webgns-exec webgns-pool webgns-beat \
  $(for port in $(ports); do echo "webgns-web@$port"; done)
systemctl restart webgns.target webgns-worker webgns-exec webgns-pool webgns-beat \
  $(for port in $(ports); do echo "webgns-web@$port"; done)
nginx -t -q && systemctl enable -q nginx && systemctl reload-or-restart nginx

echo
echo "webgns is at https://$SERVER_NAME/ ($PROCESSES web processes; settings in $ENV_FILE)."
echo "Logs: journalctl -u 'webgns-*' -f    Backups: docs/operator-guide.md"
