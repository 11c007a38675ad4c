# NixOS module: services.hearth
#
# Runs the hearth hub (and, optionally, its life coach) as hardened systemd services.
#
# - `settings` is hearth.yaml as a Nix attribute set (RFC 42, freeform); the main options are
#   declared below, anything else (people, routines, trackers, …) passes through.
# - Secrets are never in the Nix store: the `*File` options take runtime paths (e.g. agenix's
#   `config.age.secrets.<name>.path`), refuse store paths, and reach hearth through systemd
#   `LoadCredential`: hearth reads `$CREDENTIALS_DIRECTORY/<name>` (`ha-token`,
#   `mqtt-password`, `http-token`) when hearth.yaml names no `*_file` (src/config/secret-files.ts).
# - The config and device specs are linked into /etc/hearth so that changing them reloads
#   hearth (SIGHUP) instead of restarting it.
#
# Sections added by later features (e.g. `lifecoach`) are plain `settings` keys; give their
# secrets with `extraCredentials` (read by hearth from `$CREDENTIALS_DIRECTORY/<name>`).
#
# The life coach is not in this hearth release: its placement (in the hub, own unit, other
# host) and camera access are wired up below, but `lifecoach.enable` and a non-empty
# `settings.lifecoach` fail assertions until it lands (flip `lifecoachReleased` then).
{
  config,
  lib,
  pkgs,
  ...
}:

