#!/usr/bin/env bash
# Build the local node images (no registry needed): webgns/busybox from Debian's busybox-static.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! docker image inspect webgns/busybox:latest >/dev/null 2>&1; then
  echo "Building image webgns/busybox:latest"
  cp /bin/busybox images/busybox/busybox  # busybox-static: no libraries needed in the image
  trap 'rm -f images/busybox/busybox' EXIT
  DOCKER_BUILDKIT=0 docker build -q -t webgns/busybox:latest images/busybox >/dev/null
fi
