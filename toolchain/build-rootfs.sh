#!/usr/bin/env bash
# Build hearth's root filesystem into an EMPTY/new directory $1 (called by ensure.sh, which
# renames the result into the cache only after this script succeeds). Its contents, with
# pins.env and ha_requirements.py, make the cache key: edit it and the rootfs is rebuilt.
#
# Needs root, debootstrap and network access to Debian's and PyPI's default hosts.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
# shellcheck source=pins.env
. "$HEARTH_TOOLCHAIN_DIR/pins.env"

target=${1:?usage: build-rootfs.sh TARGET_DIR}
cd /
uv_cache="$HEARTH_CACHE_DIR/uv-cache"   # shared across rebuilds; outside the rootfs
mkdir -p "$uv_cache"

step() { hearth_log "build: $* ($(hearth_elapsed "$t0")s)"; }
t0=$EPOCHREALTIME

# In the rootfs being built; only the uv cache is bound (not /tmp nor the repo).
in_root() {
  HEARTH_ROOTFS="$target" HEARTH_ROOTFS_MINIMAL=1 HEARTH__EXTRA_BINDS="$uv_cache" \
    "$HEARTH_TOOLCHAIN_DIR/run-in-rootfs.sh" /usr/bin/env \
    DEBIAN_FRONTEND=noninteractive UV_CACHE_DIR="$uv_cache" UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1 "$@"
}

step "debootstrap --variant=minbase $DEBIAN_SUITE"
debootstrap --variant=minbase "$DEBIAN_SUITE" "$target"

# No services start inside the rootfs; no recommends; keep dpkg quiet.
printf '#!/bin/sh\nexit 101\n' >"$target/usr/sbin/policy-rc.d"
chmod +x "$target/usr/sbin/policy-rc.d"
# The Debian mirror reachable here serves a snapshot whose sid/testing Release files are past
# their Valid-Until date; signatures are still checked.
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\nAcquire::Check-Valid-Until "false";\n' \
  >"$target/etc/apt/apt.conf.d/90hearth"
: >"$target/etc/resolv.conf"

step "apt-get install"
in_root apt-get update -q
# gcc/g++/python3-dev/pkg-config: for any requirement without a wheel for this Python;
# git: ESPHome fetches external components/libraries with it. ffmpeg: HA's ffmpeg integration
# (an esphome dependency) runs `ffmpeg -version` at setup; libturbojpeg0: HA's camera helper.
in_root apt-get install -y -q python3 python3-venv python3-dev gcc g++ make pkg-config \
  ca-certificates git tzdata ffmpeg libturbojpeg0
in_root apt-get clean
rm -rf "$target"/var/lib/apt/lists/*

step "uv $UV_VERSION"
in_root python3 -m venv /opt/uv
in_root /opt/uv/bin/pip install -q "uv==$UV_VERSION"
uv=/opt/uv/bin/uv

step "esphome $ESPHOME_VERSION into /opt/esphome"
in_root python3 -m venv /opt/esphome
in_root $uv pip install --python /opt/esphome/bin/python "esphome==$ESPHOME_VERSION"

step "homeassistant $HOMEASSISTANT_VERSION into /opt/hass"
in_root python3 -m venv /opt/hass
in_root $uv pip install --python /opt/hass/bin/python "homeassistant==$HOMEASSISTANT_VERSION"
mkdir -p "$target/opt/hearth-toolchain"
cp "$HEARTH_TOOLCHAIN_DIR/pins.env" "$HEARTH_TOOLCHAIN_DIR/ha_requirements.py" "$target/opt/hearth-toolchain/"
step "integration requirements"
in_root HEARTH_UV=$uv /opt/hass/bin/python /opt/hearth-toolchain/ha_requirements.py "$HASS_INTEGRATIONS"

step "smoke test"
in_root /opt/esphome/bin/esphome version
in_root /opt/hass/bin/hass --version
in_root /opt/hass/bin/python -c 'import aioesphomeapi, paho.mqtt, hass_frontend'
in_root sh -c '/opt/esphome/bin/pip freeze >/opt/hearth-toolchain/esphome-freeze.txt;
  /opt/hass/bin/pip freeze >/opt/hearth-toolchain/hass-freeze.txt;
  python3 --version >/opt/hearth-toolchain/python-version.txt'
step "done"
