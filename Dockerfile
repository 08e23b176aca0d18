# The webgns application image for docker-compose (web and worker). Node images are separate.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends iproute2 ethtool openvswitch-common \
      busybox-static nodejs npm tshark libpcap0.8 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir -r requirements.txt
COPY . .
RUN cd frontend && npm ci --no-audit --no-fund && npm run build && cd .. \
    && .venv/bin/python manage.py collectstatic --noinput -v0
ENV WEBGNS_DATA_DIR=/data
