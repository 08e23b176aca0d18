"""Django settings for webgns, read from the environment with embedded defaults.

Defaults make a single machine work with nothing configured: SQLite under ./var/, Redis on
127.0.0.1:6379, DEBUG off. Every WEBGNS_* variable is listed in README.md.
"""

import hashlib
import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("WEBGNS_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


def _secret_key() -> str:
    # Generated once and kept outside the repository, so a clone never ships a key.
    if key := os.environ.get("WEBGNS_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("WEBGNS_DEBUG")
ALLOWED_HOSTS = os.environ.get("WEBGNS_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
# Origins other than the site's own that may open its websockets (scheme://host[:port], e.g. the
# public https:// origin of a site behind a TLS proxy); see webgns/live/origin.py. They are
# trusted for CSRF as well: both name the pages that may act on this site.
WEBGNS_ALLOWED_ORIGINS = [o.strip() for o in os.environ.get("WEBGNS_ALLOWED_ORIGINS", "").split(",") if o.strip()]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("WEBGNS_CSRF_TRUSTED_ORIGINS", "").split(",") if o
] + WEBGNS_ALLOWED_ORIGINS

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "channels",
    "webgns.labs",
    "webgns.live",
    "webgns.classrooms",
    "webgns.captures",
    "webgns.ui",
    "axes",
]

MIDDLEWARE = [
    # First: counts every response, refusals of the middlewares below included (GET /metrics).
    "webgns.ops.metrics.HttpResponseCounter",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "webgns.ui.content_security_policy.ContentSecurityPolicyMiddleware",
    # Last: turns a login that django-axes refused into its lockout answer (webgns.ui.login_lockout).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses every login of a locked-out username+address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "webgns.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "webgns.wsgi.application"
ASGI_APPLICATION = "webgns.asgi.application"

def _databases() -> dict:
    """SQLite under the data dir (embedded default), or the server WEBGNS_DATABASE_URL names (production)."""
    if url := os.environ.get("WEBGNS_DATABASE_URL"):
        # e.g. postgres://webgns:secret@127.0.0.1:5432/webgns (scripts/start-postgres.sh makes one).
        # No persistent connections: under ASGI each request may run in another thread (Django's advice).
        database = dj_database_url.parse(url, conn_max_age=0)
        if test_name := os.environ.get("WEBGNS_TEST_DB_NAME"):
            database["TEST"] = {"NAME": test_name}
        return {"default": database}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("WEBGNS_DB_PATH", str(DATA_DIR / "webgns.sqlite3")),
            # Web, Channels and the worker write concurrently: WAL and IMMEDIATE transactions keep
            # SQLite from failing with "database is locked" under that load.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": os.environ.get("WEBGNS_TEST_DB_PATH", str(DATA_DIR / "test-webgns.sqlite3"))},
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [("frontend", BASE_DIR / "frontend" / "dist")]
(BASE_DIR / "frontend" / "dist").mkdir(parents=True, exist_ok=True)
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/welcome/"  # course members land on their courses (webgns.ui.views.landing)
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Login throttling (django-axes): after WEBGNS_LOGIN_FAILURE_LIMIT failed logins for one username from
# one address, that pair is refused (429, even with the right password) for WEBGNS_LOGIN_COOLOFF_MINUTES.
# Username and address together: one student mistyping behind a classroom's shared NAT address
# locks out only themself, and no one can lock an account from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("WEBGNS_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("WEBGNS_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "webgns.ui.login_lockout.lockout_response"
AXES_VERBOSE = False

# Security headers and cookie flags. WEBGNS_HTTPS=1 when users reach the site over HTTPS (directly or
# through a TLS proxy that sets X-Forwarded-Proto): cookies are then never sent over plain HTTP.
WEBGNS_HTTPS = _env_bool("WEBGNS_HTTPS")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # the editor reads it to send X-CSRFToken (Django's documented pattern)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = WEBGNS_HTTPS
if WEBGNS_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("WEBGNS_HSTS_SECONDS", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
WEBGNS_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# GET /metrics (Prometheus): off (404) while empty; scrapers send `Authorization: Bearer <token>`.
WEBGNS_METRICS_TOKEN = os.environ.get("WEBGNS_METRICS_TOKEN", "").strip()

REDIS_URL = os.environ.get("WEBGNS_REDIS_URL", "redis://127.0.0.1:6379/0")

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # redis-py's default 5 s socket timeout would close an idle websocket's receive loop.
        "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}], "capacity": 1000, "expiry": 30},
    }
}

# Faults and recovery (README "Faults and recovery"). Every operation must end by its deadline;
# reconcile fails it then, or sooner when its worker stops beating.
WEBGNS_OPERATION_DEADLINE = int(os.environ.get("WEBGNS_OPERATION_DEADLINE", "900"))
# A running operation writes a heartbeat this often; one silent for WEBGNS_WORKER_LOST_AFTER is
# taken for a dead worker's.
WEBGNS_HEARTBEAT_SECONDS = int(os.environ.get("WEBGNS_HEARTBEAT_SECONDS", "10"))
WEBGNS_WORKER_LOST_AFTER = int(os.environ.get("WEBGNS_WORKER_LOST_AFTER", "45"))
WEBGNS_RECONCILE_SECONDS = float(os.environ.get("WEBGNS_RECONCILE_SECONDS", "30"))
# Exec runs on a queue of its own ("exec"), never in a lab operation's worker slot.
WEBGNS_EXEC_TIMEOUT_MAX = float(os.environ.get("WEBGNS_EXEC_TIMEOUT_MAX", "120"))
WEBGNS_EXEC_PER_USER = int(os.environ.get("WEBGNS_EXEC_PER_USER", "3"))
# Every console goes through its node's host's console relay (exec.<host>): the web tier opens no
# Docker exec and kills no host PID. "remote": the web tier opens this host's nodes' shells itself
# (one machine only; 0.5 ms less echo). How long a relay may take to open the shell before the
# console closes with 4500.
WEBGNS_CONSOLE_RELAY = os.environ.get("WEBGNS_CONSOLE_RELAY", "always")
WEBGNS_CONSOLE_RELAY_OPEN_SECONDS = float(os.environ.get("WEBGNS_CONSOLE_RELAY_OPEN_SECONDS", "20"))
# Consoles (shells and take-overs) one non-staff user may hold open at once, across web processes.
WEBGNS_CONSOLES_PER_USER = int(os.environ.get("WEBGNS_CONSOLES_PER_USER", "8"))
# A command with a longer timeout runs as a job (202, then GET …/exec/<id>/): no web thread waits
# minutes for a command.
WEBGNS_EXEC_WAIT_MAX = float(os.environ.get("WEBGNS_EXEC_WAIT_MAX", "30"))

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged when it ends, so a killed worker's task goes back to the queue; the task
# itself knows when its operation is already finished (webgns.tasks.claims).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 3600
# Host work is sent to its host's queues by `webgns.tasks.routing` (compute.<host>, exec.<host>);
# what names no queue is the coordinator's (beat jobs, pool refills): "lab".
CELERY_TASK_DEFAULT_QUEUE = "lab"
# Never give up on the broker: retry at start-up and after a loss, for ever, with backoff.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_HEARTBEAT = 10
# A task running this long before its ack is handed to another worker: more than any operation may
# take (the deadline), so only a dead worker's task is redelivered.
# The connect timeout bounds how long a request waits to hand a task to an unreachable broker
# before it answers 503 (webgns.tasks.routing); workers retry their connection for ever anyway.
WEBGNS_BROKER_CONNECT_TIMEOUT = float(os.environ.get("WEBGNS_BROKER_CONNECT_TIMEOUT", "2"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": WEBGNS_OPERATION_DEADLINE + 300,
    "socket_keepalive": True,
    "socket_connect_timeout": WEBGNS_BROKER_CONNECT_TIMEOUT,
    "retry_on_timeout": True,
    "health_check_interval": 10,
    "max_retries": None,
    "interval_start": 0.5,
    "interval_step": 1,
    "interval_max": 5,
}
CELERY_REDIS_SOCKET_KEEPALIVE = True
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 5
CELERY_REDIS_RETRY_ON_TIMEOUT = True
CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 10
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
CELERY_RESULT_BACKEND_MAX_RETRIES = 30
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"timeout": 30.0}}
# Running tasks keep going when the broker goes away (their work is on the host, not in Redis);
# their late ack is then redelivered, and the task sees that its operation is already finished.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BEAT_SCHEDULE = {
    # Fans out one reconcile_host per compute host, on that host's queue.
    "reconcile": {"task": "webgns.tasks.reconcile.reconcile_all", "schedule": WEBGNS_RECONCILE_SECONDS,
                  # One queued behind busy workers is dropped: the next one comes soon.
                  "options": {"expires": WEBGNS_RECONCILE_SECONDS}},
    # Finished captures older than WEBGNS_CAPTURE_RETENTION_DAYS go, with their files.
    "expire-captures": {"task": "webgns.tasks.capture_tasks.expire_captures", "schedule": 3600.0,
                        "options": {"expires": 3600}},
}
# Packet captures (README "Packet capture and link load"): where the worker writes them, the most
# one capture may take (a request may ask for less), and how many one user may run at once.
WEBGNS_CAPTURE_DIR = Path(os.environ.get("WEBGNS_CAPTURE_DIR", str(DATA_DIR / "captures")))
WEBGNS_CAPTURE_MAX_PACKETS = int(os.environ.get("WEBGNS_CAPTURE_MAX_PACKETS", "50000"))
WEBGNS_CAPTURE_MAX_BYTES = int(os.environ.get("WEBGNS_CAPTURE_MAX_BYTES", str(64 << 20)))
WEBGNS_CAPTURE_MAX_SECONDS = int(os.environ.get("WEBGNS_CAPTURE_MAX_SECONDS", "600"))
WEBGNS_CAPTURE_PER_USER = int(os.environ.get("WEBGNS_CAPTURE_PER_USER", "4"))
# What one user's captures may keep on disk in all (a running one counts at its maximum), and how
# many days a finished capture is kept before the beat's expiry deletes it with its file.
WEBGNS_CAPTURE_USER_TOTAL_BYTES = int(os.environ.get("WEBGNS_CAPTURE_USER_TOTAL_BYTES", str(256 << 20)))
WEBGNS_CAPTURE_RETENTION_DAYS = int(os.environ.get("WEBGNS_CAPTURE_RETENTION_DAYS", "7"))
# Each compute worker writes its host's heartbeat (status, capacity) this often; a host silent for
# WEBGNS_HOST_DOWN_AFTER turns `down` and its nodes `error` (README "Compute hosts").
WEBGNS_HOST_HEARTBEAT_SECONDS = float(os.environ.get("WEBGNS_HOST_HEARTBEAT_SECONDS", "5"))
WEBGNS_HOST_DOWN_AFTER = float(os.environ.get("WEBGNS_HOST_DOWN_AFTER", "15"))
# What one host offers lab nodes (the scheduler's capacity): the memory their limits may add up to
# (0: 80 % of the host's memory) and how many may run at once.
WEBGNS_HOST_NODE_MEMORY_MB = int(os.environ.get("WEBGNS_HOST_NODE_MEMORY_MB", "0"))
WEBGNS_HOST_MAX_NODES = int(os.environ.get("WEBGNS_HOST_MAX_NODES", "1000"))
# The compute host this worker serves; nodes carry it, tasks are routed to compute.<host>.
WEBGNS_COMPUTE_HOST = os.environ.get("WEBGNS_COMPUTE_HOST", "local")
# This host's address on the network between compute hosts: links to nodes on other hosts are
# VXLAN tunnels to and from it (README "Labs across hosts"). Empty: this host takes no such links.
WEBGNS_UNDERLAY_ADDRESS = os.environ.get("WEBGNS_UNDERLAY_ADDRESS", "").strip()
if WEBGNS_UNDERLAY_ADDRESS:
    try:
        WEBGNS_UNDERLAY_ADDRESS = str(ipaddress.ip_address(WEBGNS_UNDERLAY_ADDRESS))
    except ValueError:
        raise ImproperlyConfigured(
            f"WEBGNS_UNDERLAY_ADDRESS={WEBGNS_UNDERLAY_ADDRESS!r} is not an IP address (e.g. 10.250.0.2): it names "
            "this compute host's address on the network between hosts") from None
