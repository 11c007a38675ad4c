# Evaluates flake.nix's outputs with a real flake-parts checkout, nixpkgs' `lib`, and a fake
# nixpkgs (tests/nix/stubs.nix) standing in for `nixpkgs.legacyPackages`; nothing is built or
# fetched. Checks the outputs' shape, the package's two-step npm build, the ESPHome-configs
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
  hearth = flake.packages.${system}.default;
  nodeModules = hearth.passthru.nodeModules;
  packageJson = lib.importJSON ../../package.json;

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
  ])
  (eq "checks (x86_64-linux)" (lib.attrNames flake.checks.${system}) [
    "esphome-configs"
    "package"
    "vm"
  ])
  (eq "aarch64-linux too" (lib.attrNames flake.packages.aarch64-linux) [
    "default"
    "esphome-configs"
    "hearth"
  ])

  # --- the package ---------------------------------------------------------------------------
  (eq "package name and version from package.json" {
    inherit (hearth) pname version;
    main = hearth.meta.mainProgram;
  } {
    pname = "hearth";
    inherit (packageJson) version;
    main = "hearth";
  })
  (check "node_modules is a fixed-output `npm ci --ignore-scripts --omit=optional`, no registry named" (
    nodeModules.outputHashMode == "recursive"
    && lib.hasPrefix "sha256-" nodeModules.outputHash
    && lib.hasInfix "npm ci --ignore-scripts --omit=optional" nodeModules.buildPhase
    && !(lib.hasInfix "://" nodeModules.buildPhase)
    && !(lib.hasInfix "--registry" nodeModules.buildPhase)
    && nodeModules.dontFixup
  ) nodeModules.buildPhase)
  (check "the FOD sees only package.json and package-lock.json" (
    nodeModules.src.filter "${repo}/package-lock.json" "regular"
    && nodeModules.src.filter "${repo}/package.json" "regular"
    && !(nodeModules.src.filter "${repo}/src" "directory")
  ) "")
  (check "source: package files, tsconfig and src/ only" (
    keptBySrcFilter "package.json"
    && keptBySrcFilter "package-lock.json"
    && keptBySrcFilter "tsconfig.json"
    && keptBySrcFilter "src/cli.ts"
    && hearth.src.filter "${repo}/src" "directory"
    && !(keptBySrcFilter "tests/stack/stack.ts")
    && !(hearth.src.filter "${repo}/node_modules" "directory")
    && !(keptBySrcFilter "devices/plants-button.yaml")
    && !(keptBySrcFilter "flake.nix")
  ) "")
  (check "better-sqlite3 from source against nodejs headers, then tsc, then prune" (
    lib.hasInfix "npm_config_nodedir=${pkgs.nodejs_24}" hearth.configurePhase
    && lib.hasInfix "npm_config_build_from_source=true" hearth.configurePhase
    && lib.hasInfix "npm_config_offline=true" hearth.configurePhase
    && lib.hasInfix "npm rebuild better-sqlite3" hearth.buildPhase
    && lib.hasInfix "npm run build" hearth.buildPhase
    && lib.hasInfix "npm prune --omit=dev" hearth.buildPhase
    && lib.elem pkgs.python3 hearth.nativeBuildInputs
  ) hearth.buildPhase)
  (check "bin/hearth wraps node dist/src/cli.js" (
    lib.hasInfix "makeWrapper ${pkgs.nodejs_24}/bin/node $out/bin/hearth" hearth.installPhase
    && lib.hasInfix "--add-flags $out/lib/hearth/dist/src/cli.js" hearth.installPhase
  ) hearth.installPhase)
  (eq "npmDepsHash can be overridden (e.g. lib.fakeHash to update it)"
    (hearth.override { npmDepsHash = "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="; }).passthru.nodeModules.outputHash
    "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="
  )
  (eq "npmDepsHashIsPlaceholder tells lib.fakeHash from a real hash" [
    (hearth.override { npmDepsHash = lib.fakeHash; }).passthru.npmDepsHashIsPlaceholder
    (hearth.override { npmDepsHash = "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="; }).passthru.npmDepsHashIsPlaceholder
  ] [ true false ])
  (eq "overlay adds pkgs.hearth" (flake.overlays.default pkgs pkgs).hearth.pname "hearth")

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

  # --- dev shell -----------------------------------------------------------------------------
  (eq "devShell: nodejs, python3, esphome, mosquitto, ffmpeg" (map (p: p.name) flake.devShells.${system}.default.packages) [
    "nodejs-24.0.0"
    "python3"
    "esphome"
    "mosquitto"
    "ffmpeg-headless"
  ])
]
