#!/usr/bin/env bash
# shellcheck disable=SC2016 # the bash -c snippets expand their own arguments
# Tests nix/place-esphome-configs.sh, the step hearth-esphome-configs.service runs as root:
# a directory owned by another user (standing in for ESPHome's) with a planted symlink to a
# root-only file, a planted symlink to a root-owned directory, a manifest line `../victim`
# (in the unit's state and in the old in-directory manifest), and a config directory reached
# through a directory another user owns. Each case proves nothing outside is touched.
#
# As root (how the unit runs, and how `npm test` runs here) the script keeps only the unit's
# capabilities, the directory belongs to a throwaway uid with no account (64123; only files
# carry it, removed at the end) and the ownership checks run too; as another user the
# directory is that user's own.
# Prints one line per check and a summary; exit status 1 on any failure.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
script="$here/../../nix/place-esphome-configs.sh"

me=$(id -u)
if [ "$me" = 0 ]; then owner=64123; else owner=$me; fi
other=64124 # an uid that is neither root nor the owner (as root only)

base=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$base"' EXIT
chmod 0755 "$base"
# The script re-runs itself as the directory's owner, so that user must be able to read it: in
# production it is in the world-readable Nix store; a checkout may sit below a private
# directory (a 0700 `mktemp -d`), so the test runs a world-readable copy.
mkdir -m 0755 "$base/bin"
install -m 0755 "$script" "$base/bin/place-esphome-configs.sh"
script="$base/bin/place-esphome-configs.sh"

passed=0 failed=0
check() { # check NAME COMMAND…
  local name=$1
  shift
  if "$@"; then
    echo "  ok   $name"
    passed=$((passed + 1))
  else
    echo "  FAIL $name"
    failed=$((failed + 1))
  fi
}
content_is() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
owned_by() { [ "$(stat -c %u "$1")" = "$2" ]; }
mode_is() { [ "$(stat -c %a "$1")" = "$2" ]; }
is_link_to() { [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]; }
empty_dir() { [ -d "$1" ] && [ -z "$(ls -A "$1")" ]; }
as_owner() { if [ "$me" = 0 ]; then chown -h "$owner:$owner" "$@"; fi; }

# things outside the config directory that must survive
printf 'precious\n' >"$base/victim"
printf 'root only\n' >"$base/root-only"
chmod 0600 "$base/root-only"
mkdir -m 0755 "$base/rootdir"

# generated configs (the store path in production)
mkdir -p "$base/store/gen1" "$base/store/gen2" # (deeper than the victim, as in /nix/store)
printf 'esphome: {name: kitchen}\n' >"$base/store/gen1/kitchen.yaml"
printf 'esphome: {name: hall}\n' >"$base/store/gen1/hall.yaml"
printf 'esphome: {name: kitchen}\n' >"$base/store/gen2/kitchen.yaml"
chmod -R a+rX "$base/store"
printf 'wifi_ssid: x\n' >"$base/secrets-file"

