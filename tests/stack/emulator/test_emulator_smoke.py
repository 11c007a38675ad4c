#!/usr/bin/env python3
"""Developer smoke test: the real aioesphomeapi client against the ESPHome emulator.

Run:  toolchain/hass-python tests/stack/emulator/test_emulator_smoke.py [--config-dir DIR]
(or any Python with aioesphomeapi + PyYAML). Exits non-zero on the first failure.

Starts esphome_emulator.py as a subprocess on the sample configs, then for every device:
connect, device_info, list_entities_services, subscribe_states; presses the button and
expects the EventResponse; sends light commands and expects LightStateResponses; sets RSSI
over the control API and expects SensorStateResponses; checks offline/online and that a
reconnecting client gets the states again; restarts the emulator with --state-file and
checks the ports are reused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import aioesphomeapi
from aioesphomeapi import (
    APIClient,
    EventInfo,
    Event as EventState,
    LightInfo,
    LightState,
    SensorInfo,
    SensorState,
)

HERE = Path(__file__).resolve().parent
EMULATOR = HERE / "esphome_emulator.py"


def ctl(port: int, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 - 127.0.0.1 only
        return json.loads(resp.read())


async def actl(port: int, method: str, path: str, body: Any = None) -> Any:
    return await asyncio.to_thread(ctl, port, method, path, body)


class Emu:
    def __init__(self, config_dir: Path, state_file: Path) -> None:
        self.config_dir = config_dir
        self.state_file = state_file
        self.proc: asyncio.subprocess.Process | None = None
        self.ports: dict[str, int] = {}

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, str(EMULATOR), "--config-dir", str(self.config_dir),
            "--state-file", str(self.state_file), "--host", "127.0.0.1",
            stdout=asyncio.subprocess.PIPE, stderr=None,
            env={**os.environ, "EMULATOR_LOG_LEVEL": os.environ.get("EMULATOR_LOG_LEVEL",
                                                                     "WARNING")})
        assert self.proc.stdout is not None
        self.ports = {}
        while True:
            line = await asyncio.wait_for(self.proc.stdout.readline(), 30)
            if not line:
                raise RuntimeError("emulator exited before READY control")
            parts = line.decode().split()
            if len(parts) == 3 and parts[0] == "READY":
                self.ports[parts[1]] = int(parts[2])
                if parts[1] == "control":
                    return

    async def stop(self) -> None:
        if self.proc and self.proc.returncode is None:
            self.proc.terminate()
            await asyncio.wait_for(self.proc.wait(), 10)


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)
    print(f"  ok  {what}")


async def wait_for(pred, what: str, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            print(f"  ok  {what}")
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timeout: {what}")


async def exercise_device(name: str, port: int, cport: int, desc: dict[str, Any]) -> None:
    print(f"device {name} on port {port}")
    cli = APIClient("127.0.0.1", port, None, client_info="hearth-smoke", keepalive=1.0)
    await cli.connect(login=True)
    try:
        info = await cli.device_info()
        check(info.name == name, f"device_info.name == {name}")
        check(info.mac_address == desc["mac"], "mac matches control API")
        check(info.manufacturer == "Espressif", "manufacturer Espressif")
        check(not info.uses_password, "uses_password false")
        check(bool(info.esphome_version), f"esphome_version {info.esphome_version}")
        check(info.friendly_name == desc["friendly_name"], "friendly_name")
        ents, services = await cli.list_entities_services()
        check(len(ents) == len(desc["entities"]),
              f"{len(ents)} entities listed ({[e.object_id for e in ents]})")
        keys = {e.key for e in ents}
        check(keys == {e["key"] for e in desc["entities"]}, "entity keys match control API")
        states: list[Any] = []
        cli.subscribe_states(states.append)
        sensor_keys = {e.key for e in ents if isinstance(e, SensorInfo)}
        if sensor_keys:
            await wait_for(lambda: {s.key for s in states if isinstance(s, SensorState)}
                           >= sensor_keys, "initial SensorState for every sensor")
            unset = [s for s in states if isinstance(s, SensorState) and any(
                d["key"] == s.key and d.get("state") is None for d in desc["entities"])]
            check(all(s.missing_state for s in unset),
                  f"{len(unset)} sensors without a value sent with missing_state")

        for ent in ents:
            if isinstance(ent, EventInfo):
                check(list(ent.event_types) == ["single", "double", "long"]
                      or bool(ent.event_types), f"event {ent.name} types {ent.event_types}")
                for etype in ent.event_types:
                    n = len(states)
                    r = await actl(cport, "POST", f"/devices/{name}/press",
                                   {"type": etype, "object_id": ent.object_id})
                    check(r["delivered"] >= 1, f"press {etype} delivered")
                    await wait_for(lambda: any(isinstance(s, EventState) and s.key == ent.key
                                               and s.event_type == etype for s in states[n:]),
                                   f"EventState {etype} received")
            elif isinstance(ent, LightInfo):
                check(bool(ent.supported_color_modes),
                      f"light {ent.name} color modes {ent.supported_color_modes}"
                      f" effects {ent.effects}")
                await wait_for(lambda: any(isinstance(s, LightState) and s.key == ent.key
                                           for s in states), "initial LightState")
                n = len(states)
                kw: dict[str, Any] = {"state": True, "brightness": 0.5, "transition_length": 0.0}
                effect = next((e for e in ent.effects if e != "None"), None)
                if effect:
                    kw["effect"] = effect
                if any(m & 32 for m in ent.supported_color_modes):  # RGB capable
                    kw["rgb"] = (1.0, 0.0, 0.5)
                cli.light_command(ent.key, **kw)
                await wait_for(lambda: any(isinstance(s, LightState) and s.key == ent.key
                                           and s.state and abs(s.brightness - 0.5) < 1e-3
                                           and (not effect or s.effect == effect)
                                           for s in states[n:]),
                               f"LightState on/0.5/{effect} received")
                lights = await actl(cport, "GET", f"/devices/{name}/lights")
                lj = next(x for x in lights if x["key"] == ent.key)
                check(lj["state"] is True and (not effect or lj["effect"] == effect),
                      f"control API light state {lj['state']} effect {lj['effect']}")
                log = await actl(cport, "GET", f"/devices/{name}/log")
                check(any(c.get("key") == ent.key and "mono_ns" in c
                          for c in log["light_commands"]), "light command logged with mono_ns")
                n = len(states)
                cli.light_command(ent.key, state=False)
                await wait_for(lambda: any(isinstance(s, LightState) and s.key == ent.key
                                           and not s.state and s.effect == "None"
                                           for s in states[n:]) if effect else any(
                    isinstance(s, LightState) and s.key == ent.key and not s.state
                    for s in states[n:]), "LightState off received")
            elif isinstance(ent, SensorInfo) and ent.device_class == "signal_strength" \
                    and "rssi" in ent.object_id:
                check(ent.unit_of_measurement == "dBm", f"sensor {ent.name} unit dBm")
                n = len(states)
                await actl(cport, "POST", f"/devices/{name}/rssi",
                           {"object_id": ent.object_id, "value": -63})
                await wait_for(lambda: any(isinstance(s, SensorState) and s.key == ent.key
                                           and s.state == -63 for s in states[n:]),
                               "SensorState -63 received")
                n = len(states)
                await actl(cport, "POST", f"/devices/{name}/rssi",
                           {"values": {ent.name: -71}})
                await wait_for(lambda: any(isinstance(s, SensorState) and s.key == ent.key
                                           and s.state == -71 for s in states[n:]),
                               "SensorState -71 received (by name, values{})")
        # keepalive=1s: the client pings every second and drops the link after 4.5 s
        # without a PingResponse, so staying connected proves pings are answered.
        await asyncio.sleep(3.0)
        check(cli._connection is not None and cli._connection.is_connected,
              "still connected after 3 keepalive pings")
    finally:
        await cli.disconnect()


async def many_devices(devices: list[dict[str, Any]], cport: int) -> None:
    """The routes over every device: one POST /press for many buttons, GET /lights, /log."""
    buttons = [d for d in devices if any(e["domain"] == "event" for e in d["entities"])]
    check(len(buttons) >= 1, f"{len(buttons)} devices with a button")
    clients: list[APIClient] = []
    received: dict[str, list[Any]] = {}
    try:
        for d in buttons:
            cli = APIClient("127.0.0.1", d["port"], None, client_info="hearth-smoke")
            await cli.connect(login=True)
            await cli.list_entities_services()
            clients.append(cli)
            received[d["name"]] = []
            cli.subscribe_states(received[d["name"]].append)
        await actl(cport, "POST", "/log/clear", {})
        names = [d["name"] for d in buttons]
        r = await actl(cport, "POST", "/press", {"devices": names, "type": "single"})
        check([x["device"] for x in r] == names and all(x["delivered"] >= 1 for x in r),
              f"one POST /press pressed {len(r)} buttons, each delivered")
        await wait_for(lambda: all(any(isinstance(s, EventState) and s.event_type == "single"
                                       for s in received[n]) for n in names),
                       "every button's EventState received")
        log = await actl(cport, "GET", "/log")
        check(all(len(log[n]["events"]) == 1 for n in names), "GET /log: one event per button")
        lights = await actl(cport, "GET", "/lights")
        check(set(lights) == {d["name"] for d in devices}, "GET /lights: every device")
        await actl(cport, "POST", "/log/clear", {})
        log = await actl(cport, "GET", "/log")
        check(all(not v["events"] and not v["light_commands"] for v in log.values()),
              "POST /log/clear empties every device's log")
        try:
            await actl(cport, "POST", "/press", {"devices": [names[0], "no-such-device"]})
            check(False, "POST /press with an unknown device refused")
        except urllib.error.HTTPError as err:
            check(err.code == 404, f"POST /press with an unknown device: HTTP {err.code}")
        log = await actl(cport, "GET", "/log")
        check(not log[names[0]]["events"], "an unknown device in /press: no button pressed")
    finally:
        for cli in clients:
            await cli.disconnect()


async def reconnect_and_offline(name: str, port: int, cport: int) -> None:
    print(f"offline/online/reconnect {name}")
    await actl(cport, "POST", f"/devices/{name}/offline")
    cli = APIClient("127.0.0.1", port, None)
    try:
        await cli.connect(login=True)
        raise AssertionError("connect succeeded while offline")
    except aioesphomeapi.APIConnectionError:
        print("  ok  connection refused while offline")
    await actl(cport, "POST", f"/devices/{name}/online")
    await cli.connect(login=True)
    states: list[Any] = []
    await cli.device_info_and_list_entities()
    cli.subscribe_states(states.append)
    await asyncio.sleep(0.3)
    ents = (await actl(cport, "GET", f"/devices/{name}"))["entities"]
    want = [e for e in ents if e["domain"] in ("light", "sensor", "binary_sensor")]
    await wait_for(lambda: {s.key for s in states} >= {e["key"] for e in want},
                   "states re-sent after reconnect")
    await cli.disconnect()

    # "hang": the socket stays open but the device answers nothing; a keepalive client must
    # notice through its ping timeout (4.5 x keepalive).
    stopped = asyncio.Event()

    async def on_stop(expected: bool) -> None:
        stopped.set()

    cli = APIClient("127.0.0.1", port, None, keepalive=1.0)
    await cli.connect(on_stop=on_stop, login=True)
    await cli.device_info()
    t = time.monotonic()
    await actl(cport, "POST", f"/devices/{name}/offline", {"mode": "hang"})
    await asyncio.wait_for(stopped.wait(), 15)
    check(True, f"hang detected by the client's ping timeout after {time.monotonic() - t:.1f} s")
    await actl(cport, "POST", f"/devices/{name}/online")
    cli = APIClient("127.0.0.1", port, None)
    await cli.connect(login=True)
    check((await cli.device_info()).name == name, "reconnect after hang")
    await cli.disconnect()


async def main_async(config_dir: Path) -> None:
    from importlib.metadata import version

    print(f"aioesphomeapi {version('aioesphomeapi')} on Python "
          f"{sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        state_file = Path(tmp) / "ports.json"
        emu = Emu(config_dir, state_file)
        await emu.start()
        try:
            cport = emu.ports["control"]
            devices = await actl(cport, "GET", "/devices")
            check(len(devices) >= 1, f"{len(devices)} devices: {[d['name'] for d in devices]}")
            for d in devices:
                await exercise_device(d["name"], d["port"], cport, d)
            await many_devices(devices, cport)
            await reconnect_and_offline(devices[0]["name"], devices[0]["port"], cport)
            first_ports = dict(emu.ports)
        finally:
            await emu.stop()
        await emu.start()
        try:
            check(emu.ports == first_ports, "restart with --state-file reuses all ports")
            d = devices[-1]
            cli = APIClient("127.0.0.1", emu.ports[d["name"]], None)
            await cli.connect(login=True)
            info = await cli.device_info()
            check(info.mac_address == d["mac"], "same MAC after restart")
            await cli.disconnect()
        finally:
            await emu.stop()
    print("PASS")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config-dir", default=str(HERE / "samples"))
    args = ap.parse_args()
    asyncio.run(main_async(Path(args.config_dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
