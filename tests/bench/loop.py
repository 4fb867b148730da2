"""Watching the measured process: event-loop lag and resident memory."""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
from collections.abc import AsyncIterator

import attrs

_PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes() -> int:
    """This process's resident set size now (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE


@attrs.define
class Watch:
    """What the watcher saw: lags of its ticks, and the highest RSS."""

    lags: list[float] = attrs.field(factory=list)
    peak_rss: int = 0

    def lag_p99(self) -> float:
        if len(self.lags) < 2:
            return max(self.lags, default=0.0)
        return statistics.quantiles(self.lags, n=100)[98]


@contextlib.asynccontextmanager
async def watching(tick: float = 0.005) -> AsyncIterator[Watch]:
    """Sleep ``tick`` over and over, noting how late each wake-up is."""
    watch = Watch(peak_rss=resident_bytes())
    loop = asyncio.get_running_loop()

    async def watcher() -> None:
        while True:
            asked = loop.time()
            await asyncio.sleep(tick)
            watch.lags.append(max(0.0, loop.time() - asked - tick))
            watch.peak_rss = max(watch.peak_rss, resident_bytes())

    task = asyncio.create_task(watcher())
    try:
        yield watch
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
