# NixOS module: services.hearth
#
# Runs the hearth hub as a hardened systemd service, and optionally places the ESPHome configs
# hearth generates where ESPHome reads them.
#
# - `settings` is hearth.yaml as a Nix attribute set (RFC 42, freeform); the main options are
#   declared below, anything else (people, routines, trackers, …) passes through.
# - Secrets are never in the Nix store: the `*File` options take runtime paths (e.g. agenix's
#   `config.age.secrets.<name>.path`), refuse store paths, and reach hearth through systemd
#   `LoadCredential`: hearth reads `$CREDENTIALS_DIRECTORY/<name>` (`ha-token`,
#   `mqtt-password`, `http-token`) when hearth.yaml names no `*_file` (src/config/secret-files.ts).
#   BLE tracker keys (IRKs) track a person: a literal `irk` in `settings` fails an assertion;
#   pass the key with `extraCredentials` and name it with `irk_file` (docs/nix.md).
# - The config and device specs are linked into /etc/hearth so that changing them reloads
#   hearth (SIGHUP) instead of restarting it. The device specs are a build-time input (a path
#   in the configuration's source or a derivation): the ESPHome configs are built from them.
#
# - The life coach (`lifecoach.placement`): in the hub's process, in its own unit
#   `hearth-lifecoach.service` (`hearth run --only lifecoach`, stills from the hub over loopback),
#   or on another host. The unit that captures gets the video devices (`DeviceAllow =
#   char-video4linux`, group `video`, `PrivateDevices = false`) only when `settings.cameras`
#   names a V4L2 device, and ffmpeg + coreutils (the capture watchdog) on its PATH.
#
# Sections added by later features are plain `settings` keys (freeform); give their secrets
# with `extraCredentials` (read by hearth from `$CREDENTIALS_DIRECTORY/<name>`).
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

  # An option naming a runtime secret file (secretPath: never in the Nix store); null: none.
  secretFileOption =
    example: description:
    mkOption {
      type = types.nullOr secretPath;
      default = null;
      inherit example description;
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

  credentials = lib.filterAttrs (_: v: v != null) (
    {
      ha-token = cfg.tokenFile;
      mqtt-password = cfg.mqttPasswordFile;
      http-token = cfg.httpTokenFile;
    }
    // cfg.extraCredentials
  );

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

  generatedSettings = dropEmpty [ "presence" "ollama" ] (
    prune cfg.settings
    // {
      # the unit's StateDirectory (DynamicUser: systemd owns and re-owns it)
      state_dir = "/var/lib/hearth";
    }
    # where the coach's stills come from (own-unit: the hub on loopback; remote: hubUrl); the
    # token is the `hub-token` credential
    // lib.optionalAttrs (coachHub != null) {
      lifecoach = (cfg.settings.lifecoach or { }) // {
        hub = coachHub;
      } // lib.optionalAttrs coachHostOnly { placement = "remote"; };
    }
  );

  configFile =
    if cfg.configFile != null then
      cfg.configFile
    else
      settingsFormat.generate "hearth.yaml" generatedSettings;

  # Every string in `v` (at any depth, through lists) as { path = "a.b[0].key"; key; value; }:
  # to find secrets written straight into `settings`.
  stringLeaves =
    path: v:
    if lib.isAttrs v && !lib.isDerivation v then
      lib.concatLists (lib.mapAttrsToList (n: stringLeaves "${path}${lib.optionalString (path != "") "."}${n}") v)
    else if lib.isList v then
      lib.concatLists (lib.imap0 (i: stringLeaves "${path}[${toString i}]") v)
    else if lib.isString v || lib.isPath v then
      [
        {
          inherit path;
          key = lib.last (lib.splitString "." path);
          value = toString v;
        }
      ]
    else
      [ ];
  settingsLeaves = stringLeaves "" cfg.settings;
  pathsWhere = pred: map (l: l.path) (lib.filter pred settingsLeaves);

  # `*_file` values that point into the store: a secret there is world-readable.
  storeFileSettings = pathsWhere (l: lib.hasSuffix "_file" l.key && isInStore l.value);

  # BLE tracker keys and addresses follow a person's phone: an IRK in the store lets anyone
  # who can read the store resolve that phone's rotating address (src/config/hearth-config.ts).
  literalIrks = pathsWhere (l: l.key == "irk");
  literalMacs = pathsWhere (l: l.key == "mac" && lib.hasPrefix "trackers[" l.path);

  # The device specs are read by the ESPHome-config derivation (a sandboxed build) and
  # linked into /etc: a path literal (copied to the store) or a store path / derivation.
  devicesAtBuildTime = builtins.isPath cfg.devicesDir || isInStore cfg.devicesDir;

  esphomeConfigs = cfg.esphome.configs;

  # --- the life coach ---------------------------------------------------------------------
  lc = cfg.lifecoach;
  cameras = cfg.settings.cameras or [ ];
  # This host runs the coach only, for a hub hearth elsewhere (placement remote + hubUrl).
  coachHostOnly = lc.placement == "remote" && lc.hubUrl != null;
  # The hub runs the coach in its own process only with placement same-unit.
  hubArgs =
    lib.optionals (lc.placement != "same-unit" && !coachHostOnly) [ "--no-lifecoach" ]
    ++ lib.optionals coachHostOnly [
      "--only"
      "lifecoach"
    ];
  # Captures happen where the cameras are: the hub's process (not on a coach-only host).
  capturesHere = cameras != [ ] && !coachHostOnly;
  v4l2Cameras = capturesHere && lib.any (c: c ? device) cameras;
  # The hub hearth the coach's stills come from.
  coachHub =
    if coachHostOnly then
      {
        url = lc.hubUrl;
      }
    else if lc.placement == "own-unit" then
      {
        url = "http://127.0.0.1:${toString cfg.settings.http.port}";
      }
    else
      null;
  coachCredentials =
    credentials
    // lib.optionalAttrs (coachHostOnly && lc.hubTokenFile != null) { hub-token = lc.hubTokenFile; }
    # beside the hub, the coach uses the hub's own token
    // lib.optionalAttrs (lc.placement == "own-unit" && cfg.httpTokenFile != null) { hub-token = cfg.httpTokenFile; };

  # Device access for the V4L2 webcams, and what the capture runs (ffmpeg, coreutils `timeout`).
  cameraAccess = {
    path = lib.optionals capturesHere [
      lc.ffmpegPackage
      pkgs.coreutils
    ];
    serviceConfig = lib.optionalAttrs v4l2Cameras {
      PrivateDevices = false;
      DeviceAllow = [ "char-video4linux rw" ];
      SupplementaryGroups = [ "video" ];
    };
  };

  # The placement step runs as root only to read the directory's owner and become it
  # (nix/place-esphome-configs.sh; tests/nix/place-esphome-configs.test.sh).
  placeScript = pkgs.writeShellApplication {
    name = "hearth-place-esphome-configs";
    runtimeInputs = [
      pkgs.coreutils
      pkgs.util-linux # setpriv
    ];
    # writeShellApplication writes its own shebang and `set -o errexit nounset pipefail`
    text = lib.removePrefix "#!/usr/bin/env bash\n" (builtins.readFile ./place-esphome-configs.sh);
  };

  # `hearth run` with the deployed config and devices, `args` and services.hearth.extraArgs.
  hearthRun =
    args:
    lib.concatStringsSep " " (
      [
        "${cfg.package}/bin/hearth"
        "run"
        "--config"
        "/etc/hearth/hearth.yaml"
        "--devices"
        "/etc/hearth/devices"
      ]
      ++ args
      ++ map lib.escapeShellArg cfg.extraArgs
    );

  # systemd LoadCredential entries (`name:file`) from { name = file; }.
  loadCredential = lib.mapAttrsToList (name: file: "${name}:${file}");

  hubUnit = lib.recursiveUpdate hubUnitBase cameraAccess;

  # hearth-lifecoach.service (placement own-unit): a coach-only hearth beside the hub, its own
  # store and HTTP port, the stills from the hub over loopback with the hub's token.
  coachUnit = lib.recursiveUpdate hubUnitBase {
    description = "hearth life coach";
    after = [ "hearth.service" ];
    wants = [ "hearth.service" ];
    serviceConfig = {
      ExecStart = hearthRun [
        "--only"
        "lifecoach"
        "--http-port"
        (toString lc.httpPort)
        "--store"
        "/var/lib/hearth-lifecoach/hearth.sqlite"
      ];
      StateDirectory = "hearth-lifecoach";
      WorkingDirectory = "/var/lib/hearth-lifecoach";
      LoadCredential = loadCredential coachCredentials;
    };
  };

  hubUnitBase = {
    description = "hearth home hub";
    wantedBy = [ "multi-user.target" ];
    wants = [ "network-online.target" ];
    after = [
      "network-online.target"
    ]
    ++ lib.optional (config.services.mosquitto.enable or false) "mosquitto.service"
    ++ lib.optional (config.services.home-assistant.enable or false) "home-assistant.service";

    # A changed hearth.yaml or device spec is applied with SIGHUP (hearth re-reads both);
    # a changed package changes ExecStart and restarts the unit.
    reloadTriggers = [
      configFile
      cfg.devicesDir
    ];

    environment.NODE_ENV = "production";
    # smaller V8 young generation, one V8 worker thread: less RSS (bench/lib/deployed.ts)
    environment.NODE_OPTIONS = "--max-semi-space-size=1 --v8-pool-size=1";

    serviceConfig = {
      Type = "exec";
      ExecStart = hearthRun hubArgs;
      ExecReload = "${pkgs.coreutils}/bin/kill -HUP $MAINPID";
      Restart = "on-failure";
      RestartSec = 5;

      DynamicUser = true;
      StateDirectory = "hearth";
      StateDirectoryMode = "0700";
      WorkingDirectory = "/var/lib/hearth";
      LoadCredential = loadCredential (if coachHostOnly then coachCredentials else credentials);
      EnvironmentFile = lib.optional (cfg.environmentFile != null) cfg.environmentFile;

      # Hardening
      PrivateDevices = true;
      PrivateUsers = true;
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

    settings = mkOption {
      default = { };
      description = ''
        hearth's configuration (hearth.yaml) as a Nix attribute set. Keys not declared here
        (`people`, `routines`, `trackers`, `quiet_hours`, `esphome`, …) are passed through
        unchanged; see hearth's `src/config/hearth-config.ts` for the schema.

        Do not put secrets here: everything in `settings` ends up in the world-readable Nix
        store. Use {option}`services.hearth.tokenFile` and friends. That includes the keys
        of BLE trackers, which follow a person's phone: a literal `irk` fails an assertion
        (pass the key with {option}`services.hearth.extraCredentials` and name the file with
        `irk_file`, see docs/nix.md), and a literal tracker `mac` gives a warning.
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

          ollama = mkOption {
            default = { };
            example = literalExpression ''{ host = "http://total-eclipse.nebula:11434"; model = "gemma3:4b"; }'';
            description = ''
              The life coach's Ollama server (hearth.yaml's `ollama` section; other keys such as
              `num_ctx`, `keep_alive`, `deadline` pass through, see `src/config/lifecoach.ts`).
            '';
            type = types.submodule {
              freeformType = settingsFormat.type;
              options = {
                host = mkOption {
                  type = types.nullOr (types.strMatching "https?://[^/]+:[0-9]+/?");
                  default = null;
                  example = "http://total-eclipse.nebula:11434";
                  description = "Ollama's URL with its port (hearth refuses one without). `null` uses hearth's default (http://127.0.0.1:11434).";
                };
                model = optionalSetting types.str "qwen3-vl:4b-instruct" "The vision model (must have Ollama's `vision` capability; `gemma3:4b` is the alternative).";
              };
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
                estimator = optionalSetting (types.enum [ "hmm" "evidence" ]) "hmm" ''
                  How a device's room is decided: `hmm`, a filter over the rooms with learned
                  fingerprints (the `hmm_*` keys tune it), or `evidence`, the lead-over-time
                  accounts of the `switch_*`/`solo_*`/`group_*` keys.
                '';
                doors = optionalSetting (types.listOf (types.listOf types.str)) "[ ]" ''
                  The floor plan's room adjacency as pairs, e.g. `[ [ "hall" "kitchen" ] [ "hall" "away" ] ]`
                  (`away` marks an entrance): moves follow doors, and coming home starts at an entrance.
                '';
                away_after = optionalSetting duration "30s" "No node has heard a device for this long: the device is away.";
                switch_margin = optionalSetting (types.numbers.between 0 30) "3" ''
                  dB a challenger room must lead the current room by before its lead counts as
                  evidence for a switch.
                '';
                switch_evidence = optionalSetting (types.numbers.between 0 1000) "30" ''
                  Evidence (lead beyond the margin in dB·s, less the time it trailed) that
                  switches rooms: a clear lead switches quickly, a marginal one slowly.
                '';
                solo_margin = optionalSetting (types.numbers.between 0 30) "3" "Like `switch_margin`, for a device that is the only one following its person.";
                solo_evidence = optionalSetting (types.numbers.between 0 1000) "30" "Like `switch_evidence`, for that device.";
                group_margin = optionalSetting (types.numbers.between 0 30) "2" "Like `switch_margin`, for the mean lead of a person's devices sharing a room.";
                group_evidence = optionalSetting (types.numbers.between 0 1000) "20" "Like `switch_evidence`, for those devices together; 0 turns grouping off.";
                flap_window = optionalSetting duration "20s" "A device returning to the room it left less than this long ago is a flap, not a move.";
                fusion_hold = optionalSetting duration "0" ''
                  When a person's devices disagree, how long the one that moved last must stay
                  in its room before the person follows it.
                '';
                stale_after = optionalSetting duration "10s" "A node with no fresh reading for this long drops out.";
                rssi_noise = optionalSetting (types.addCheck types.numbers.positive (x: x <= 20)) "4" "Standard deviation of one RSSI report, dB (the filter's measurement noise).";
                motion_noise = optionalSetting (types.addCheck types.numbers.positive (x: x <= 1000)) "4" "How fast a device's true RSSI may drift, dB² per second (the filter's process noise).";
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
        Directory of device specs (`devices/*.yaml`), read by the hub (linked at
        `/etc/hearth/devices`) and by the ESPHome config generator, which Nix runs at build
        time. So it must be a build-time input: a path in the configuration's source
        (`./devices`, copied to the store) or a derivation. A runtime path string such as
        `"/srv/hearth/devices"` fails an assertion (the build sandbox cannot read it).
        Through the hearth flake's `nixosModules.default` it defaults to the flake's own
        `devices/`.
      '';
    };

    tokenFile = secretFileOption "/run/agenix/hearth-ha-token" ''
      File holding the Home Assistant long-lived access token. Passed with systemd
      `LoadCredential` as `ha-token`; must not be in the Nix store.
    '';

    mqttPasswordFile = secretFileOption "/run/agenix/hearth-mqtt-password" "File holding the MQTT password (credential `mqtt-password`); must not be in the Nix store.";

    httpTokenFile = secretFileOption "/run/agenix/hearth-http-token" "File holding the bearer token of hearth's HTTP API (credential `http-token`); must not be in the Nix store.";

    extraCredentials = mkOption {
      type = types.attrsOf secretPath;
      default = { };
      example = literalExpression ''{ ollama-token = config.age.secrets.ollama-token.path; }'';
      description = ''
        More secret files passed with `LoadCredential`, by credential name; hearth finds them
        as `$CREDENTIALS_DIRECTORY/<name>`, i.e. `/run/credentials/hearth.service/<name>`.
        For a BLE tracker's IRK: `extraCredentials.sam-phone-irk = config.age.secrets.sam-phone-irk.path;`
        and `irk_file = "/run/credentials/hearth.service/sam-phone-irk";` in its tracker.
      '';
    };

    environmentFile = secretFileOption "/run/agenix/hearth-env" "Environment file (systemd `EnvironmentFile`) of the hub's unit; must not be in the Nix store.";

    extraArgs = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = ''
        Extra arguments for `hearth run` (`--config` and `--devices` are set by the module).
        For more log output set
        `systemd.services.hearth.environment.HEARTH_LOG_LEVEL = "debug";`.
      '';
    };

    lifecoach = {
      placement = mkOption {
        type = types.enum [
          "same-unit"
          "own-unit"
          "remote"
        ];
        default = "same-unit";
        description = ''
          Where the life coach runs (it does nothing until `settings.checkins` is set):
          - `same-unit`: in the hub's process (`hearth.service`);
          - `own-unit`: in `hearth-lifecoach.service` (`hearth run --only lifecoach`, its own
            store in /var/lib/hearth-lifecoach and HTTP port {option}`services.hearth.lifecoach.httpPort`),
            the stills from the hub over loopback with the hub's token; the hub runs `--no-lifecoach`;
          - `remote`: on another host. On the hub's host (no {option}`services.hearth.lifecoach.hubUrl`):
            the hub runs `--no-lifecoach` and serves the cameras' stills. On the coach's host
            (with `hubUrl` and {option}`services.hearth.lifecoach.hubTokenFile`): `hearth.service`
            is a coach-only hearth (`--only lifecoach`).
        '';
      };
      hubUrl = mkOption {
        type = types.nullOr (types.strMatching "https?://.*");
        default = null;
        example = "http://rich-evans.nebula:8420";
        description = "With placement `remote`: this host runs the coach only, taking stills from the hub hearth at this URL.";
      };
      hubTokenFile = secretFileOption "/run/agenix/hearth-http-token" "The hub hearth's HTTP bearer token (credential `hub-token`), for placement `remote` with `hubUrl`.";
      httpPort = mkOption {
        type = types.port;
        default = 8421;
        description = "HTTP API port of `hearth-lifecoach.service` (placement `own-unit`): `hearth checkin now --url` goes there.";
      };
      ffmpegPackage = mkPackageOption pkgs "ffmpeg-headless" { };
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Open {option}`services.hearth.settings.http.port` in the firewall (all interfaces).
        Prefer Nebula's own firewall for mesh-only access; see docs/nix.md.
      '';
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
        type = types.nullOr (types.strMatching "/.*");
        default = null;
        example = "/var/lib/esphome";
        description = ''
          Directory where the generated ESPHome configs (one `<device>.yaml` per device spec)
          are placed, together with a `secrets.yaml` symlink to
          {option}`services.hearth.esphome.secretsFile`, for `esphome compile` or the ESPHome
          dashboard (`services.esphome` uses `/var/lib/esphome`). `null` places nothing.
          Files hearth placed before and no longer generates are removed; other files are
          left alone.

          The directory usually belongs to the ESPHome user, so the placing runs as the
          directory's owner (`setpriv`), never as root inside it; the list of placed names is
          kept in `/var/lib/hearth-esphome-configs`, and every file is written through a
          temporary file and a rename, so a planted symlink is replaced, never followed. The
          directories above it must be root's and writable by no one else (else the unit
          fails, naming the directory); a missing directory is created (root's, 0750).
        '';
      };
      secretsFile = secretFileOption "/run/agenix/esphome-secrets" ''
        ESPHome `secrets.yaml` (Wi-Fi credentials, API encryption keys, OTA passwords), e.g.
        an agenix secret readable by whoever runs `esphome`. Linked as
        `<configDir>/secrets.yaml`.
      '';
      group = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "esphome";
        description = ''
          Group given the placed configs and the directory (files are 0640). `null` keeps
          the directory's group. Not needed for nixpkgs' `services.esphome` (a `DynamicUser`
          whose state directory systemd gives to it on start: the configs are placed as that
          user).
        '';
      };
      configs = mkOption {
        type = types.package;
        default = pkgs.callPackage ./esphome-configs.nix {
          hearth = cfg.package;
          devices = cfg.devicesDir;
          hearthConfig = configFile;
        };
        defaultText = literalExpression "configs generated by `hearth esphome generate` from devicesDir and the hub's hearth.yaml";
        description = "Derivation whose output holds the generated ESPHome configs.";
      };
    };
  };

  meta.maintainers = [ ];

  config = mkMerge [
    (mkIf cfg.enable {
      assertions = [
        {
          assertion = devicesAtBuildTime;
          message = ''
            services.hearth.devicesDir = "${toString cfg.devicesDir}" is a path on the target host,
            but the device specs are a build-time input: the ESPHome configs are generated from
            them in the Nix build sandbox, which cannot read it, and /etc/hearth/devices links
            them. Give a path in the configuration's source (devicesDir = ./devices;) or a
            derivation.
          '';
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
        {
          assertion = !(lc.placement == "remote" && lc.hubUrl != null && lc.hubTokenFile == null);
          message = ''
            services.hearth.lifecoach.hubUrl is set (this host runs the life coach for the hub at
            ${toString lc.hubUrl}) but services.hearth.lifecoach.hubTokenFile is not: the coach
            needs the hub's HTTP token to fetch the stills.
          '';
        }
        {
          assertion = lc.hubUrl == null || lc.placement == "remote";
          message = ''
            services.hearth.lifecoach.hubUrl is only for placement "remote" (this host runs the
            coach for a hub elsewhere); with "${lc.placement}" the stills come from this host.
          '';
        }
        {
          assertion = lc.placement != "own-unit" || lc.httpPort != cfg.settings.http.port;
          message = ''
            services.hearth.lifecoach.httpPort (${toString lc.httpPort}) is the hub's
            settings.http.port: hearth-lifecoach.service needs a port of its own.
          '';
        }
        {
          assertion = literalIrks == [ ];
          message = ''
            services.hearth.settings.${lib.concatStringsSep ", settings." literalIrks}: a literal
            Identity Resolving Key would land in the world-readable Nix store, and it lets anyone
            follow that phone. Keep it in a secret file (e.g. agenix), pass it with
            services.hearth.extraCredentials.<name> = config.age.secrets.<name>.path; and replace
            `irk` by irk_file = "/run/credentials/hearth.service/<name>"; (docs/nix.md).
          '';
        }
      ];
      warnings =
        lib.optional (cfg.settings ? state_dir)
          "services.hearth.settings.state_dir is ignored: the module sets it to the unit's StateDirectory (/var/lib/hearth)."
        ++ lib.optional (literalMacs != [ ])
          "services.hearth.settings.${lib.concatStringsSep ", settings." literalMacs}: a tracker's MAC address in settings lands in the world-readable Nix store, and a fixed address identifies that device (and whom it follows). Prefer an IRK tracker with irk_file, or keep this configuration private (docs/nix.md).";

      environment.etc."hearth/devices".source = cfg.devicesDir;
      environment.etc."hearth/hearth.yaml".source = configFile;

      systemd.services.hearth = hubUnit;
      systemd.services.hearth-lifecoach = mkIf (lc.placement == "own-unit") coachUnit;

      networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [ cfg.settings.http.port ];
    })

    (mkIf (cfg.enable && cfg.esphome.configDir != null) {
      # Copies (not symlinks) so that ESPHome sees ordinary files next to secrets.yaml and
      # the dashboard can read them; the manifest of what was placed (in this unit's own
      # state) lets configs of removed devices disappear while nothing else is touched.
      systemd.services.hearth-esphome-configs = {
        description = "Place hearth's generated ESPHome configs in ${cfg.esphome.configDir}";
        wantedBy = [ "multi-user.target" ];
        after = [ "systemd-tmpfiles-setup.service" ];
        before = lib.optional (config.services.esphome.enable or false) "esphome.service";
        restartTriggers = [ esphomeConfigs ];
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
          ExecStart = lib.escapeShellArgs (
            [
              (lib.getExe placeScript)
              "--configs"
              "${esphomeConfigs}"
              "--dir"
              cfg.esphome.configDir
              "--state"
              "/var/lib/hearth-esphome-configs"
            ]
            ++ lib.optionals (cfg.esphome.secretsFile != null) [
              "--secrets"
              cfg.esphome.secretsFile
            ]
            ++ lib.optionals (cfg.esphome.group != null) [
              "--group"
              cfg.esphome.group
            ]
          );
          StateDirectory = "hearth-esphome-configs";
          StateDirectoryMode = "0700";
          UMask = "0027";
          # root only to enter the directory and become its owner (setpriv); no reading or
          # writing past file modes (tests/nix/place-esphome-configs.test.sh runs with these)
          CapabilityBoundingSet = [
            "CAP_SETUID"
            "CAP_SETGID"
            "CAP_DAC_READ_SEARCH"
          ];
          NoNewPrivileges = true;
          PrivateNetwork = true;
          PrivateTmp = true;
          PrivateDevices = true;
          ProtectKernelTunables = true;
          ProtectKernelModules = true;
          ProtectControlGroups = true;
          RestrictAddressFamilies = "none";
          RestrictNamespaces = true;
          LockPersonality = true;
          SystemCallArchitectures = "native";
        };
      };
    })
  ];
}
