# hearth, built from package.json + package-lock.json.
#
# Why not buildNpmPackage / importNpmLock?
#   hearth's package-lock.json carries no `resolved` URLs (npm is configured with
#   `omit-lockfile-registry-resolved=true`, and the project never names a registry host).
#   nixpkgs' lockfile-driven fetchers (fetchNpmDeps, importNpmLock) derive one download per
#   lockfile entry from `resolved` and silently skip entries without it, so they would
#   produce an empty or partial cache.  Instead:
#
#   1. `node-modules` is a fixed-output derivation (FOD) that runs
#      `npm ci --ignore-scripts --omit=optional` with network access against npm's *default*
#      registry (no host is written anywhere) and whose output is the resulting
#      node_modules tree.  `--ignore-scripts` means no install script runs and nothing
#      platform-specific is downloaded (better-sqlite3's prebuilt binary is never fetched);
#      `--omit=optional` drops the only platform-specific packages in the lock (esbuild's and
#      rollup's per-platform binaries, used by dev tools we do not run here), so the hash is
#      the same on every system.  The lock's `integrity` hashes are still verified by npm.
#   2. The main derivation copies that tree, builds the native addon better-sqlite3 from
#      source against this nodejs's headers (node-gyp, python3, the C++ compiler; offline),
#      runs `tsc` (`npm run build`), prunes devDependencies and wraps `dist/src/cli.js` as
#      `bin/hearth`.
#
# Updating the hash (after changing package-lock.json, or when the nodejs/npm version changes
# the layout of node_modules): set `npmDepsHash ? lib.fakeHash` below (or pass it with
# `.override { npmDepsHash = lib.fakeHash; }`), run `nix build .#hearth`, and copy the
# `got: sha256-…` value from the hash-mismatch error into `npmDepsHash` below.
# docs/nix.md ("Updating the npm dependency hash") has the full procedure.
#
# STATUS: this package has never been built. The machines hearth is developed on have no
# nixpkgs, so `npmDepsHash` is still the placeholder `lib.fakeHash` (sha256-AAAA…): the first
# `nix build .#hearth` stops at the node-modules FOD with a hash mismatch and prints the real
# hash; paste it below (replacing `lib.fakeHash`) and commit. Until then `nix build` and
# `nix flake check` fail at that step by design. (tests/nix/check.sh prints a NOTE while the
# placeholder is in place.)
{
  lib,
  stdenv,
  stdenvNoCC,
  nodejs_24,
  python3,
  makeWrapper,
  cacert,
  cctools,
  # The FOD hash of node_modules; see the comment above.
  # PLACEHOLDER: not built yet; the first `nix build .#hearth` prints the real hash.
  npmDepsHash ? lib.fakeHash,
}:

