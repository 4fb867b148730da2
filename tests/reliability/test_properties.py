"""Property tests: the max price is never crossed, and no reply breaks a parser.

The slow variants (10,000 examples each) run with ``nox -s tests -- --slow``;
the normal run checks the same properties on fewer examples.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import Callable
from decimal import Decimal
from types import ModuleType
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smsplug import (
    Client,
    ConfigError,
    Money,
    NoNumbers,
    Number,
    ProviderInfo,
    Setting,
    Settings,
    SmsError,
    hookimpl,
)
from smsplug.http import MAX_BODY
from smsplug.plugins import Plugins
from tests.reliability.targets import (
    TARGETS,
    Target,
    http_server,
    running,
    settings_for,
)

QUICK = settings(
    max_examples=150, deadline=None, suppress_health_check=list(HealthCheck)
)
SLOW = settings(
    max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck)
)

# -- max price ------------------------------------------------------------------

CURRENCIES = st.sampled_from(["USD", "RUB", "EUR", "INR"])
AMOUNTS = st.decimals(
    min_value=Decimal("0.0001"), max_value=Decimal("500"), places=4, allow_nan=False
)


class Shop:
    """A provider that sells from a price list, honest or not about max price."""

    def __init__(self) -> None:
        self.offers: list[Decimal] = []
        self.currency = "USD"
        self.honest = True
        self.cancelled: list[str] = []
        self.sold = 0

    def plugin(self) -> ModuleType:
        shop = self
        plugin = ModuleType("smsplug_shop")

        @hookimpl
        def provider_info() -> ProviderInfo:
            return ProviderInfo(
                name="shop",
                title="t",
                currency="USD",
                base_url="https://x.invalid",
                settings=(Setting("currency", "what it prices in", default="USD"),),
                needs_key=False,
            )

        @hookimpl
        def get_number(
            provider: Any, service: str, country: str, max_price: Money | None
        ) -> Number:
            offers = sorted(shop.offers)
            if shop.honest and max_price is not None:
                offers = [o for o in offers if o <= max_price.amount]
            if not offers:
                raise NoNumbers()
            shop.sold += 1
            price = Money(offers[0], shop.currency)
            return Number(
                provider="shop", id=str(shop.sold), phone="+15550000000", price=price
            )

        @hookimpl
        def cancel(provider: Any, number: Number) -> None:
            shop.cancelled.append(number.id)

        for hook in (provider_info, get_number, cancel):
            setattr(plugin, hook.__name__, hook)
        return plugin


def _max_price_holds(
    offers: list[Decimal],
    currency: str,
    rate: Decimal | None,
    limit: Decimal,
    honest: bool,
) -> None:
    shop = Shop()
    shop.offers, shop.currency, shop.honest = offers, currency, honest
    plugins = Plugins()
    plugins.add(shop.plugin())
    rates = {} if rate is None else {currency: rate}
    settings_ = Settings(
        providers=("shop",), provider={"shop": {"currency": currency}}, rates=rates
    )

    async def attempt() -> Number | SmsError:
        async with Client(settings_, plugins=plugins) as client:
            try:
                return await client.buy("telegram", "us", max_price=limit)
            except SmsError as error:
                return error

    outcome = asyncio.run(attempt())

    if rate is None and currency != "USD":
        assert isinstance(outcome, ConfigError)
        assert "no rate is configured" in outcome.message
        assert shop.sold == 0
        return
    usd_rate = Decimal(1) if currency == "USD" else rate
    assert usd_rate is not None
    if isinstance(outcome, Number):
        assert outcome.price is not None
        assert outcome.price.amount * usd_rate <= limit
        assert shop.cancelled == []
    else:
        assert isinstance(outcome, NoNumbers)
        # Whatever was sold above the limit was cancelled at once.
        assert len(shop.cancelled) == shop.sold


MAX_PRICE_CASES = dict(
    offers=st.lists(AMOUNTS, min_size=0, max_size=6),
    currency=CURRENCIES,
    rate=st.one_of(
        st.none(),
        st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("3"), places=4),
    ),
    limit=AMOUNTS,
    honest=st.booleans(),
)


@QUICK
@given(**MAX_PRICE_CASES)
def test_max_price_is_never_exceeded(**case: Any) -> None:
    _max_price_holds(**case)


@pytest.mark.slow
@SLOW
@given(**MAX_PRICE_CASES)
def test_max_price_is_never_exceeded_10k(**case: Any) -> None:
    _max_price_holds(**case)


# -- hostile replies ----------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        st.sampled_from(
            ["", "0", "-1", "NaN", "1e999", "ACCESS_NUMBER", "wait_sms", "1001"]
        ),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                ["id", "phone", "price", "currency", "status", "code", "sms", "balance",
                 "response", "error", "error_code", "error_msg", "number", "order_id",
                 "tzid", "success", "message", "request_id", "cost", "text", "prices"]
            ) | st.text(max_size=8),
            children,
            max_size=6,
        ),
    ),
    max_leaves=12,
)  # fmt: skip

BODIES = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    JSON_VALUES.map(lambda v: json.dumps(v, allow_nan=True).encode()),
    JSON_VALUES.map(lambda v: json.dumps(v, allow_nan=True).encode()[:-3]),
    st.sampled_from(
        [
            b"ACCESS_NUMBER:",
            b"ACCESS_NUMBER:123:",
            b"STATUS_OK:",
            b"ACCESS_BALANCE:abc",
            b"<html><body>moved</body></html>",
            b"x" * (MAX_BODY + 1),
            b"[" * 5000 + b"]" * 5000,
        ]
    ),
)
REPLIES = st.builds(
    lambda status, body, kind: (status, body, kind),
    st.sampled_from([200, 201, 400, 401, 402, 403, 404, 409, 422, 429, 500, 503]),
    BODIES,
    st.sampled_from(["application/json", "text/plain", "text/html", ""]),
)
OPERATIONS = st.sampled_from(["balance", "prices", "buy", "poll", "cancel", "finish"])


def mock_client(
    target: Target, reply: Callable[[httpx.Request], httpx.Response]
) -> Client:
    plugins = Plugins()
    plugins.add(target.plugin)
    fake_like = type(
        "F", (), {"key": "fuzz-key-0123456789", "url": "http://127.0.0.1:9/api"}
    )
    transport = httpx.MockTransport(reply)
    return Client(
        settings_for(target, fake_like, retries=1),
        plugins=plugins,
        http_client=httpx.AsyncClient(transport=transport),
    )


async def _operate(client: Client, target: Target, operation: str) -> Any:
    number = Number(provider=target.name, id="1001", phone="+10000000001")
    calls = {
        "balance": lambda: client.balance(target.name),
        "prices": lambda: client.prices(
            target.service, target.country, provider=target.name
        ),
        "buy": lambda: client.buy(target.service, target.country),
        "poll": lambda: client.poll(number),
        "cancel": lambda: client.cancel(number),
        "finish": lambda: client.finish(number),
    }
    return await calls[operation]()


def _only_sms_errors(
    target: Target, reply: tuple[int, bytes, str], operation: str
) -> None:
    status, body, content_type = reply

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status, content=body, headers={"Content-Type": content_type}
        )

    async def run() -> None:
        async with mock_client(target, answer) as client:
            client.settings = attrs_evolve(client.settings, cancel_patience=0.01)
            with contextlib.suppress(SmsError):
                await _operate(client, target, operation)

    asyncio.run(run())


def attrs_evolve(value: Any, **changes: Any) -> Any:
    import attrs

    return attrs.evolve(value, **changes)


@pytest.mark.parametrize("target", TARGETS, ids=str)
@QUICK
@given(reply=REPLIES, operation=OPERATIONS)
def test_hostile_replies_raise_only_sms_errors(
    target: Target, reply: tuple[int, bytes, str], operation: str
) -> None:
    _only_sms_errors(target, reply, operation)


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=str)
@SLOW
@given(reply=REPLIES, operation=OPERATIONS)
def test_hostile_replies_raise_only_sms_errors_10k(
    target: Target, reply: tuple[int, bytes, str], operation: str
) -> None:
    _only_sms_errors(target, reply, operation)


# -- a sold number survives a garbled purchase reply ---------------------------------


@functools.cache
def recorded_purchase(target: Target) -> tuple[list[tuple[Any, Any]], int, str]:
    """The exchange of one real purchase with the fake: requests and replies.

    Returns the exchange, the index of the purchase reply, and the id sold.
    """
    exchange: list[tuple[Any, Any]] = []
    with running(target) as (fake, client):
        server = http_server(fake)
        original = server.app

        def app(request: Any) -> Any:
            reply = original(request)
            exchange.append((request, reply))
            return reply

        server.app = app

        async def buy() -> Number:
            async with client:
                return await client.buy(target.service, target.country)

        number = asyncio.run(buy())
    index = next(
        i
        for i, (_, reply) in enumerate(exchange)
        if number.id in reply.encode()[0].decode()
    )
    return exchange, index, number.id


def _garble(body: Any, number_id: str, garbage: Any) -> Any:
    """``body`` with every field but the one holding the id replaced."""
    if isinstance(body, dict):
        return {
            key: value
            if (str(value) == number_id and not isinstance(value, (dict, list)))
            else _garble(value, number_id, garbage)
            if isinstance(value, (dict, list))
            else garbage
            for key, value in body.items()
        }
    if isinstance(body, list):
        return [_garble(item, number_id, garbage) for item in body]
    return body


def _sold_number_is_kept(target: Target, garbage: Any) -> None:
    exchange, index, number_id = recorded_purchase(target)
    sold_reply = exchange[index][1]
    if not isinstance(sold_reply.body, (dict, list)):
        pytest.skip("the purchase reply is not JSON")
    garbled = json.dumps(_garble(sold_reply.body, number_id, garbage)).encode()
    replies = [reply.encode()[0] for _, reply in exchange]
    replies[index] = garbled
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        position = len(seen) - 1
        body = replies[position] if position < len(replies) else b"{}"
        return httpx.Response(
            200, content=body, headers={"Content-Type": "application/json"}
        )

    async def run() -> Number | SmsError:
        async with mock_client(target, answer) as client:
            client.settings = attrs_evolve(client.settings, cancel_patience=0.01)
            try:
                return await client.buy(target.service, target.country)
            except SmsError as error:
                return error

    outcome = asyncio.run(run())

    if isinstance(outcome, Number):
        assert outcome.id == number_id
    else:
        assert outcome.number is not None, f"{target.name} lost sold number {number_id}"
        assert outcome.number.id == number_id
        assert len(seen) > len(replies) - 1, "no cancel was sent for the sold number"


@pytest.mark.parametrize("target", TARGETS, ids=str)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    garbage=st.one_of(
        st.none(), st.text(max_size=5), st.integers(), st.lists(st.none())
    )
)
def test_a_sold_number_survives_a_garbled_purchase_reply(
    target: Target, garbage: Any
) -> None:
    _sold_number_is_kept(target, garbage)
