"""The contract every provider plugin must keep, as runnable checks.

The shortest way in is :func:`check_plugin`, or the ``smsplug_conformance``
pytest fixture that wraps it: hand it your plugin and a fake of your
provider's protocol running on loopback, and it returns one sentence per
broken rule::

    def test_conformance(smsplug_conformance, fake):
        smsplug_conformance(smsplug_acme, fake)

For more control, point a :class:`Harness` at a :class:`~smsplug.Client`
that has your plugin loaded and its base URL on your fake, and call
:func:`run_checks`. Most checks go through the public client, so the core's
wrappers are in the loop as in production; the one that checks that nothing
but :class:`~smsplug.SmsError` escapes calls your hooks directly, because
the core would otherwise hide what escaped.

The fake is any object with the :class:`FakeControl` methods: it must make
the next call answer with the provider's documented reply for an error kind,
and deliver a code on demand.
"""

from __future__ import annotations

import inspect
import tempfile
from collections.abc import Awaitable, Callable, Collection, Mapping
from decimal import Decimal
from typing import Any, Protocol

import attrs

from smsplug import errors
from smsplug.client import Client
from smsplug.models import Balance, Code, Money, Number, Price, ProviderInfo
from smsplug.plugins import Plugins
from smsplug.testing.settings import quick_settings

__all__ = [
    "CHECKS",
    "FakeControl",
    "Harness",
    "check_plugin",
    "run_checks",
]

#: The error kinds any call, a balance included, can fail with; checked on
#: the balance when the fake documents them.
ACCOUNT_ERRORS = ("invalid_key", "banned")
#: The code the checks deliver; its leading zero must survive parsing.
CODE = "048213"


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
        """The error kinds this provider documents, each with its reply."""


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


async def _call_hook(h: Harness, hook: str, **kwargs: Any) -> Any:
    """Call the plugin's own implementation of ``hook``, bypassing the core."""
    plugin = h.client.plugins.providers[h.provider].plugin
    result = getattr(plugin, hook)(provider=h.client.provider(h.provider), **kwargs)
    return await result if inspect.isawaitable(result) else result


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
    currency = h.client.provider(h.provider).currency
    if balance.money.currency != currency:
        raise _fail(
            f"the balance must be in the provider's currency {currency}, "
            f"got {balance.money.currency}"
        )


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
    except errors.SmsError as error:
        raise _fail(
            f"poll_code must return None while waiting, not raise {error.kind}"
        ) from error
    finally:
        await h.client.cancel(number)