# Labels every container and OVS bridge this installation creates; the reconcile sweep removes
# only orphans with this label, so a test run never removes the nodes of a `make run` on the same
# host. Derived from the database path: one database, one set of labs.
_db = DATABASES["default"]
_db_identity = _db["NAME"] if "sqlite" in _db["ENGINE"] else f"{_db.get('HOST')}:{_db.get('PORT')}/{_db['NAME']}"
WEBGNS_INSTANCE = os.environ.get("WEBGNS_INSTANCE") or hashlib.sha256(_db_identity.encode()).hexdigest()[:12]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request then gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "webgns.labs.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "webgns.labs.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "webgns API",
    "DESCRIPTION": "Build and run network labs: projects, nodes, links, impairments.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's assets come from the sidecar package: the docs page needs no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "NodeKindEnum": "webgns.labs.choices.NodeKind",
        "OperationKindEnum": "webgns.labs.choices.OperationKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WEBGNS_LOG_LEVEL", "WARNING")},
}

# -- Limits (README.md "Limits and hardening" states each one and what happens past it) --------


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


# Request bodies larger than this are refused with a JSON 400 before they are parsed.
WEBGNS_MAX_BODY_BYTES = _env_int("WEBGNS_MAX_BODY_BYTES", 4 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = WEBGNS_MAX_BODY_BYTES
# JSON nested deeper than this is refused before the parser recurses (Python's own limit is ~1000).
WEBGNS_MAX_JSON_DEPTH = _env_int("WEBGNS_MAX_JSON_DEPTH", 32)
# Per project, and so per import (an import makes a project).
WEBGNS_MAX_PROJECT_NODES = _env_int("WEBGNS_MAX_PROJECT_NODES", 1000)
WEBGNS_MAX_PROJECT_LINKS = _env_int("WEBGNS_MAX_PROJECT_LINKS", 2000)
# Per node (and per template).
WEBGNS_MAX_ENV_KEYS = _env_int("WEBGNS_MAX_ENV_KEYS", 64)
WEBGNS_MAX_ENV_BYTES = _env_int("WEBGNS_MAX_ENV_BYTES", 16 * 1024)
WEBGNS_MAX_START_COMMAND_BYTES = min(_env_int("WEBGNS_MAX_START_COMMAND_BYTES", 1024), 1024)  # the column's size
WEBGNS_MAX_STARTUP_BYTES = _env_int("WEBGNS_MAX_STARTUP_BYTES", 64 * 1024)
# Per user, outside courses (course copies obey the course's quotas); staff change them per user
# through /api/users/{id}/limits/ or the admin. Staff users themselves are not limited.
WEBGNS_USER_RUNNING_NODES = _env_int("WEBGNS_USER_RUNNING_NODES", 50)
WEBGNS_USER_PROJECTS = _env_int("WEBGNS_USER_PROJECTS", 50)
# What a node gets when its template sets no memory/CPU limit (0 on a template, staff only: none).
WEBGNS_NODE_MEMORY_MB = _env_int("WEBGNS_NODE_MEMORY_MB", 256)
WEBGNS_NODE_CPUS = _env_float("WEBGNS_NODE_CPUS", 1.0)
# What one node may write to its own filesystem (its container's writable layer), measured by its
# host's worker at each reconcile; past it the node is stopped with the reason. 0: no limit.
WEBGNS_NODE_DISK_MB = _env_int("WEBGNS_NODE_DISK_MB", 512)
# The most memory / CPUs a non-staff user may give one node (on a node, a template or in an
# imported document); staff may set more, up to 1 TiB and 64 CPUs.
WEBGNS_NODE_MEMORY_MB_MAX = _env_int("WEBGNS_NODE_MEMORY_MB_MAX", 2048)
WEBGNS_NODE_CPUS_MAX = _env_float("WEBGNS_NODE_CPUS_MAX", 2.0)
# Registries the worker may pull from (e.g. "docker.io,registry.example.org:5000"); empty: none,
# only images already on the compute host are used.
WEBGNS_ALLOWED_REGISTRIES = [r.strip() for r in os.environ.get("WEBGNS_ALLOWED_REGISTRIES", "").split(",") if r.strip()]
