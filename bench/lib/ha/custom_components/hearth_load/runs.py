"""What hearth's two load integrations share: one run at a time, driven by services.

``hearth_load`` (entity state changes at a rate) and ``hearth_rssi`` (presence nodes' RSSI
sensors once a second) each make their changes in a run object: an ``asyncio`` task with
``running``, ``done``, ``task`` and ``figures()``. ``register_run_services`` gives a domain the
services ``start`` (stops the current run, starts a new one; ``wait: true`` answers when it
ends), ``stop`` and ``status``, each answering with the run's figures.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

import voluptuous as vol

from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse


class Run(Protocol):
    """One run of a load; figures readable while it runs."""

    running: bool
    done: asyncio.Event
    task: asyncio.Task[None] | None

    def figures(self) -> dict[str, Any]: ...

    def run(self) -> Coroutine[Any, Any, None]: ...


def register_run_services(
    hass: HomeAssistant,
    domain: str,
    schema: vol.Schema,
    make_run: Callable[[dict[str, Any]], Run],
    check: Callable[[dict[str, Any]], None] | None = None,
) -> Callable[[], Awaitable[None]]:
    """Registers ``<domain>.start|stop|status``; returns the coroutine that stops the current run.

    ``start`` validates the call's data with ``schema`` and ``check`` (which may raise) before
    anything stops, then stops the current run and starts ``make_run(data)``.
    """
    current: dict[str, Run | None] = {"run": None}

    async def stop_current() -> None:
        run = current["run"]
        if run is not None and run.running and run.task is not None:
            run.task.cancel()
            await run.done.wait()

    async def start(call: ServiceCall) -> ServiceResponse:
        data = schema(dict(call.data))
        if check is not None:
            check(data)
        await stop_current()
        run = make_run(data)
        current["run"] = run
        run.task = hass.async_create_background_task(run.run(), f"{domain} run")
        if data["wait"]:
            await run.done.wait()
        return run.figures()

    async def stop(call: ServiceCall) -> ServiceResponse:
        await stop_current()
        run = current["run"]
        return run.figures() if run else {"running": False}

    async def status(call: ServiceCall) -> ServiceResponse:
        run = current["run"]
        return run.figures() if run else {"running": False}

    hass.services.async_register(domain, "start", start, supports_response=SupportsResponse.OPTIONAL)
    hass.services.async_register(domain, "stop", stop, supports_response=SupportsResponse.OPTIONAL)
    hass.services.async_register(domain, "status", status, supports_response=SupportsResponse.OPTIONAL)
    return stop_current
