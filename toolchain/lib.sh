# Shared helpers for the hearth toolchain scripts (sourced, not executed).
# shellcheck shell=bash

HEARTH_TOOLCHAIN_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
HEARTH_CACHE_DIR="${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/hearth"

# Files whose contents define what goes into the root filesystem: any change makes a new cache key.
HEARTH_KEY_FILES=(pins.env build-rootfs.sh ha_requirements.py)

hearth_key() {
  (cd "$HEARTH_TOOLCHAIN_DIR" && cat "${HEARTH_KEY_FILES[@]}") | sha256sum | cut -c1-12
}

hearth_rootfs() {
  printf '%s/rootfs-%s\n' "$HEARTH_CACHE_DIR" "$(hearth_key)"
}

# Seconds since $1 (an $EPOCHREALTIME value), e.g. "1.23".
hearth_elapsed() {
  local now=$EPOCHREALTIME
  awk -v a="$1" -v b="$now" 'BEGIN { printf "%.2f", b - a }'
}

hearth_log() { printf 'hearth-toolchain: %s\n' "$*" >&2; }