let
  # The active Node.js LTS.  better-sqlite3 12.x builds from source on Node 20-24; 13.x needs
  # Node >= 22.  To use another nodejs: `hearth.override { nodejs_24 = pkgs.nodejs_22; }`.
  nodejs = nodejs_24;

  packageJson = lib.importJSON ../package.json;

  root = ../.;
  # Only what the build reads.  (lib.cleanSourceWith, not lib.fileset: the latter needs a
  # newer Nix than the 2.8 our checks run on.)
  sourceOf =
    wanted:
    lib.cleanSourceWith {
      name = "hearth-source";
      src = root;
      filter =
        path: type:
        let
          rel = lib.removePrefix (toString root + "/") (toString path);
        in
        lib.any (w: rel == w || lib.hasPrefix (w + "/") rel || (type == "directory" && lib.hasPrefix (rel + "/") w)) wanted;
    };

  lockSrc = sourceOf [
    "package.json"
    "package-lock.json"
  ];

  # Step 1: the FOD.  Its output is a plain node_modules tree (no store references: the
  # fixup phase, which would patch shebangs to store paths, is disabled).
  nodeModules = stdenvNoCC.mkDerivation {
    pname = "${packageJson.name}-node-modules";
    version = packageJson.version;
    src = lockSrc;

    nativeBuildInputs = [
      nodejs
      cacert
    ];

    # Proxy settings from the builder's environment, as nixpkgs' fetchers allow.
    impureEnvVars = lib.fetchers.proxyImpureEnvVars;

    dontConfigure = true;
    buildPhase = ''
      runHook preBuild
      export HOME="$TMPDIR" npm_config_cache="$TMPDIR/npm-cache"
      export SSL_CERT_FILE=${cacert}/etc/ssl/certs/ca-bundle.crt
      export npm_config_cafile="$SSL_CERT_FILE"
      # npm's default registry; nothing is written to the lockfile (`ci` never writes it).
      npm ci --ignore-scripts --omit=optional --no-audit --no-fund --no-update-notifier --loglevel=warn
      # npm's hidden lockfile records download URLs and timings it does not need: drop it so
      # the output depends on the lockfile only.
      rm -f node_modules/.package-lock.json
      runHook postBuild
    '';
    installPhase = ''
      runHook preInstall
      mv node_modules "$out"
      runHook postInstall
    '';
    dontFixup = true;

    outputHashMode = "recursive";
    outputHashAlgo = "sha256";
    outputHash = npmDepsHash;
  };
in
stdenv.mkDerivation {
  pname = packageJson.name;
  version = packageJson.version;

  src = sourceOf [
    "package.json"
    "package-lock.json"
    "tsconfig.json"
    "src"
  ];

  nativeBuildInputs = [
    nodejs
    python3 # node-gyp
    makeWrapper
  ] ++ lib.optional stdenv.hostPlatform.isDarwin cctools; # libtool for node-gyp on Darwin

  configurePhase = ''
    runHook preConfigure
    cp -r ${nodeModules} node_modules
    chmod -R u+w node_modules
    patchShebangs node_modules
    export HOME="$TMPDIR" npm_config_cache="$TMPDIR/npm-cache"
    export npm_config_offline=true npm_config_update_notifier=false
    # Build native addons from source against this nodejs's headers; never download a binary.
    export npm_config_nodedir=${nodejs} npm_config_build_from_source=true
    runHook postConfigure
  '';

  buildPhase = ''
    runHook preBuild
    # better-sqlite3's install script is `prebuild-install || node-gyp rebuild --release`;
    # with build_from_source, prebuild-install declines and node-gyp compiles the addon.
    npm rebuild better-sqlite3 --foreground-scripts
    npm run build
    npm prune --omit=dev --ignore-scripts --no-audit --no-fund
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall
    mkdir -p $out/lib/hearth
    cp -r package.json dist node_modules $out/lib/hearth/
    # build intermediates of the addon are not needed at runtime
    (cd $out/lib/hearth/node_modules/better-sqlite3 && \
      rm -rf deps src build/Release/{obj,obj.target,.deps,sqlite3.a,test_extension.node})
    makeWrapper ${lib.getExe nodejs} $out/bin/hearth \
      --add-flags $out/lib/hearth/dist/src/cli.js \
      --set-default NODE_ENV production
    runHook postInstall
  '';

  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    $out/bin/hearth --help >/dev/null
    # the addon loads and works with this nodejs
    (cd $out/lib/hearth && ${lib.getExe nodejs} -e "
      const Database = require('better-sqlite3');
      const row = new Database(':memory:').prepare('select sqlite_version() as v').get();
      console.log('better-sqlite3 ok, sqlite', row.v);
    ")
    runHook postInstallCheck
  '';

  passthru = {
    inherit nodejs nodeModules;
    # true until the real hash is pasted in (see the top of this file)
    npmDepsHashIsPlaceholder = npmDepsHash == lib.fakeHash;
  };

  meta = {
    description = packageJson.description;
    license = lib.licenses.mit;
    mainProgram = "hearth";
    platforms = lib.platforms.linux ++ lib.platforms.darwin;
  };
}