# the ESPHome user's directory, laid out as a DynamicUser's state directory is: a root-owned
# link to it inside root's 0700 private/, which its owner cannot pass through
mkdir -m 0700 "$base/private"
mkdir -m 0750 "$base/private/esphome"
ln -s private/esphome "$base/esphome"
esp="$base/esphome"
printf 'mine\n' >"$esp/mine.yaml"
ln -s "$base/root-only" "$esp/kitchen.yaml"   # a config name pointing at a root-only file
ln -s "$base/rootdir" "$esp/hall.yaml"        # a config name pointing at a root-owned dir
ln -s "$base/rootdir" "$esp/secrets.yaml"     # secrets.yaml pointing at a root-owned dir
ln -s "$base/root-only" "$esp/.hearth-managed.new" # where older releases wrote their manifest
printf '../victim\nmine.yaml\n' >"$esp/.hearth-managed" # the old, owner-writable manifest
as_owner "$base/private/esphome" "$esp"/* "$esp/.hearth-managed" "$esp/.hearth-managed.new"

state="$base/state"
mkdir -m 0700 "$state"
printf '../victim\n../../etc/passwd\nsub/x.yaml\n' >"$state/placed" # refused even from our own state

# As root, the script runs with only the capabilities the unit keeps (its
# CapabilityBoundingSet, pinned by tests/nix/eval-module.nix): no reading or writing past
# file modes, only changing identity and searching directories.
caps=()
if [ "$me" = 0 ]; then caps=(setpriv "--bounding-set=-all,+setuid,+setgid,+dac_read_search" --); fi
run() { "${caps[@]}" bash "$script" "$@" 2>"$base/err" >"$base/out"; local rc=$?; [ -z "${VERBOSE:-}" ] || cat "$base/out" "$base/err" >&2; return $rc; }

echo "nix place-esphome-configs: as uid $me, directory owned by uid $owner"

# --- first run: planted links and `..` lines --------------------------------------------
run --configs "$base/store/gen1" --dir "$esp" --state "$state" --secrets "$base/secrets-file"
rc=$?
check "first run succeeds" [ "$rc" = 0 ]
check "root-only file untouched (content)" content_is "$base/root-only" 'root only'
check "root-only file untouched (mode 0600)" mode_is "$base/root-only" 600
check "root-owned directory untouched (nothing written into it)" empty_dir "$base/rootdir"
check "victim named by ../victim in the state manifest still there" content_is "$base/victim" precious
check "the ../victim line is refused by name" grep -q "refusing manifest line '../victim'" "$base/err"
check "kitchen.yaml: the planted link is replaced by the config" \
  bash -c '[ ! -L "$1" ] && [ "$(cat "$1")" = "esphome: {name: kitchen}" ]' _ "$esp/kitchen.yaml"
check "hall.yaml: the link to a directory is replaced by the config" \
  bash -c '[ ! -L "$1" ] && [ "$(cat "$1")" = "esphome: {name: hall}" ]' _ "$esp/hall.yaml"
check "placed configs are 0640" mode_is "$esp/kitchen.yaml" 640
check "secrets.yaml: the planted link is replaced by one to the secrets file" is_link_to "$esp/secrets.yaml" "$base/secrets-file"
check "the owner's own file is left alone" content_is "$esp/mine.yaml" mine
check "the old in-directory manifest is gone, not obeyed" bash -c '[ ! -e "$1" ]' _ "$esp/.hearth-managed"
check "manifest in the unit's state lists exactly the placed configs" \
  bash -c '[ "$(sort "$1" | tr "\n" " ")" = "hall.yaml kitchen.yaml " ]' _ "$state/placed"
check "no temporary files left" bash -c '! ls -A "$1" | grep -Eq "^\.hearth-[A-Za-z0-9]{8}$"' _ "$esp"
if [ "$me" = 0 ]; then
  check "the files were written as the directory's owner (uid $owner), not root" owned_by "$esp/kitchen.yaml" "$owner"
  check "the secrets link belongs to the owner too" owned_by "$esp/secrets.yaml" "$owner"
fi

# --- second run: a device removed; a manifest name planted as a link ----------------------
rm -f "$esp/hall.yaml"
ln -s "$base/victim" "$esp/hall.yaml" # removing hall.yaml must remove the link, not the victim
as_owner "$esp/hall.yaml"
run --configs "$base/store/gen2" --dir "$esp" --state "$state"
rc=$?
check "second run succeeds" [ "$rc" = 0 ]
check "a config no longer generated is removed" bash -c '[ ! -e "$1" ] && [ ! -L "$1" ]' _ "$esp/hall.yaml"
check "removing it removed the link, not its target" content_is "$base/victim" precious
check "the kept config is still there" content_is "$esp/kitchen.yaml" 'esphome: {name: kitchen}'
check "the owner's own file is still left alone" content_is "$esp/mine.yaml" mine
check "manifest now lists only kitchen.yaml" content_is "$state/placed" kitchen.yaml

# --- a config directory reached through a directory another user controls -----------------
mkdir -m 0755 "$esp/sub-target"
ln -s "$base/rootdir" "$esp/hearth" # the owner points <esp>/hearth at a root-owned directory
as_owner "$esp/sub-target" "$esp/hearth"
if [ "$me" = 0 ]; then
  run --configs "$base/store/gen1" --dir "$esp/hearth" --state "$base/state2"
  rc=$?
  check "a config directory below another user's directory is refused (exit 2)" [ "$rc" = 2 ]
  check "… naming the untrusted directory" grep -q "belongs to uid $owner: another user could redirect the path" "$base/err"
  check "… and nothing is written through the link" empty_dir "$base/rootdir"
fi

# --- a root-owned directory that others may write into ------------------------------------
shared="$base/shared"
mkdir -m 0770 "$shared"
[ "$me" = 0 ] && chgrp "$other" "$shared"
run --configs "$base/store/gen1" --dir "$shared" --state "$base/state3"
rc=$?
check "a directory of ours writable by its group is refused (exit 2)" [ "$rc" = 2 ]
check "… saying why" grep -q "writable by group or others" "$base/err"
check "… and nothing is placed" empty_dir "$shared"

# --- a generated name that is not a plain <name>.yaml ---------------------------------------
mkdir -p "$base/store/gen-bad"
printf 'x\n' >"$base/store/gen-bad/x..yaml"
printf 'x\n' >"$base/store/gen-bad/ok.yaml"
run --configs "$base/store/gen-bad" --dir "$base/fresh" --state "$base/state4"
rc=$?
check "a generated name with '..' is refused (exit 2)" [ "$rc" = 2 ]
check "… and nothing is placed" bash -c '[ ! -e "$1/ok.yaml" ]' _ "$base/fresh"

# --- group ownership (root only: needs an id change) ----------------------------------------
if [ "$me" = 0 ]; then
  run --configs "$base/store/gen1" --dir "$base/grouped" --state "$base/state5" --group "$other"
  rc=$?
  check "--group on a new directory: succeeds" [ "$rc" = 0 ]
  check "--group: configs get the group" bash -c '[ "$(stat -c %g "$1")" = "$2" ]' _ "$base/grouped/kitchen.yaml" "$other"
  check "--group: the directory gets the group, 0750" bash -c '[ "$(stat -c "%g %a" "$1")" = "$2 750" ]' _ "$base/grouped" "$other"
fi

echo "nix place-esphome-configs: $([ "$failed" -gt 0 ] && echo 'FAILED, ')$passed/$((passed + failed)) checks passed"
[ "$failed" = 0 ]
