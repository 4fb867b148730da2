"""Waiting for codes: poll delays that adapt, and one poller per provider.

A number is asked about at once, then after a quarter of the poll delay, and
each wait after that is twice the one before, up to the poll delay: a code
that comes quickly is seen quickly, and a slow one costs few requests.

Providers that list every active number of an account in one call implement
the ``poll_codes`` hook. For those the client keeps one :class:`SharedPoller`
per provider: a single task that, on each tick, asks once about every number
of that provider being waited on, instead of once per number.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence

from smsplug.errors import ProviderUnavailable, SmsError
from smsplug.models import Code, Number

__all__ = ["FIRST_DELAY", "PollDelays", "SharedPoller"]

log = logging.getLogger("smsplug.client")

#: The first wait between polls, as a fraction of the poll delay.
FIRST_DELAY = 0.25
#: After a list request failed or was declined, how long to poll each
#: number on its own before trying the list again.
LIST_RETRY = 300.0
# A wait this close to its deadline counts as over: timers may fire a hair
# early, and one more round trip would not change the outcome.
CLOCK_SLACK = 0.001

PollOne = Callable[[Number], Awaitable[Code | None]]
PollMany = Callable[[Sequence[Number]], Awaitable[Mapping[str, Code | None] | None]]


class PollDelays:
    """The waits between polls of one number: short at first, then longer."""

    __slots__ = ("_next", "limit")

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self._next = limit * FIRST_DELAY

    @property
    def first(self) -> float:
        return self.limit * FIRST_DELAY

    def next(self) -> float:
        """The wait before the next poll."""
        delay = self._next
        self._next = min(self.limit, delay * 2)
        return delay

    def slow_down(self, retry_after: float | None = None) -> None:
        """After a failed poll: wait the full delay, or what the provider asked."""
        self._next = max(self.limit, retry_after or 0.0)


class _Waiter:
    """One number being waited on, and what its caller awaits."""

    __slots__ = ("deadline", "delays", "due", "future", "last_look", "number")

    def __init__(
        self,
        number: Number,
        future: asyncio.Future[Code | None],
        deadline: float,
        delays: PollDelays,
    ) -> None:
        self.number = number
        self.future = future
        self.deadline = deadline
        self.delays = delays
        self.due = time.monotonic()
        #: Whether the next poll is the one after the deadline.
        self.last_look = False

    def settle(self, code: Code | None) -> None:
        if not self.future.done():
            self.future.set_result(code)

    def fail(self, error: BaseException) -> None:
        if not self.future.done():
            self.future.set_exception(error)


class SharedPoller:
    """Polls every waiting number of one provider from a single task.

    Each tick asks about all of them with one ``poll_many`` call; numbers
    that answer leaves out, and ticks with a single number, go through
    ``poll_one``. Ticks come when the most eager number is due, but never
    closer together than that number's first delay, except to honour a
    deadline.
    """

    def __init__(self, provider: str, poll_one: PollOne, poll_many: PollMany) -> None:
        self.provider = provider
        self._poll_one = poll_one
        self._poll_many = poll_many
        self._waiters: set[_Waiter] = set()
        self._task: asyncio.Task[None] | None = None
        self._alarm: asyncio.Future[None] | None = None
        self._last_tick = -math.inf
        self._no_list_until = -math.inf

    async def wait(
        self, number: Number, *, deadline: float, poll_delay: float
    ) -> Code | None:
        """The code of ``number``, or ``None`` once ``deadline`` has passed.

        The last poll starts after the deadline, so a code that arrived just
        in time is not lost. Errors other than ``provider_unavailable`` end
        the wait; a passing outage does not.
        """
        loop = asyncio.get_running_loop()
        waiter = _Waiter(number, loop.create_future(), deadline, PollDelays(poll_delay))
        self._waiters.add(waiter)
        self._start(loop)
        try:
            return await waiter.future
        finally:
            self._waiters.discard(waiter)

    async def aclose(self) -> None:
        """Stop the task; numbers still waited on see their wait cancelled."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        task = self._task
        if task is not None and task.get_loop() is not loop:
            # A client used from a new event loop: what the old one waited on
            # is gone with it.
            self._waiters = {w for w in self._waiters if w.future.get_loop() is loop}
            task = None
        if task is None or task.done():
            self._task = loop.create_task(self._run(), name=f"smsplug-{self.provider}")
        elif self._alarm is not None and not self._alarm.done():
            self._alarm.set_result(None)  # a new number is due now

    async def _run(self) -> None:
        try:
            while self._live():
                start = self._next_tick()
                now = time.monotonic()
                if start > now + CLOCK_SLACK:
                    await self._sleep(start - now)
                    continue
                await self._tick()
        except asyncio.CancelledError:
            for waiter in list(self._waiters):
                waiter.future.cancel()
            raise
        except Exception as error:
            # A fault in the poller itself: every wait ends with it, so that
            # no caller waits forever.
            for waiter in list(self._waiters):
                waiter.fail(error)

    def _live(self) -> bool:
        """Whether any number is still waited on (forgetting those that are not)."""
        self._waiters = {w for w in self._waiters if not w.future.done()}
        return bool(self._waiters)

    def _next_tick(self) -> float:
        waiters = self._waiters
        due = min(w.due for w in waiters)
        gap = min(w.delays.first for w in waiters)
        deadline = min(w.deadline for w in waiters)
        return max(due, min(self._last_tick + gap, deadline))

    async def _sleep(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self._alarm = alarm = loop.create_future()
        timer = loop.call_later(seconds, _ring, alarm)
        try:
            await alarm
        finally:
            timer.cancel()
            self._alarm = None

    async def _tick(self) -> None:
        started = self._last_tick = time.monotonic()
        waiters = [w for w in self._waiters if not w.future.done()]
        if len(waiters) == 1 or started < self._no_list_until:
            await self._poll_each(waiters)
        else:
            await self._poll_together(waiters)

        for waiter in waiters:
            if waiter.future.done():
                continue
            if waiter.last_look:
                waiter.settle(None)
            elif started >= waiter.deadline - CLOCK_SLACK:
                # One last look, so that a code that arrived just now is not
                # thrown away.
                waiter.last_look = True
                waiter.due = started
            else:
                waiter.due = min(started + waiter.delays.next(), waiter.deadline)

    async def _poll_together(self, waiters: list[_Waiter]) -> None:
        try:
            codes = await self._poll_many([w.number for w in waiters])
        except ProviderUnavailable as error:
            _outage(waiters, error)
            return
        except SmsError as error:
            # The list could not be read: each number's own poll tells what
            # that means for it.
            log.warning(
                "%s: could not poll %d numbers together (%s: %s); polling each "
                "for %g s",
                self.provider,
                len(waiters),
                error.kind,
                error,
                LIST_RETRY,
            )
            codes = None
        if codes is None:
            self._no_list_until = time.monotonic() + LIST_RETRY
            codes = {}
        unlisted = []
        for waiter in waiters:
            if waiter.number.id in codes:
                code = codes[waiter.number.id]
                if code is not None:
                    waiter.settle(code)
            else:
                unlisted.append(waiter)
        await self._poll_each(unlisted)

    async def _poll_each(self, waiters: list[_Waiter]) -> None:
        if not waiters:
            return
        results = await asyncio.gather(
            *(self._poll_one(w.number) for w in waiters), return_exceptions=True
        )
        for waiter, result in zip(waiters, results, strict=True):
            if isinstance(result, ProviderUnavailable):
                _outage([waiter], result)
            elif isinstance(result, BaseException):
                waiter.fail(result)
            elif result is not None:
                waiter.settle(result)


def _outage(waiters: list[_Waiter], error: ProviderUnavailable) -> None:
    # A passing outage must not end the wait: the code may still come.
    log.warning(
        "polling %d numbers of %s failed, will try again: %s",
        len(waiters),
        error.provider,
        error,
    )
    for waiter in waiters:
        waiter.delays.slow_down(error.retry_after)


def _ring(alarm: asyncio.Future[None]) -> None:
    if not alarm.done():
        alarm.set_result(None)
