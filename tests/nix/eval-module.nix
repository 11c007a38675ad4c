# Evaluates nix/module.nix with lib.evalModules, minimal stand-ins for the NixOS options it
# sets (systemd.services, users, networking.firewall, environment.etc, assertions/warnings)
# and a fake `pkgs` (tests/nix/stubs.nix); no nixpkgs package set, only nixpkgs' `lib`.
#
#   nix-instantiate --eval --strict --json tests/nix/eval-module.nix --arg lib 'import /path/to/nixpkgs/lib'
#
# Returns a list of { name; ok; detail; }.  tests/nix/eval-module.sh runs it.
{ lib }:

let
  stubs = import ./stubs.nix { inherit lib; };
  inherit (stubs) storeDir;
  fakePkgs = stubs.pkgsFor "x86_64-linux";

  system = config: stubs.evalSystem fakePkgs [
    ../../nix/module.nix
    config
  ];
  # Without the assertion check: to look at what failed and why.
  unchecked = config: stubs.evalUnchecked fakePkgs [
    ../../nix/module.nix
    config
  ];
  failedWith =
    config: text:
    let
      failed = stubs.failedAssertions (unchecked config);
    in
    !(evaluates config) && lib.any (lib.hasInfix text) failed;

  # Forces everything a deployment would read; false when evaluation throws.
  evaluates =
    config:
    (builtins.tryEval (
      let
        c = system config;
      in
      builtins.deepSeq [
        (lib.mapAttrs (_: s: s.serviceConfig or { }) c.systemd.services)
        c.networking.firewall.allowedTCPPorts
        c.environment.etc
      ] true
    )).success;

  # the device specs: a store path (a derivation), as a build-time input must be
  devices = stubs.fakeDrv "hearth-devices" { };
  warningsOf = config: (unchecked config).warnings;

  base = {
    services.hearth = {
      enable = true;
      devicesDir = devices;
      tokenFile = "/run/agenix/hearth-ha-token";
      mqttPasswordFile = "/run/agenix/hearth-mqtt-password";
      httpTokenFile = "/run/agenix/hearth-http-token";
      settings = {
        people = [
          {
            id = "sam";
            name = "Sam";
          }
        ];
        mqtt.username = "hearth";
      };
    };
  };
  with' = extra: lib.recursiveUpdate base { services.hearth = extra; };

  plain = system base;
  hub = plain.systemd.services.hearth;
  hubYaml = plain.environment.etc."hearth/hearth.yaml".source.value;

    fw = system (with' {
    openFirewall = true;
    settings.http.port = 9000;
  });

  tuned = system (with' {
    settings.homeassistant.heartbeat_interval = "15s";
    settings.homeassistant.heartbeat_timeout = 5;
    settings.presence = {
      away_after = "2m";
      switch_margin = 4;
      flap_window = "1m 30s";
    };
  });
  tunedYaml = tuned.environment.etc."hearth/hearth.yaml".source.value;

  backupTo = system (with' { backup.file = "/srv/backup/hearth.sqlite"; });

  esp = system (with' {
    esphome.configDir = "/var/lib/esphome";
    esphome.secretsFile = "/run/agenix/esphome-secrets";
  });
  espUnit = esp.systemd.services.hearth-esphome-configs;
  espConfigs = esp.services.hearth.esphome.configs;
  # the tested script (tests/nix/place-esphome-configs.test.sh), with coreutils and setpriv
  placeScript = "${storeDir}/${
    stubs.shellAppHash (lib.removePrefix "#!/usr/bin/env bash\n" (builtins.readFile ../../nix/place-esphome-configs.sh)) [
      fakePkgs.coreutils
      fakePkgs.util-linux
    ]
  }-hearth-place-esphome-configs";
  espGrouped = system (with' {
    esphome.configDir = "/var/lib/esphome";
    esphome.group = "esphome";
  });

  irkTracker = extra: with' {
    settings.trackers = [
      ({
        id = "sams-phone";
        person = "sam";
        type = "irk";
      } // extra)
    ];
  };
  macTracker = with' {
    settings.trackers = [
      {
        id = "sams-watch";
        person = "sam";
        type = "mac";
        mac = "AA:BB:CC:DD:EE:FF";
      }
    ];
  };

  custom = system (with' { configFile = "/etc/hearth-custom.yaml"; });

  # --- the life coach's placements and cameras ---
  webcam = {
    name = "desk";
    device = "/dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920-video-index0";
  };
  snapshotCam = {
    name = "kitchen";
    url = "http://127.0.0.1:8081/snapshot.jpg";
  };
  withCams = cams: extra: lib.recursiveUpdate (with' extra) { services.hearth.settings.cameras = cams; };
  v4l2 = system (withCams [ webcam ] { });
  v4l2Hub = v4l2.systemd.services.hearth;
  snapOnly = (system (withCams [ snapshotCam ] { })).systemd.services.hearth;
  ownUnit = system (withCams [ webcam ] { lifecoach.placement = "own-unit"; });
  ownYaml = ownUnit.environment.etc."hearth/hearth.yaml".source.value;
  ownCoach = ownUnit.systemd.services.hearth-lifecoach;
  remoteHub = system (withCams [ webcam ] { lifecoach.placement = "remote"; });
  coachHost = system (withCams [ webcam ] {
    lifecoach = {
      placement = "remote";
      hubUrl = "http://rich-evans.nebula:8420";
      hubTokenFile = "/run/agenix/hearth-hub-token";
    };
  });
  coachHostYaml = coachHost.environment.etc."hearth/hearth.yaml".source.value;
  ffmpegPkg = "${storeDir}/00000000000000000000000000000000-ffmpeg-headless";
  coreutilsPkg = "${storeDir}/00000000000000000000000000000000-coreutils";
  pathOf = unit: map toString (unit.path or [ ]);
  execOf = c: c.systemd.services.hearth.serviceConfig.ExecStart;

  inStore = "${storeDir}/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-token";

  hubPkg = "${storeDir}/00000000000000000000000000000000-hearth";

  check = name: ok: detail: { inherit name ok detail; };
  eq =
    name: actual: expected:
    check name (actual == expected) "expected ${builtins.toJSON expected}, got ${builtins.toJSON actual}";
  hasKeyDeep =
    pred: v:
    if lib.isAttrs v then
      lib.any (n: pred n || hasKeyDeep pred v.${n}) (lib.attrNames v)
    else if lib.isList v then
      lib.any (hasKeyDeep pred) v
    else
      false;
  hasNull =
    v:
    v == null
    || (lib.isAttrs v && lib.any hasNull (lib.attrValues v))
    || (lib.isList v && lib.any hasNull v);
in
[
  # --- the hub unit ------------------------------------------------------------------------
  (eq "ExecStart runs `hearth run` on the /etc config and device specs (reloadable)"
    hub.serviceConfig.ExecStart
    "${hubPkg}/bin/hearth run --config /etc/hearth/hearth.yaml --devices /etc/hearth/devices"
  )
  (eq "/etc/hearth/hearth.yaml is the generated settings file" plain.environment.etc."hearth/hearth.yaml".source.name "hearth.yaml")
  (eq "/etc/hearth/devices is devicesDir (a store path)" plain.environment.etc."hearth/devices".source.outPath devices.outPath)
  (eq "LoadCredential passes each secret file under hearth's credential name"
    (lib.sort lib.lessThan hub.serviceConfig.LoadCredential)
    [
      "ha-token:/run/agenix/hearth-ha-token"
      "http-token:/run/agenix/hearth-http-token"
      "mqtt-password:/run/agenix/hearth-mqtt-password"
    ]
  )
  (eq "ExecReload sends SIGHUP" hub.serviceConfig.ExecReload "${storeDir}/00000000000000000000000000000000-coreutils/bin/kill -HUP $MAINPID")
  (check "reloadTriggers: the config file and the devices dir" (
    lib.elem plain.environment.etc."hearth/hearth.yaml".source hub.reloadTriggers
    && lib.elem devices hub.reloadTriggers
  ) (builtins.toJSON (map toString hub.reloadTriggers)))
  (eq "DynamicUser + StateDirectory" {
    inherit (hub.serviceConfig) DynamicUser StateDirectory;
  } {
    DynamicUser = true;
    StateDirectory = "hearth";
  })
  (eq "hardening" {
    inherit (hub.serviceConfig)
      ProtectSystem
      ProtectHome
      PrivateTmp
      DevicePolicy
      CapabilityBoundingSet
      NoNewPrivileges
      RestrictAddressFamilies
      SystemCallFilter
      UMask
      MemoryDenyWriteExecute
      ;
  } {
    ProtectSystem = "strict";
    ProtectHome = true;
    PrivateTmp = true;
    DevicePolicy = "closed";
    CapabilityBoundingSet = "";
    NoNewPrivileges = true;
    RestrictAddressFamilies = [
      "AF_INET"
      "AF_INET6"
      "AF_UNIX"
    ];
    SystemCallFilter = [
      "@system-service"
      "@pkey"
      "~@privileged"
    ];
    UMask = "0077";
    MemoryDenyWriteExecute = false;
  })
  (eq "no devices, private users" {
    inherit (hub.serviceConfig) PrivateDevices PrivateUsers;
  } {
    PrivateDevices = true;
    PrivateUsers = true;
  })
  (eq "firewall closed by default" plain.networking.firewall.allowedTCPPorts [ ])
  (eq "no ESPHome unit unless asked" (lib.attrNames plain.systemd.services) [ "hearth" ])
  (eq "the life coach in the hub's process by default: no extra flags, no other unit" plain.services.hearth.lifecoach.placement "same-unit")
  (eq "no cameras: no video devices and nothing extra on PATH" {
    inherit (hub.serviceConfig) PrivateDevices;
    DeviceAllow = hub.serviceConfig.DeviceAllow or null;
    path = pathOf hub;
  } {
    PrivateDevices = true;
    DeviceAllow = null;
    path = [ ];
  })
  (check "the module has meta (maintainers)" (plain.meta ? maintainers) "")

  # --- the generated hearth.yaml -------------------------------------------------------------
  (eq "hearth.yaml: declared defaults and pass-through settings" {
    inherit (hubYaml) homeassistant http state_dir people;
    mqtt = hubYaml.mqtt;
  } {
    homeassistant.url = "http://127.0.0.1:8123";
    http = {
      host = "127.0.0.1";
      port = 8420;
    };
    mqtt = {
      url = "mqtt://127.0.0.1:1883";
      username = "hearth";
      discovery_prefix = "homeassistant";
      base_topic = "hearth";
    };
    state_dir = "/var/lib/hearth";
    people = [
      {
        id = "sam";
        name = "Sam";
      }
    ];
  })
  (check "hearth.yaml: no nulls, no empty presence section" (
    !(hasNull hubYaml) && !(hubYaml ? presence) && !(hubYaml ? timezone)
  ) (builtins.toJSON (lib.attrNames hubYaml)))
  (check "hearth.yaml: holds no secret paths (hearth reads $CREDENTIALS_DIRECTORY)" (
    !(hasKeyDeep (lib.hasSuffix "_file") hubYaml)
  ) "")

  # --- firewall ----------------------------------------------------------------------------
  (eq "openFirewall opens settings.http.port" fw.networking.firewall.allowedTCPPorts [ 9000 ])

  # --- declared hearth.yaml options ------------------------------------------------------------
  (eq "homeassistant heartbeats and presence tuning reach hearth.yaml" {
    inherit (tunedYaml.homeassistant) heartbeat_interval heartbeat_timeout;
    inherit (tunedYaml) presence;
  } {
    heartbeat_interval = "15s";
    heartbeat_timeout = 5;
    presence = {
      away_after = "2m";
      switch_margin = 4;
      flap_window = "1m 30s";
    };
  })
  (check "unset heartbeats are left to hearth's defaults" (!(hubYaml.homeassistant ? heartbeat_interval)) "")
  (check "a malformed duration is refused (presence.away_after = \"soon\")" (
    !evaluates (with' { settings.presence.away_after = "soon"; })
  ) "")
  (check "an out-of-range presence.switch_margin is refused" (
    !evaluates (with' { settings.presence.switch_margin = 31; })
  ) "")
  (check "undeclared presence keys pass through (freeform)" (
    (system (with' { settings.presence.some_new_knob = 1; })).environment.etc."hearth/hearth.yaml".source.value.presence
    == { some_new_knob = 1; }
  ) "")
  (check "mqtt.url with user:password@ fails the assertion" (
    failedWith (with' { settings.mqtt.url = "mqtt://hearth:hunter2@127.0.0.1:1883"; }) "must not contain credentials"
  ) "")
  (check "mqtts.url with user@ fails the assertion" (
    failedWith (with' { settings.mqtt.url = "mqtts://hearth@broker.nebula:8883"; }) "must not contain credentials"
  ) "")
  (check "mqtt.url without credentials is fine" (
    evaluates (with' { settings.mqtt.url = "mqtts://rich-evans.nebula:8883"; })
  ) "")
  (check "mqtt.url that is not mqtt:// or mqtts:// is refused" (
    !evaluates (with' { settings.mqtt.url = "http://127.0.0.1:1883"; })
  ) "")

  # --- backup ------------------------------------------------------------------------------
  (eq "backup.prepareCommand names the store explicitly (no hearth.yaml needed)" plain.services.hearth.backup.prepareCommand
    "${hubPkg}/bin/hearth backup --store /var/lib/hearth/hearth.sqlite /var/backup/hearth/hearth.sqlite"
  )
  (eq "backup.prepareCommand follows backup.file" backupTo.services.hearth.backup.prepareCommand
    "${hubPkg}/bin/hearth backup --store /var/lib/hearth/hearth.sqlite /srv/backup/hearth.sqlite"
  )
  (check "the store named by backup.prepareCommand is the hub's StateDirectory + state_dir" (
    hubYaml.state_dir == "/var/lib/${hub.serviceConfig.StateDirectory}"
  ) "")

  # --- ESPHome configs ---------------------------------------------------------------------
  (eq "esphome.configDir: a oneshot runs nix/place-esphome-configs.sh (coreutils, setpriv) on the generated configs" {
    inherit (espUnit.serviceConfig) Type ExecStart StateDirectory StateDirectoryMode;
    script = espUnit.script or null;
  } {
    Type = "oneshot";
    ExecStart = "${placeScript}/bin/hearth-place-esphome-configs --configs ${espConfigs} --dir /var/lib/esphome --state /var/lib/hearth-esphome-configs --secrets /run/agenix/esphome-secrets";
    StateDirectory = "hearth-esphome-configs";
    StateDirectoryMode = "0700";
    script = null;
  })
  (eq "esphome.group is passed to the script" espGrouped.systemd.services.hearth-esphome-configs.serviceConfig.ExecStart
    "${placeScript}/bin/hearth-place-esphome-configs --configs ${espGrouped.services.hearth.esphome.configs} --dir /var/lib/esphome --state /var/lib/hearth-esphome-configs --group esphome"
  )
  (eq "the placement unit may only change identity and search directories (the set place-esphome-configs.test.sh runs with), no network" {
    inherit (espUnit.serviceConfig) CapabilityBoundingSet PrivateNetwork NoNewPrivileges;
  } {
    CapabilityBoundingSet = [
      "CAP_SETUID"
      "CAP_SETGID"
      "CAP_DAC_READ_SEARCH"
    ];
    PrivateNetwork = true;
    NoNewPrivileges = true;
  })
  (check "a relative esphome.configDir is refused" (!evaluates (with' { esphome.configDir = "esphome"; })) "")
  (check "esphome configs come from `hearth esphome generate` over devicesDir and the hub's hearth.yaml" (
    lib.hasInfix "hearth esphome generate --devices ${devices} --config ${storeDir}/00000000000000000000000000000000-hearth.yaml --out $out" espConfigs.script
  ) espConfigs.script)

  # --- devicesDir is a build-time input ---------------------------------------------------------
  (check "devicesDir as a runtime path string fails the assertion, saying why" (
    failedWith (with' { devicesDir = "/srv/hearth/devices"; })
      ''services.hearth.devicesDir = "/srv/hearth/devices" is a path on the target host''
  ) (builtins.toJSON (stubs.failedAssertions (unchecked (with' { devicesDir = "/srv/hearth/devices"; })))))
  (check "devicesDir as a path literal (copied to the store) is fine" (evaluates (with' { devicesDir = ./.; })) "")
  (check "devicesDir as a store path string is fine" (evaluates (with' { devicesDir = "${devices}"; })) "")

  # --- BLE tracker keys are secrets ---------------------------------------------------------------
  (check "a literal tracker irk fails the assertion naming settings.trackers[0].irk" (
    failedWith (irkTracker { irk = "f0a9186ae173c6c267afc272d585871c"; }) "services.hearth.settings.trackers[0].irk: a literal"
  ) (builtins.toJSON (stubs.failedAssertions (unchecked (irkTracker { irk = "f0a9186ae173c6c267afc272d585871c"; })))))
  (check "irk_file from a credential is fine, and reaches hearth.yaml as that path" (
    let
      c = system (irkTracker { irk_file = "/run/credentials/hearth.service/sams-phone-irk"; }) ;
    in
    (lib.head c.environment.etc."hearth/hearth.yaml".source.value.trackers).irk_file
    == "/run/credentials/hearth.service/sams-phone-irk"
  ) "")
  (check "irk_file pointing into the Nix store fails the assertion naming it" (
    failedWith (irkTracker { irk_file = inStore; }) "trackers[0].irk_file point(s) into the"
  ) "")
  (check "a literal tracker mac gives a warning naming it" (
    lib.any (lib.hasInfix "services.hearth.settings.trackers[0].mac: a tracker's MAC address") (warningsOf macTracker)
  ) (builtins.toJSON (warningsOf macTracker)))
  (check "control: no tracker warning without a mac" (warningsOf base == [ ]) (builtins.toJSON (warningsOf base)))

  # --- the life coach: cameras and placements -------------------------------------------------
  (eq "a V4L2 camera: the hub may open video4linux devices (group video), ffmpeg + coreutils on PATH" {
    inherit (v4l2Hub.serviceConfig) PrivateDevices DeviceAllow SupplementaryGroups DevicePolicy;
    path = pathOf v4l2Hub;
  } {
    PrivateDevices = false;
    DeviceAllow = [ "char-video4linux rw" ];
    SupplementaryGroups = [ "video" ];
    DevicePolicy = "closed";
    path = [
      ffmpegPkg
      coreutilsPkg
    ];
  })
  (eq "an HTTP snapshot camera only: ffmpeg on PATH, devices stay private" {
    inherit (snapOnly.serviceConfig) PrivateDevices;
    DeviceAllow = snapOnly.serviceConfig.DeviceAllow or null;
    path = pathOf snapOnly;
  } {
    PrivateDevices = true;
    DeviceAllow = null;
    path = [
      ffmpegPkg
      coreutilsPkg
    ];
  })
  (eq "own-unit: the hub runs --no-lifecoach and keeps the cameras" {
    exec = execOf ownUnit;
    inherit (ownUnit.systemd.services.hearth.serviceConfig) PrivateDevices;
  } {
    exec = "${hubPkg}/bin/hearth run --config /etc/hearth/hearth.yaml --devices /etc/hearth/devices --no-lifecoach";
    PrivateDevices = false;
  })
  (eq "own-unit: hearth-lifecoach.service is a coach-only hearth with its own port and store, no devices" {
    inherit (ownCoach.serviceConfig) ExecStart StateDirectory PrivateDevices;
    DeviceAllow = ownCoach.serviceConfig.DeviceAllow or null;
    after = lib.elem "hearth.service" ownCoach.after;
  } {
    ExecStart = "${hubPkg}/bin/hearth run --config /etc/hearth/hearth.yaml --devices /etc/hearth/devices --only lifecoach --http-port 8421 --store /var/lib/hearth-lifecoach/hearth.sqlite";
    StateDirectory = "hearth-lifecoach";
    PrivateDevices = true;
    DeviceAllow = null;
    after = true;
  })
  (eq "own-unit: the coach fetches stills from the hub on loopback with the hub's token (credential hub-token)" {
    hub = ownYaml.lifecoach.hub;
    token = lib.elem "hub-token:/run/agenix/hearth-http-token" ownCoach.serviceConfig.LoadCredential;
  } {
    hub.url = "http://127.0.0.1:8420";
    token = true;
  })
  (check "own-unit: httpPort equal to the hub's port fails the assertion" (
    failedWith (with' {
      lifecoach.placement = "own-unit";
      lifecoach.httpPort = 8420;
    }) "needs a port of its own"
  ) "")
  (eq "remote, hub's host: the hub runs --no-lifecoach (serves the stills), no coach unit" {
    exec = execOf remoteHub;
    units = lib.attrNames remoteHub.systemd.services;
    inherit (remoteHub.systemd.services.hearth.serviceConfig) PrivateDevices;
  } {
    exec = "${hubPkg}/bin/hearth run --config /etc/hearth/hearth.yaml --devices /etc/hearth/devices --no-lifecoach";
    units = [ "hearth" ];
    PrivateDevices = false;
  })
  (eq "remote, coach's host: hearth.service is coach-only, stills from hubUrl with hub-token, no devices" {
    exec = execOf coachHost;
    inherit (coachHostYaml.lifecoach) hub placement;
    token = lib.elem "hub-token:/run/agenix/hearth-hub-token" coachHost.systemd.services.hearth.serviceConfig.LoadCredential;
    inherit (coachHost.systemd.services.hearth.serviceConfig) PrivateDevices;
    path = pathOf coachHost.systemd.services.hearth;
  } {
    exec = "${hubPkg}/bin/hearth run --config /etc/hearth/hearth.yaml --devices /etc/hearth/devices --only lifecoach";
    hub.url = "http://rich-evans.nebula:8420";
    placement = "remote";
    token = true;
    PrivateDevices = true;
    path = [ ];
  })
  (check "remote with hubUrl but no hubTokenFile fails the assertion" (
    failedWith (with' {
      lifecoach.placement = "remote";
      lifecoach.hubUrl = "http://rich-evans.nebula:8420";
    }) "needs the hub's HTTP token"
  ) "")
  (check "hubTokenFile in the Nix store is refused" (
    !evaluates (with' {
      lifecoach = {
        placement = "remote";
        hubUrl = "http://rich-evans.nebula:8420";
        hubTokenFile = inStore;
      };
    })
  ) "")
  (eq "settings.ollama.host reaches hearth.yaml" (system (with' { settings.ollama.host = "http://total-eclipse.nebula:11434"; })).environment.etc."hearth/hearth.yaml".source.value.ollama {
    host = "http://total-eclipse.nebula:11434";
  })
  (check "an Ollama host without its port is refused" (!evaluates (with' { settings.ollama.host = "http://total-eclipse.nebula"; })) "")
  (check "no ollama section in hearth.yaml unless set" (!(hubYaml ? ollama) && !(hubYaml ? lifecoach)) "")

  # --- configFile override -------------------------------------------------------------------
  (eq "configFile replaces the generated hearth.yaml" custom.environment.etc."hearth/hearth.yaml".source "/etc/hearth-custom.yaml")

  # --- secrets in the store are refused -------------------------------------------------------
  (check "control: the base configuration evaluates" (evaluates base) "")
  (check "tokenFile in the Nix store is refused" (!evaluates (with' { tokenFile = inStore; })) inStore)
  (check "mqttPasswordFile in the Nix store is refused" (!evaluates (with' { mqttPasswordFile = inStore; })) "")
  (check "httpTokenFile in the Nix store is refused" (!evaluates (with' { httpTokenFile = inStore; })) "")
  (check "environmentFile in the Nix store is refused" (!evaluates (with' { environmentFile = inStore; })) "")
  (check "extraCredentials in the Nix store are refused" (
    !evaluates (with' { extraCredentials.ollama-token = inStore; })
  ) "")
  (check "esphome.secretsFile in the Nix store is refused" (
    !evaluates (with' {
      esphome.configDir = "/var/lib/esphome";
      esphome.secretsFile = inStore;
    })
  ) "")
  (check "a Nix path literal as tokenFile is refused (it would be copied to the store)" (
    !evaluates (with' { tokenFile = ./eval-module.nix; })
  ) "")
  (check "a relative tokenFile is refused" (!evaluates (with' { tokenFile = "secrets/ha-token"; })) "")
  (check "settings.homeassistant.token_file in the store fails an assertion" (
    !evaluates (with' { settings.homeassistant.token_file = inStore; })
  ) "")
  (check "settings.homeassistant.token_file outside the store is fine" (
    evaluates (with' { settings.homeassistant.token_file = "/run/agenix/hearth-ha-token"; })
  ) "")
]
