#!/usr/bin/env bash
# Places hearth's generated ESPHome configs (<device>.yaml) in a directory that ESPHome reads,
# removes the ones it placed before and no longer generates, and links secrets.yaml.
# Run by the NixOS module's hearth-esphome-configs.service (as root); testable anywhere
# (tests/nix/place-esphome-configs.test.sh).
#
#   place-esphome-configs --configs STORE_DIR --dir CONFIG_DIR --state STATE_DIR
#                         [--secrets SECRETS_FILE] [--group GROUP]
#
# The config directory usually belongs to another user (ESPHome's), who can plant symlinks
# and files in it. So no privileged step follows a path that user controls:
#   - the manifest of placed names lives in STATE_DIR (this unit's own state), never in the
#     config directory; every name (generated or read back) must be a plain `<name>.yaml`
#     (no `/`, no `..`, no leading dot), anything else is refused and left alone;
#   - CONFIG_DIR's ancestors must be owned by root (or by whoever runs this) and be writable
#     by nobody else (or sticky), so no other user can redirect the path;
#   - everything inside CONFIG_DIR is done as the directory's owner (setpriv), so a planted
#     link can at most make the step do what that user could do anyway; it starts inside the
#     directory (root changes into it first), so it needs no access to the directories above
#     (a DynamicUser's /var/lib/private is root's, 0700) and the path is resolved only once;
#   - each file is written to a fresh temporary file and renamed over its name (`mv -T`:
#     rename(2) replaces a planted symlink itself, never what it points to).
# Exit status: 0 placed; 1 a filesystem step failed; 2 bad arguments or an untrusted directory.
set -euo pipefail

die() {
  echo "place-esphome-configs: $*" >&2
  exit 2
}
warn() { echo "place-esphome-configs: $*" >&2; }

# A name hearth may place or remove: `<name>.yaml`, letters, digits, `.`, `_`, `-`, no `..`,
# not hidden, not secrets.yaml (linked separately).
valid_name() {
  [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9._-]*\.yaml$ ]] && [[ $1 != *..* ]] && [[ $1 != secrets.yaml ]]
}

# ---- inner step: runs as the config directory's owner, inside it --------------------------
# inner CONFIGS SECRETS GROUP -- NEW_NAMES… -- OLD_NAMES_TO_REMOVE…
inner() {
  local dir=. configs=$1 secrets=$2 group=$3
  shift 3
  [ "$1" = -- ] || die "inner: bad arguments"
  shift
  local -a place=() remove=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    place+=("$1")
    shift
  done
  [ $# -gt 0 ] && shift
  remove=("$@")

  tmp="" # global: the EXIT trap runs after this function has returned
  trap 'if [ -n "$tmp" ]; then rm -f -- "$tmp"; fi' EXIT

  local name
  for name in "${remove[@]}"; do
    valid_name "$name" || die "refusing to remove '$name' (not a plain <name>.yaml)"
    # rm removes a symlink itself, never its target; a directory is left alone
    if [ -d "$dir/$name" ] && [ ! -L "$dir/$name" ]; then
      warn "$dir/$name is a directory, not removing it"
    else
      rm -f -- "$dir/$name"
    fi
  done

  for name in "${place[@]}"; do
    valid_name "$name" || die "refusing to place '$name' (not a plain <name>.yaml)"
    tmp=$(mktemp -p "$dir" .hearth-XXXXXXXX)
    cat -- "$configs/$name" >"$tmp"
    chmod 0640 -- "$tmp"
    if [ -n "$group" ]; then chgrp -- "$group" "$tmp"; fi
    mv -Tf -- "$tmp" "$dir/$name"
    tmp=""
  done

  if [ -n "$secrets" ]; then
    tmp=$(mktemp -u -p "$dir" .hearth-XXXXXXXX)
    ln -s -- "$secrets" "$tmp"
    mv -Tf -- "$tmp" "$dir/secrets.yaml"
    tmp=""
  fi
  # older hearth releases kept their manifest here, where its owner could edit it: never read
  rm -f -- "$dir/.hearth-managed"
  if [ -n "$group" ]; then chgrp -- "$group" "$dir"; fi
}

if [ "${1:-}" = --inner ]; then
  shift
  inner "$@"
  exit 0
fi

# ---- outer step --------------------------------------------------------------------------
configs="" dir="" state="" secrets="" group=""
while [ $# -gt 0 ]; do
  case $1 in
    --configs) configs=${2:?}; shift 2 ;;
    --dir) dir=${2:?}; shift 2 ;;
    --state) state=${2:?}; shift 2 ;;
    --secrets) secrets=${2:?}; shift 2 ;;
    --group) group=${2:?}; shift 2 ;;
    *) die "unknown argument '$1'" ;;
  esac
