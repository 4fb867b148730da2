"""Per-call overhead: smsplug against plain httpx sending the same requests.

Both clients buy a number, check its status once and cancel it, against the
same fake, one call at a time, alternating so that a busy machine slows
both alike. Before timing, the requests each side sent are compared: the
raw client must send exactly what the plugin sends.
"""

from __future__ import annotations

import collections
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
import httpx

from smsplug import Client
from tests.bench.fakes import running, served
from tests.bench.protocols import Protocol, Target

OPS = ("buy", "poll", "cancel")


@attrs.frozen
class Overhead:
    protocol: str
    #: Median seconds per call, by operation, for each side.
    smsplug: dict[str, float]
    raw: dict[str, float]

    @property
    def cycle_ratio(self) -> float:
        return sum(self.smsplug.values()) / sum(self.raw.values())

    @property
    def cycle(self) -> tuple[float, float]:
        return sum(self.smsplug.values()), sum(self.raw.values())


def raw_client() -> httpx.AsyncClient:
    """An httpx client set up as smsplug sets up its own."""
    return httpx.AsyncClient(
        timeout=30.0,
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=100),
    )


async def measure(
    protocol: Protocol, *, cycles: int, reply_delay: float = 0.0
) -> Overhead:
    with (
        running(protocol.name, no_code=True, reply_delay=reply_delay) as target,
        tempfile.TemporaryDirectory() as data,
    ):
        settings = protocol.settings(target, data_dir=data)
        async with (
            Client(settings, plugins=protocol.plugins()) as sms,
            raw_client() as http,
        ):
            ours = _smsplug_cycle(sms, protocol)
            theirs = _raw_cycle(http, protocol, target)
            await _check_same_requests(target, ours, theirs)
            for _ in range(5):  # warm both up: connections, caches
                await ours({})
                await theirs({})

            timings: dict[str, dict[str, list[float]]] = {
                side: {op: [] for op in OPS} for side in ("smsplug", "raw")
            }
            for i in range(cycles):
                first, second = (ours, theirs) if i % 2 else (theirs, ours)
                for cycle in (first, second):
                    side = "smsplug" if cycle is ours else "raw"
                    await cycle(timings[side])
    medians = {
        side: {op: statistics.median(times) for op, times in ops.items()}
        for side, ops in timings.items()
    }
    return Overhead(protocol.name, medians["smsplug"], medians["raw"])


Cycle = Callable[[dict[str, list[float]]], Awaitable[None]]


def _smsplug_cycle(sms: Client, protocol: Protocol) -> Cycle:
    async def cycle(into: dict[str, list[float]]) -> None:
        number = await _timed(into, "buy", sms.buy(protocol.service, protocol.country))
        await _timed(into, "poll", sms.poll(number))
        await _timed(into, "cancel", sms.cancel(number))

    return cycle


def _raw_cycle(http: httpx.AsyncClient, protocol: Protocol, target: Target) -> Cycle:
    async def cycle(into: dict[str, list[float]]) -> None:
        number_id = await _timed(into, "buy", protocol.buy(http, target))
        await _timed(into, "poll", protocol.poll(http, target, number_id))
        await _timed(into, "cancel", protocol.cancel(http, target, number_id))

    return cycle


async def _timed(into: dict[str, list[float]], op: str, call: Awaitable[Any]) -> Any:
    started = time.perf_counter()
    result = await call
    if op in into:
        into[op].append(time.perf_counter() - started)
    return result


async def _check_same_requests(target: Target, ours: Cycle, theirs: Cycle) -> None:
    sent = []
    for cycle in (ours, theirs):
        mark, _ = served(target)
        await cycle({})
        # Ids differ from one number to the next: compare the shapes.
        shapes = collections.Counter()
        for request, count in served(target, mark)[1].items():
            shapes[re.sub(r"\d+", "#", request)] += count
        sent.append(shapes)
    if sent[0] != sent[1]:
        raise RuntimeError(
            f"the raw client does not send what the plugin sends: {sent[0]}, "
            f"not {sent[1]}"
        )
