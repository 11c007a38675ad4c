# NixOS VM test: Mosquitto + hearth with its secrets written at test time (never from the
# Nix store), /healthz answering, a reload by SIGHUP, the unit's hardening printed, and the
# ESPHome-config placement run as the directory's owner past a planted symlink.
#
#   nix build .#checks.x86_64-linux.vm -L
#
# Home Assistant is not started (hearth keeps retrying it); the test is about the service
# wiring: credentials, sandbox, MQTT, HTTP.
{ hearthModule }:
{ pkgs, lib, ... }:
let
  port = 8420;
  secrets = "/run/test-secrets";
in
{
  name = "hearth";

  nodes.hub =
    { config, pkgs, ... }:
    {
      imports = [ hearthModule ];

      services.mosquitto = {
        enable = true;
        listeners = [
          {
            address = "127.0.0.1";
            port = 1883;
            users.hearth = {
              passwordFile = "${secrets}/mqtt-password";
              acl = [ "readwrite #" ];
            };
          }
        ];
      };

      services.hearth = {
        enable = true;
        devicesDir = pkgs.runCommand "hearth-test-devices" { } "mkdir $out";
        tokenFile = "${secrets}/ha-token";
        mqttPasswordFile = "${secrets}/mqtt-password";
        httpTokenFile = "${secrets}/http-token";
        settings = {
          timezone = "UTC";
          people = [
            {
              id = "sam";
              name = "Sam";
            }
          ];
          mqtt.username = "hearth";
          http.port = port;
        };
        # a directory owned by another user, as ESPHome's is
        esphome.configDir = "/var/lib/esphome-test";
        esphome.secretsFile = "${secrets}/esphome-secrets";
      };
      users.users.esphome-test = {
        isSystemUser = true;
        group = "esphome-test";
      };
      users.groups.esphome-test = { };
      systemd.tmpfiles.rules = [ "d /var/lib/esphome-test 0750 esphome-test esphome-test -" ];
      # started by the test script, after it planted its link
      systemd.services.hearth-esphome-configs.wantedBy = lib.mkForce [ ];

      # The secrets do not exist at boot: the test script writes them, then starts both.
      systemd.services.mosquitto.wantedBy = lib.mkForce [ ];
      systemd.services.hearth.wantedBy = lib.mkForce [ ];

      environment.systemPackages = [ pkgs.curl ];
    };

  testScript = ''
    start_all()
    hub.wait_for_unit("multi-user.target")

    with subtest("secrets written at run time, outside the store"):
        hub.succeed(
            "install -d -m 0700 ${secrets}",
            "echo ha-test-token > ${secrets}/ha-token",
            "echo mqtt-test-password > ${secrets}/mqtt-password",
            "echo http-test-token > ${secrets}/http-token",
            "chmod 0400 ${secrets}/*",
        )

    with subtest("mosquitto and hearth start"):
        hub.succeed("systemctl start mosquitto.service")
        hub.wait_for_open_port(1883)
        hub.succeed("systemctl start hearth.service")
        hub.wait_for_unit("hearth.service")
        hub.wait_for_open_port(${toString port})

    with subtest("credentials reach hearth through LoadCredential"):
        hub.succeed("test -s /run/credentials/hearth.service/ha-token")
        hub.succeed("test -s /run/credentials/hearth.service/mqtt-password")
        hub.succeed("test -s /run/credentials/hearth.service/http-token")
        hub.fail("grep -RqE 'test-(token|password)' /etc/hearth/")

    with subtest("/healthz answers without a token (200, or 503 while Home Assistant is away)"):
        code = hub.succeed(
            "curl -s -o /tmp/healthz -w '%{http_code}' http://127.0.0.1:${toString port}/healthz"
        ).strip()
        print("healthz:", code, hub.succeed("cat /tmp/healthz"))
        assert code in ("200", "503"), f"/healthz answered {code}"

    with subtest("everything else needs the bearer token"):
        code = hub.succeed(
            "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:${toString port}/stills/desk.jpg"
        ).strip()
        assert code == "401", f"unauthenticated request answered {code}"

    with subtest("reload is SIGHUP, the unit stays up"):
        hub.succeed("systemctl reload hearth.service")
        hub.sleep(2)
        hub.succeed("systemctl is-active hearth.service")

    with subtest("no video devices (PrivateDevices)"):
        hub.fail("systemctl show hearth.service -p DeviceAllow --value | grep -q video4linux")

    with subtest("ESPHome configs: placed as the directory's owner; a planted link is replaced, not followed"):
        hub.succeed(
            "ln -s /etc/shadow /var/lib/esphome-test/secrets.yaml",
            "chown -h esphome-test:esphome-test /var/lib/esphome-test/secrets.yaml",
            "printf '../../../etc/shadow\\n' > /var/lib/esphome-test/.hearth-managed",
        )
        shadow = hub.succeed("sha256sum /etc/shadow")
        hub.succeed("systemctl start hearth-esphome-configs.service")
        hub.succeed("test \"$(readlink /var/lib/esphome-test/secrets.yaml)\" = ${secrets}/esphome-secrets")
        hub.succeed("test \"$(stat -c %U /var/lib/esphome-test/secrets.yaml)\" = esphome-test")
        hub.succeed("test ! -e /var/lib/esphome-test/.hearth-managed")
        hub.succeed("test -f /var/lib/hearth-esphome-configs/placed")
        assert shadow == hub.succeed("sha256sum /etc/shadow"), "/etc/shadow changed"

    print(hub.succeed("systemd-analyze security hearth.service --no-pager"))
  '';
}
