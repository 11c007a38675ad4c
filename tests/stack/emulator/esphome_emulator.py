#!/usr/bin/env python3
"""Emulator of the household's ESPHome devices, speaking the ESPHome native API.

TEST DOUBLE: no ESP32/ESP8266 hardware (and no way to compile firmware) exists on the
test machines, so this process stands in for the firmware. For every generated config
`<config-dir>/*.yaml` it listens on 127.0.0.1 on its own port and presents the device the
way ESPHome firmware does over the *plaintext* native API (0x00 preamble, varint length,
varint message type, protobuf body), using the protobuf classes shipped in
`aioesphomeapi` (the library Home Assistant's esphome integration uses), so the message
layout always matches the client's version.

A small JSON-over-HTTP control interface on 127.0.0.1 (--control-port) lets tests press
buttons, set BLE RSSI readings, read light state and the light-command log, and take
devices offline/online. See README.md next to this file.

Only the Python standard library, PyYAML and aioesphomeapi (+ its protobuf) are used.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import hashlib
import json
import logging
import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

import yaml
from aioesphomeapi import api_pb2 as pb
from aioesphomeapi.core import MESSAGE_TYPE_TO_PROTO

LOG = logging.getLogger("esphome-emulator")

PROTO_TO_TYPE: dict[type, int] = {cls: num for num, cls in MESSAGE_TYPE_TO_PROTO.items()}
HOST_DEFAULT = "127.0.0.1"
DEFAULT_ESPHOME_VERSION = "2026.10.0"
PING_INTERVAL = 60.0  # firmware pings an idle client (keepalive), seconds
LOG_KEEP = 500


# --------------------------------------------------------------------------------------
# YAML loading (ESPHome tags accepted, values ignored / kept as plain strings)
# --------------------------------------------------------------------------------------


class Tagged(str):
    """Value of a `!tag value` scalar (e.g. !secret api_key)."""

    tag: str = ""


class _Loader(yaml.SafeLoader):
    pass


def _construct_tagged(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value = Tagged(loader.construct_scalar(node))
        value.tag = "!" + tag_suffix
        return value
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]


_Loader.add_multi_constructor("!", _construct_tagged)


def load_yaml(path: Path) -> Any:
    with path.open("r", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)  # noqa: S506 - SafeLoader subclass


def _substitute(value: Any, subs: dict[str, str]) -> Any:
    if isinstance(value, Tagged) or not subs:
        return value
    if isinstance(value, str):
        def repl(m: re.Match[str]) -> str:
            key = m.group(1) or m.group(2)
            return str(subs.get(key, m.group(0)))

        return re.sub(r"\$\{(\w+)\}|\$(\w+)", repl, value)
    if isinstance(value, list):
        return [_substitute(v, subs) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, subs) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------------------
# ESPHome naming / hashing
# --------------------------------------------------------------------------------------


def object_id_of(name: str) -> str:
    """ESPHome: str_sanitize(str_snake_case(name)); keeps [a-z0-9_-]."""
    out = []
    for c in name:
        if c == " ":
            c = "_"
        elif "A" <= c <= "Z":
            c = c.lower()
        if not ("a" <= c <= "z" or "0" <= c <= "9" or c in "_-"):
            c = "_"
        out.append(c)
    return "".join(out)


def fnv1_hash(s: str) -> int:
    """ESPHome's fnv1_hash (FNV-1, 32 bit) used for entity keys."""
    h = 2166136261
    for b in s.encode("utf-8"):
        h = (h * 16777619) & 0xFFFFFFFF
        h ^= b
    return h


def fake_mac(name: str) -> str:
    """Stable, locally administered MAC derived from the device name."""
    d = bytearray(hashlib.sha256(("hearth-emulator:" + name).encode()).digest()[:6])
    d[0] = (d[0] & 0xFC) | 0x02  # unicast, locally administered
    return ":".join(f"{b:02X}" for b in d)


