"""hearth_rssi: RSSI readings made inside Home Assistant, for hearth's benchmarks.

Not a real integration: a bigger household's presence nodes, as HA sees them. Each sensor is
set once a second on HA's own event loop (``hass.states.async_set``, ``force_update`` so that
an unchanged value is still a state change, as every report of a node is), spread over the
second in 20 batches as nodes' reports are. Value: each tracker is near one node (-60 dBm with
8 dB of noise), which changes every 30 s; every other node hears it weaker (-80 .. -103 dBm).

configuration.yaml::

    hearth_rssi:

Services (all answer with the run's figures):

``hearth_rssi.start`` ``{sensors: [[entity_id, node, tracker], ...], duration: 60, wait: false}``
    Stops a running load, then sets every sensor once a second for ``duration`` seconds.
``hearth_rssi.stop``    Stops a running load.
``hearth_rssi.status``  The current or last run's figures.

Figures: ``sensors``, ``changes``, ``seconds``, ``achieved_rate`` (changes/s), ``max_lag_ms``
(how late a batch ran behind its schedule), ``running``.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import voluptuous as vol

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

# The run and its services are hearth_load's (a dependency in manifest.json).
from ..hearth_load.runs import register_run_services

DOMAIN = "hearth_rssi"
CONFIG_SCHEMA = cv.empty_config_schema(DOMAIN)
BATCHES = 20
ATTRS = {"unit_of_measurement": "dBm", "device_class": "signal_strength", "state_class": "measurement"}

START_SCHEMA = vol.Schema(
    {
        vol.Required("sensors"): [vol.ExactSequence([cv.entity_id, vol.Coerce(int), vol.Coerce(int)])],
        vol.Required("duration"): vol.All(vol.Coerce(float), vol.Range(min=0.1, max=86_400)),
        vol.Optional("wait", default=False): cv.boolean,
    }
)


class RssiRun:
    """One run; figures readable while it runs."""

    def __init__(self, hass: HomeAssistant, sensors: list[list[Any]], duration: float) -> None:
        self.hass = hass
        self.sensors = sensors
        self.duration = duration
        self.nodes = max(s[1] for s in sensors) + 1
        self.changes = 0
        self.max_lag = 0.0
        self.started = time.monotonic()
        self.last = self.started
        self.running = True
        self.done = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def figures(self) -> dict[str, Any]:
        seconds = self.last - self.started
        return {
            "sensors": len(self.sensors),
            "changes": self.changes,
            "seconds": round(seconds, 3),
            "achieved_rate": round(self.changes / seconds, 1) if seconds > 0 else 0.0,
            "max_lag_ms": round(self.max_lag * 1000, 1),
            "running": self.running,
        }

    def rssi(self, node: int, tracker: int, second: int) -> int:
        near = (tracker + second // 30) % self.nodes
        if node == near:
            return round(-60 - random.random() * 8)
        return round(-80 - ((node * 7 + second) % 15) - random.random() * 8)

    async def run(self) -> None:
        hass = self.hass
        k = 0
        try:
            while True:
                due = self.started + k / BATCHES
                now = time.monotonic()
                if due - self.started >= self.duration:
                    break
                if due > now:
                    await asyncio.sleep(due - now)
                    continue
                self.max_lag = max(self.max_lag, now - due)
                second, batch = divmod(k, BATCHES)
                for entity_id, node, tracker in self.sensors[batch::BATCHES]:
                    hass.states.async_set(entity_id, str(self.rssi(node, tracker, second)), ATTRS, force_update=True)
                    self.changes += 1
                self.last = time.monotonic()
                k += 1
        finally:
            self.running = False
            self.done.set()


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Registers the services (YAML-only integration)."""
    register_run_services(hass, DOMAIN, START_SCHEMA, lambda data: RssiRun(hass, data["sensors"], data["duration"]))
    return True
