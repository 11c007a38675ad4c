#!/usr/bin/env bash
# Run a command inside hearth's cached root filesystem (see README.md).
#
#   toolchain/run-in-rootfs.sh CMD [ARGS...]
#
# The command runs in a private mount namespace (unshare --mount) and a chroot. Host paths
# work unchanged: the host's /tmp, the caller's cwd, the caller's git repo root, this repo's
# root and every dir in $HEARTH_ROOTFS_BINDS (colon-separated) are bind-mounted at the SAME
# absolute paths, and the command starts in the caller's cwd. Nothing is mounted on the host,
# so nothing can leak, even on kill -9.
#
# No fork: unshare, chroot, env and sh all exec, so the caller's child PID IS the command:
# signals (SIGTERM/SIGINT/...) reach it directly and its exit status is ours.
#
# Env inside: HOME=/root, a standard PATH, LANG=C.UTF-8 unless set, the host CA bundle as
# SSL_CERT_FILE/REQUESTS_CA_BUNDLE/PIP_CERT; passed through: TZ TERM COLUMNS LINES NO_COLOR
# FORCE_COLOR CI LANG LC_ALL PYTHONUNBUFFERED, every HEARTH_*/ESPHOME_*/PLATFORMIO_* var and
# the names listed in $HEARTH_ROOTFS_ENV (space-separated).
#
# $HEARTH_ROOTFS=DIR runs in DIR instead of the cached rootfs (used by build-rootfs.sh);
# $HEARTH_ROOTFS_MINIMAL=1 skips the /tmp, cwd and repo binds.
set -euo pipefail

CA_IN_ROOT=/etc/ssl/certs/ca-certificates.crt
HOST_CA=/etc/ssl/certs/ca-certificates.crt

inside() {
  # Runs as root in the new mount namespace (propagation private). $1.. = command.
  local root=$HEARTH__ROOT cwd=$HEARTH__CWD p

  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount --rbind /sys "$root/sys"
  mount -o remount,bind,ro "$root/sys" 2>/dev/null || true
  # /run: a private tmpfs (no runtime state of the host's or of an earlier run) holding
  # `.containerenv`, the marker container engines (podman) put there: a chroot in its own mount
  # namespace is a container, and tools that ask (HA's install type) should see one.
  mkdir -p "$root/run"
  mount -t tmpfs -o mode=0755,size=16m tmpfs "$root/run"
  mkdir -p "$root/run/lock"
  : >"$root/run/.containerenv"

  # Read-only file binds: DNS, hosts, CA bundle (ro so nothing in the rootfs writes through).
  bind_file() {
    local src=$1 dst=$root$2
    [ -f "$src" ] || return 0
    if [ -L "$dst" ] || [ ! -e "$dst" ]; then rm -f "$dst"; : >"$dst"; fi
    mount --bind "$src" "$dst" && mount -o remount,bind,ro "$dst"
  }
  bind_file "$(readlink -f /etc/resolv.conf)" /etc/resolv.conf
  bind_file /etc/hosts /etc/hosts
  if [ -f "$root$CA_IN_ROOT" ]; then
    bind_file "$HOST_CA" "$CA_IN_ROOT"
  else
    # During the build, before ca-certificates exists in the rootfs.
    mkdir -p "$root/etc/hearth"
    bind_file "$HOST_CA" /etc/hearth/host-ca.crt
  fi

  # Directory binds at the same absolute path, shortest first; skip nested and unsafe ones.
  local bound=() b skip
  while IFS= read -r p; do
    [ -n "$p" ] && [ -d "$p" ] || continue
    skip=
    case "$p" in
      / | /usr | /usr/* | /bin | /bin/* | /sbin | /sbin/* | /lib | /lib/* | /lib64 | /lib64/* | \
      /etc | /etc/* | /proc | /proc/* | /sys | /sys/* | /dev | /dev/* | /opt | /var | /boot | \
      /run | /root | /opt/esphome | /opt/esphome/* | /opt/hass | /opt/hass/* | /opt/uv | /opt/uv/*)
        skip=unsafe ;;
    esac
    for b in "${bound[@]}"; do
      case "$p/" in "$b"/*) skip=nested ;; esac
    done
    if [ -n "$skip" ]; then
      continue
    fi
    mkdir -p "$root$p"
    mount --rbind "$p" "$root$p"
    bound+=("$p")
  done < <(printf '%s\n' "${HEARTH__BINDS[@]}" | awk '{ print length($0) "\t" $0 }' | sort -n -s | cut -f2- | uniq)

  local envs=(HOME=/root USER=root LOGNAME=root
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    LANG="${LANG:-C.UTF-8}")
  local ca=$CA_IN_ROOT
  [ -f "$root$CA_IN_ROOT" ] || ca=/etc/hearth/host-ca.crt
  envs+=(SSL_CERT_FILE=$ca REQUESTS_CA_BUNDLE=$ca PIP_CERT=$ca CURL_CA_BUNDLE=$ca GIT_SSL_CAINFO=$ca)
  local name
  for name in TZ TERM COLUMNS LINES NO_COLOR FORCE_COLOR CI LC_ALL PYTHONUNBUFFERED \
    PIP_DEFAULT_TIMEOUT PIP_DISABLE_PIP_VERSION_CHECK ${HEARTH_ROOTFS_ENV:-} \
    $(compgen -v | grep -E '^(HEARTH_|ESPHOME_|PLATFORMIO_|UV_)' | grep -v '^HEARTH__' || true); do
    [ -n "${!name+x}" ] && envs+=("$name=${!name}")
  done

  # shellcheck disable=SC2016
  exec chroot "$root" /usr/bin/env -i "${envs[@]}" /bin/sh -c '
    cd "$1" 2>/dev/null || { echo "hearth-toolchain: $1 not visible in the rootfs, running in /" >&2; cd /; }
    shift; exec "$@"' hearth-run "$cwd" "$@"
}

if [ "${1:-}" = --hearth-inside-namespace ]; then
  shift
  mapfile -t HEARTH__BINDS <<<"${HEARTH__BINDS_STR:-}"
  inside "$@"
fi

[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }

# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

if [ -n "${HEARTH_ROOTFS:-}" ]; then
  root=$HEARTH_ROOTFS
else
  root=$(hearth_rootfs)
  if [ ! -d "$root" ]; then
    hearth_log "rootfs missing, running toolchain/ensure.sh"
    "$HEARTH_TOOLCHAIN_DIR/ensure.sh" >&2
  fi
fi
[ -d "$root/usr" ] || { hearth_log "no root filesystem at $root (run toolchain/ensure.sh)"; exit 1; }

cwd=$(pwd -P)
binds=()
if [ -z "${HEARTH_ROOTFS_MINIMAL:-}" ]; then
  binds+=(/tmp "$cwd" "$(dirname "$HEARTH_TOOLCHAIN_DIR")")
  if top=$(git -C "$cwd" rev-parse --show-toplevel 2>/dev/null); then binds+=("$top"); fi
  IFS=: read -r -a extra <<<"${HEARTH_ROOTFS_BINDS:-}"
  for p in "${extra[@]}"; do [ -n "$p" ] && binds+=("$(readlink -f "$p")"); done
fi
binds+=(${HEARTH__EXTRA_BINDS:-})

export HEARTH__ROOT=$root HEARTH__CWD=$cwd
HEARTH__BINDS_STR=$(printf '%s\n' "${binds[@]}")
export HEARTH__BINDS_STR
exec unshare --mount --propagation private -- "$HEARTH_TOOLCHAIN_DIR/run-in-rootfs.sh" --hearth-inside-namespace "$@"
