#!/usr/bin/env bash
# Build the local node images (no registry needed), each only when missing or when its recipe changed:
#   webgns/busybox  FROM scratch + Debian's busybox-static (images/busybox/)
#   webgns/host     Debian 12 by debootstrap --variant=minbase + `docker import` (images/host/packages)
#   webgns/frr      the same packages plus Debian's frr, FRR's daemons file and start command (images/frr/)
# A recipe's content hash is kept in the image's label webgns.recipe; an image whose label matches is
# not rebuilt. Debian packages come from the mirror named in this machine's own apt sources; the .debs
# are cached in $WEBGNS_IMAGE_CACHE (default /var/cache/webgns/debootstrap) so a rebuild downloads nothing.
# A failed build names the image and the step, leaves its log in var/log/, and does not stop the others
# or `make run` (exit 0 with a warning); `--strict` makes any failure exit 1. WEBGNS_IMAGE_FORCE=1 rebuilds
# the Debian images even when their recipe is unchanged (bench/bench_images.py uses it).
set -uo pipefail
cd "$(dirname "$0")/.."
strict=0; [[ "${1:-}" == "--strict" ]] && strict=1
cache=${WEBGNS_IMAGE_CACHE:-/var/cache/webgns/debootstrap}
suite=bookworm
mkdir -p var/log
failed=()

recipe_hash() {  # the content hash of the files that make an image, this script included
  cat "$@" scripts/build-images.sh | sha256sum | cut -c1-16
}

current_hash() {
  [[ "${WEBGNS_IMAGE_FORCE:-0}" == 1 && "$1" != webgns/busybox:latest ]] && return 0
  docker image inspect --format '{{ index .Config.Labels "webgns.recipe" }}' "$1" 2>/dev/null || true
}

debian_mirror() {  # the first Debian mirror of this machine's apt sources (one-line or deb822 format)
  local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
  local url
  url=$(cat "${files[@]}" 2>/dev/null | awk -v s="$suite" '
    /^[[:space:]]*#/ { next }
    /^deb[[:space:]]/ { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /:\/\//) { if ($(i+1) == s) { print $i; exit } break } }
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s && uri != "") { print uri; exit } }
    /^$/ { uri = "" }')
  [[ -n "$url" ]] && echo "$url"
}

step() { echo "  [$image] $1"; current_step=$1; }

build_busybox() {
  local image=webgns/busybox:latest hash
  hash=$(recipe_hash images/busybox/Dockerfile)
  [[ "$(current_hash $image)" == "$hash" ]] && return 0
  echo "Building image $image"
  cp /bin/busybox images/busybox/busybox  # busybox-static: no libraries needed in the image
  DOCKER_BUILDKIT=0 docker build -q --label "webgns.recipe=$hash" -t $image images/busybox >/dev/null
  local rc=$?
  rm -f images/busybox/busybox
  (( rc == 0 )) || { echo "  [$image] FAILED at step docker build" >&2; failed+=("$image (docker build)"); }
}

packages_of() { grep -hv '^[[:space:]]*#' "$@" | sed '/^[[:space:]]*$/d' | paste -sd, -; }

# build_debian IMAGE HASH CMD-JSON PACKAGES SETUP-FUNCTION: debootstrap, set up, slim, import.
build_debian() {
  local image=$1 hash=$2 cmd=$3 packages=$4 setup=$5
  local log="var/log/build-${image//[\/:]/-}.log" root mirror started=$SECONDS
  current_step=""
  echo "Building image $image (log: $log)"
  (
    set -e
    step "find the Debian mirror in /etc/apt/sources.list*"
    mirror=$(debian_mirror) || { echo "no '$suite' mirror in /etc/apt/sources.list*" >&2; exit 1; }
    command -v debootstrap >/dev/null || { echo "debootstrap is missing (scripts/install-system.sh installs it)" >&2; exit 1; }
    root=$(mktemp -d /var/tmp/webgns-rootfs.XXXXXX)
    trap 'rm -rf "$root"' EXIT
    mkdir -p "$cache"
    step "debootstrap $suite from $mirror ($(tr ',' ' ' <<<"$packages" | wc -w) packages)"
    debootstrap --variant=minbase --cache-dir="$cache" --include="$packages" "$suite" "$root" "$mirror" >>"$log" 2>&1
    step "set up"
    "$setup" "$root" >>"$log" 2>&1
    step "slim (apt caches, docs, man pages, locales)"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
      "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian \
      "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/tmp/*
    find "$root"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
    step "docker import"
    tar -C "$root" -c . | docker import --change "CMD $cmd" --change "LABEL webgns.recipe=$hash" - "$image" >>"$log" 2>&1
  ) 2> >(tee -a "$log" >&2)
  if (( $? != 0 )); then
    echo "  [$image] FAILED (see $log); the rest of webgns works without it" >&2
    failed+=("$image")
    return 1
  fi
  echo "  [$image] built in $((SECONDS - started)) s, $(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}')"
}

setup_host() {
  local root=$1
  echo "webgns-node" >"$root/etc/hostname"
}

setup_frr() {
  local root=$1
  setup_host "$root"
  install -m 0644 images/frr/daemons "$root/etc/frr/daemons"
  install -m 0640 images/frr/frr.conf "$root/etc/frr/frr.conf"
  install -m 0644 images/frr/vtysh.conf "$root/etc/frr/vtysh.conf"
  install -m 0755 images/frr/webgns-frr-start "$root/usr/local/sbin/webgns-frr-start"
  chroot "$root" chown -R frr:frr /etc/frr
}

build_busybox
host_hash=$(recipe_hash images/host/*)
if [[ "$(current_hash webgns/host:latest)" != "$host_hash" ]]; then
  build_debian webgns/host:latest "$host_hash" '["/bin/bash"]' "$(packages_of images/host/packages)" setup_host
fi
frr_hash=$(recipe_hash images/host/* images/frr/*)
if [[ "$(current_hash webgns/frr:latest)" != "$frr_hash" ]]; then
  build_debian webgns/frr:latest "$frr_hash" '["/usr/local/sbin/webgns-frr-start"]' \
    "$(packages_of images/host/packages images/frr/packages)" setup_frr
fi

if (( ${#failed[@]} )); then
  echo "WARNING: image(s) not built: ${failed[*]}. Templates using them fail to start; the rest works." >&2
  exit $strict
fi
exit 0
