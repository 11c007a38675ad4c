#!/usr/bin/env bash
# Runs the Nix evaluation tests:
#   eval-module  tests/nix/eval-module.nix: lib.evalModules over nix/module.nix with NixOS stubs
#                and a fake pkgs; needs NIXPKGS_LIB = a checkout of nixpkgs' lib (a nixpkgs or
#                nix-community/nixpkgs.lib checkout, or their `lib` directory).
#   eval-flake   tests/nix/eval-flake.nix: flake.nix's outputs through a real flake-parts and a
#                fake nixpkgs; needs NIXPKGS_LIB and FLAKE_PARTS = a hercules-ci/flake-parts checkout.
# Prints one line per check and a summary; SKIPPED (exit 0) when their inputs are not given.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ -z "${NIXPKGS_LIB:-}" ]; then
  echo "nix eval-module: SKIPPED (set NIXPKGS_LIB to a checkout of nixpkgs' lib, e.g. github:nix-community/nixpkgs.lib)"
  echo "nix eval-flake: SKIPPED (set NIXPKGS_LIB, and FLAKE_PARTS to a checkout of github:hercules-ci/flake-parts)"
  exit 0
fi
libdir=$NIXPKGS_LIB
[ -f "$libdir/lib/default.nix" ] && libdir=$libdir/lib
if [ ! -f "$libdir/default.nix" ] || [ ! -f "$libdir/modules.nix" ]; then
  echo "nix eval-module: FAILED: NIXPKGS_LIB=$NIXPKGS_LIB holds no nixpkgs lib (no default.nix + modules.nix)" >&2
  exit 1
fi
libdir=$(cd "$libdir" && pwd)
version=$(nix-instantiate --eval -E "(import $libdir).version" 2>/dev/null | tr -d '"' || echo unknown)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_eval NAME FILE [nix-instantiate args…]: evaluate FILE (a list of {name, ok, detail}) and report
run_eval() {
  local name=$1 file=$2
  shift 2
  if ! nix-instantiate --eval --strict --json "$file" --arg lib "import $libdir" "$@" >"$tmp/out" 2>"$tmp/err"; then
    echo "nix $name: FAILED: evaluation error (nixpkgs lib $version, $(nix-instantiate --version))"
    sed 's/^/  /' "$tmp/err"
    return 1
  fi
  node - "$tmp/out" "$name" "nixpkgs lib $version${extra_info:-}" <<'JS'
const [file, name, info] = process.argv.slice(2);
const checks = JSON.parse(require('fs').readFileSync(file, 'utf8'));
let failed = 0;
for (const c of checks) {
  console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.ok || !c.detail ? '' : `\n         ${c.detail}`}`);
  if (!c.ok) failed++;
}
console.log(`nix ${name}: ${failed ? 'FAILED, ' : ''}${checks.length - failed}/${checks.length} checks passed (${info})`);
process.exit(failed ? 1 : 0);
JS
}

status=0
run_eval eval-module "$here/eval-module.nix" || status=1

if [ -z "${FLAKE_PARTS:-}" ]; then
  echo "nix eval-flake: SKIPPED (set FLAKE_PARTS to a checkout of github:hercules-ci/flake-parts)"
elif [ ! -f "$FLAKE_PARTS/flake.nix" ] || [ ! -f "$FLAKE_PARTS/lib.nix" ]; then
  echo "nix eval-flake: FAILED: FLAKE_PARTS=$FLAKE_PARTS is no flake-parts checkout"
  status=1
else
  fp=$(cd "$FLAKE_PARTS" && pwd)
  extra_info=", flake-parts $(git -C "$fp" rev-parse --short HEAD 2>/dev/null || echo checkout)" \
    run_eval eval-flake "$here/eval-flake.nix" --arg flakeParts "$fp" || status=1
fi
exit $status
