# Evaluates flake.nix's outputs with a real flake-parts checkout, nixpkgs' `lib`, and a fake
# nixpkgs (tests/nix/stubs.nix) standing in for `nixpkgs.legacyPackages`; nothing is built or
# fetched. Checks the outputs' shape, the package's lockfile-pinned npm build, the ESPHome-configs
# command, the NixOS module's flake defaults and the VM test's node.
#
#   nix-instantiate --eval --strict --json tests/nix/eval-flake.nix \
#     --arg lib 'import /path/to/nixpkgs/lib' --arg flakeParts /path/to/flake-parts
#
# Returns a list of { name; ok; detail; }.  tests/nix/eval-module.sh runs it.
{ lib, flakeParts }:

let
  stubs = import ./stubs.nix { inherit lib; };
  system = "x86_64-linux";
  repo = toString ../..; # a string: no copy of the working tree into the store

  fakeNixpkgs = {
    _type = "flake";
    inherit lib;
    outPath = "/fake-nixpkgs";
    legacyPackages = lib.genAttrs [ "x86_64-linux" "aarch64-linux" ] stubs.pkgsFor;
  };
  flake-parts = (import (flakeParts + "/flake.nix")).outputs {
    nixpkgs-lib = { inherit lib; };
    self.outPath = toString flakeParts;
  } // { _type = "flake"; };

  inputs = {
    self = flake // {
      _type = "flake";
      outPath = repo;
      inherit inputs;
    };
    nixpkgs = fakeNixpkgs;
    inherit flake-parts;
  };
  flake = (import ../../flake.nix).outputs inputs;

  pkgs = fakeNixpkgs.legacyPackages.${system};
  # the overlay applied as nixpkgs applies it: `final` is the fixpoint of the package set
  overlaid = lib.fix (final: pkgs // flake.overlays.default final pkgs);
  hearth = flake.packages.${system}.default;
  packageJson = lib.importJSON ../../package.json;
  lock = lib.importJSON ../../package-lock.json;
  inherit (hearth.passthru) tarballs;
  offline = hearth.passthru.offlineLock;
  installed = lib.filterAttrs (k: e: k != "" && !(e.link or false) && !(e.optional or false)) lock.packages;
  specOf = k: e: "${e.name or (lib.last (lib.splitString "node_modules/" k))}@${e.version}";
  storeDir0 = "${builtins.storeDir}/00000000000000000000000000000000";

  # the NixOS module through the flake (package + devices defaults)
  node = stubs.evalSystem pkgs [
    flake.nixosModules.default
    {
      services.hearth = {
        enable = true;
        tokenFile = "/run/agenix/hearth-ha-token";
        settings.people = [
          {
            id = "sam";
            name = "Sam";
          }
        ];
      };
    }
  ];

  vmTest = flake.checks.${system}.vm.module { inherit pkgs lib; };
  vmNode = stubs.evalSystem pkgs [ vmTest.nodes.hub ];

  check = name: ok: detail: { inherit name ok detail; };
  eq =
    name: actual: expected:
    check name (actual == expected) "expected ${builtins.toJSON expected}, got ${builtins.toJSON actual}";
  keptBySrcFilter = p: hearth.src.filter "${repo}/${p}" "regular";
in
[
  (check "flake outputs: packages, checks, devShells, nixosModules, overlays" (
    lib.all (n: flake ? ${n}) [
      "checks"
      "devShells"
      "nixosModules"
      "overlays"
      "packages"
    ]
  ) (builtins.toJSON (lib.attrNames flake)))
  (eq "packages (x86_64-linux)" (lib.attrNames flake.packages.${system}) [
    "default"
    "esphome-configs"
    "hearth"
    "hearth-card"
  ])
  (eq "checks (x86_64-linux)" (lib.attrNames flake.checks.${system}) [
    "card"
    "esphome-configs"
    "package"
    "package-help"
    "package-sqlite-backup"
    "vm"
  ])
  (eq "aarch64-linux too" (lib.attrNames flake.packages.aarch64-linux) [
    "default"
    "esphome-configs"
    "hearth"
    "hearth-card"
  ])

  # --- the package ---------------------------------------------------------------------------
  (eq "package name and version from package.json; meta for nixpkgs" {
    inherit (hearth) pname version;
    inherit (hearth.meta) mainProgram description;
    license = hearth.meta.license.spdxId;
    platforms = lib.all (s: lib.elem s hearth.meta.platforms) [ "x86_64-linux" "aarch64-linux" ];
  } {
    pname = "hearth";
    inherit (packageJson) version description;
    mainProgram = "hearth";
    license = "MIT";
    platforms = true;
  })
  (eq "every package npm ci installs is one fetch, optional ones none" (lib.sort lib.lessThan (lib.attrNames tarballs)) (
    lib.sort lib.lessThan (lib.unique (lib.mapAttrsToList specOf installed))
  ))
  (check "each fetch is pinned by the lockfile's own integrity (flat, SRI sha512)" (
    lib.all (
      key:
      let
        e = installed.${key};
        t = tarballs.${specOf key e};
      in
      t.outputHash == e.integrity && t.outputHashMode == "flat" && lib.hasPrefix "sha512-" t.outputHash
    ) (lib.attrNames installed)
  ) "")
  (check "a fetch is `npm pack <name>@<version>` against npm's default registry (no host named)" (
    let
      t = tarballs."@types/node@${lock.packages."node_modules/@types/node".version}";
    in
    lib.hasInfix "npm pack @types/node@${lock.packages."node_modules/@types/node".version} --ignore-scripts" t.buildCommand
    && t.name == "npm-types-node-${lock.packages."node_modules/@types/node".version}.tgz"
    && lib.all (t: !(lib.hasInfix "://" t.buildCommand) && !(lib.hasInfix "--registry" t.buildCommand)) (lib.attrValues tarballs)
  ) "")
  (check "the offline lockfile: each installed entry resolved to its tarball, all else unchanged" (
    lib.all (
      key:
      let
        e = offline.packages.${key};
      in
      if installed ? ${key} then
        e.resolved == "file:${tarballs.${specOf key e}}" && removeAttrs e [ "resolved" ] == lock.packages.${key}
      else
        e == lock.packages.${key}
    ) (lib.attrNames lock.packages)
    && removeAttrs offline [ "packages" ] == removeAttrs lock [ "packages" ]
  ) "")
  (check "configure installs from that lockfile only: offline npm ci, no scripts, no optional" (
    lib.hasInfix "cp ${storeDir0}-package-lock.json package-lock.json" hearth.configurePhase
    && lib.hasInfix "npm_config_offline=true" hearth.configurePhase
    && lib.hasInfix "npm ci --ignore-scripts --omit=optional" hearth.configurePhase
  ) hearth.configurePhase)
  (check "a changed lockfile changes the fetches and the lockfile the build installs from" (
    let
      bumped = lock // {
        packages = lock.packages // {
          "node_modules/zod" = lock.packages."node_modules/zod" // {
            version = "9.9.9";
            integrity = "sha512-" + lib.fixedWidthString 86 "A" "" + "==";
          };
        };
      };
      other = hearth.override { packageLock = bumped; };
      oldZod = "zod@${lock.packages."node_modules/zod".version}";
    in
    other.passthru.tarballs ? "zod@9.9.9"
    && !(other.passthru.tarballs ? ${oldZod})
    && other.passthru.tarballs."zod@9.9.9".outPath != tarballs.${oldZod}.outPath
    && other.passthru.offlineLock.packages."node_modules/zod".resolved == "file:${other.passthru.tarballs."zod@9.9.9"}"
  ) "")
  (check "a lockfile entry without integrity is refused" (
    !(builtins.tryEval (
      builtins.deepSeq (hearth.override {
        packageLock = lock // {
          packages = lock.packages // {
            "node_modules/zod" = removeAttrs lock.packages."node_modules/zod" [ "integrity" ];
          };
        };
      }).passthru.tarballs true
    )).success
  ) "")
  (check "source: package.json, tsconfig and src/ only (the lockfile comes from the Nix value)" (
    keptBySrcFilter "package.json"
    && keptBySrcFilter "tsconfig.json"
    && keptBySrcFilter "src/cli.ts"
    && hearth.src.filter "${repo}/src" "directory"
    && !(keptBySrcFilter "package-lock.json")
    && !(keptBySrcFilter "tests/stack/stack.ts")
    && !(hearth.src.filter "${repo}/node_modules" "directory")
    && !(keptBySrcFilter "devices/plants-button.yaml")
    && !(keptBySrcFilter "flake.nix")
  ) "")
  (check "better-sqlite3 from source against nodejs headers, then tsc, then prune" (
    lib.hasInfix "npm_config_nodedir=${pkgs.nodejs_24}" hearth.buildPhase
    && lib.hasInfix "npm_config_build_from_source=true" hearth.buildPhase
    && lib.hasInfix "npm rebuild better-sqlite3" hearth.buildPhase
    && lib.hasInfix "npm run build" hearth.buildPhase
    && lib.hasInfix "npm prune --omit=dev" hearth.buildPhase
    && lib.elem pkgs.python3 hearth.nativeBuildInputs
    && hearth.strictDeps
  ) hearth.buildPhase)
  (check "of the native build only build/Release/better_sqlite3.node is kept; python3 and the tarballs may not be referenced" (
    lib.hasInfix "rm -rf $bs/build $bs/deps $bs/src $bs/binding.gyp" hearth.installPhase
    && lib.hasInfix "install -D -m 0555 \"$TMPDIR/better_sqlite3.node\" $bs/build/Release/better_sqlite3.node" hearth.installPhase
    && lib.elem pkgs.python3 hearth.disallowedReferences
    && lib.all (t: lib.elem t hearth.disallowedReferences) (lib.attrValues tarballs)
    && lib.hasInfix "better-sqlite3/build -type f" hearth.installCheckPhase
  ) hearth.installPhase)
  (check "bin/hearth wraps node dist/src/cli.js" (
    lib.hasInfix "makeWrapper ${pkgs.nodejs_24}/bin/node $out/bin/hearth" hearth.installPhase
    && lib.hasInfix "--add-flags $out/lib/hearth/dist/src/cli.js" hearth.installPhase
  ) hearth.installPhase)
  (check "passthru.tests run the built package (help; sqlite addon + hearth backup), and are flake checks" (
    lib.attrNames hearth.passthru.tests == [ "help" "sqlite-backup" ]
    && lib.elem hearth hearth.passthru.tests.help.nativeBuildInputs
    && lib.hasInfix "hearth backup --store" hearth.passthru.tests.sqlite-backup.script
    && flake.checks.${system}.package-help == hearth.passthru.tests.help
    && flake.checks.${system}.package-sqlite-backup == hearth.passthru.tests.sqlite-backup
  ) "")
  (eq "overlay adds pkgs.hearth" overlaid.hearth.pname "hearth")

  # --- the Lovelace card -------------------------------------------------------------------------
  (check "the build bundles the card with nixpkgs' esbuild through npm's launcher (its binary package is optional, left out)" (
    lib.hasInfix "ESBUILD_BINARY_PATH=${pkgs.esbuild}/bin/esbuild npm run build:card" hearth.buildPhase
    && builtins.match ".*npm run build:card.*npm prune.*" (lib.replaceStrings [ "\n" ] [ " " ] hearth.buildPhase) != null
    && lib.hasInfix "dist/card/hearth-card.js" hearth.installCheckPhase
    && lib.hasInfix "--outfile=dist/card/hearth-card.js" packageJson.scripts."build:card"
  ) hearth.buildPhase)
  (check "hearth-card: $out/hearth-card.js, named as customLovelaceModules' URL rule wants (entrypoint or pname.js)" (
    let
      card = flake.packages.${system}.hearth-card;
    in
    card.pname == "hearth-card"
    && card.version == hearth.version
    && (card.entrypoint or (card.pname + ".js")) == "hearth-card.js"
    && lib.hasInfix "${hearth}/lib/hearth/dist/card/hearth-card.js $out/hearth-card.js" card.installPhase
    && flake.checks.${system}.card == card
  ) flake.packages.${system}.hearth-card.installPhase)
  (eq "overlay adds pkgs.hearth-card, the card of the overlay's hearth" {
    inherit (overlaid.hearth-card) pname;
    card = overlaid.hearth-card == overlaid.hearth.passthru.card;
  } {
    pname = "hearth-card";
    card = true;
  })

  # --- ESPHome configs -----------------------------------------------------------------------
  (check "esphome-configs runs hearth's generator over ./devices and ./hearth.yaml" (
    let
      c = flake.packages.${system}.esphome-configs;
    in
    lib.elem hearth c.nativeBuildInputs
    && builtins.match ".*hearth esphome generate --devices [^ ]*-devices --config [^ ]*-hearth.yaml --out \\$out.*" c.script
      != null
  ) flake.packages.${system}.esphome-configs.script)

  # --- NixOS module through the flake -----------------------------------------------------------
  (eq "nixosModules.default: this flake's package and devices by default" {
    package = node.services.hearth.package.name;
    devices = toString node.services.hearth.devicesDir;
    exec = node.systemd.services.hearth.serviceConfig.ExecStart;
  } {
    package = hearth.name;
    devices = "${repo}/devices";
    exec = "${hearth}/bin/hearth run --config /etc/hearth/hearth.yaml --devices /etc/hearth/devices";
  })

  # --- VM test -------------------------------------------------------------------------------
  (check "VM test: hearth and mosquitto wait for the secrets the script writes" (
    vmNode.systemd.services.hearth.wantedBy == [ ]
    && vmNode.services.mosquitto.enable
    && vmNode.services.hearth.tokenFile == "/run/test-secrets/ha-token"
    && vmNode.systemd.services.hearth.serviceConfig.LoadCredential == [
      "ha-token:/run/test-secrets/ha-token"
      "http-token:/run/test-secrets/http-token"
      "mqtt-password:/run/test-secrets/mqtt-password"
    ]
  ) (builtins.toJSON vmNode.systemd.services.hearth.serviceConfig.LoadCredential))
  (check "VM test script: /healthz and systemd-analyze security" (
    vmTest.name == "hearth"
    && lib.hasInfix "/healthz" vmTest.testScript
    && lib.hasInfix "systemd-analyze security hearth.service" vmTest.testScript
  ) "")
  (check "VM test: the ESPHome placement runs on a directory another user owns, after the script plants a link" (
    let
      u = vmNode.systemd.services.hearth-esphome-configs;
    in
    u.wantedBy == [ ]
    && lib.hasInfix "--dir /var/lib/esphome-test --state /var/lib/hearth-esphome-configs" u.serviceConfig.ExecStart
    && lib.elem "d /var/lib/esphome-test 0750 esphome-test esphome-test -" vmNode.systemd.tmpfiles.rules
    && lib.hasInfix "ln -s /etc/shadow /var/lib/esphome-test/secrets.yaml" vmTest.testScript
    && lib.hasInfix "systemctl start hearth-esphome-configs.service" vmTest.testScript
  ) "")

  # --- dev shell -----------------------------------------------------------------------------
  (eq "devShell: nodejs, python3, esphome, mosquitto, ffmpeg" (map (p: p.name) flake.devShells.${system}.default.packages) [
    "nodejs-24.0.0"
    "python3"
    "esphome"
    "mosquitto"
    "ffmpeg-headless"
  ])
]
