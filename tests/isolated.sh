#!/usr/bin/env bash
# Runs a command (the test runner, the benchmarks) in a private network namespace whose only
# interface is loopback, so that nothing the tests start — Home Assistant (its zeroconf/mDNS
# included), Mosquitto, the emulated devices, hearth, Chromium — can bind or send beyond
# 127.0.0.1/::1, whatever it does by itself. Needs root (CI and the toolchain run as root) and
# util-linux's unshare + iproute2's ip; elsewhere it says so and runs the command as it is.
# HEARTH_NO_NETNS=1 turns it off (e.g. to point a test at a real Ollama on another host).
set -euo pipefail
if [ "${HEARTH_NO_NETNS:-}" != 1 ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null \
  && unshare --net true 2>/dev/null; then
  exec unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh "$@"
fi
echo "isolated.sh: not in a private network namespace (needs root, unshare and ip); the stack still binds 127.0.0.1 only" >&2
exec "$@"