let
  inherit (lib)
    literalExpression
    mkEnableOption
    mkIf
    mkMerge
    mkOption
    mkPackageOption
    types
    ;

  cfg = config.services.hearth;
  settingsFormat = pkgs.formats.yaml { };

  isInStore = p: lib.hasPrefix "${builtins.storeDir}/" (toString p);

  # A runtime secret file: an absolute path given as a string, never in the Nix store.
  # (A Nix path literal such as ./token is refused too: it would be copied into the store.)
  secretPath =
    types.addCheck types.str (p: lib.hasPrefix "/" p && !isInStore p)
    // {
      name = "secretPath";
      description = "absolute path to a secret file outside the Nix store";
      descriptionClass = "noun";
    };

  # hearth's durations (src/config/duration.ts): seconds as a number, or `30s`, `15m`, `2h`,
  # `1h30m` (units s, m, h, d).
  duration =
    types.either types.number (
      types.strMatching " *([0-9]+(\\.[0-9]+)?|([0-9]+(\\.[0-9]+)? *[smhd] *)+) *"
    )
    // {
      description = "duration (seconds, or a string such as \"30s\", \"15m\", \"1h30m\")";
    };

  # An optional hearth.yaml key: null (the default) leaves it out, so hearth's own default
  # applies (src/config/presence-options.ts, src/config/hub-settings.ts).
  optionalSetting =
    type: hearthDefault: description:
    mkOption {
      type = types.nullOr type;
      default = null;
      defaultText = literalExpression "null # hearth's default: ${hearthDefault}";
      description = "${description} `null` uses hearth's default (${hearthDefault}).";
    };

  # hearth refuses `mqtt://user:pass@host` (src/config/hub-settings.ts): the password would
  # be logged, and here it would land in the world-readable store.
  mqttUrlHasCredentials = builtins.match "mqtts?://[^/]*@.*" cfg.settings.mqtt.url != null;

  # The life coach has no code in this hearth release (`hearth run --only lifecoach` exits 2,
  # hearth.yaml has no `lifecoach` section). The placement below is kept for when it lands;
  # until then enabling it is an assertion failure rather than a crash-looping unit.
  lifecoachReleased = false;
  lifecoachMissing = "the life coach is not part of this hearth release yet";

  credentials = lib.filterAttrs (_: v: v != null) (
    {
      ha-token = cfg.tokenFile;
      mqtt-password = cfg.mqttPasswordFile;
      http-token = cfg.httpTokenFile;
    }
    // cfg.extraCredentials
  );

  camerasEnabled = (cfg.settings.lifecoach.cameras or [ ]) != [ ];

  # The hub runs the life coach in-process unless it has its own unit (or runs elsewhere).
  lifecoachUnit = cfg.lifecoach.enable && (cfg.lifecoach.ownUnit || !cfg.enable);

  # null values and empty optional sections are left out of hearth.yaml (hearth's schema
  # treats a missing key as "default"; a null would be an error).
  prune =
    v:
    if lib.isAttrs v && !lib.isDerivation v then
      lib.mapAttrs (_: prune) (lib.filterAttrs (_: x: x != null) v)
    else if lib.isList v then
      map prune v
    else
      v;
  dropEmpty = names: s: removeAttrs s (lib.filter (n: s ? ${n} && s.${n} == { }) names);

  settingsFor =
    unit:
    let
      s = prune cfg.settings;
      lifecoach = removeAttrs (s.lifecoach or { }) (lib.optional (camerasEnabled == false) "cameras");
    in
    dropEmpty [ "presence" "lifecoach" ] (
      s
      // {
        inherit lifecoach;
        # each unit has its own StateDirectory (DynamicUser: one owner per directory)
        state_dir = "/var/lib/${unit}";
      }
    );

  configFileFor =
    unit:
    if cfg.configFile != null then
      cfg.configFile
    else
      settingsFormat.generate "${unit}.yaml" (settingsFor unit);

  # `*_file` values written straight into `settings` (bypassing the options above) that point
  # into the store: a secret there is world-readable.
  storeFileSettings =
    let
      walk =
        path: v:
        if lib.isAttrs v then
          lib.concatLists (lib.mapAttrsToList (n: x: walk (path ++ [ n ]) x) v)
        else if lib.isString v && lib.hasSuffix "_file" (lib.last path) && isInStore v then
          [ (lib.concatStringsSep "." path) ]
        else
          [ ];
    in
    walk [ ] cfg.settings;

  esphomeConfigs = cfg.esphome.configs;

  mkUnit =
    {
      unit,
      description,
      args,
      extraAfter ? [ ],
    }:
    {
      inherit description;
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [
        "network-online.target"
      ]
      ++ lib.optional (config.services.mosquitto.enable or false) "mosquitto.service"
      ++ lib.optional (config.services.home-assistant.enable or false) "home-assistant.service"
      ++ extraAfter;

      # A changed hearth.yaml or device spec is applied with SIGHUP (hearth re-reads both);
      # a changed package changes ExecStart and restarts the unit.
      reloadTriggers = [
        (configFileFor unit)
        cfg.devicesDir
      ];

      path = lib.optional camerasEnabled cfg.ffmpegPackage;
      environment.NODE_ENV = "production";

      serviceConfig = {
        Type = "exec";
        ExecStart = lib.concatStringsSep " " (
          [
            "${cfg.package}/bin/hearth"
            "run"
            "--config"
            "/etc/hearth/${unit}.yaml"
            "--devices"
            "/etc/hearth/devices"
          ]
          ++ args
          ++ map lib.escapeShellArg cfg.extraArgs
        );
        ExecReload = "${pkgs.coreutils}/bin/kill -HUP $MAINPID";
        Restart = "on-failure";
        RestartSec = 5;

        DynamicUser = true;
        StateDirectory = unit;
        StateDirectoryMode = "0700";
        WorkingDirectory = "/var/lib/${unit}";
        LoadCredential = lib.mapAttrsToList (name: file: "${name}:${file}") credentials;
        EnvironmentFile = lib.optional (cfg.environmentFile != null) cfg.environmentFile;

        # Webcams (only when the life coach has cameras configured).
        DeviceAllow = lib.optional camerasEnabled "char-video4linux rw";
        SupplementaryGroups = lib.optional camerasEnabled "video";
        PrivateDevices = !camerasEnabled; # would hide /dev/video*
        PrivateUsers = !camerasEnabled; # the video group is not mapped in a user namespace

        # Hardening
        CapabilityBoundingSet = "";
        AmbientCapabilities = "";
        DevicePolicy = "closed";
        LockPersonality = true;
        # Node's V8 JIT writes machine code into pages it then executes (W+X): a
        # MemoryDenyWriteExecute=true service crashes at start.
        MemoryDenyWriteExecute = false;
        NoNewPrivileges = true;
        PrivateTmp = true;
        ProcSubset = "pid";
        ProtectClock = true;
        ProtectControlGroups = true;
        ProtectHome = true;
        ProtectHostname = true;
        ProtectKernelLogs = true;
        ProtectKernelModules = true;
        ProtectKernelTunables = true;
        ProtectProc = "invisible";
        ProtectSystem = "strict";
        RemoveIPC = true;
        RestrictAddressFamilies = [
          "AF_INET"
          "AF_INET6"
          "AF_UNIX"
        ];
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        SystemCallArchitectures = "native";
        SystemCallFilter = [
          "@system-service"
          # V8 protects JIT pages with memory protection keys (pkey_alloc/pkey_mprotect)
          "@pkey"
          "~@privileged"
        ];
        UMask = "0077";
      };
    };
