# hearth, built from package.json + package-lock.json.
#
# The npm dependencies are tied to the lockfile, with no hash of our own to keep up to date:
#
#   1. Every package the lockfile installs (all but the optional ones, see below) is one tiny
#      fixed-output derivation whose hash IS the lockfile's `integrity` (sha512, SRI) and whose
#      output is that package's registry tarball, fetched with `npm pack <name>@<version>`.
#      hearth's lockfile has no `resolved` URLs (npm runs with
#      `omit-lockfile-registry-resolved`, and the project names no registry host), which is
#      why nixpkgs' fetchNpmDeps / importNpmLock (both driven by `resolved`) are not used:
#      `npm pack` asks npm's default registry by name and version instead. The tarball npm
#      packs for a registry spec is the registry's file byte for byte, so its hash is the
#      lockfile's, whatever the npm version; a changed lockfile changes the set of tarballs
#      and their hashes, so nothing stale can be reused and there is no hash to forget.
#   2. The lockfile, with each `resolved` pointing at its tarball (`file:/nix/store/…tgz`), is
#      written next to package.json, and `npm ci --offline --ignore-scripts --omit=optional`
#      installs from those files alone (npm checks each against `integrity` again).
#      `--omit=optional` leaves out the only platform-specific packages in the lock (esbuild's
#      and rollup's per-platform binaries, for dev tools the build does not run).
#   3. better-sqlite3 is compiled from source against this nodejs's headers (node-gyp,
#      python3, the C++ compiler; offline), `tsc` builds dist/, devDependencies are pruned,
#      and of the native build only build/Release/better_sqlite3.node is kept: its build
#      files (Makefile, config.gypi, deps/ with sqlite's sources and python scripts) would
#      keep python3 and the compiler in the runtime closure. `disallowedReferences` makes
#      the build fail if python3 or a tarball is still referenced.
{
  lib,
  stdenv,
  stdenvNoCC,
  nodejs_24,
  python3,
  makeWrapper,
  cacert,
  cctools,
  runCommand,
  writeText,
  # the lockfile as a Nix value: tests pass another one; normally ../package-lock.json
  packageLock ? lib.importJSON ../package-lock.json,
}:

