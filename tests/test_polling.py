"""Waiting for codes: poll delays that adapt, and many numbers in one request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

import smsplug_custom
import smsplug_onlinesim
from smsplug import Client, Code, Number, SmsError, hookimpl
from smsplug._polling import PollDelays
from smsplug.plugins import Plugins
from smsplug.testing import ReferenceServer
from smsplug_onlinesim.fake import Behaviour, OnlineSimFake
from tests.helpers import custom_settings
from tests.providers.onlinesim.scenarios import KEY, settings

STATE = "/api/getState.php"


def test_delays_start_at_a_quarter_and_double_up_to_the_poll_delay() -> None:
    delays = PollDelays(4.0)

    waits = [delays.next() for _ in range(5)]

    assert waits == [1.0, 2.0, 4.0, 4.0, 4.0]


def test_after_a_failed_poll_the_wait_is_the_full_delay_or_what_was_asked() -> None:
    delays = PollDelays(4.0)

    delays.slow_down()
    after_outage = delays.next()
    delays.slow_down(retry_after=9.0)
    asked, then = delays.next(), delays.next()

    assert (after_outage, asked, then) == (4.0, 9.0, 4.0)


async def test_a_quick_code_is_seen_well_before_the_poll_delay(
    client: Client, reference: ReferenceServer
) -> None:
    reference.behaviour.code_delay = 0.3

    async with client.activation("telegram", "us", poll_delay=2.0) as number:
        started = time.monotonic()
        await number.wait_code()
        waited = time.monotonic() - started

    # Polls at once and after a quarter of the delay, instead of at 0 and 2 s.
    assert waited < 1.5
    assert reference.server.count("GET", "/v1/numbers/1001") == 2


# -- a provider that lists every active number (OnlineSim) ----------------------


@pytest.fixture
def fake() -> Iterator[OnlineSimFake]:
    with OnlineSimFake(key=KEY, behaviour=Behaviour(code_delay=0.4)) as server:
        yield server


@pytest.fixture
async def onlinesim(fake: OnlineSimFake) -> AsyncIterator[Client]:
    plugins = Plugins()
    plugins.add(smsplug_onlinesim)
    options = settings(fake.url, poll_delay=0.2, timeout=3.0)
    async with Client(options, plugins=plugins) as sms:
        yield sms


async def rent_together(
    client: Client,
    count: int,
    *,
    fake: OnlineSimFake,
    once_bought: Callable[[], object] = lambda: None,
    **options: Any,
) -> tuple[list[Code | SmsError], int]:
    """Rent ``count`` numbers at once and wait for all their codes.

    ``once_bought`` runs when every number is bought, before the waits.
    Returns each outcome and how many requests were sent until then.
    """
    bought = asyncio.Barrier(count)
    marks: list[int] = []

    async def rent() -> Code | SmsError:
        try:
            async with client.activation("telegram", "ru", **options) as number:
                if await bought.wait() == 0:
                    marks.append(len(fake.requests))
                    once_bought()
                return await number.wait_code()
        except SmsError as error:
            return error

    outcomes = await asyncio.gather(*(rent() for _ in range(count)))
    return list(outcomes), marks[0]


async def test_numbers_of_one_provider_share_their_polls(
    onlinesim: Client, fake: OnlineSimFake
) -> None:
    codes, mark = await rent_together(onlinesim, 10, fake=fake)

    polls = [r for r in fake.requests[mark:] if r.path == STATE]
    expected = sorted(order.messages[0] for order in fake.orders.values())
    assert sorted(c.code for c in codes if isinstance(c, Code)) == expected
    # Polled one by one, each number needs at least two polls of its own.
    assert len(polls) < 2 * len(codes)
    # At least one poll asked for every waiting number at once (which polls
    # come first depends on how the rentals interleave on a busy machine).
    assert any(not r.query.get("tzid") for r in polls)


async def test_a_number_that_ended_is_asked_about_on_its_own(
    onlinesim: Client, fake: OnlineSimFake
) -> None:
    fake.behaviour.no_code = True
    fake.behaviour.lifetime = 0.3

    outcomes, mark = await rent_together(onlinesim, 2, fake=fake)

    assert [getattr(o, "kind", o) for o in outcomes] == ["no_sms_received"] * 2
    polls = [r for r in fake.requests[mark:] if r.path == STATE]
    asked_alone = [r for r in polls if r.query.get("tzid")]
    assert {r.query["tzid"] for r in asked_alone} >= set(fake.orders)


async def test_numbers_waited_on_together_time_out_and_are_refunded(
    onlinesim: Client, fake: OnlineSimFake
) -> None:
    fake.behaviour.no_code = True
    before = fake.balance

    outcomes, _ = await rent_together(onlinesim, 3, fake=fake, timeout=0.3)

    assert [getattr(o, "kind", o) for o in outcomes] == ["no_sms_received"] * 3
    assert all(getattr(o, "refunded", False) for o in outcomes)
    assert all(order.closed and order.refunded for order in fake.orders.values())
    assert fake.balance == before


async def test_an_outage_during_a_shared_poll_does_not_end_the_wait(
    onlinesim: Client, fake: OnlineSimFake
) -> None:
    codes, _ = await rent_together(
        onlinesim,
        3,
        fake=fake,
        once_bought=lambda: fake.fail_next("provider_unavailable"),
    )

    assert all(isinstance(c, Code) for c in codes)
    # The scripted outage was used up by a poll: the next call goes through.
    assert (await onlinesim.balance("onlinesim")).money.amount > 0


async def test_an_unreadable_list_falls_back_to_polling_each_number(
    onlinesim: Client, fake: OnlineSimFake
) -> None:
    fake.behaviour.code_delay = 60

    def garbage_then_codes() -> None:
        fake.fail_next("garbage")
        for number_id in fake.orders:
            asyncio.get_running_loop().call_later(
                0.3, fake.deliver, number_id, "424242"
            )

    codes, mark = await rent_together(
        onlinesim, 3, fake=fake, once_bought=garbage_then_codes
    )

    assert [getattr(c, "code", c) for c in codes] == ["424242"] * 3
    alone = {r.query.get("tzid") for r in fake.requests[mark:] if r.path == STATE}
    assert set(fake.orders) <= alone


async def test_cancelling_one_waiting_task_cancels_only_its_number(
    onlinesim: Client, fake: OnlineSimFake
) -> None:
    fake.behaviour.no_code = True
    bought = asyncio.Barrier(3)

    async def rent() -> str:
        async with onlinesim.activation("telegram", "ru") as number:
            await bought.wait()
            return (await number.wait_code()).code

    tasks = [asyncio.create_task(rent()) for _ in range(2)]
    await bought.wait()
    await asyncio.sleep(0.05)
    tasks[0].cancel()
    with pytest.raises(asyncio.CancelledError):
        await tasks[0]
    cancelled = [o for o in fake.orders.values() if o.closed]
    waiting = next(t for t, o in fake.orders.items() if not o.closed)
    fake.deliver(waiting, "135790")
    code = await tasks[1]

    assert code == "135790"
    assert len(cancelled) == 1
    assert cancelled[0].refunded
    assert fake.balance == Decimal("230.25") - fake.behaviour.price


# -- what the core does with a poll_codes answer --------------------------------


def listing_plugin(answer: Any, calls: list[Sequence[Number]]) -> ModuleType:
    """The custom provider, with a ``poll_codes`` that always gives ``answer``."""

    @hookimpl
    async def poll_codes(provider: Any, numbers: Sequence[Number]) -> Any:
        calls.append(numbers)
        return answer

    plugin = ModuleType("smsplug_listing")
    for hook in ("provider_info", "get_number", "poll_code", "cancel", "finish"):
        setattr(plugin, hook, getattr(smsplug_custom, hook))
    plugin.poll_codes = poll_codes  # type: ignore[attr-defined]
    return plugin


async def rent_two(
    reference: ReferenceServer, answer: Any
) -> tuple[list[str], list[Sequence[Number]]]:
    """Two numbers waited on together through :func:`listing_plugin`.

    Returns their codes and the numbers each ``poll_codes`` call was given.
    """
    calls: list[Sequence[Number]] = []
    plugins = Plugins()
    plugins.add(listing_plugin(answer, calls))
    bought = asyncio.Barrier(2)
    async with Client(custom_settings(reference.url), plugins=plugins) as sms:

        async def rent() -> str:
            async with sms.activation("telegram", "us") as number:
                await bought.wait()
                return (await number.wait_code()).code

        codes = list(await asyncio.gather(rent(), rent()))
    return codes, calls


@pytest.mark.parametrize(
    "answer",
    [{}, None, ["not", "a", "mapping"], {"1001": "not a code"}],
    ids=["nothing-listed", "no-list", "not-a-mapping", "not-a-code"],
)
async def test_numbers_the_list_does_not_answer_for_are_polled_alone(
    reference: ReferenceServer, answer: Mapping[str, Any] | None
) -> None:
    reference.behaviour.code_delay = 0.1

    codes, calls = await rent_two(reference, answer)

    assert sorted(codes) == sorted(n.code for n in reference.numbers.values())
    assert calls
    assert all(len(numbers) == 2 for numbers in calls)
    assert reference.server.count("GET", "/v1/numbers/1001") >= 2


async def test_a_code_from_the_list_needs_no_poll_of_its_own(
    reference: ReferenceServer,
) -> None:
    answer = {"1001": Code("111111"), "1002": Code("222222")}

    codes, _ = await rent_two(reference, answer)

    # The reference server would have sent other codes.
    assert sorted(codes) == ["111111", "222222"]


async def test_a_declined_list_is_not_asked_again_for_a_while(
    reference: ReferenceServer,
) -> None:
    reference.behaviour.code_delay = 0.2

    codes, calls = await rent_two(reference, None)

    assert sorted(codes) == sorted(n.code for n in reference.numbers.values())
    assert len(calls) == 1
    assert reference.server.count("GET", "/v1/numbers/1001") >= 3
