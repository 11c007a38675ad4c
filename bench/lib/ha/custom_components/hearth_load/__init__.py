"""hearth_load: a load generator inside Home Assistant, for hearth's benchmarks.

Not a real integration: it exists so that a benchmark can make HA change many entity states
per second on HA's own event loop (``hass.states.async_set``), the way busy integrations do,
without the REST/websocket overhead of driving it from outside.

configuration.yaml::

    hearth_load:

Services (all return a response with the run's figures):

``hearth_load.start`` ``{entities: 2000, rate: 2000, duration: 30, changes: N, wait: false}``
    Creates ``sensor.load_<n>`` (n = 0 .. entities-1, state ``0``) if missing, then updates
    them round-robin (state = a counter) at ``rate`` changes per second until ``duration``
    seconds have passed or ``changes`` changes were made, whichever comes first (either may
    be omitted, not both). ``wait: true`` answers only when the run ends. A running load is
    stopped first. Fires ``hearth_load_finished`` with the figures at the end.
``hearth_load.stop``    Stops a running load.
``hearth_load.status``  The current or last run's figures.
``hearth_load.clear``   Stops and removes every ``sensor.load_<n>``.

Figures: ``changes``, ``seconds`` (first change to last), ``achieved_rate``, ``target_rate``,
``max_lag_changes`` (how far the loop fell behind the schedule), ``create_seconds``,
``entities``, ``running``, ``stopped_early``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import voluptuous as vol

from homeassistant.exceptions import ServiceValidationError
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .runs import register_run_services

_LOGGER = logging.getLogger(__name__)

DOMAIN = "hearth_load"
EVENT_FINISHED = f"{DOMAIN}_finished"
CONFIG_SCHEMA = cv.empty_config_schema(DOMAIN)

# One pass of the loop makes at most this fraction of a second's worth of changes, so that a
# loop that fell behind catches up gradually instead of blocking HA's event loop.
MAX_BATCH_SECONDS = 0.05
TICK_SECONDS = 0.005

START_SCHEMA = vol.Schema(
    {
        vol.Optional("entities", default=2000): vol.All(vol.Coerce(int), vol.Range(min=1, max=100_000)),
        vol.Optional("rate", default=2000): vol.All(vol.Coerce(float), vol.Range(min=0.1, max=1_000_000)),
        vol.Optional("duration"): vol.All(vol.Coerce(float), vol.Range(min=0.01, max=86_400)),
        vol.Optional("changes"): vol.All(vol.Coerce(int), vol.Range(min=1)),
        vol.Optional("wait", default=False): cv.boolean,
    }
)


def _entity_id(n: int) -> str:
    return f"sensor.load_{n}"


class LoadRun:
    """One run of the generator; figures readable while it runs."""

    def __init__(self, hass: HomeAssistant, entities: int, rate: float, duration: float | None, changes: int | None) -> None:
        self.hass = hass
        self.entities = entities
        self.rate = rate
        self.duration = duration
        self.max_changes = changes
        self.changes = 0
        self.max_lag = 0
        self.create_seconds = 0.0
        self.started: float | None = None
        self.last_change: float | None = None
        self.running = True
        self.stopped_early = False
        self.done = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def figures(self) -> dict[str, Any]:
        seconds = (self.last_change - self.started) if self.started is not None and self.last_change is not None else 0.0
        return {
            "entities": self.entities,
            "target_rate": self.rate,
            "duration": self.duration,
            "max_changes": self.max_changes,
            "changes": self.changes,
            "seconds": round(seconds, 4),
            "achieved_rate": round(self.changes / seconds, 1) if seconds > 0 else 0.0,
            "max_lag_changes": self.max_lag,
            "create_seconds": round(self.create_seconds, 4),
            "running": self.running,
            "stopped_early": self.stopped_early,
        }

    async def run(self) -> None:
        hass = self.hass
        attrs = {"unit_of_measurement": "u", "state_class": "measurement"}
        ids = [_entity_id(n) for n in range(self.entities)]
        t = time.monotonic()
        for n, entity_id in enumerate(ids):
            if hass.states.get(entity_id) is None:
                hass.states.async_set(entity_id, "0", attrs)
            if n % 500 == 499:
                await asyncio.sleep(0)  # let HA breathe while creating many
        self.create_seconds = time.monotonic() - t

        values = [0] * self.entities
        start = time.monotonic()
        self.started = start
        batch_cap = max(1, int(self.rate * MAX_BATCH_SECONDS))
        try:
            while True:
                now = time.monotonic()
                elapsed = now - start
                if self.duration is not None and elapsed >= self.duration:
                    break
                target = int(elapsed * self.rate) + 1
                if self.max_changes is not None:
                    target = min(target, self.max_changes)
                lag = target - self.changes
                if lag > self.max_lag:
                    self.max_lag = lag
                todo = min(lag, batch_cap)
                for _ in range(todo):
                    i = self.changes % self.entities
                    values[i] += 1
                    hass.states.async_set(ids[i], str(values[i]), attrs)
                    self.changes += 1
                if todo > 0:
                    self.last_change = time.monotonic()
                if self.max_changes is not None and self.changes >= self.max_changes:
                    break
                await asyncio.sleep(TICK_SECONDS)
        except asyncio.CancelledError:
            self.stopped_early = True
        finally:
            self.running = False
            self.done.set()
            figures = self.figures()
            _LOGGER.info("hearth_load finished: %s", figures)
            hass.bus.async_fire(EVENT_FINISHED, figures)


def _check(data: dict[str, Any]) -> None:
    if "duration" not in data and "changes" not in data:
        raise ServiceValidationError("hearth_load.start needs duration or changes (or both)")


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Registers the services (YAML-only integration)."""
    stop_current = register_run_services(
        hass,
        DOMAIN,
        START_SCHEMA,
        lambda data: LoadRun(hass, data["entities"], data["rate"], data.get("duration"), data.get("changes")),
        _check,
    )

    async def clear(call: ServiceCall) -> ServiceResponse:
        await stop_current()
        removed = 0
        for state in hass.states.async_all("sensor"):
            if state.entity_id.startswith("sensor.load_"):
                hass.states.async_remove(state.entity_id)
                removed += 1
        return {"removed": removed}

    hass.services.async_register(DOMAIN, "clear", clear, supports_response=SupportsResponse.OPTIONAL)
    return True
