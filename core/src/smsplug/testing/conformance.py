"""The contract every provider plugin must keep, as runnable checks.

Point a :class:`Harness` at your plugin, loaded into a
:class:`~smsplug.Client` whose base URL is a fake server you control, and run
:func:`run_checks`. Each check exercises the plugin through the public client
(so the core's wrappers are in the loop, as in production) and fails with a
sentence naming the broken rule::

    harness = Harness(client, "myprovider", service="telegram", country="us",
                      fake=my_fake)
    failures = await run_checks(harness)
    assert not failures, failures

The fake is any object with the :class:`FakeControl` methods: it must make
the next call answer with the provider's documented reply for an error kind,
and deliver a code on demand.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Protocol

import attrs

from smsplug import errors
from smsplug.client import Client
from smsplug.models import Balance, Code, Money, Number, Price, ProviderInfo

__all__ = ["CHECKS", "FakeControl", "Harness", "run_checks"]

#: The error kinds a purchase can fail with, each with a documented reply.
PURCHASE_ERRORS = (
    "invalid_key",
    "no_balance",
    "no_numbers",
    "banned",
    "country_not_supported",
)


class FakeControl(Protocol):
    """What a fake provider server offers the conformance checks."""

    def fail_next(self, kind: str) -> None:
        """Answer the next request with the provider's reply for error ``kind``.

        ``kind`` is an error kind, or ``"garbage"`` for a reply no parser
        should accept (an HTML error page, truncated JSON).
        """

    def deliver(self, number_id: str, code: str) -> None:
        """Make ``code`` arrive on number ``number_id`` now."""

    def error_kinds(self) -> frozenset[str]:
        """The purchase error kinds this provider documents."""


@attrs.define
class Harness:
    client: Client
    provider: str
    service: str
    country: str
    fake: FakeControl


Check = Callable[[Harness], Awaitable[None]]
CHECKS: dict[str, Check] = {}


def check(func: Check) -> Check:
    CHECKS[func.__name__.removeprefix("check_")] = func
    return func


def _fail(rule: str) -> AssertionError:
    return AssertionError(rule)


def _assert_money(money: object, where: str) -> None:
    if not isinstance(money, Money):
        raise _fail(f"{where} must be Money, got {type(money).__name__}")
    if not isinstance(money.amount, Decimal) or money.amount < 0:
        raise _fail(f"{where} must be a non-negative Decimal, got {money.amount!r}")


async def _buy(h: Harness) -> Number:
    return await h.client.buy(
        h.service, h.country, providers=[h.provider], max_price=None
    )


@check
async def check_provider_info(h: Harness) -> None:
    info = h.client.plugins.info(h.provider)
    if not isinstance(info, ProviderInfo):
        raise _fail("provider_info must return ProviderInfo")
    if info.name != info.name.lower() or not info.name.replace("-", "").isalnum():
        raise _fail(
            f"provider names are lower-case letters and digits, got {info.name!r}"
        )


@check
async def check_balance_is_money(h: Harness) -> None:
    balance = await h.client.balance(h.provider)
    if not isinstance(balance, Balance) or balance.provider != h.provider:
        raise _fail("get_balance must return a Balance naming the provider")
    _assert_money(balance.money, "the balance")


@check
async def check_prices_are_prices(h: Harness) -> None:
    prices = await h.client.prices(h.service, h.country, provider=h.provider)
    for price in prices:
        if not isinstance(price, Price) or price.provider != h.provider:
            raise _fail("price_list must return Price objects naming the provider")
        _assert_money(price.price, "a price")
        if price.available is not None and price.available < 0:
            raise _fail("available counts are never negative")


@check
async def check_number_id_is_string(h: Harness) -> None:
    number = await _buy(h)
    try:
        if not isinstance(number.id, str) or not number.id:
            raise _fail(f"number ids are non-empty strings, got {number.id!r}")
        if not isinstance(number.phone, str) or not any(
            c.isdigit() for c in number.phone
        ):
            raise _fail(f"the phone must be a string of digits, got {number.phone!r}")
        if number.price is not None:
            _assert_money(number.price, "the number's price")
    finally:
        await h.client.cancel(number)


@check
async def check_waiting_is_none(h: Harness) -> None:
    number = await _buy(h)
    try:
        code = await h.client.poll(number)
        if code is not None:
            raise _fail(f"poll_code must return None while waiting, got {code!r}")
    finally:
        await h.client.cancel(number)


@check
async def check_code_arrives(h: Harness) -> None:
    number = await _buy(h)
    h.fake.deliver(number.id, "482913")
    code = await h.client.poll(number)
    if not isinstance(code, Code) or code.code != "482913":
        raise _fail(
            f"poll_code must return Code('482913') once it arrived, got {code!r}"
        )
    await h.client.finish(number)


@check
async def check_cancel_is_idempotent(h: Harness) -> None:
    number = await _buy(h)
    await h.client.cancel(number)
    try:
        await h.client.cancel(number)
    except errors.SmsError as error:
        raise _fail(
            f"cancelling twice must succeed quietly, got {error.kind}"
        ) from error


@check
async def check_purchase_errors(h: Harness) -> None:
    for kind in sorted(h.fake.error_kinds()):
        h.client.cooldowns.clear()  # a ban would set the provider aside
        h.fake.fail_next(kind)
        try:
            number = await _buy(h)
        except errors.SmsError as error:
            if error.kind != kind:
                raise _fail(f"the reply for {kind} raised {error.kind}") from error
            if error.provider != h.provider:
                raise _fail(f"{kind} must name the provider") from error
        else:
            await h.client.cancel(number)
            raise _fail(f"the reply for {kind} was taken for a purchase")


@check
async def check_garbage_is_invalid_response(h: Harness) -> None:
    h.fake.fail_next("garbage")
    try:
        await h.client.balance(h.provider)
    except errors.InvalidResponse:
        return
    except errors.SmsError as error:
        raise _fail(
            f"a garbled reply must raise invalid_response, not {error.kind}"
        ) from error
    raise _fail("a garbled reply was accepted as a balance")


async def run_checks(h: Harness, *, only: list[str] | None = None) -> dict[str, str]:
    """Run the checks; returns ``{check name: what broke}`` for each failure."""
    failures: dict[str, str] = {}
    for name, func in CHECKS.items():
        if only is not None and name not in only:
            continue
        try:
            result = func(h)
            if inspect.isawaitable(result):
                await result
        except AssertionError as error:
            failures[name] = str(error)
        except errors.SmsError as error:
            failures[name] = f"unexpected {error.kind}: {error}"
    return failures
