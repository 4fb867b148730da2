"""Status requests per delivered code, and how late each code is seen.

N numbers are bought at once from the OnlineSim fake, which never sends a
code by itself: each number's code is delivered at a random moment a few
seconds later through the fake's benchmark call, which answers when the
code arrived. The caller notes when it has the code; the difference is the
code's latency. Status requests are counted by the fake from the moment
every number was bought.

Three ways to wait are compared: smsplug with OnlineSim's ``poll_codes``
(one request per tick for all numbers), smsplug with that hook taken away
(one request per number, as for a provider that cannot list), and the peer
library polling each number at a fixed delay.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import attrs
import httpx

from smsplug import Client, Code, Number
from tests.bench.fakes import deliver, running, served
from tests.bench.protocols import PROTOCOLS, Target

STATUS = "GET /api/getState.php"
MODES = ("batched", "per-number", "peer")
#: Waits for the code; answers when the caller had it (before finishing).
Wait = Callable[[], Awaitable[float]]
Buy = Callable[[], Awaitable[tuple[str, Wait]]]


@attrs.frozen
class Seen:
    number_id: str
    #: Seconds from the code's arrival at the fake to the caller having it.
    latency: float
    #: When the caller had it (time.monotonic).
    at: float


@attrs.frozen
class Waiting:
    mode: str
    live: int
    requests_per_code: float
    codes: list[Seen]
    #: For each code, its latency less the round trip of the status call that
    #: found it (from asking smsplug to its answer, so with any wait for a
    #: free connection): how long it waited to be asked about (smsplug only).
    waited: list[float] = attrs.field(factory=list)

    def latency(self, quantile: float) -> float:
        ordered = sorted(c.latency for c in self.codes)
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


async def measure(
    mode: str, live: int, *, poll_delay: float, spread: tuple[float, float], seed: int
) -> Waiting:
    """Wait for ``live`` codes at once the ``mode`` way."""
    rng = random.Random(seed)
    with running("onlinesim", no_code=True) as target:
        if mode == "peer":
            return await _run(
                mode, live, target, _peer_buyer(target, poll_delay), rng, spread
            )
        with tempfile.TemporaryDirectory() as data:
            spec = PROTOCOLS["onlinesim"]
            settings = spec.settings(
                target, data_dir=data, poll_delay=poll_delay, timeout=120.0
            )
            plugins = spec.plugins(without=() if mode == "batched" else ("poll_codes",))
            async with _TimedClient(settings, plugins=plugins) as sms:
                waiting = await _run(mode, live, target, _buyer(sms), rng, spread)
            return attrs.evolve(waiting, waited=sms.waited(waiting.codes))


def _buyer(sms: Client) -> Buy:
    spec = PROTOCOLS["onlinesim"]

    async def buy() -> tuple[str, Wait]:
        activation = sms.activation(spec.service, spec.country)
        await activation.__aenter__()

        async def wait() -> float:
            try:
                await activation.wait_code()
                return time.monotonic()
            finally:
                await activation.__aexit__(None, None, None)

        return activation.number.id, wait

    return buy


def _peer_buyer(target: Target, poll_delay: float) -> Buy:
    from tests.bench import peer

    sms = peer.client(target)

    async def buy() -> tuple[str, Wait]:
        tzid = await peer.buy(sms)

        async def wait() -> float:
            while True:
                await asyncio.sleep(poll_delay)
                if await peer.code_of(sms, tzid):
                    had = time.monotonic()
                    await sms.finish_order(tzid)
                    return had

        return str(tzid), wait

    return buy


async def _run(
    mode: str,
    live: int,
    target: Target,
    buy: Buy,
    rng: random.Random,
    spread: tuple[float, float],
) -> Waiting:
    bought = await asyncio.gather(*(buy() for _ in range(live)))
    mark, _ = served(target)
    arrived: dict[str, float] = {}

    async with httpx.AsyncClient() as control:

        async def deliver_later(number_id: str) -> None:
            await asyncio.sleep(rng.uniform(*spread))
            arrived[number_id] = await deliver(control, target, number_id)

        deliveries = [asyncio.create_task(deliver_later(n)) for n, _ in bought]
        got = await asyncio.gather(*(wait() for _, wait in bought))
        await asyncio.gather(*deliveries)

    _, counts = served(target, mark)
    return Waiting(
        mode=mode,
        live=live,
        requests_per_code=counts.get(STATUS, 0) / live,
        codes=[
            Seen(n, at - arrived[n], at) for (n, _), at in zip(bought, got, strict=True)
        ],
    )


class _TimedClient(Client):
    """A client that notes when each status call was made and answered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: (asked, answered, the number's id, or None for a list of numbers)
        self.polls: list[tuple[float, float, str | None]] = []

    async def poll(self, number: Number) -> Code | None:
        asked = time.monotonic()
        try:
            return await super().poll(number)
        finally:
            self.polls.append((asked, time.monotonic(), number.id))

    async def _poll_listed(
        self, name: str, numbers: Sequence[Number]
    ) -> Mapping[str, Code | None] | None:
        asked = time.monotonic()
        try:
            return await super()._poll_listed(name, numbers)
        finally:
            self.polls.append((asked, time.monotonic(), None))

    def waited(self, codes: list[Seen]) -> list[float]:
        """Each code's latency less the round trip of the poll that found it."""
        result = []
        for code in codes:
            found = max(
                (
                    poll
                    for poll in self.polls
                    if poll[2] in (None, code.number_id) and poll[1] <= code.at
                ),
                key=lambda poll: poll[1],
            )
            result.append(code.latency - (found[1] - found[0]))
        return result
