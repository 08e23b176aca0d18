#!/usr/bin/env bash
# Install the Debian/Ubuntu packages webgns needs, only those missing (a second run costs ~1 s).
# Usage: install-system.sh [--test]   (--test adds what the test suite needs: chromium, QEMU, UML,
# iperf3, tcpdump — the kernel tests' guest runs the host's programs —, gcc for the escape probe,
# nginx and openssl for the production site's `nginx -t` test)
set -euo pipefail

packages=(docker.io redis-server openvswitch-switch iproute2 busybox-static ethtool iputils-ping
          python3-venv python3-dev procps curl ca-certificates debootstrap tshark libpcap0.8)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium user-mode-linux iperf3 qemu-system-x86 kmod tcpdump gcc libc6-dev nginx openssl)
fi
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# docker.io conflicts with Docker's own docker-ce: an engine already installed is enough.
if command -v dockerd >/dev/null; then
  missing=("${missing[@]/docker.io/}")
fi
missing=($(printf '%s\n' "${missing[@]}" | sed '/^$/d'))
if (( ${#missing[@]} )); then
  if [[ $EUID -ne 0 ]]; then
    echo "webgns needs these packages: ${missing[*]} — run as root (or install them) and retry." >&2
    exit 1
  fi
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
