#!/usr/bin/env bash
# Runs tests/nix/eval-module.nix (lib.evalModules over nix/module.nix with NixOS stubs and a
# fake pkgs) against the nixpkgs `lib` in $NIXPKGS_LIB: either a nixpkgs checkout, a
# nix-community/nixpkgs.lib checkout, or their `lib` directory itself.
# Prints one line per check and a summary; SKIPPED (exit 0) when NIXPKGS_LIB is unset.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ -z "${NIXPKGS_LIB:-}" ]; then
  echo "nix eval-module: SKIPPED (set NIXPKGS_LIB to a checkout of nixpkgs' lib, e.g. github:nix-community/nixpkgs.lib)"
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
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
if ! nix-instantiate --eval --strict --json "$here/eval-module.nix" --arg lib "import $libdir" >"$out" 2>"$err"; then
  echo "nix eval-module: FAILED: evaluation error (nixpkgs lib $version, $(nix-instantiate --version))"
  sed 's/^/  /' "$err"
  exit 1
fi

node - "$out" "$version" <<'JS'
const [file, version] = process.argv.slice(2);
const checks = JSON.parse(require('fs').readFileSync(file, 'utf8'));
let failed = 0;
for (const c of checks) {
  console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.ok || !c.detail ? '' : `\n         ${c.detail}`}`);
  if (!c.ok) failed++;
}
const summary = `nix eval-module: ${checks.length - failed}/${checks.length} checks passed (nixpkgs lib ${version})`;
console.log(failed ? summary.replace('nix eval-module:', 'nix eval-module: FAILED,') : summary);
process.exit(failed ? 1 : 0);
JS