@check
async def check_code_arrives(h: Harness) -> None:
    number = await _buy(h)
    h.fake.deliver(number.id, CODE)
    code = await h.client.poll(number)
    if not isinstance(code, Code) or code.code != CODE:
        await h.client.cancel(number)
        raise _fail(
            f"poll_code must return Code({CODE!r}) once it arrived, got {code!r}"
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
async def check_cancel_refunds(h: Harness) -> None:
    before = (await h.client.balance(h.provider)).money
    number = await _buy(h)
    charged = (await h.client.balance(h.provider)).money
    await h.client.cancel(number)
    after = (await h.client.balance(h.provider)).money
    # A fake that does not charge for a purchase cannot show a refund.
    if charged != before and after != before:
        raise _fail(
            f"cancel must end the number so that it is refunded: the balance was "
            f"{before}, {charged} after the purchase and {after} after the cancel"
        )


@check
async def check_ended_number_is_no_sms_received(h: Harness) -> None:
    number = await _buy(h)
    await h.client.cancel(number)
    try:
        code = await h.client.poll(number)
    except (errors.NoSmsReceived, errors.NotFound):
        return
    except errors.SmsError as error:
        raise _fail(
            f"polling a cancelled number must raise no_sms_received, not {error.kind}"
        ) from error
    raise _fail(
        f"polling a cancelled number must raise no_sms_received, got {code!r}; "
        f"a number the provider ended is not waiting"
    )


async def _expect_kind(
    h: Harness, kind: str, call: Callable[[], Awaitable[Any]]
) -> Any:
    try:
        result = await call()
    except errors.SmsError as error:
        if error.kind != kind:
            raise _fail(f"the reply for {kind} raised {error.kind}") from error
        if error.provider != h.provider:
            raise _fail(f"{kind} must name the provider") from error
        if error.raw is None and kind not in ("no_api_key", "provider_unavailable"):
            raise _fail(f"{kind} must carry the provider's reply as raw=") from error
        return None
    return result


@check
async def check_purchase_errors(h: Harness) -> None:
    for kind in sorted(h.fake.error_kinds()):
        h.client.cooldowns.clear()  # a ban would set the provider aside
        h.fake.fail_next(kind)
        number = await _expect_kind(h, kind, lambda: _buy(h))
        if number is not None:
            await h.client.cancel(number)
            raise _fail(f"the reply for {kind} was taken for a purchase")


@check
async def check_account_errors(h: Harness) -> None:
    for kind in sorted(h.fake.error_kinds() & set(ACCOUNT_ERRORS)):
        h.fake.fail_next(kind)
        balance = await _expect_kind(h, kind, lambda: h.client.balance(h.provider))
        if balance is not None:
            raise _fail(f"the reply for {kind} was taken for a balance")


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


@check
async def check_only_sms_errors_escape(h: Harness) -> None:
    info = h.client.plugins.info(h.provider)
    plugin = h.client.plugins.providers[h.provider].plugin
    calls: dict[str, dict[str, Any]] = {
        "get_balance": {},
        "price_list": {"service": h.service, "country": h.country},
        "get_number": {"service": h.service, "country": h.country, "max_price": None},
    }
    number = await _buy(h)
    calls["poll_code"] = calls["cancel"] = {"number": number}
    if "finish" in info.capabilities:
        calls["finish"] = {"number": number}
    try:
        for hook, kwargs in calls.items():
            if not callable(getattr(plugin, hook, None)):
                continue
            h.fake.fail_next("garbage")
            try:
                result = await _call_hook(h, hook, **kwargs)
            except errors.SmsError:
                continue
            except Exception as error:
                raise _fail(
                    f"{hook} let {type(error).__name__} escape on a garbled reply "
                    f"({error}); raise an smsplug error kind instead"
                ) from error
            raise _fail(f"{hook} took a garbled reply for an answer ({result!r})")
    finally:
        await h.client.cancel(number)


async def run_checks(
    h: Harness,
    *,
    only: Collection[str] | None = None,
    skip: Collection[str] = (),
) -> dict[str, str]:
    """Run the checks; returns ``{check name: what broke}`` for each failure.

    ``only`` runs just the named checks; ``skip`` leaves the named ones out
    (say why next to the call: a skipped rule is a documented exception).
    """
    unknown = (set(only or ()) | set(skip)) - set(CHECKS)
    if unknown:
        raise ValueError(f"no such checks: {', '.join(sorted(unknown))}")
    failures: dict[str, str] = {}
    for name, func in CHECKS.items():
        if (only is not None and name not in only) or name in skip:
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


async def check_plugin(
    plugin: object,
    fake: FakeControl,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    service: str = "telegram",
    country: str = "us",
    settings: Mapping[str, str] | None = None,
    only: Collection[str] | None = None,
    skip: Collection[str] = (),
) -> dict[str, str]:
    """Run every check on ``plugin`` against ``fake``; ``{}`` means it conforms.

    ``base_url`` and ``api_key`` default to the fake's ``url`` and ``key``
    attributes; ``settings`` holds values for the plugin's own settings.
    The ledger of the numbers the checks buy lives in a temporary directory.
    """
    url = base_url if base_url is not None else getattr(fake, "url", None)
    if not url:
        raise ValueError("pass base_url=, or give the fake a url attribute")
    key = api_key if api_key is not None else getattr(fake, "key", "conformance-key")

    plugins = Plugins()
    info = plugins.add(plugin)
    with tempfile.TemporaryDirectory(prefix="smsplug-conformance-") as data_dir:
        config = quick_settings(info.name, url, api_key=key, data_dir=data_dir)
        if settings:
            tables = {info.name: {**config.provider[info.name], **settings}}
            config = attrs.evolve(config, provider=tables)
        async with Client(config, plugins=plugins) as client:
            harness = Harness(client, info.name, service, country, fake)
            return await run_checks(harness, only=only, skip=skip)