def parse_time_period(value: Any) -> float | None:
    """ESPHome time period → seconds. Bare numbers are milliseconds."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) / 1000.0
    if isinstance(value, dict):
        total = 0.0
        for k, mult in (("days", 86400), ("hours", 3600), ("minutes", 60), ("seconds", 1),
                        ("milliseconds", 0.001)):
            if k in value:
                total += float(value[k]) * mult
        return total or None
    s = str(value).strip().lower()
    if s in ("never", "none"):
        return None
    m = re.fullmatch(r"([0-9]*\.?[0-9]+)\s*(us|ms|s|sec|min|h|d)?", s)
    if not m:
        return None
    num = float(m.group(1))
    unit = m.group(2) or "ms"
    return num * {"us": 1e-6, "ms": 1e-3, "s": 1, "sec": 1, "min": 60, "h": 3600, "d": 86400}[unit]


def pb_make(cls: type, **kwargs: Any) -> Any:
    """Build a protobuf message, silently dropping fields this aioesphomeapi lacks."""
    names = {f.name for f in cls.DESCRIPTOR.fields}
    msg = cls()
    for k, v in kwargs.items():
        if k not in names or v is None:
            continue
        fd = cls.DESCRIPTOR.fields_by_name[k]
        if fd.is_repeated if hasattr(fd, "is_repeated") else fd.label == fd.LABEL_REPEATED:
            getattr(msg, k).extend(v)
        elif fd.message_type is not None:
            getattr(msg, k).CopyFrom(v)
        else:
            setattr(msg, k, v)
    return msg


def enum_value(enum_name: str, value_name: str, default: int = 0) -> int:
    enum = getattr(pb, enum_name, None)
    if enum is None:
        return default
    try:
        return enum.Value(value_name)
    except ValueError:
        return default


# --------------------------------------------------------------------------------------
# Device model
# --------------------------------------------------------------------------------------

EFFECT_DEFAULT_NAMES = {
    "pulse": "Pulse", "strobe": "Strobe", "flicker": "Flicker", "random": "Random",
    "addressable_rainbow": "Rainbow", "addressable_color_wipe": "Color Wipe",
    "addressable_scan": "Scan", "addressable_twinkle": "Twinkle",
    "addressable_random_twinkle": "Random Twinkle", "addressable_fireworks": "Fireworks",
    "addressable_flicker": "Addressable Flicker", "automation": "Automation",
    "lambda": "Lambda", "addressable_lambda": "Addressable Lambda",
}

SENSOR_PLATFORM_DEFAULTS: dict[str, dict[str, Any]] = {
    "ble_rssi": {"unit": "dBm", "device_class": "signal_strength", "state_class": "measurement",
                 "accuracy": 0},
    "wifi_signal": {"unit": "dBm", "device_class": "signal_strength",
                    "state_class": "measurement", "accuracy": 0, "entity_category": "diagnostic",
                    "update_interval": 60.0},
    "uptime": {"unit": "s", "device_class": "duration", "state_class": "total_increasing",
               "accuracy": 0, "entity_category": "diagnostic", "update_interval": 60.0},
    "internal_temperature": {"unit": "°C", "device_class": "temperature",
                             "state_class": "measurement", "accuracy": 1,
                             "entity_category": "diagnostic", "update_interval": 60.0},
}


def light_color_modes(platform: str, conf: dict[str, Any]) -> list[str]:
    p = platform
    if p in ("binary",):
        return ["ON_OFF"]
    if p in ("monochromatic",):
        return ["BRIGHTNESS"]
    if p in ("rgb",):
        return ["RGB"]
    if p in ("rgbw",):
        return ["RGB_WHITE"]
    if p in ("rgbww",):
        return ["RGB_COLD_WARM_WHITE"]
    if p in ("rgbct",):
        return ["RGB_COLOR_TEMPERATURE"]
    if p in ("cwww",):
        return ["COLD_WARM_WHITE"]
    if p in ("color_temperature",):
        return ["COLOR_TEMPERATURE"]
    if p in ("neopixelbus", "fastled_clockless", "fastled_spi", "esp32_rmt_led_strip",
             "partition", "spi_led_strip"):
        variant = str(conf.get("type") or conf.get("rgb_order") or "").upper()
        if p == "neopixelbus" and "W" not in variant:
            v = str(conf.get("variant", "")).upper()
            if v in ("SK6812", "LC8812") or "W" in variant:
                return ["RGB_WHITE"]
        if "W" in variant or conf.get("is_rgbw"):
            return ["RGB_WHITE"]
        return ["RGB"]
    return ["BRIGHTNESS"]


def _mireds(value: Any) -> float | None:
    if value is None:
        return None
    s = str(value).strip().lower()
    m = re.fullmatch(r"([0-9]*\.?[0-9]+)\s*(k|mireds)?", s)
    if not m:
        return None
    num = float(m.group(1))
    return 1e6 / num if m.group(2) == "k" else num


@dataclass
class Entity:
    domain: str  # event | light | sensor | binary_sensor | switch | button | text_sensor
    name: str
    object_id: str
    key: int
    platform: str
    conf: dict[str, Any]
    icon: str = ""
    disabled_by_default: bool = False
    entity_category: str = ""
    device_class: str = ""
    # event
    event_types: list[str] = field(default_factory=list)
    # light
    color_modes: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    min_mireds: float = 0.0
    max_mireds: float = 0.0
    # sensor
    unit: str = ""
    accuracy: int = 0
    state_class: str = ""
    force_update: bool = False
    report_interval: float | None = None
    # ble_rssi: heard since the current BLE scan began (set by a reading; cleared at scan end)
    heard: bool = False
    # state (None = no state yet)
    state: Any = None

    def describe(self) -> dict[str, Any]:
        d: dict[str, Any] = {"key": self.key, "object_id": self.object_id, "name": self.name,
                             "domain": self.domain, "platform": self.platform}
        if self.device_class:
            d["device_class"] = self.device_class
        if self.entity_category:
            d["entity_category"] = self.entity_category
        if self.domain == "event":
            d["event_types"] = self.event_types
        if self.domain == "light":
            d["color_modes"] = self.color_modes
            d["effects"] = self.effects
        if self.domain == "sensor":
            d.update(unit=self.unit, accuracy_decimals=self.accuracy, state_class=self.state_class,
                     force_update=self.force_update, report_interval=self.report_interval,
                     state=self.state)
        if self.domain in ("binary_sensor", "switch", "text_sensor"):
            d["state"] = self.state
        return d


@dataclass
class LightState:
    state: bool = False
    brightness: float = 1.0
    color_mode: str = ""
    color_brightness: float = 1.0
    red: float = 1.0
    green: float = 1.0
    blue: float = 1.0
    white: float = 1.0
    color_temperature: float = 0.0
    cold_white: float = 1.0
    warm_white: float = 1.0
    effect: str = "None"

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _entity_base(domain: str, item: dict[str, Any], device: "DeviceSpec") -> Entity | None:
    if not isinstance(item, dict):
        return None
    if item.get("internal") is True:
        return None
    if "name" not in item:
        # ESPHome: an entity without a name (only an id) is internal.
        return None
    raw_name = item.get("name")
    name = "" if raw_name is None else str(raw_name)
    oid_source = name or device.friendly_name or device.name
    object_id = object_id_of(oid_source)
    platform = str(item.get("platform", domain))
    cat = str(item.get("entity_category", "") or "")
    return Entity(domain=domain, name=name, object_id=object_id, key=fnv1_hash(object_id),
                  platform=platform, conf=item, icon=str(item.get("icon", "") or ""),
                  disabled_by_default=bool(item.get("disabled_by_default", False)),
                  entity_category=cat, device_class=str(item.get("device_class", "") or ""))


@dataclass
class DeviceSpec:
    name: str
    friendly_name: str
    area: str
    platform: str  # esp32 | esp8266 | ...
    board: str
    source: str
    entities: list[Entity] = field(default_factory=list)
    ha_time: bool = False
    mac: str = ""
    # esp32_ble_tracker scan_parameters.duration (ESPHome's default 5 min): ble_rssi sensors
    # not heard during a scan read NaN when it ends.
    ble_scan_duration: float = 300.0

    @classmethod
    def from_yaml(cls, path: Path) -> "DeviceSpec":
        doc = load_yaml(path) or {}
        if not isinstance(doc, dict) or "esphome" not in doc:
            raise ValueError(f"{path}: no top-level 'esphome:' block")
        subs = doc.get("substitutions") or {}
        if isinstance(subs, dict):
            subs = {str(k): str(v) for k, v in subs.items()}
            doc = _substitute({k: v for k, v in doc.items() if k != "substitutions"}, subs)
        core = doc.get("esphome") or {}
        name = str(core.get("name") or path.stem)
        friendly = str(core.get("friendly_name") or "")
        area = core.get("area") or ""
        if isinstance(area, dict):
            area = area.get("name") or area.get("id") or ""
        platform, board = "", ""
        for plat in ("esp32", "esp8266", "rp2040", "bk72xx", "rtl87xx", "ln882x", "host",
                     "libretiny", "nrf52"):
            if plat in doc:
                platform = plat
                pconf = doc.get(plat) or {}
                board = str(pconf.get("board", "") or pconf.get("variant", "") or plat)
                break
        spec = cls(name=name, friendly_name=friendly, area=str(area), platform=platform,
                   board=board, source=str(path.resolve()))
        spec.mac = fake_mac(name)
        if core.get("name_add_mac_suffix"):
            spec.name = f"{name}-{spec.mac.replace(':', '')[-6:].lower()}"
        times = doc.get("time") or []
        if isinstance(times, dict):
            times = [times]
        spec.ha_time = any(isinstance(t, dict) and t.get("platform") == "homeassistant"
                           for t in times)
        tracker = doc.get("esp32_ble_tracker") or {}
        if isinstance(tracker, dict):
            scan = tracker.get("scan_parameters") or {}
            duration = parse_time_period(scan.get("duration")) if isinstance(scan, dict) else None
            if duration:
                spec.ble_scan_duration = duration
        spec._parse_entities(doc)
        return spec

    def _parse_entities(self, doc: dict[str, Any]) -> None:
        seen: set[tuple[str, str]] = set()
        # ESPHome's ComponentIterator order (what ListEntities sends)
        for domain in ("binary_sensor", "light", "sensor", "switch", "button", "text_sensor",
                       "event"):
            items = doc.get(domain) or []
            if isinstance(items, dict):
                items = [items]
            for item in items:
                ent = _entity_base(domain, item, self)
                if ent is None:
                    continue
                if (domain, ent.object_id) in seen:
                    LOG.warning("%s: duplicate %s object_id %s", self.name, domain, ent.object_id)
                seen.add((domain, ent.object_id))
                getattr(self, f"_init_{domain}", lambda e: None)(ent)
                self.entities.append(ent)

    # per-domain initialisation --------------------------------------------------------
    def _init_event(self, e: Entity) -> None:
        e.event_types = [str(t) for t in (e.conf.get("event_types") or [])]

    def _init_light(self, e: Entity) -> None:
        e.color_modes = light_color_modes(e.platform, e.conf)
        effects: list[str] = []
        for eff in e.conf.get("effects") or []:
            if isinstance(eff, dict) and len(eff) == 1:
                kind, econf = next(iter(eff.items()))
                ename = (econf or {}).get("name") if isinstance(econf, dict) else None
                effects.append(str(ename or EFFECT_DEFAULT_NAMES.get(kind, kind)))
            elif isinstance(eff, str):
                effects.append(EFFECT_DEFAULT_NAMES.get(eff, eff))
        # ESPHome sends "None" first whenever a light has effects.
        e.effects = ["None", *effects] if effects else []
        if any(m in ("COLOR_TEMPERATURE", "COLD_WARM_WHITE", "RGB_COLOR_TEMPERATURE",
                     "RGB_COLD_WARM_WHITE") for m in e.color_modes):
            e.min_mireds = _mireds(e.conf.get("cold_white_color_temperature")) or 153.0
            e.max_mireds = _mireds(e.conf.get("warm_white_color_temperature")) or 500.0
        st = LightState(color_mode=e.color_modes[0] if e.color_modes else "")
        # Fresh boot: ALWAYS_ON / RESTORE_DEFAULT_ON / RESTORE_AND_ON start on; else off.
        st.state = str(e.conf.get("restore_mode", "")).upper() in (
            "ALWAYS_ON", "RESTORE_DEFAULT_ON", "RESTORE_AND_ON")
        if e.min_mireds:
            st.color_temperature = e.min_mireds
        e.state = st

    def _init_sensor(self, e: Entity) -> None:
        defaults = SENSOR_PLATFORM_DEFAULTS.get(e.platform, {})
        c = e.conf
        e.unit = str(c.get("unit_of_measurement", defaults.get("unit", "")) or "")
        e.accuracy = int(c.get("accuracy_decimals", defaults.get("accuracy", 0)) or 0)
        e.device_class = str(c.get("device_class", defaults.get("device_class", "")) or "")
        e.state_class = str(c.get("state_class", defaults.get("state_class", "")) or "")
        if not e.entity_category:
            e.entity_category = str(defaults.get("entity_category", "") or "")
        e.force_update = bool(c.get("force_update", False))
        interval = parse_time_period(c.get("update_interval"))
        if interval is None:
            for flt in c.get("filters") or []:
                if isinstance(flt, dict):
                    for k in ("heartbeat", "throttle", "throttle_average", "timeout"):
                        if k in flt:
                            v = flt[k]
                            if k == "timeout" and isinstance(v, dict):
                                v = v.get("timeout")
                            interval = parse_time_period(v)
                            break
                if interval:
                    break
        if interval is None:
            interval = defaults.get("update_interval")
        # ble_rssi publishes per advertisement heard (through its filters), never on a timer of
        # its own: throttle_average outputs only when something arrived in its period. So no
        # repeat of the last value; see EmulatedDevice._ble_scan_loop for what silence sends.
        e.report_interval = None if e.platform == "ble_rssi" else interval
        if e.platform == "uptime":
            e.state = 0.0
        elif e.platform == "wifi_signal":
            e.state = -52.0
        elif e.platform == "internal_temperature":
            e.state = 41.5

    def _init_binary_sensor(self, e: Entity) -> None:
        e.state = False if e.platform != "status" else True

    def _init_switch(self, e: Entity) -> None:
        e.state = False

    def _init_text_sensor(self, e: Entity) -> None:
        e.state = None

    def find(self, ident: str, domain: str | None = None) -> Entity | None:
        for e in self.entities:
            if domain and e.domain != domain:
                continue
            if ident in (e.object_id, e.name) or str(e.key) == str(ident):
                return e
        lowered = ident.lower()
        for e in self.entities:
            if domain and e.domain != domain:
                continue
            if e.name.lower() == lowered or e.object_id == object_id_of(ident):
                return e
        return None


# --------------------------------------------------------------------------------------
# Native API connection
# --------------------------------------------------------------------------------------


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def encode_frame(msg: Any) -> bytes:
    body = msg.SerializeToString()
    return b"\x00" + _varint(len(body)) + _varint(PROTO_TO_TYPE[type(msg)]) + body


class APIConnection(asyncio.Protocol):
    def __init__(self, device: "EmulatedDevice") -> None:
        self.device = device
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.peer = "?"
        self.hello_done = False
        self.client_info = ""
        self.api_minor = 10
        self.subscribed_states = False
        self.log_level = 0
        self.closed = False
        self.last_rx = time.monotonic()
        self.ping_task: asyncio.Task[None] | None = None

    # asyncio.Protocol ---------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        self.device.connections.add(self)
        self.device.record_conn("connect", self)
        LOG.info("%s: connection from %s", self.device.name, self.peer)
        self.ping_task = asyncio.get_running_loop().create_task(self._ping_loop())

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.device.connections.discard(self)
        if self.ping_task:
            self.ping_task.cancel()
        self.device.record_conn("disconnect", self)
        LOG.info("%s: connection from %s closed (%s)", self.device.name, self.peer, exc or "eof")

    def data_received(self, data: bytes) -> None:
        if self.device.hung:
            return  # "hang" offline mode: swallow everything
        self.last_rx = time.monotonic()
        self.buf.extend(data)
        while self.buf:
            if self.buf[0] != 0x00:
                if self.buf[0] == 0x01:
                    LOG.info("%s: client tried Noise encryption; device is plaintext",
                             self.device.name)
                    # Plaintext firmware answers with a plaintext frame; the Noise client
                    # turns this into EncryptionPlaintextAPIError.
                    self._write(b"\x00\x00\x00")
                else:
                    LOG.warning("%s: bad indicator byte %r", self.device.name, self.buf[0])
                self.close()
                return
            pos = 1
            length, pos = self._read_varint(pos)
            if length is None:
                return
            mtype, pos = self._read_varint(pos)
            if mtype is None:
                return
            if len(self.buf) < pos + length:
                return
            body = bytes(self.buf[pos:pos + length])
            del self.buf[:pos + length]
            try:
                self.handle(mtype, body)
            except Exception:  # never crash on a message
                LOG.exception("%s: error handling message type %s", self.device.name, mtype)
            if self.closed:
                return

    def _read_varint(self, pos: int) -> tuple[int | None, int]:
        result = 0
        shift = 0
        while pos < len(self.buf):
            b = self.buf[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result, pos
            shift += 7
            if shift > 28:
                self.close()
                return None, pos
        return None, pos

    # sending ------------------------------------------------------------------------
    def _write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def send(self, *msgs: Any) -> None:
        if self.closed or self.device.hung:
            return
        self._write(b"".join(encode_frame(m) for m in msgs))

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def log(self, level: int, text: str) -> None:
        """Send a log line to a client that subscribed to logs at >= level."""
        if self.log_level >= level and hasattr(pb, "SubscribeLogsResponse"):
            self.send(pb_make(pb.SubscribeLogsResponse, level=level, message=text.encode()))

    async def _ping_loop(self) -> None:
        try:
            while not self.closed:
                await asyncio.sleep(PING_INTERVAL / 4)
                if self.hello_done and time.monotonic() - self.last_rx > PING_INTERVAL:
                    self.send(pb.PingRequest())
                    self.last_rx = time.monotonic()
        except asyncio.CancelledError:
            pass

    # dispatch -----------------------------------------------------------------------
    def handle(self, mtype: int, body: bytes) -> None:
        cls = MESSAGE_TYPE_TO_PROTO.get(mtype)
        if cls is None:
            LOG.info("%s: unknown message type %d (%d bytes) ignored", self.device.name, mtype,
                     len(body))
            return
        msg = cls()
        msg.ParseFromString(body)
        name = cls.__name__
        LOG.debug("%s <- %s %s", self.device.name, name, str(msg).replace("\n", " ")[:200])
        handler: Callable[[Any], None] | None = getattr(self, f"on_{name}", None)
        if handler is None:
            LOG.info("%s: %s not handled (ignored)", self.device.name, name)
            return
        if not self.hello_done and name not in ("HelloRequest", "DisconnectRequest",
                                                "PingRequest"):
            LOG.info("%s: %s before HelloRequest (accepted anyway)", self.device.name, name)
        handler(msg)

    # handlers -----------------------------------------------------------------------
    def on_HelloRequest(self, msg: Any) -> None:
        self.client_info = msg.client_info
        self.api_minor = msg.api_version_minor if msg.api_version_major == 1 else 10
        self.hello_done = True
        d = self.device
        d.record_conn("hello", self, client_info=msg.client_info,
                      api=f"{msg.api_version_major}.{msg.api_version_minor}")
        # The device answers with the API version the client speaks (the protobuf classes
        # are the client's own, so the message layout matches that version).
        self.send(pb_make(pb.HelloResponse, api_version_major=1,
                          api_version_minor=self.api_minor,
                          server_info=f"{d.spec.name} (esphome v{d.esphome_version})",
                          name=d.spec.name))

    def on_AuthenticationRequest(self, msg: Any) -> None:  # legacy "ConnectRequest"
        # No password configured: accept. Older clients wait for this response; newer
        # ones only act on invalid_password=True, so always answering is safe.
        self.send(pb_make(pb.AuthenticationResponse, invalid_password=False))

    def on_DisconnectRequest(self, msg: Any) -> None:
        self.send(pb.DisconnectResponse())
        self.close()

    def on_DisconnectResponse(self, msg: Any) -> None:
        self.close()

    def on_PingRequest(self, msg: Any) -> None:
        self.send(pb.PingResponse())

    def on_PingResponse(self, msg: Any) -> None:
        pass

    def on_GetTimeRequest(self, msg: Any) -> None:
        self.send(pb_make(pb.GetTimeResponse, epoch_seconds=int(time.time())))

    def on_GetTimeResponse(self, msg: Any) -> None:
        self.device.last_time_sync = {"epoch_seconds": msg.epoch_seconds,
                                      "timezone": getattr(msg, "timezone", "")}

    def on_DeviceInfoRequest(self, msg: Any) -> None:
        self.send(self.device.device_info())

    def on_DeviceCapabilitiesRequest(self, msg: Any) -> None:
        # Nothing special: no bluetooth proxy, voice assistant, Z-Wave, serial proxies.
        self.send(pb.DeviceCapabilitiesResponse())

    def on_ListEntitiesRequest(self, msg: Any) -> None:
        msgs = [self.device.list_entity(e) for e in self.device.spec.entities]
        self.send(*[m for m in msgs if m is not None], pb.ListEntitiesDoneResponse())

    def on_SubscribeStatesRequest(self, msg: Any) -> None:
        self.subscribed_states = True
        states = [self.device.state_msg(e) for e in self.device.spec.entities]
        states = [s for s in states if s is not None]
        if states:
            self.send(*states)
        d = self.device
        if d.spec.ha_time:
            self.send(pb.GetTimeRequest())

    def on_SubscribeLogsRequest(self, msg: Any) -> None:
        self.log_level = msg.level
        if getattr(msg, "dump_config", False):
            for line in self.device.config_dump():
                self.log(4, line)

    def on_SubscribeHomeassistantServicesRequest(self, msg: Any) -> None:
        pass

    def on_SubscribeHomeAssistantStatesRequest(self, msg: Any) -> None:
        pass

    def on_HomeAssistantStateResponse(self, msg: Any) -> None:
        pass

    def on_SubscribeBluetoothLEAdvertisementsRequest(self, msg: Any) -> None:
        pass

    def on_UnsubscribeBluetoothLEAdvertisementsRequest(self, msg: Any) -> None:
        pass

    def on_SubscribeBluetoothConnectionsFreeRequest(self, msg: Any) -> None:
        pass

    def on_SubscribeVoiceAssistantRequest(self, msg: Any) -> None:
        pass

    def on_LightCommandRequest(self, msg: Any) -> None:
        self.device.light_command(msg, self)

    def on_SwitchCommandRequest(self, msg: Any) -> None:
        self.device.switch_command(msg)

    def on_ButtonCommandRequest(self, msg: Any) -> None:
        self.device.button_command(msg)

    def on_NoiseEncryptionSetKeyRequest(self, msg: Any) -> None:
        # api_encryption_supported is false: refuse like a plaintext device would.
        if hasattr(pb, "NoiseEncryptionSetKeyResponse"):
            self.send(pb_make(pb.NoiseEncryptionSetKeyResponse, success=False))


# --------------------------------------------------------------------------------------
# Emulated device (one server per device)
# --------------------------------------------------------------------------------------


def _now_record() -> dict[str, Any]:
    return {"mono_ns": time.monotonic_ns(), "wall_ms": time.time() * 1000.0,
            "wall": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) +
            f".{int(time.time() * 1000) % 1000:03d}Z"}


class EmulatedDevice:
    def __init__(self, spec: DeviceSpec, host: str, esphome_version: str) -> None:
        self.spec = spec
        self.name = spec.name
        self.host = host
        self.esphome_version = esphome_version
        self.port = 0
        self.server: asyncio.base_events.Server | None = None
        self.connections: set[APIConnection] = set()
        self.online = False
        self.hung = False
        self.light_log: collections.deque[dict[str, Any]] = collections.deque(maxlen=LOG_KEEP)
        self.event_log: collections.deque[dict[str, Any]] = collections.deque(maxlen=LOG_KEEP)
        self.conn_log: collections.deque[dict[str, Any]] = collections.deque(maxlen=LOG_KEEP)
        self.last_time_sync: dict[str, Any] | None = None
        self.boot_mono = time.monotonic()
        self.tasks: list[asyncio.Task[None]] = []

    # lifecycle ------------------------------------------------------------------------
    async def start(self, port: int = 0) -> None:
        loop = asyncio.get_running_loop()
        try:
            self.server = await loop.create_server(lambda: APIConnection(self), self.host, port,
                                                   reuse_address=True)
        except OSError:
            if port == 0:
                raise
            LOG.warning("%s: port %d unavailable, picking a free one", self.name, port)
            self.server = await loop.create_server(lambda: APIConnection(self), self.host, 0,
                                                   reuse_address=True)
        self.port = self.server.sockets[0].getsockname()[1]
        self.online = True
        self.hung = False
        if not self.tasks:
            for e in self.spec.entities:
                if e.domain == "sensor" and e.report_interval:
                    self.tasks.append(loop.create_task(self._report_loop(e)))
            if any(e.domain == "sensor" and e.platform == "ble_rssi" for e in self.spec.entities):
                self.tasks.append(loop.create_task(self._ble_scan_loop()))

    async def go_offline(self, mode: str = "close") -> None:
        """close: drop connections (FIN) and refuse new ones.
        hang: stop answering on open connections (half-open, like a powered-off device
        whose TCP peer never learns) and refuse new connections."""
        if self.server is not None:
            self.server.close()
            self.server = None
        self.online = False
        if mode == "hang":
            self.hung = True
        else:
            for c in list(self.connections):
                c.close()
        self.record_conn("offline", None, mode=mode)

    async def go_online(self) -> None:
        if self.hung:
            for c in list(self.connections):
                if c.transport is not None:
                    c.transport.abort()
        self.hung = False
        if self.server is None:
            await self.start(self.port)
        self.boot_mono = time.monotonic()
        self.record_conn("online", None)

    async def stop(self) -> None:
        for t in self.tasks:
            t.cancel()
        await self.go_offline()

    # bookkeeping ----------------------------------------------------------------------
    def record_conn(self, what: str, conn: APIConnection | None, **extra: Any) -> None:
        rec = {"what": what, **_now_record(), **extra}
        if conn is not None:
            rec["peer"] = conn.peer
        self.conn_log.append(rec)

    def subscribers(self) -> list[APIConnection]:
        return [c for c in self.connections if c.subscribed_states and not c.closed]

    def broadcast_state(self, e: Entity) -> int:
        msg = self.state_msg(e)
        subs = self.subscribers()
        if msg is not None:
            for c in subs:
                c.send(msg)
        return len(subs)

    def broadcast_log(self, level: int, text: str) -> None:
        for c in list(self.connections):
            c.log(level, text)

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "friendly_name": self.spec.friendly_name,
                "area": self.spec.area, "host": self.host, "port": self.port,
                "mac": self.spec.mac, "platform": self.spec.platform, "board": self.spec.board,
                "source": self.spec.source, "online": self.online and not self.hung,
                "connections": len(self.connections),
                "subscribed_connections": len(self.subscribers()),
                "last_time_sync": self.last_time_sync,
                "entities": [e.describe() for e in self.spec.entities]}

    # protobuf builders ----------------------------------------------------------------
    def device_info(self) -> Any:
        s = self.spec
        kw: dict[str, Any] = dict(
            uses_password=False, name=s.name, mac_address=s.mac,
            esphome_version=self.esphome_version,
            compilation_time=time.strftime("%b %d %Y, %H:%M:%S", time.gmtime(START_WALL)),
            model=s.board or s.platform, has_deep_sleep=False,
            manufacturer="Espressif" if s.platform in ("esp32", "esp8266", "") else s.platform,
            friendly_name=s.friendly_name, api_encryption_supported=False,
            webserver_port=0)
        if s.area:
            kw["suggested_area"] = s.area
            if hasattr(pb, "AreaInfo"):
                kw["area"] = pb_make(pb.AreaInfo, area_id=0, name=s.area)
        return pb_make(pb.DeviceInfoResponse, **kw)

    def _common(self, e: Entity) -> dict[str, Any]:
        return dict(object_id=e.object_id, key=e.key, name=e.name, icon=e.icon,
                    disabled_by_default=e.disabled_by_default,
                    entity_category=enum_value("EntityCategory",
                                               f"ENTITY_CATEGORY_{e.entity_category.upper()}")
                    if e.entity_category else 0)

    def list_entity(self, e: Entity) -> Any:
        c = self._common(e)
        if e.domain == "event":
            return pb_make(pb.ListEntitiesEventResponse, **c, device_class=e.device_class,
                           event_types=e.event_types)
        if e.domain == "light":
            modes = [enum_value("ColorMode", f"COLOR_MODE_{m}") for m in e.color_modes]
            legacy_brightness = any(m != "ON_OFF" for m in e.color_modes)
            legacy_rgb = any(m.startswith("RGB") for m in e.color_modes)
            return pb_make(pb.ListEntitiesLightResponse, **c, supported_color_modes=modes,
                           legacy_supports_brightness=legacy_brightness,
                           legacy_supports_rgb=legacy_rgb,
                           legacy_supports_white_value=any(m in ("RGB_WHITE",)
                                                           for m in e.color_modes),
                           legacy_supports_color_temperature=bool(e.min_mireds),
                           min_mireds=e.min_mireds, max_mireds=e.max_mireds,
                           effects=e.effects)
        if e.domain == "sensor":
            return pb_make(pb.ListEntitiesSensorResponse, **c,
                           unit_of_measurement=e.unit, accuracy_decimals=e.accuracy,
                           force_update=e.force_update, device_class=e.device_class,
                           state_class=enum_value("SensorStateClass",
                                                  f"STATE_CLASS_{e.state_class.upper()}")
                           if e.state_class else 0)
        if e.domain == "binary_sensor":
            return pb_make(pb.ListEntitiesBinarySensorResponse, **c, device_class=e.device_class,
                           is_status_binary_sensor=e.platform == "status")
        if e.domain == "switch":
            return pb_make(pb.ListEntitiesSwitchResponse, **c, device_class=e.device_class,
                           assumed_state=bool(e.conf.get("assumed_state", False)))
        if e.domain == "button":
            return pb_make(pb.ListEntitiesButtonResponse, **c, device_class=e.device_class)
        if e.domain == "text_sensor":
            return pb_make(pb.ListEntitiesTextSensorResponse, **c, device_class=e.device_class)
        return None

    def state_msg(self, e: Entity) -> Any:
        if e.domain == "light":
            st: LightState = e.state
            return pb_make(pb.LightStateResponse, key=e.key, state=st.state,
                           brightness=st.brightness,
                           color_mode=enum_value("ColorMode", f"COLOR_MODE_{st.color_mode}"),
                           color_brightness=st.color_brightness, red=st.red, green=st.green,
                           blue=st.blue, white=st.white, color_temperature=st.color_temperature,
                           cold_white=st.cold_white, warm_white=st.warm_white, effect=st.effect)
        # Like the firmware's InitialStateIterator: every sensor-like entity gets a state
        # message, with missing_state=true while it has no value (HA shows "unknown"; without
        # it HA would keep a restored "unavailable" after its restart).
        if e.domain == "sensor":
            missing = e.state is None or (isinstance(e.state, float) and math.isnan(e.state))
            return pb_make(pb.SensorStateResponse, key=e.key,
                           state=float("nan") if missing else float(e.state),
                           missing_state=missing)
        if e.domain == "binary_sensor":
            return pb_make(pb.BinarySensorStateResponse, key=e.key, state=bool(e.state),
                           missing_state=e.state is None)
        if e.domain == "switch":
            return pb_make(pb.SwitchStateResponse, key=e.key, state=bool(e.state))
        if e.domain == "text_sensor":
            return pb_make(pb.TextSensorStateResponse, key=e.key,
                           state="" if e.state is None else str(e.state),
                           missing_state=e.state is None)
        return None

    def config_dump(self) -> list[str]:
        lines = [f"[C][app:100]: ESPHome version {self.esphome_version} (emulated)",
                 f"[C][api:100]: API Server: Address: {self.host}:{self.port}"]
        for e in self.spec.entities:
            lines.append(f"[C][{e.domain}]: '{e.name}' (object_id {e.object_id})")
        return lines

    # behaviour ------------------------------------------------------------------------
    def _entity_by_key(self, key: int, domain: str) -> Entity | None:
        for e in self.spec.entities:
            if e.key == key and e.domain == domain:
                return e
        return None

    def press(self, event_type: str, ident: str | None = None) -> dict[str, Any]:
        events = [e for e in self.spec.entities if e.domain == "event"]
        if ident:
            ent = self.spec.find(ident, "event")
            if ent is None:
                raise KeyError(f"no event entity {ident!r}")
        elif events:
            ent = events[0]
        else:
            raise KeyError("device has no event entity")
        if ent.event_types and event_type not in ent.event_types:
            raise ValueError(f"event type {event_type!r} not in {ent.event_types}")
        subs = self.subscribers() if not self.hung else []
        msg = pb_make(pb.EventResponse, key=ent.key, event_type=event_type)
        # The press's time is taken before it is sent: taken after, a preempted emulator
        # stamped presses whose reaction had already come back (a latency too short).
        now = _now_record()
        for c in subs:
            c.send(msg)
        rec = {"object_id": ent.object_id, "key": ent.key, "event_type": event_type,
               "delivered": len(subs), **now}
        self.event_log.append(rec)
        self.broadcast_log(5, f"[D][event:000]: '{ent.name}' Triggered event '{event_type}'")
        return rec

    def lights(self) -> list[dict[str, Any]]:
        """The device's lights as the control API shows them (GET /devices/<name>/lights)."""
        return [{"key": e.key, "object_id": e.object_id, "name": e.name, **e.state.to_json()}
                for e in self.spec.entities if e.domain == "light"]

    def set_sensor(self, ident: str, value: Any) -> dict[str, Any]:
        ent = self.spec.find(str(ident), "sensor")
        if ent is None:
            raise KeyError(f"no sensor {ident!r}")
        ent.state = float("nan") if value is None else float(value)
        if value is not None:
            ent.heard = True
        delivered = self.broadcast_state(ent)
        return {"object_id": ent.object_id, "key": ent.key, "value": value,
                "delivered": delivered}

    async def _ble_scan_loop(self) -> None:
        """ESPHome's ble_rssi at the end of each BLE scan (`on_scan_end`): a tracker not heard
        during the scan reads NaN, which `throttle_average` passes on once (HA: unknown). A
        tracker heard (a reading posted to the control API) publishes nothing here: its
        readings were published as they came. So silence costs one NaN per scan, never a
        repeat of the last value."""
        rssi = [e for e in self.spec.entities if e.domain == "sensor" and e.platform == "ble_rssi"]
        try:
            while True:
                await asyncio.sleep(self.spec.ble_scan_duration)
                for e in rssi:
                    if not e.heard and not self.hung:
                        e.state = float("nan")
                        self.broadcast_state(e)
                    e.heard = False
        except asyncio.CancelledError:
            pass

    async def _report_loop(self, e: Entity) -> None:
        assert e.report_interval
        try:
            while True:
                await asyncio.sleep(e.report_interval)
                if e.platform == "uptime":
                    e.state = float(int(time.monotonic() - self.boot_mono))
                if e.state is not None and not self.hung:
                    self.broadcast_state(e)
        except asyncio.CancelledError:
            pass

    def light_command(self, msg: Any, conn: APIConnection) -> None:
        rec = _now_record()
        e = self._entity_by_key(msg.key, "light")
        cmd: dict[str, Any] = {}
        for f in msg.DESCRIPTOR.fields:
            if f.name.startswith("has_") or f.name in ("key", "device_id"):
                continue
            flag = "has_rgb" if f.name in ("red", "green", "blue") else f"has_{f.name}"
            if getattr(msg, flag, False):
                val = getattr(msg, f.name)
                if f.name == "color_mode":
                    val = pb.ColorMode.Name(val).replace("COLOR_MODE_", "")
                cmd[f.name] = val
        rec.update(key=msg.key, command=cmd, peer=conn.peer)
        if e is None:
            LOG.warning("%s: LightCommandRequest for unknown key %s", self.name, msg.key)
            rec["error"] = "unknown key"
            self.light_log.append(rec)
            return
        st: LightState = e.state
        rec["object_id"] = e.object_id
        if msg.has_state:
            st.state = msg.state
        if msg.has_brightness:
            st.brightness = max(0.0, min(1.0, msg.brightness))
            if not msg.has_state:
                st.state = st.brightness > 0
        if getattr(msg, "has_color_mode", False):
            cm = pb.ColorMode.Name(msg.color_mode).replace("COLOR_MODE_", "")
            if cm in e.color_modes:
                st.color_mode = cm
        if getattr(msg, "has_color_brightness", False):
            st.color_brightness = msg.color_brightness
        if msg.has_rgb:
            st.red, st.green, st.blue = msg.red, msg.green, msg.blue
        if msg.has_white:
            st.white = msg.white
        if msg.has_color_temperature:
            st.color_temperature = msg.color_temperature
        if getattr(msg, "has_cold_white", False):
            st.cold_white = msg.cold_white
        if getattr(msg, "has_warm_white", False):
            st.warm_white = msg.warm_white
        if msg.has_effect:
            name = msg.effect
            match = next((x for x in e.effects if x.lower() == name.lower()), None)
            if match is None:
                LOG.warning("%s: '%s' no such effect %r", self.name, e.name, name)
                rec["error"] = f"unknown effect {name!r}"
            else:
                st.effect = match
                if match != "None" and not msg.has_state:
                    st.state = True
        if not st.state:
            st.effect = "None"  # turning a light off stops its effect
        rec["state_after"] = st.to_json()
        self.light_log.append(rec)
        self.broadcast_log(5, f"[D][light:036]: '{e.name}' Setting: {json.dumps(cmd)}")
        delivered = self.broadcast_state(e)
        if delivered == 0:
            conn.send(self.state_msg(e))

    def switch_command(self, msg: Any) -> None:
        e = self._entity_by_key(msg.key, "switch")
        if e is not None:
            e.state = bool(msg.state)
            self.broadcast_state(e)

    def button_command(self, msg: Any) -> None:
        e = self._entity_by_key(msg.key, "button")
        self.event_log.append({"button": e.object_id if e else msg.key, **_now_record()})


