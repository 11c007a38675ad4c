#!/usr/bin/env bash
# shellcheck disable=SC2016 # node -e programs in single quotes
# Runs the npm half of nix/package.nix outside Nix, on what the Nix expression itself says:
#   1. evaluates the package (tests/nix/stubs.nix, nixpkgs' lib) for its fetches (spec and
#      outputHash of each fixed-output derivation) and its rewritten lockfile;
#   2. runs each fetch's `npm pack <spec>` (here --offline, from npm's local cache: no network)
#      and checks the file's sha512 against the derivation's outputHash, i.e. that the FOD's
#      output is what its hash pins, whatever npm's version;
#   3. points the rewritten lockfile's `resolved` at those files and runs the build's
#      `npm ci --offline --ignore-scripts --omit=optional` with an empty cache, as in the sandbox;
#   4. bundles the card there as the build does (`ESBUILD_BINARY_PATH=<an esbuild binary> npm run
#      build:card`: npm's esbuild launcher without its optional binary package), with the
#      binary the development install has standing in for nixpkgs' esbuild.
# Needs NIXPKGS_LIB (SKIPPED without); SKIPPED too when npm's cache lacks a package (it is
# warm after `npm ci`). About 40 s of npm work.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ -z "${NIXPKGS_LIB:-}" ]; then
  echo "nix npm-offline: SKIPPED (set NIXPKGS_LIB to a checkout of nixpkgs' lib)"
  exit 0