let
  # The active Node.js LTS.  better-sqlite3 12.x builds from source on Node 20-24.
  # To use another nodejs: `hearth.override { nodejs_24 = pkgs.nodejs_22; }`.
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

  # --- step 1: one fixed-output derivation per package, hashed by the lockfile ----------------

  # Lockfile entries npm ci installs here: not the root (""), not workspace links, not the
  # optional ones (omitted below).
  installed = lib.filterAttrs (
    key: entry: key != "" && !(entry.link or false) && !(entry.optional or false)
  ) packageLock.packages;

  # `node_modules/a/node_modules/@s/b` is `@s/b` in the registry (an alias names its target)
  registryName = key: entry: entry.name or (lib.last (lib.splitString "node_modules/" key));
  specOf = key: entry: "${registryName key entry}@${entry.version}";

  # a store path name: letters, digits and + - . _ ? = only
  storeName = s: lib.replaceStrings [ "@" "/" ] [ "" "-" ] s;

  fetchNpmTarball =
    key: entry:
    if !(entry ? integrity) then
      throw "package-lock.json: packages.\"${key}\": no integrity hash, so its tarball cannot be pinned"
    else
      stdenvNoCC.mkDerivation {
        name = "npm-${storeName (registryName key entry)}-${entry.version}.tgz";
        nativeBuildInputs = [ nodejs ];
        # proxy settings from the builder's environment, as nixpkgs' fetchers allow
        impureEnvVars = lib.fetchers.proxyImpureEnvVars;
        SSL_CERT_FILE = "${cacert}/etc/ssl/certs/ca-bundle.crt";
        buildCommand = ''
          export HOME="$TMPDIR" npm_config_cache="$TMPDIR/npm-cache" npm_config_cafile="$SSL_CERT_FILE"
          cd "$TMPDIR"
          # npm's default registry; the tarball is the registry's file, checked by Nix below
          npm pack ${lib.escapeShellArg (specOf key entry)} --ignore-scripts --no-update-notifier --loglevel=warn >/dev/null
          mv ./*.tgz "$out"
        '';
        outputHashMode = "flat";
        outputHash = entry.integrity; # SRI, straight from the lockfile
      };

  # one derivation per name@version (the same package can sit at several places in the tree)
  tarballs = lib.listToAttrs (
    lib.mapAttrsToList (key: entry: lib.nameValuePair (specOf key entry) (fetchNpmTarball key entry)) installed
  );

  # --- step 2: the lockfile pointing at those tarballs ------------------------------------------
  offlineLock = packageLock // {
    packages = lib.mapAttrs (
      key: entry:
      if installed ? ${key} then entry // { resolved = "file:${tarballs.${specOf key entry}}"; } else entry
    ) packageLock.packages;
  };
  offlineLockFile = writeText "package-lock.json" (builtins.toJSON offlineLock);
in
stdenv.mkDerivation (finalAttrs: {
  pname = packageJson.name;
  version = packageJson.version;

  src = sourceOf [
    "package.json"
    "tsconfig.json"
    "src"
  ];

  strictDeps = true;
  nativeBuildInputs = [
    nodejs
    python3 # node-gyp
    makeWrapper
  ] ++ lib.optional stdenv.hostPlatform.isDarwin cctools; # libtool for node-gyp on Darwin
  buildInputs = [ nodejs ]; # shebangs of the installed packages' scripts

  configurePhase = ''
    runHook preConfigure
    cp ${offlineLockFile} package-lock.json
    export HOME="$TMPDIR" npm_config_cache="$TMPDIR/npm-cache"
    export npm_config_offline=true npm_config_update_notifier=false npm_config_audit=false npm_config_fund=false
    npm ci --ignore-scripts --omit=optional --loglevel=warn
    patchShebangs node_modules
    runHook postConfigure
  '';

  buildPhase = ''
    runHook preBuild
    # better-sqlite3's install script is `prebuild-install || node-gyp rebuild --release`;
    # with build_from_source, prebuild-install declines and node-gyp compiles the addon
    # against this nodejs's headers. Nothing is downloaded.
    npm_config_nodedir=${nodejs} npm_config_build_from_source=true \
      npm rebuild better-sqlite3 --foreground-scripts
    npm run build
    npm prune --omit=dev --ignore-scripts
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall
    mkdir -p $out/lib/hearth
    cp -r package.json dist node_modules $out/lib/hearth/
    # npm's record of where each package came from (the tarballs): not needed at run time
    rm -f $out/lib/hearth/node_modules/.package-lock.json
    # of better-sqlite3's native build only the addon itself is needed at run time
    bs=$out/lib/hearth/node_modules/better-sqlite3
    mv $bs/build/Release/better_sqlite3.node "$TMPDIR/"
    rm -rf $bs/build $bs/deps $bs/src $bs/binding.gyp
    install -D -m 0555 "$TMPDIR/better_sqlite3.node" $bs/build/Release/better_sqlite3.node
    makeWrapper ${lib.getExe nodejs} $out/bin/hearth \
      --add-flags $out/lib/hearth/dist/src/cli.js \
      --set-default NODE_ENV production
    runHook postInstall
  '';

  # fails the build if python3 (node-gyp) or a dependency tarball is still referenced
  disallowedReferences = [ python3 ] ++ lib.attrValues tarballs;

  doInstallCheck = true;
  installCheckPhase = ''
    runHook preInstallCheck
    $out/bin/hearth --help >/dev/null
    [ "$(find $out/lib/hearth/node_modules/better-sqlite3/build -type f)" = \
      "$out/lib/hearth/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]
    runHook postInstallCheck
  '';

  passthru = {
    inherit nodejs tarballs offlineLock;
    tests = {
      # the CLI starts and knows its commands
      help = runCommand "hearth-test-help" { nativeBuildInputs = [ finalAttrs.finalPackage ]; } ''
        hearth --help | grep -q 'esphome'
        hearth esphome --help | grep -q 'generate'
        touch $out
      '';
      # the native addon loads with this nodejs, and `hearth backup` copies a store with it
      sqlite-backup = runCommand "hearth-test-sqlite-backup" { nativeBuildInputs = [ finalAttrs.finalPackage ]; } ''
        cd ${finalAttrs.finalPackage}/lib/hearth
        ${lib.getExe nodejs} -e "
          const Database = require('better-sqlite3');
          const db = new Database(process.env.TMPDIR + '/store.sqlite');
          db.exec('create table t (x); insert into t values (42)');
          db.close();
        "
        hearth backup --store "$TMPDIR/store.sqlite" "$TMPDIR/copy.sqlite"
        ${lib.getExe nodejs} -e "
          const Database = require('better-sqlite3');
          const row = new Database(process.env.TMPDIR + '/copy.sqlite', { readonly: true }).prepare('select x from t').get();
          if (row.x !== 42) throw new Error('backup lost the row');
        "
        touch $out
      '';
    };
  };

  meta = {
    description = packageJson.description;
    license = lib.licenses.mit;
    mainProgram = "hearth";
    platforms = lib.platforms.linux ++ lib.platforms.darwin;
    sourceProvenance = [ lib.sourceTypes.fromSource ];
  };
})