START_WALL = time.time()


# --------------------------------------------------------------------------------------
# Control HTTP server (stdlib only)
# --------------------------------------------------------------------------------------


class HTTPError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Emulator:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.devices: dict[str, EmulatedDevice] = {}
        self.control: asyncio.base_events.Server | None = None

    async def start(self) -> None:
        cfg_dir = Path(self.args.config_dir)
        ports: dict[str, int] = {}
        if self.args.state_file and Path(self.args.state_file).exists():
            try:
                data = json.loads(Path(self.args.state_file).read_text())
                ports = {str(k): int(v) for k, v in (data.get("ports", data)).items()
                         if str(v).isdigit() or isinstance(v, int)}
            except (ValueError, OSError, AttributeError) as err:
                LOG.warning("state file %s unreadable: %s", self.args.state_file, err)
        files = sorted(p for p in cfg_dir.glob("*.yaml") if p.name not in ("secrets.yaml",))
        files += sorted(p for p in cfg_dir.glob("*.yml") if p.name not in ("secrets.yml",))
        for path in files:
            try:
                spec = DeviceSpec.from_yaml(path)
            except Exception as err:  # a broken file must not stop the others
                LOG.error("skipping %s: %s", path, err)
                continue
            if spec.name in self.devices:
                LOG.error("skipping %s: duplicate device name %s", path, spec.name)
                continue
            dev = EmulatedDevice(spec, self.args.host, self.args.esphome_version)
            await dev.start(ports.get(spec.name, 0))
            self.devices[spec.name] = dev
        cport_wanted = self.args.control_port or ports.get("control", 0)
        try:
            self.control = await asyncio.start_server(self._http_client, self.args.host,
                                                      cport_wanted, reuse_address=True)
        except OSError:
            if self.args.control_port:
                raise
            self.control = await asyncio.start_server(self._http_client, self.args.host, 0)
        cport = self.control.sockets[0].getsockname()[1]
        if self.args.state_file:
            ports.update({n: d.port for n, d in self.devices.items()})
            ports["control"] = cport
            tmp = Path(str(self.args.state_file) + ".tmp")
            tmp.write_text(json.dumps(ports, indent=2, sort_keys=True) + "\n")
            os.replace(tmp, self.args.state_file)
        for name, dev in self.devices.items():
            print(f"READY {name} {dev.port}", flush=True)
        print(f"READY control {cport}", flush=True)

    async def stop(self) -> None:
        if self.control is not None:
            self.control.close()
        for dev in self.devices.values():
            await dev.stop()

    # HTTP -------------------------------------------------------------------------------
    async def _http_client(self, reader: asyncio.StreamReader,
                           writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    line = await reader.readline()
                except (ConnectionError, asyncio.LimitOverrunError):
                    return
                if not line:
                    return
                parts = line.decode("latin-1").strip().split()
                if len(parts) < 2:
                    return
                method, target = parts[0].upper(), parts[1]
                version = parts[2] if len(parts) > 2 else "HTTP/1.0"
                headers: dict[str, str] = {}
                while True:
                    h = await reader.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                body = b""
                n = int(headers.get("content-length", "0") or 0)
                if n:
                    body = await reader.readexactly(n)
                try:
                    status, payload = await self._route(method, target, body)
                except HTTPError as err:
                    status, payload = err.status, {"error": str(err)}
                except Exception as err:  # noqa: BLE001
                    LOG.exception("control request failed")
                    status, payload = 500, {"error": repr(err)}
                data = json.dumps(payload).encode()
                keep = (version == "HTTP/1.1" and headers.get("connection", "").lower() != "close")
                reason = {200: "OK", 400: "Bad Request", 404: "Not Found",
                          409: "Conflict", 500: "Internal Server Error"}.get(status, "OK")
                writer.write(
                    f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\n"
                    f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n".encode() + data)
                await writer.drain()
                if not keep:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    def _device(self, name: str) -> EmulatedDevice:
        dev = self.devices.get(name)
        if dev is None:
            raise HTTPError(404, f"no device {name!r}; have {sorted(self.devices)}")
        return dev

    async def _route(self, method: str, target: str, body: bytes) -> tuple[int, Any]:
        path = urlsplit(target).path.rstrip("/") or "/"
        segs = [unquote(s) for s in path.split("/") if s]
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError as err:
            raise HTTPError(400, f"invalid JSON: {err}") from err
        if method == "GET" and segs in (["healthz"], []):
            return 200, {"ok": True, "devices": len(self.devices)}
        if segs == ["devices"] and method == "GET":
            return 200, [d.describe() for d in self.devices.values()]
        # Many devices in one request (a burst of presses on many buttons, bench/hub-burst.ts).
        if segs == ["press"] and method == "POST":
            names = data.get("devices")
            if not isinstance(names, list) or not names:
                raise HTTPError(400, "need devices: [name, ...]")
            devs = [self._device(str(n)) for n in names]  # all known before any press
            etype = str(data.get("type") or "single")
            try:
                # No await in between: every press is sent in this one turn of the loop.
                return 200, [{"device": d.name, **d.press(etype)} for d in devs]
            except KeyError as err:
                raise HTTPError(404, str(err.args[0])) from err
            except ValueError as err:
                raise HTTPError(400, str(err)) from err
        if segs == ["lights"] and method == "GET":
            return 200, {d.name: d.lights() for d in self.devices.values()}
        if segs == ["log"] and method == "GET":
            return 200, {d.name: {"light_commands": list(d.light_log), "events": list(d.event_log)}
                         for d in self.devices.values()}
        if segs == ["log", "clear"] and method == "POST":
            for d in self.devices.values():
                d.light_log.clear()
                d.event_log.clear()
                d.conn_log.clear()
            return 200, {"ok": True}
        if len(segs) < 2 or segs[0] != "devices":
            raise HTTPError(404, f"no route {method} {path}")
        dev = self._device(segs[1])
        rest = segs[2:]
        if method == "GET" and rest == []:
            return 200, dev.describe()
        if method == "POST" and rest == ["press"]:
            etype = str(data.get("type") or data.get("event_type") or "single")
            try:
                return 200, dev.press(etype, data.get("object_id") or data.get("name"))
            except KeyError as err:
                raise HTTPError(404, str(err.args[0])) from err
            except ValueError as err:
                raise HTTPError(400, str(err)) from err
        if method == "POST" and rest in (["rssi"], ["sensor"]):
            values = data.get("values")
            if values is None:
                ident = data.get("object_id") or data.get("name") or data.get("key")
                if ident is None:
                    raise HTTPError(400, "need object_id|name|key and value, or values{}")
                if "value" not in data:
                    raise HTTPError(400, "need value")
                values = {str(ident): data.get("value")}
            out = []
            try:
                for ident, val in values.items():
                    out.append(dev.set_sensor(ident, val))
            except KeyError as err:
                raise HTTPError(404, str(err.args[0])) from err
            except (TypeError, ValueError) as err:
                raise HTTPError(400, f"bad value: {err}") from err
            return 200, out
        if method == "GET" and rest == ["lights"]:
            return 200, dev.lights()
        if method == "GET" and rest == ["log"]:
            return 200, {"light_commands": list(dev.light_log), "events": list(dev.event_log),
                         "connections": list(dev.conn_log), "now": _now_record()}
        if method == "POST" and rest == ["log", "clear"]:
            dev.light_log.clear()
            dev.event_log.clear()
            dev.conn_log.clear()
            return 200, {"ok": True}
        if method == "POST" and rest == ["offline"]:
            mode = str(data.get("mode", "close"))
            if mode not in ("close", "hang"):
                raise HTTPError(400, "mode must be close|hang")
            await dev.go_offline(mode)
            return 200, {"name": dev.name, "online": False, "mode": mode}
        if method == "POST" and rest == ["online"]:
            await dev.go_online()
            return 200, {"name": dev.name, "online": True, "port": dev.port}
        raise HTTPError(404, f"no route {method} {path}")


def _read_pinned_esphome_version() -> str:
    here = Path(__file__).resolve()
    for parent in here.parents:
        pins = parent / "toolchain" / "pins.env"
        if pins.exists():
            for line in pins.read_text().splitlines():
                if line.startswith("ESPHOME_VERSION="):
                    return line.split("=", 1)[1].strip()
            break
    return DEFAULT_ESPHOME_VERSION


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config-dir", required=True, help="directory of generated ESPHome YAML")
    ap.add_argument("--host", default=HOST_DEFAULT, help="listen address (default 127.0.0.1)")
    ap.add_argument("--control-port", type=int, default=0, help="control HTTP port (0 = free)")
    ap.add_argument("--state-file", help="JSON name→port map; reused across restarts")
    ap.add_argument("--esphome-version", default=_read_pinned_esphome_version())
    ap.add_argument("--log-level", default=os.environ.get("EMULATOR_LOG_LEVEL", "INFO"))
    args = ap.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        LOG.warning("listening on %s (tests should use 127.0.0.1)", args.host)

    async def run() -> None:
        emu = Emulator(args)
        await emu.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        import signal

        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except NotImplementedError:
                pass
        await stop.wait()
        await emu.stop()

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