fi
libdir=$NIXPKGS_LIB
[ -f "$libdir/lib/default.nix" ] && libdir=$libdir/lib
libdir=$(cd "$libdir" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. what the Nix expression fetches and installs from
cat >"$tmp/plan.nix" <<EOF
{ lib }:
let
  stubs = import $here/stubs.nix { inherit lib; };
  hearth = (stubs.pkgsFor "x86_64-linux").callPackage $repo/nix/package.nix { };
in
{
  fetches = lib.mapAttrsToList (spec: t: {
    inherit spec;
    hash = t.outputHash;
    path = t.outPath;
    command = t.buildCommand;
  }) hearth.passthru.tarballs;
  lock = hearth.passthru.offlineLock;
}
EOF
nix-instantiate --eval --strict --json "$tmp/plan.nix" --arg lib "import $libdir" >"$tmp/plan.json" 2>"$tmp/err" || {
  echo "nix npm-offline: FAILED: evaluation error"
  sed 's/^/  /' "$tmp/err"
  exit 1
}

# 2. npm pack every spec (one npm run), as each FOD's command does
mkdir "$tmp/packs" "$tmp/proj" "$tmp/empty-cache"
node -e '
const plan = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
for (const f of plan.fetches) {
  if (!/^npm pack \S+ --ignore-scripts /m.test(f.command.split("\n").find((l) => l.startsWith("npm pack")) ?? "")) {
    console.error(`fetch of ${f.spec} is not npm pack: ${f.command}`);
    process.exit(1);
  }
  console.log(f.spec);
}' "$tmp/plan.json" >"$tmp/specs"
if ! (cd "$tmp/packs" && xargs npm pack --offline --ignore-scripts --json --loglevel=error <"$tmp/specs" >"$tmp/packed.json" 2>"$tmp/pack.err"); then
  if grep -q ENOTCACHED "$tmp/pack.err"; then
    echo "nix npm-offline: SKIPPED (npm's cache lacks a package: $(grep -o "request to [^ ]*" "$tmp/pack.err" | head -1 | sed 's#.*/##'))"
    exit 0
  fi
  echo "nix npm-offline: FAILED: npm pack"
  sed 's/^/  /' "$tmp/pack.err" | tail -20
  exit 1
fi

# 3. hashes, then npm ci from the rewritten lockfile
cp "$repo/package.json" "$tmp/proj/"
node - "$tmp" <<'JS'
const fs = require('fs');
const crypto = require('crypto');
const tmp = process.argv[2];
const plan = JSON.parse(fs.readFileSync(`${tmp}/plan.json`, 'utf8'));
const packed = JSON.parse(fs.readFileSync(`${tmp}/packed.json`, 'utf8'));
const fileOf = new Map(packed.map((p) => [p.id, `${tmp}/packs/${p.filename}`]));
const pathToFile = new Map();
let mismatched = 0;
for (const f of plan.fetches) {
  const file = fileOf.get(f.spec);
  const got = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(file)).digest('base64')}`;
  if (got !== f.hash) {
    mismatched++;
    console.log(`  FAIL ${f.spec}: npm pack wrote ${got}, the derivation pins ${f.hash}`);
  }
  pathToFile.set(`file:${f.path}`, `file:${file}`);
}
console.log(`  ${mismatched ? 'FAIL' : 'ok  '} npm pack wrote exactly what each of the ${plan.fetches.length} fixed-output hashes pins`);
let rewritten = 0;
for (const entry of Object.values(plan.lock.packages)) {
  if (entry.resolved?.startsWith('file:')) {
    entry.resolved = pathToFile.get(entry.resolved);
    rewritten++;
  }
}
fs.writeFileSync(`${tmp}/proj/package-lock.json`, JSON.stringify(plan.lock, null, 2));
fs.writeFileSync(`${tmp}/counts`, `${mismatched} ${rewritten}\n`);
JS
read -r mismatched rewritten <"$tmp/counts"
status=0
[ "$mismatched" = 0 ] || status=1
if (cd "$tmp/proj" && npm ci --offline --ignore-scripts --omit=optional --no-audit --no-fund \
  --cache "$tmp/empty-cache" --loglevel=error >"$tmp/ci.out" 2>&1) &&
  [ -f "$tmp/proj/node_modules/typescript/package.json" ] && [ -f "$tmp/proj/node_modules/better-sqlite3/package.json" ]; then
  echo "  ok   npm ci --offline with an empty cache installs from the $rewritten rewritten lockfile entries ($(tail -1 "$tmp/ci.out" | sed 's/^ *//'))"
else
  echo "  FAIL npm ci --offline from the rewritten lockfile"
  sed 's/^/    /' "$tmp/ci.out" | tail -20
  status=1
fi

# 4. the card bundle, from the offline install (which has no @esbuild/<platform> package)
esbuild_bin=$(find -L "$repo/node_modules/@esbuild" -path '*/bin/esbuild' -type f 2>/dev/null | head -1 || true)
if [ "$status" != 0 ]; then
  :
elif [ -z "$esbuild_bin" ]; then
  echo "  SKIP npm run build:card (no esbuild binary in $repo/node_modules/@esbuild to stand in for nixpkgs')"
elif [ -e "$tmp/proj/node_modules/@esbuild" ]; then
  echo "  FAIL the offline install has an @esbuild platform package: the build would not need ESBUILD_BINARY_PATH"
  status=1
else
  cp -r "$repo/src" "$repo/tsconfig.json" "$tmp/proj/"
  if (cd "$tmp/proj" && ESBUILD_BINARY_PATH=$esbuild_bin npm run -s build:card >"$tmp/card.out" 2>&1) &&
    grep -q "customElements" "$tmp/proj/dist/card/hearth-card.js" && grep -q "hearth-card" "$tmp/proj/dist/card/hearth-card.js"; then
    echo "  ok   ESBUILD_BINARY_PATH=… npm run build:card bundles dist/card/hearth-card.js ($(wc -c <"$tmp/proj/dist/card/hearth-card.js") bytes) from the offline install"
  else
    echo "  FAIL npm run build:card from the offline install"
    sed 's/^/    /' "$tmp/card.out" | tail -20
    status=1
  fi
fi
echo "nix npm-offline: $([ "$status" = 0 ] && echo 'passed' || echo 'FAILED') ($(npm --version | sed 's/^/npm /'))"
exit $status
