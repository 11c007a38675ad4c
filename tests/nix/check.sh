#!/usr/bin/env bash
# hearth's Nix checks that run without nixpkgs or network:
#   1. `nix-instantiate --parse` on every .nix file of the repository;
#   2. the ESPHome-config placement script (tests/nix/place-esphome-configs.test.sh: planted
#      symlinks and `..` names), and shellcheck on it when shellcheck is installed;
#   3. the NixOS module and flake evaluation tests (tests/nix/eval-module.sh) when NIXPKGS_LIB
#      (and FLAKE_PARTS) point to checkouts, and the package's npm steps (npm pack per pinned
#      fetch, npm ci offline from the rewritten lockfile: tests/nix/npm-offline.test.sh) when
#      NIXPKGS_LIB does; they report themselves SKIPPED otherwise.
# Installs Debian's nix-bin (Nix 2.8) when nix-instantiate is missing. Exit status non-zero
# on any failure. Nothing is built here: building the package and the VM test needs nixpkgs
# (docs/nix.md).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

if ! command -v nix-instantiate >/dev/null; then
  echo "nix: nix-instantiate missing, installing Debian's nix-bin" >&2
  if [ "$(id -u)" != 0 ]; then
    echo "nix: FAILED: need root to apt-get install nix-bin" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  for i in 1 2 3 4 5 6; do
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq nix-bin >/dev/null 2>&1 && break
    apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null 2>&1 || true
    echo "nix: apt-get install nix-bin failed (try $i), retrying" >&2
    sleep 5
  done
  command -v nix-instantiate >/dev/null || { echo "nix: FAILED: could not install nix-bin" >&2; exit 1; }
fi

# 1. parse every .nix file (skipping dependency, build and VCS directories)
mapfile -d '' files < <(cd "$repo" && find . \( -name node_modules -o -name .git -o -name dist -o -name build -o -name .cache -o -name result \) -prune -o -name '*.nix' -type f -print0 | sort -z)
bad=0
for f in "${files[@]}"; do
  if ! msg=$(nix-instantiate --parse "$repo/$f" 2>&1 >/dev/null); then
    echo "nix: parse error in ${f#./}:" >&2
    echo "$msg" | sed 's/^/  /' >&2
    bad=$((bad + 1))
  fi
done
if [ "$bad" -gt 0 ]; then
  echo "nix: FAILED: $bad of ${#files[@]} files do not parse"
  exit 1
fi
echo "nix: ${#files[@]} files parsed ($(nix-instantiate --version))"

status=0

# 2. the ESPHome-config placement step (runs as root on NixOS): planted links, `..` names
bash "$here/place-esphome-configs.test.sh" || status=1
# (the package runs it through writeShellApplication, which shellchecks it at build time)
if command -v shellcheck >/dev/null; then
  if shellcheck "$repo/nix/place-esphome-configs.sh"; then
    echo "nix: shellcheck nix/place-esphome-configs.sh: clean"
  else
    echo "nix: FAILED: shellcheck nix/place-esphome-configs.sh"
    status=1
  fi
fi

# 3. module and flake evaluation; the package's npm steps run outside Nix on what it evaluates to
bash "$here/eval-module.sh" || status=1
bash "$here/npm-offline.test.sh" || status=1

echo "nix: NOTE: nothing was built (no nixpkgs here): \`nix flake check\` builds the package, its tests and the VM test (docs/nix.md)"
exit $status
