#!/usr/bin/env bash
# Quick end-to-end check of the toolchain (~10 s when the rootfs is cached):
# ensure.sh, ESPHome config + compile --only-generate (ESP32 esp-idf, ESP8266), Home Assistant
# reaching "initialized" with --skip-pip on 127.0.0.1, a loopback Mosquitto. Prints one line per
# check and "N passed, N failed"; exits non-zero on any failure. Leaves no processes behind.
set -uo pipefail
tc="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
work=$(mktemp -d /tmp/hearth-toolchain-selftest.XXXXXX)
pids=()
passed=0 failed=0
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  if [ "$failed" = 0 ] && [ -z "${HEARTH_SELFTEST_KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT

check() { # NAME CMD...
  local name=$1 t=$EPOCHREALTIME; shift
  if "$@" >"$work/$name.log" 2>&1; then
    passed=$((passed + 1)); printf 'ok   %-28s %5.2fs\n' "$name" "$(awk -v a="$t" -v b="$EPOCHREALTIME" 'BEGIN{print b-a}')"
  else
    failed=$((failed + 1)); printf 'FAIL %-28s (log below)\n' "$name"; tail -n 20 "$work/$name.log" | sed 's/^/     /'
  fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cd "$work" || exit 1
key=$(head -c 32 /dev/urandom | base64)
cat >secrets.yaml <<Y
wifi_ssid: "SelfTest"
wifi_password: "selftest-password"
api_key: "$key"
ota_password: "selftest-ota"
Y
common='logger:
wifi:
  ssid: !secret wifi_ssid
  password: !secret wifi_password
api:
  encryption:
    key: !secret api_key
ota:
  - platform: esphome
    password: !secret ota_password'
printf 'esphome:\n  name: selftest-esp32\nesp32:\n  board: esp32dev\n  framework:\n    type: esp-idf\n%s\n' "$common" >esp32.yaml
printf 'esphome:\n  name: selftest-esp8266\nesp8266:\n  board: d1_mini\n%s\n' "$common" >esp8266.yaml

check ensure "$tc/ensure.sh"
check esphome-version "$tc/esphome" version
check esphome-config-esp32 "$tc/esphome" config esp32.yaml
check esphome-config-esp8266 "$tc/esphome" config esp8266.yaml
check esphome-generate-esp32 "$tc/esphome" compile --only-generate esp32.yaml
check hass-version "$tc/hass" --version

hass_runs() {
  local port; port=$(free_port)
  mkdir -p hass/.storage
  # logger at info: the "initialized" line we wait for is logged at INFO.
  printf 'homeassistant:\n  time_zone: UTC\nlogger:\n  default: info\n' >hass/configuration.yaml
  # HA keeps its http settings in .storage/http (YAML would become a pending config): a stable
  # one on 127.0.0.1 only, the shape tests/stack/hass.ts preseeds (see there).
  printf '{"version":2,"minor_version":2,"key":"http","data":{"stable":{"server_host":["127.0.0.1"],"server_port":%s,"cors_allowed_origins":["https://cast.home-assistant.io"],"login_attempts_threshold":-1,"ip_ban_enabled":true,"ssl_profile":"modern","use_x_frame_options":true,"created_at":"2026-01-01T00:00:00+00:00","error":null,"error_message":null},"pending":null,"yaml_migration_done":true}}\n' "$port" >hass/.storage/http
  local d; for d in api websocket_api mqtt frontend lovelace input_boolean input_text input_number \
    input_select input_datetime input_button template config onboarding auth person \
    mobile_app device_tracker zone; do printf '%s:\n' "$d" >>hass/configuration.yaml; done
  "$tc/hass" --skip-pip -c "$work/hass" --log-file "$work/hass.log" &
  local pid=$! i; pids+=("$pid")
  for i in $(seq 600); do
    grep -q 'Home Assistant initialized in' hass.log 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  grep 'initialized in' hass.log || return 1
  curl -sf -o /dev/null "http://127.0.0.1:$port/manifest.json" || return 1
  kill -TERM "$pid"; wait "$pid"; local rc=$?
  if grep -E ' (ERROR|CRITICAL) ' hass.log; then return 1; fi
  return $rc
}
check hass-starts-skip-pip hass_runs

mosquitto_runs() {
  local port; port=$(free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >mosquitto.conf
  /usr/sbin/mosquitto -c mosquitto.conf &
  local pid=$!; pids+=("$pid")
  python3 - "$port" <<'PY'
import socket, sys, time
for _ in range(50):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1); break
    except OSError:
        time.sleep(0.1)
s.sendall(bytes([0x10, 12, 0, 4]) + b"MQTT" + bytes([4, 2, 0, 60, 0, 0]))
assert s.recv(4) == bytes([0x20, 2, 0, 0]), "no CONNACK"
PY
  local rc=$?; kill -TERM "$pid"; wait "$pid"; return $rc
}
check mosquitto-loopback mosquitto_runs

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
