# Stand-ins shared by the Nix evaluation tests: just enough of a nixpkgs package set and of
# NixOS's options to evaluate hearth's Nix files with nothing but nixpkgs' `lib`.
# Derivations are plain attribute sets (type = "derivation") that keep their arguments so the
# tests can inspect build scripts; nothing is built.
{ lib }:

let
  inherit (lib) mkOption types;
  storeDir = builtins.storeDir;

  fakeDrv =
    name: extra:
    {
      type = "derivation";
      inherit name;
      outPath = "${storeDir}/00000000000000000000000000000000-${name}";
      drvPath = "${storeDir}/00000000000000000000000000000000-${name}.drv";
      outputs = [ "out" ];
      meta = { };
    }
    // extra;

  shellAppHash =
    text: runtimeInputs:
    builtins.substring 0 32 (builtins.hashString "sha256" (builtins.toJSON [ text (map (p: p.name) runtimeInputs) ]));

  # pkgs.formats.yaml, with nixpkgs' value type; `generate` keeps the value to inspect.
  yamlFormat = _: {
    type =
      let
        valueType =
          types.nullOr (
            types.oneOf [
              types.bool
              types.int
              types.float
              types.str
              types.path
              (types.attrsOf valueType)
              (types.listOf valueType)
            ]
          )
          // {
            description = "YAML value";
          };
      in
      valueType;
    generate = name: value: fakeDrv name { inherit value; };
  };

  pkgsFor =
    system:
    let
      self = {
        inherit lib;
        stdenv = {
          hostPlatform = {
            inherit system;
            isLinux = true;
            isDarwin = false;
          };
          # attrs or `finalAttrs: attrs` (finalAttrs.finalPackage is the result); a
          # fixed-output derivation's store path follows its name and hash, as Nix's does
          mkDerivation =
            arg:
            let
              attrs = if builtins.isFunction arg then arg (attrs // { finalPackage = result; }) else arg;
              name = attrs.name or "${attrs.pname}-${attrs.version}";
              result = fakeDrv name (
                attrs
                // {
                  meta = attrs.meta or { };
                }
                // lib.optionalAttrs (attrs ? outputHash) {
                  outPath = "${storeDir}/${builtins.substring 0 32 (builtins.hashString "sha256" "${name}:${attrs.outputHash}")}-${name}";
                }
              );
            in
            result;
        };
        stdenvNoCC = self.stdenv;
        nodejs_24 = fakeDrv "nodejs-24.0.0" { meta.mainProgram = "node"; };
        nodejs_22 = fakeDrv "nodejs-22.0.0" { meta.mainProgram = "node"; };
        hearth = fakeDrv "hearth" { version = "0.0.0-test"; };
        python3 = fakeDrv "python3" { };
        makeWrapper = fakeDrv "make-wrapper-hook" { };
        cacert = fakeDrv "nss-cacert" { };
        cctools = fakeDrv "cctools" { };
        coreutils = fakeDrv "coreutils" { };
        gnused = fakeDrv "gnused" { };
        curl = fakeDrv "curl" { };
        esphome = fakeDrv "esphome" { };
        esbuild = fakeDrv "esbuild-0.25.0" { meta.mainProgram = "esbuild"; };
        mosquitto = fakeDrv "mosquitto" { };
        ffmpeg-headless = fakeDrv "ffmpeg-headless" { };
        formats.yaml = yamlFormat;
        util-linux = fakeDrv "util-linux" { };
        writeText = name: text: fakeDrv name { inherit text; };
        writeShellApplication =
          {
            name,
            text,
            runtimeInputs ? [ ],
          }:
          # the store path stands for the script's text and its PATH, so a test can tell
          # which script a unit runs from its ExecStart
          fakeDrv name {
            inherit text runtimeInputs;
            outPath = "${storeDir}/${shellAppHash text runtimeInputs}-${name}";
            meta.mainProgram = name;
          };
        runCommand = name: env: script: fakeDrv name (env // { inherit script; });
        mkShell = attrs: fakeDrv "nix-shell" attrs;
        testers.runNixOSTest = module: fakeDrv "vm-test-run" { inherit module; };
        callPackage =
          fn: args:
          let
            f = if builtins.isFunction fn then fn else import fn;
            result = f (builtins.intersectAttrs (builtins.functionArgs f) self // args);
          in
          result // { override = more: self.callPackage fn (args // more); };
      };
    in
    self;

  # Just enough of NixOS for hearth's module (and the VM test's node) to define its config.
  nixosStubs = {
    options = {
      assertions = mkOption {
        type = types.listOf types.unspecified;
        default = [ ];
      };
      warnings = mkOption {
        type = types.listOf types.str;
        default = [ ];
      };
      systemd.services = mkOption {
        type = types.attrsOf (types.submodule { freeformType = types.attrsOf types.anything; });
        default = { };
      };
      systemd.tmpfiles = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
      users = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
      networking.firewall.allowedTCPPorts = mkOption {
        type = types.listOf types.port;
        default = [ ];
      };
      environment.etc = mkOption {
        type = types.attrsOf (types.submodule { freeformType = types.attrsOf types.anything; });
        default = { };
      };
      meta = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
      environment.systemPackages = mkOption {
        type = types.listOf types.anything;
        default = [ ];
      };
      services.mosquitto = mkOption {
        type = types.submodule { freeformType = types.attrsOf types.anything; };
        default = { };
      };
    };
  };

  # The configuration without NixOS's assertion check: to inspect what a module defines even
  # where an assertion (checked separately with `failedAssertions`) would stop a deployment.
  evalUnchecked =
    pkgs: modules:
    (lib.evalModules {
      modules = [
        nixosStubs
        { _module.args.pkgs = pkgs; }
      ]
      ++ modules;
    }).config;
  failedAssertions = c: map (a: a.message) (lib.filter (a: !a.assertion) c.assertions);

  # Like NixOS's toplevel: failed assertions abort.
  evalSystem =
    pkgs: modules:
    let
      c = evalUnchecked pkgs modules;
      failed = failedAssertions c;
    in
    if failed != [ ] then throw "Failed assertions:\n- ${lib.concatStringsSep "\n- " failed}" else c;
in
{
  inherit
    fakeDrv
    shellAppHash
    pkgsFor
    nixosStubs
    evalUnchecked
    failedAssertions
    evalSystem
    storeDir
    ;
}
