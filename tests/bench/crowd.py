"""Many live numbers in one process: wall time, event-loop lag, memory.

``python -m tests.bench.crowd PROTOCOL COUNT`` runs in a fresh process of
its own (so that its memory is its own), rents COUNT numbers at once from
the protocol's fake, waits for every code and prints one JSON line. The
fake sends each code ``--code-delay`` seconds after the purchase, so all
the numbers are live together. ``peer`` instead of a protocol runs the same
workload through the peer library (see ``peer.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

from smsplug import Client
from tests.bench.fakes import running, served
from tests.bench.loop import resident_bytes, watching
from tests.bench.protocols import PROTOCOLS, Target

Rent = Callable[[], Awaitable[str]]


async def crowd(
    protocol: str, count: int, *, code_delay: float, poll_delay: float
) -> dict[str, Any]:
    name = "onlinesim" if protocol == "peer" else protocol
    with running(name, code_delay=code_delay) as target:
        if protocol == "peer":
            from tests.bench.peer import rent_with_peer

            return await _run(target, count, lambda: rent_with_peer(target, poll_delay))
        spec = PROTOCOLS[protocol]
        with tempfile.TemporaryDirectory() as data:
            settings = spec.settings(
                target, data_dir=data, poll_delay=poll_delay, timeout=120.0
            )
            async with Client(settings, plugins=spec.plugins()) as sms:

                async def rent() -> str:
                    async with sms.activation(spec.service, spec.country) as number:
                        return (await number.wait_code()).code

                return await _run(target, count, rent)


async def _run(target: Target, count: int, rent: Rent) -> dict[str, Any]:
    await rent()  # warm up: imports, connections, the ledger
    live = 0
    most_live = 0

    async def one() -> str:
        nonlocal live, most_live
        live += 1
        most_live = max(most_live, live)
        try:
            return await rent()
        finally:
            live -= 1

    gc.collect()
    base_rss = resident_bytes()
    mark, _ = served(target)
    async with watching() as watch:
        started = time.perf_counter()
        codes = await asyncio.gather(*(one() for _ in range(count)))
        wall = time.perf_counter() - started
    _, requests = served(target, mark)
    return {
        "count": count,
        "codes": sum(1 for c in codes if c),
        "most_live": most_live,
        "wall": wall,
        "lag_p99": watch.lag_p99(),
        "lag_max": max(watch.lags, default=0.0),
        "bytes_per_number": max(0, watch.peak_rss - base_rss) / count,
        "requests": sum(requests.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("protocol", choices=[*sorted(PROTOCOLS), "peer"])
    parser.add_argument("count", type=int)
    parser.add_argument("--code-delay", type=float, default=3.0)
    parser.add_argument("--poll-delay", type=float, default=2.0)
    options = parser.parse_args()
    result = asyncio.run(
        crowd(
            options.protocol,
            options.count,
            code_delay=options.code_delay,
            poll_delay=options.poll_delay,
        )
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