in
{
  options.services.hearth = {
    enable = mkEnableOption "hearth, the home hub (Home Assistant, MQTT, ESPHome device specs, reminders, presence)";

    package = mkPackageOption pkgs "hearth" { };

    ffmpegPackage = mkPackageOption pkgs "ffmpeg-headless" {
      extraDescription = "Used to take webcam stills; only on the service's PATH when cameras are configured.";
    };

    settings = mkOption {
      default = { };
      description = ''
        hearth's configuration (hearth.yaml) as a Nix attribute set. Keys not declared here
        (`people`, `routines`, `trackers`, `quiet_hours`, `esphome`, …) are passed through
        unchanged; see hearth's `src/config/hearth-config.ts` for the schema.

        Do not put secrets here: everything in `settings` ends up in the world-readable Nix
        store. Use {option}`services.hearth.tokenFile` and friends.
        `state_dir` is set by the module (the unit's `StateDirectory`).
      '';
      example = literalExpression ''
        {
          timezone = "Europe/London";
          people = [ { id = "sam"; name = "Sam"; notify = "mobile_app_sams_phone"; } ];
          routines = [ { id = "meds"; title = "Morning meds"; due.daily = [ "08:00" ]; } ];
          homeassistant.url = "http://127.0.0.1:8123";
        }
      '';
      type = types.submodule {
        freeformType = settingsFormat.type;

        options = {
          timezone = mkOption {
            type = types.nullOr types.str;
            default = config.time.timeZone or null;
            defaultText = literalExpression "config.time.timeZone";
            example = "Europe/London";
            description = "IANA time zone for routines and quiet hours; `null` uses the system's.";
          };

          homeassistant = {
            url = mkOption {
              type = types.str;
              default = "http://127.0.0.1:8123";
              example = "http://rich-evans.nebula:8123";
              description = "Base URL of Home Assistant (hearth connects to its websocket API).";
            };
            heartbeat_interval = optionalSetting duration "30s" ''
              How often hearth pings Home Assistant over the websocket (a half-open connection
              never closes by itself); at least 50ms.
            '';
            heartbeat_timeout = optionalSetting duration "10s" ''
              No pong within this long: hearth drops the connection and reconnects; at least 50ms.
            '';
          };

          mqtt = {
            url = mkOption {
              type = types.strMatching "mqtts?://.*";
              default = "mqtt://127.0.0.1:1883";
              example = "mqtts://rich-evans.nebula:8883";
              description = ''
                URL of the MQTT broker Home Assistant uses (`mqtt://` or `mqtts://`). It must
                not contain credentials (`mqtt://user:pass@host` fails an assertion, as hearth
                itself refuses it): set {option}`services.hearth.settings.mqtt.username` and
                {option}`services.hearth.mqttPasswordFile`.
              '';
            };
            username = mkOption {
              type = types.nullOr types.str;
              default = null;
              example = "hearth";
              description = "MQTT user name; the password comes from {option}`services.hearth.mqttPasswordFile`.";
            };
            discovery_prefix = mkOption {
              type = types.str;
              default = "homeassistant";
              description = "Home Assistant's MQTT discovery prefix.";
            };
            base_topic = mkOption {
              type = types.str;
              default = "hearth";
              description = "Topic prefix for hearth's own state, command and availability topics.";
            };
          };

          http = {
            host = mkOption {
              type = types.str;
              default = "127.0.0.1";
              example = "0.0.0.0";
              description = ''
                Address hearth's HTTP API (health, stills, dashboard data) listens on. Every
                endpoint but `/healthz` needs the bearer token from
                {option}`services.hearth.httpTokenFile`.
              '';
            };
            port = mkOption {
              type = types.port;
              default = 8420;
              description = "Port of hearth's HTTP API.";
            };
          };

          presence = mkOption {
            default = { };
            example = literalExpression ''{ away_after = "2m"; switch_margin = 4; }'';
            description = ''
              Room presence tuning (hearth.yaml's `presence` section; every key is optional and
              hearth's defaults meet the targets of its `bench/presence.ts`). The keys are
              those of `src/config/presence-options.ts`; hearth refuses unknown ones.
            '';
            type = types.submodule {
              freeformType = settingsFormat.type;
              options = {
                away_after = optionalSetting duration "40s" "No node has heard a device for this long: the device is away.";
                switch_margin = optionalSetting (types.numbers.between 0 30) "3" ''
                  dB a challenger room must lead the current room by before its lead counts as
                  evidence for a switch.
                '';
                switch_evidence = optionalSetting (types.numbers.between 0 1000) "30" ''
                  Evidence (lead beyond the margin in dB·s, less the time it trailed) that
                  switches rooms: a clear lead switches quickly, a marginal one slowly.
                '';
                solo_margin = optionalSetting (types.numbers.between 0 30) "2" "Like `switch_margin`, for a device that is the only one following its person.";
                solo_evidence = optionalSetting (types.numbers.between 0 1000) "15" "Like `switch_evidence`, for that device.";
                group_margin = optionalSetting (types.numbers.between 0 30) "1" "Like `switch_margin`, for the mean lead of a person's devices sharing a room.";
                group_evidence = optionalSetting (types.numbers.between 0 1000) "10" "Like `switch_evidence`, for those devices together; 0 turns grouping off.";
                flap_window = optionalSetting duration "20s" "A device returning to the room it left less than this long ago is a flap, not a move.";
                fusion_hold = optionalSetting duration "0" ''
                  When a person's devices disagree, how long the one that moved last must stay
                  in its room before the person follows it.
                '';
                stale_after = optionalSetting duration "10s" "A node with no fresh reading for this long drops out.";
                rssi_noise = optionalSetting (types.addCheck types.numbers.positive (x: x <= 20)) "4" "Standard deviation of one RSSI report, dB (the filter's measurement noise).";
                motion_noise = optionalSetting (types.addCheck types.numbers.positive (x: x <= 1000)) "16" "How fast a device's true RSSI may drift, dB² per second (the filter's process noise).";
              };
            };
          };

          lifecoach = mkOption {
            default = { };
            description = ''
              The life coach's section of hearth.yaml. Only written when non-empty. Whether
              the life coach runs on this host is {option}`services.hearth.lifecoach.enable`.

              The life coach is not part of this hearth release yet: hearth.yaml has no
              `lifecoach` section (hearth refuses unknown keys), so a non-empty value fails an
              assertion. The option is here so that the camera access below is ready when it
              lands.
            '';
            type = types.submodule {
              freeformType = settingsFormat.type;
              options.cameras = mkOption {
                type = types.listOf settingsFormat.type;
                default = [ ];
                example = literalExpression ''[ { id = "desk"; device = "/dev/video0"; } ]'';
                description = ''
                  Webcams the life coach takes stills from. When non-empty, the service may
                  open video4linux devices (`DeviceAllow = "char-video4linux rw"`, group
                  `video`) and gets ffmpeg on its PATH; otherwise it sees no devices.
                '';
              };
            };
          };
        };
      };
    };

    configFile = mkOption {
      type = types.nullOr types.path;
      default = null;
      example = "/etc/hearth/custom.yaml";
      description = ''
        Use this hearth.yaml instead of one generated from
        {option}`services.hearth.settings`. It may be a store path, so it must not contain
        secrets (leave the `*_file` settings out: hearth then reads the credentials
        `ha-token`, `mqtt-password` and `http-token` that the `*File` options pass), and
        its `state_dir` should be `/var/lib/hearth` (the unit's `StateDirectory`).
      '';
    };

    devicesDir = mkOption {
      type = types.path;
      example = literalExpression "./devices";
      description = ''
        Directory of device specs (`devices/*.yaml`), read by the hub and by the ESPHome
        config generator. Through the hearth flake's `nixosModules.default` it defaults to
        the flake's own `devices/`.
      '';
    };

    tokenFile = mkOption {
      type = types.nullOr secretPath;
      default = null;
      example = "/run/agenix/hearth-ha-token";
      description = ''
        File holding the Home Assistant long-lived access token. Passed with systemd
        `LoadCredential` as `ha-token`; must not be in the Nix store.
      '';
    };

    mqttPasswordFile = mkOption {
      type = types.nullOr secretPath;
      default = null;
      example = "/run/agenix/hearth-mqtt-password";
      description = "File holding the MQTT password (credential `mqtt-password`); must not be in the Nix store.";
    };

    httpTokenFile = mkOption {
      type = types.nullOr secretPath;
      default = null;
      example = "/run/agenix/hearth-http-token";
      description = "File holding the bearer token of hearth's HTTP API (credential `http-token`); must not be in the Nix store.";
    };

    extraCredentials = mkOption {
      type = types.attrsOf secretPath;
      default = { };
      example = literalExpression ''{ ollama-token = config.age.secrets.ollama-token.path; }'';
      description = ''
        More secret files passed with `LoadCredential`, by credential name; hearth finds them
        as `$CREDENTIALS_DIRECTORY/<name>` (for sections added later, e.g. the life coach).
      '';
    };

    environmentFile = mkOption {
      type = types.nullOr secretPath;
      default = null;
      example = "/run/agenix/hearth-env";
      description = "Environment file (systemd `EnvironmentFile`) for both units; must not be in the Nix store.";
    };

    extraArgs = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = ''
        Extra arguments for `hearth run` (it takes `--config`, `--devices` and the life-coach
        flags, all set by the module). For more log output set
        `systemd.services.hearth.environment.HEARTH_LOG_LEVEL = "debug";`.
      '';
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Open {option}`services.hearth.settings.http.port` in the firewall (all interfaces).
        Prefer Nebula's own firewall for mesh-only access; see docs/nix.md.
      '';
    };

    lifecoach = {
      enable = mkEnableOption ''
        the life coach on this host. With {option}`services.hearth.enable` it runs inside
        the hub process (unless {option}`services.hearth.lifecoach.ownUnit` is set); without
        it, it runs alone in `hearth-lifecoach.service` (`hearth run --only lifecoach`), so it
        can move to another host by configuration only.

        **Not available yet**: the life coach is not part of this hearth release
        (`hearth run --only lifecoach` exits with status 2), so enabling it fails an
        assertion instead of deploying a crash-looping unit'';
      ownUnit = mkOption {
        type = types.bool;
        default = false;
        description = "Run the life coach in its own unit `hearth-lifecoach.service` even when the hub runs on this host.";
      };
    };

    backup = {
      file = mkOption {
        type = types.str;
        default = "/var/backup/hearth/hearth.sqlite";
        description = ''
          Where {option}`services.hearth.backup.prepareCommand` writes the copy of the SQLite
          store (its directory must exist, e.g. via `systemd.tmpfiles.rules`).
        '';
      };
      prepareCommand = mkOption {
        type = types.str;
        readOnly = true;
        default = lib.concatStringsSep " " [
          "${cfg.package}/bin/hearth"
          "backup"
          "--store"
          "/var/lib/hearth/hearth.sqlite"
          (lib.escapeShellArg cfg.backup.file)
        ];
        defaultText = literalExpression ''"''${config.services.hearth.package}/bin/hearth backup --store /var/lib/hearth/hearth.sqlite ''${config.services.hearth.backup.file}"'';
        description = ''
          A command line writing a consistent copy (SQLite online backup) of the hub's store
          `/var/lib/hearth/hearth.sqlite` (the unit's `StateDirectory`, `state_dir` in the
          generated hearth.yaml) to {option}`services.hearth.backup.file`; for
          `services.restic.backups.<name>.backupPrepareCommand` (runs as root). It names the
          store with `--store`, so it needs neither hearth.yaml nor the credentials.
        '';
      };
    };

    esphome = {
      configDir = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/var/lib/esphome";
        description = ''
          Directory where the generated ESPHome configs (one `<device>.yaml` per device spec)
          are placed, together with a `secrets.yaml` symlink to
          {option}`services.hearth.esphome.secretsFile`, for `esphome compile` or the ESPHome
          dashboard (`services.esphome` uses `/var/lib/esphome`). `null` places nothing.
          Files hearth placed before and no longer generates are removed; other files are
          left alone.
        '';
      };
      secretsFile = mkOption {
        type = types.nullOr secretPath;
        default = null;
        example = "/run/agenix/esphome-secrets";
        description = ''
          ESPHome `secrets.yaml` (Wi-Fi credentials, API encryption keys, OTA passwords), e.g.
          an agenix secret readable by whoever runs `esphome`. Linked as
          `<configDir>/secrets.yaml`.
        '';
      };
      group = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "esphome";
        description = ''
          Group given the placed configs and the directory (files are 0640). `null` leaves
          them root's; a `DynamicUser` ESPHome dashboard (nixpkgs' `services.esphome`) gets
          its state directory chowned by systemd when it starts, so it needs nothing here.
        '';
      };
      configs = mkOption {
        type = types.package;
        default = pkgs.callPackage ./esphome-configs.nix {
          hearth = cfg.package;
          devices = cfg.devicesDir;
          hearthConfig = configFileFor "hearth";
        };
        defaultText = literalExpression "configs generated by `hearth esphome generate` from devicesDir and the hub's hearth.yaml";
        description = "Derivation whose output holds the generated ESPHome configs.";
      };
    };
  };

  config = mkMerge [
    (mkIf (cfg.enable || cfg.lifecoach.enable) {
      assertions = [
        {
          assertion = cfg.lifecoach.enable -> lifecoachReleased;
          message = "services.hearth.lifecoach.enable: ${lifecoachMissing} (`hearth run --only lifecoach` exits 2); leave it off.";
        }
        {
          assertion = !(settingsFor "hearth" ? lifecoach) || lifecoachReleased;
          message = "services.hearth.settings.lifecoach: ${lifecoachMissing}; hearth.yaml has no `lifecoach` section (hearth would refuse to start).";
        }
        {
          assertion = !mqttUrlHasCredentials;
          message = ''
            services.hearth.settings.mqtt.url must not contain credentials (user:password@): the
            Nix store is world-readable and hearth refuses such a URL. Set
            services.hearth.settings.mqtt.username and services.hearth.mqttPasswordFile.
          '';
        }
        {
          assertion = storeFileSettings == [ ];
          message = ''
            services.hearth.settings: ${lib.concatStringsSep ", " storeFileSettings} point(s) into the
            Nix store, which is world-readable. Give secrets as runtime paths with
            services.hearth.tokenFile / mqttPasswordFile / httpTokenFile / extraCredentials.
          '';
        }
      ];
      warnings =
        lib.optional (cfg.settings ? state_dir)
          "services.hearth.settings.state_dir is ignored: the module sets it to the unit's StateDirectory (/var/lib/hearth).";

      environment.etc."hearth/devices".source = cfg.devicesDir;
    })

    (mkIf cfg.enable {
      environment.etc."hearth/hearth.yaml".source = configFileFor "hearth";

      systemd.services.hearth = mkUnit {
        unit = "hearth";
        description = "hearth home hub";
        args = lib.optional (!cfg.lifecoach.enable || cfg.lifecoach.ownUnit) "--no-lifecoach";
      };

      networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [ cfg.settings.http.port ];
    })

    (mkIf lifecoachUnit {
      environment.etc."hearth/hearth-lifecoach.yaml".source = configFileFor "hearth-lifecoach";

      systemd.services.hearth-lifecoach = mkUnit {
        unit = "hearth-lifecoach";
        description = "hearth life coach";
        args = [
          "--only"
          "lifecoach"
        ];
        extraAfter = lib.optional cfg.enable "hearth.service";
      };
    })

    (mkIf ((cfg.enable || cfg.lifecoach.enable) && cfg.esphome.configDir != null) {
      # Copies (not symlinks) so that ESPHome sees ordinary files next to secrets.yaml and
      # the dashboard can read them; a manifest records what was placed, so configs of
      # removed devices disappear and nothing else in the directory is touched.
      systemd.services.hearth-esphome-configs = {
        description = "Place hearth's generated ESPHome configs in ${cfg.esphome.configDir}";
        wantedBy = [ "multi-user.target" ];
        after = [ "systemd-tmpfiles-setup.service" ];
        before = lib.optional (config.services.esphome.enable or false) "esphome.service";
        restartTriggers = [ esphomeConfigs ];
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
        };
        path = [
          pkgs.coreutils
          pkgs.gnused
        ];
        script = ''
          set -eu
          dir=${lib.escapeShellArg cfg.esphome.configDir}
          manifest="$dir/.hearth-managed"
          [ -d "$dir" ] || install -d -m 0750 "$dir"
          if [ -f "$manifest" ]; then
            while IFS= read -r f; do
              [ -n "$f" ] && [ ! -e "${esphomeConfigs}/$f" ] && rm -f -- "$dir/$f"
            done < "$manifest"
          fi
          : > "$manifest.new"
          for src in ${esphomeConfigs}/*.yaml; do
            [ -e "$src" ] || continue
            f=$(basename "$src")
            [ "$f" = secrets.yaml ] && continue
            install -m 0640 "$src" "$dir/$f"
            echo "$f" >> "$manifest.new"
          done
          mv "$manifest.new" "$manifest"
          ${lib.optionalString (cfg.esphome.secretsFile != null) ''
            ln -sfn ${lib.escapeShellArg cfg.esphome.secretsFile} "$dir/secrets.yaml"
          ''}
          ${lib.optionalString (cfg.esphome.group != null) ''
            chgrp ${lib.escapeShellArg cfg.esphome.group} "$dir" $(sed "s|^|$dir/|" "$manifest")
          ''}
        '';
      };
    })
  ];
}