done
for v in configs dir state; do
  [ -n "${!v}" ] || die "--$v is required"
  [[ ${!v} == /* ]] || die "--$v must be an absolute path, got '${!v}'"
done
[ -d "$configs" ] || die "--configs: $configs is not a directory"
if [ -n "$secrets" ] && [[ $secrets != /* ]]; then die "--secrets must be an absolute path, got '$secrets'"; fi

# the generated names
declare -A generated=()
place=()
shopt -s dotglob # a hidden name is refused below, not skipped
for src in "$configs"/*.yaml; do
  [ -e "$src" ] || continue
  name=${src##*/}
  [ "$name" = secrets.yaml ] && continue
  valid_name "$name" || die "$configs holds '$name', not a plain <name>.yaml; refusing"
  generated[$name]=1
  place+=("$name")
done

me=$(id -u)
self=$(readlink -f -- "$0")

# trusted_chain PATH: PATH and every directory above it are owned by root (or by us) and
# writable by no one else unless sticky, as each is seen when the path is walked from /.
trusted_chain() {
  local path=$1 prefix="" part uid mode
  local -a parts
  IFS=/ read -ra parts <<<"$path"
  for part in "" "${parts[@]}"; do
    [ -z "$part" ] && [ -n "$prefix" ] && continue
    prefix="${prefix%/}/$part"
    [ -d "$prefix" ] || die "$prefix (above $dir) is not a directory"
    read -r uid mode < <(stat -L -c '%u %a' -- "$prefix")
    if [ "$uid" != 0 ] && [ "$uid" != "$me" ]; then
      die "$prefix (above $dir) belongs to uid $uid: another user could redirect the path; refusing"
    fi
    # group or others may write (…w…): only safe with the sticky bit (like /tmp)
    if (((8#$mode & 8#022) != 0 && (8#$mode & 8#1000) == 0)); then
      die "$prefix (above $dir) is writable by group or others (mode $mode); refusing"
    fi
  done
}

parent=$(dirname -- "$dir")
trusted_chain "$parent"
real_parent=$(readlink -f -- "$parent")
trusted_chain "$real_parent"

if [ ! -e "$dir" ] && [ ! -L "$dir" ]; then
  mkdir -m 0750 -- "$dir"
fi
real=$(readlink -f -- "$dir")
[ -d "$real" ] || die "$dir is not a directory"
trusted_chain "$(dirname -- "$real")"
read -r owner owner_gid mode < <(stat -c '%u %g %a' -- "$real")

if [ "$owner" = 0 ] || [ "$owner" = "$me" ]; then
  if (((8#$mode & 8#022) != 0)); then
    die "$real belongs to uid $owner and is writable by group or others (mode $mode): another user could plant links there; make it 0750 or give it to the ESPHome user"
  fi
elif [ "$me" != 0 ]; then
  die "$real belongs to uid $owner, not to this user ($me): cannot act as its owner"
fi

# setpriv and chgrp take a group name or number
gid=${group:-$owner_gid}

# what was placed before (this unit's own state)
install -d -m 0700 -- "$state"
manifest="$state/placed"
declare -A previous=()
remove=()
if [ -f "$manifest" ]; then
  while IFS= read -r name || [ -n "$name" ]; do
    [ -z "$name" ] && continue
    if ! valid_name "$name"; then
      warn "refusing manifest line '$name' (not a plain <name>.yaml); leaving it alone"
      continue
    fi
    previous[$name]=1
    [ -n "${generated[$name]:-}" ] || remove+=("$name")
  done <"$manifest"
fi

# write_manifest NAMES…: atomically, in our own state directory
write_manifest() {
  local tmp
  tmp=$(mktemp -p "$state" .placed-XXXXXXXX)
  if [ $# -gt 0 ]; then printf '%s\n' "$@" >"$tmp"; fi
  mv -Tf -- "$tmp" "$manifest"
}
# Until the step succeeds, remember both the old and the new names (so nothing placed is
# forgotten if it fails half-way); afterwards only the new ones.
write_manifest "${place[@]}" "${!previous[@]}"

cd -- "$real"
[ "$(pwd -P)" = "$real" ] || die "$dir moved while being placed into; refusing"
args=(--inner "$configs" "$secrets" "$group" -- "${place[@]}" -- "${remove[@]}")
if [ "$me" = 0 ] && [ "$owner" != 0 ]; then
  setpriv --reuid="$owner" --regid="$gid" --clear-groups -- "$BASH" "$self" "${args[@]}"
elif [ "$me" = 0 ] && [ -n "$group" ]; then
  # root's own directory: keep root's identity, take the group for the files it creates
  setpriv --regid="$gid" --clear-groups -- "$BASH" "$self" "${args[@]}"
else
  "$BASH" "$self" "${args[@]}"
fi

write_manifest "${place[@]}"
echo "place-esphome-configs: ${#place[@]} config(s) in $real${remove[*]:+, removed ${remove[*]}}"
