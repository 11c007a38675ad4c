{
  description = "hearth: the home hub (Home Assistant, MQTT, ESPHome device specs, reminder buttons, room presence, life coach)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    flake-parts.url = "github:hercules-ci/flake-parts";
    flake-parts.inputs.nixpkgs-lib.follows = "nixpkgs";
  };

  outputs =
    inputs@{ self, flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } (
      { lib, ... }:
      let
        # The household's device specs and hearth.yaml: read by the hub and by the ESPHome
        # generator alike.  Evaluated lazily, so a checkout without them still builds hearth.
        devices = if builtins.pathExists ./devices then ./devices else throw "hearth: no devices/ directory in the flake";
        hasHearthYaml = builtins.pathExists ./hearth.yaml;
      in
      {
        systems = [
          "x86_64-linux"
          "aarch64-linux"
        ];

        flake = {
          overlays.default = final: _prev: {
            hearth = final.callPackage ./nix/package.nix { };
            hearth-card = final.hearth.passthru.card;
          };

          # The NixOS module, with the package and device specs of this flake as defaults
          # (no overlay needed).  ./nix/module.nix alone is the plain nixpkgs-style module.
          nixosModules.default =
            { lib, pkgs, ... }:
            {
              imports = [ ./nix/module.nix ];
              services.hearth.package = lib.mkDefault self.packages.${pkgs.stdenv.hostPlatform.system}.default;
              services.hearth.devicesDir = lib.mkDefault devices;
            };
          nixosModules.hearth = self.nixosModules.default;
        };

        perSystem =
          { pkgs, self', ... }:
          {
            packages =
              {
                default = pkgs.callPackage ./nix/package.nix { };
                hearth = self'.packages.default;
                # hearth's Lovelace card: services.home-assistant.customLovelaceModules = [ hearth-card ]
                hearth-card = self'.packages.default.passthru.card;
              }
              // lib.optionalAttrs hasHearthYaml {
                # `nix build .#esphome-configs`: hearth's own generator over ./devices + ./hearth.yaml
                esphome-configs = pkgs.callPackage ./nix/esphome-configs.nix {
                  hearth = self'.packages.default;
                  inherit devices;
                  hearthConfig = ./hearth.yaml;
                };
              };

            # Not built on the machines hearth is developed on (no nixpkgs there): evaluated
            # by tests/nix (docs/nix.md, "Checks").
            checks =
              {
                package = self'.packages.default;
                card = self'.packages.hearth-card;
              }
              // lib.mapAttrs' (n: lib.nameValuePair "package-${n}") self'.packages.default.passthru.tests
              // lib.optionalAttrs hasHearthYaml { inherit (self'.packages) esphome-configs; }
              // lib.optionalAttrs pkgs.stdenv.hostPlatform.isLinux {
                vm = pkgs.testers.runNixOSTest (import ./nix/tests/vm.nix { hearthModule = self.nixosModules.default; });
              };

            devShells.default = pkgs.mkShell {
              packages = [
                self'.packages.default.passthru.nodejs
                pkgs.python3 # node-gyp (better-sqlite3)
                pkgs.esphome
                pkgs.mosquitto
                pkgs.ffmpeg-headless
              ];
            };
          };
      }
    );
}
