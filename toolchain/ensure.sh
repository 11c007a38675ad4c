#!/usr/bin/env bash
# Make hearth's toolchain ready; idempotent, and fast (well under 2 s) when all is cached.
#  1. host packages: debootstrap, mosquitto (broker binary only: its system service is kept
#     stopped and disabled, tests start their own), ffmpeg, nix-bin, util-linux and iproute2
#     (the tests' private network namespace: tests/isolated.sh), shellcheck, chromium;
#  2. the root filesystem (Debian + Python + /opt/esphome + /opt/hass venvs) at
#     ${XDG_CACHE_HOME:-$HOME/.cache}/hearth/rootfs-<key>, key = hash of pins.env,
#     build-rootfs.sh and ha_requirements.py; built in a temp dir and renamed into place,
#     so a killed build never leaves a cache that looks complete. Old rootfs-* are removed.
# Prints the rootfs path on stdout; progress and timings on stderr.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

t_start=$EPOCHREALTIME
[ "$(id -u)" = 0 ] || { hearth_log "must run as root (apt-get, debootstrap, unshare)"; exit 1; }

# --- 1. host packages -------------------------------------------------------------------
HOST_PACKAGES=(debootstrap mosquitto ffmpeg nix-bin util-linux iproute2 shellcheck chromium)
installed=" $(dpkg-query -W -f='${Package}=${Status} ' "${HOST_PACKAGES[@]}" 2>/dev/null || true)"
missing=()
for pkg in "${HOST_PACKAGES[@]}"; do
  [[ "$installed" == *" $pkg=install ok installed "* ]] || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  t=$EPOCHREALTIME
  hearth_log "installing host packages: ${missing[*]}"
  # Keep apt from starting services (mosquitto) while installing; only if no policy exists.
  policy=/usr/sbin/policy-rc.d own_policy=
  if [ ! -e $policy ]; then
    printf '#!/bin/sh\nexit 101\n' >$policy && chmod +x $policy && own_policy=1
    trap '[ -n "$own_policy" ] && rm -f $policy' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Other apt-get runs may hold the locks (parallel sessions/CI steps): wait and retry.
  apt_retry() {
    local i
    for i in $(seq 60); do
      apt-get -o DPkg::Lock::Timeout=300 "$@" >&2 && return 0
      hearth_log "apt-get $1 failed (try $i), retrying in 5 s"; sleep 5
    done
    return 1
  }
  apt_retry update -q
  apt_retry install -y -q --no-install-recommends "${missing[@]}"
  if [[ " ${missing[*]} " == *" mosquitto "* ]]; then
    if [ -d /run/systemd/system ]; then
      systemctl disable --now mosquitto.service >&2 || true
    else
      update-rc.d mosquitto disable >/dev/null 2>&1 || true
      # policy-rc.d normally prevents the start; if an init script started it anyway, stop it.
      if [ -s /run/mosquitto/mosquitto.pid ] && kill -0 "$(cat /run/mosquitto/mosquitto.pid)" 2>/dev/null; then
        invoke-rc.d --force mosquitto stop >&2 || kill "$(cat /run/mosquitto/mosquitto.pid)" || true
      fi
    fi
  fi
  [ -n "$own_policy" ] && rm -f $policy && own_policy=
  hearth_log "host packages installed ($(hearth_elapsed "$t")s)"
fi
t_pkgs=$(hearth_elapsed "$t_start")

# --- 2. root filesystem -----------------------------------------------------------------
key=$(hearth_key)
rootfs="$HEARTH_CACHE_DIR/rootfs-$key"
built=
if [ ! -d "$rootfs" ]; then
  mkdir -p "$HEARTH_CACHE_DIR"
  exec 9>"$HEARTH_CACHE_DIR/.lock"
  flock -n 9 || { hearth_log "waiting for another ensure.sh to finish building"; flock 9; }
  if [ ! -d "$rootfs" ]; then
    # Anything left by a killed build is stale now that we hold the lock.
    for d in "$HEARTH_CACHE_DIR"/.build-* "$HEARTH_CACHE_DIR"/.trash-*; do
      [ -e "$d" ] && rm -rf --one-file-system "$d"
    done
    t=$EPOCHREALTIME
    tmp="$HEARTH_CACHE_DIR/.build-$key-$$"
    log="$HEARTH_CACHE_DIR/build-$key.log"
    hearth_log "building rootfs-$key (log: $log)"
    if ! "$HEARTH_TOOLCHAIN_DIR/build-rootfs.sh" "$tmp" >"$log" 2>&1; then
      tail -n 40 "$log" >&2
      hearth_log "rootfs build FAILED after $(hearth_elapsed "$t")s; full log: $log"
      rm -rf --one-file-system "$tmp"
      exit 1
    fi
    grep '^hearth-toolchain: build:' "$log" >&2 || true
    date -u +%FT%TZ >"$tmp/opt/hearth-toolchain/built-at"
    sync -f "$tmp/opt/hearth-toolchain/built-at" 2>/dev/null || true
    mv -T "$tmp" "$rootfs"
    built=built
    hearth_log "rootfs-$key built ($(hearth_elapsed "$t")s, $(du -sh --one-file-system "$rootfs" | cut -f1))"
  fi
  flock -u 9
fi

# Old caches with other keys (renamed first, so a half-deleted one never looks complete), unless
# a process still runs in one (e.g. a test from a checkout with other pins).
in_use() {
  local r
  for r in /proc/[0-9]*/root; do
    case "$(readlink "$r" 2>/dev/null)" in "$1" | "$1"/*) return 0 ;; esac
  done
  return 1
}
for d in "$HEARTH_CACHE_DIR"/rootfs-*; do
  [ -d "$d" ] && [ "$d" != "$rootfs" ] || continue
  if in_use "$d"; then hearth_log "keeping old $(basename "$d"): still in use"; continue; fi
  hearth_log "removing old $(basename "$d")"
  trash="$HEARTH_CACHE_DIR/.trash-$(basename "$d")-$$"
  mv -T "$d" "$trash" && rm -rf --one-file-system "$trash"
  rm -f "$HEARTH_CACHE_DIR/build-${d##*/rootfs-}.log"
done

hearth_log "ready: host packages ${t_pkgs}s, rootfs-$key ${built:-cached}, total $(hearth_elapsed "$t_start")s"
printf '%s\n' "$rootfs"
