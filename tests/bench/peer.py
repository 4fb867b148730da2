"""The same workloads through a peer library: pyonlinesim, against the OnlineSim fake.

pyonlinesim (PyPI) is an asyncio client of OnlineSim's API whose base URL
is a class attribute, so it can be aimed at the loopback fake. It has no
waiting loop of its own: its users poll ``get_order_info`` every few
seconds until a message arrives, then ``finish_order``, which is what
:func:`rent_with_peer` does. It opens a new aiohttp session for every call.

It is imported only here, so the rest of the benchmarks run without it.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from tests.bench.protocols import Target


def client(target: Target) -> Any:
    from pyonlinesim import OnlineSMS

    sms = OnlineSMS(api_key=target.key)
    sms.BASE_URL = f"{target.url}/api/"  # the library's own way to set its host
    return sms


async def buy(sms: Any) -> int:
    order = await sms.order_number("telegram", country=7, number=True)
    return int(order.operation_id)


async def code_of(sms: Any, tzid: int) -> str | None:
    state = await sms.get_order_info(tzid, msg_list=0)
    return state.orders[0].message if state.orders else None


async def rent_with_peer(target: Target, poll_delay: float) -> str:
    """Buy, poll every ``poll_delay`` seconds until the code, then finish."""
    sms = client(target)
    tzid = await buy(sms)
    while True:
        await asyncio.sleep(poll_delay)
        code = await code_of(sms, tzid)
        if code:
            await sms.finish_order(tzid)
            return str(code)


async def per_call(target: Target, *, cycles: int) -> dict[str, float]:
    """Median seconds of a purchase, a status check and a cancel."""
    sms = client(target)
    times: dict[str, list[float]] = {"buy": [], "poll": [], "cancel": []}
    for i in range(cycles + 5):
        started = time.perf_counter()
        tzid = await buy(sms)
        bought = time.perf_counter()
        await code_of(sms, tzid)
        polled = time.perf_counter()
        await sms.finish_order(tzid)
        if i >= 5:  # the first few warm up
            times["buy"].append(bought - started)
            times["poll"].append(polled - bought)
            times["cancel"].append(time.perf_counter() - polled)
    return {op: statistics.median(values) for op, values in times.items()}
