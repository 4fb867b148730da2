"""Choosing providers: strategies, fallback, cooldowns, ranking down."""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

import smsplug_custom
from smsplug import (
    Banned,
    Client,
    ConfigError,
    InvalidKey,
    NoBalance,
    NoNumbers,
    NoSmsReceived,
    ProviderInfo,
    ProviderUnavailable,
    Settings,
    hookimpl,
)
from smsplug.plugins import Plugins
from smsplug.testing import Behaviour, ReferenceServer
from smsplug_custom import v1
from tests.helpers import KEY


def v1_provider(name: str) -> ModuleType:
    """Another smsplug-v1 provider, named ``name``."""
    plugin = ModuleType(f"smsplug_{name}")

    @hookimpl
    def provider_info() -> ProviderInfo:
        settings = smsplug_custom.provider_info().settings
        return ProviderInfo(
            name=name, title=name, currency="USD", base_url="", settings=settings
        )

    plugin.provider_info = provider_info  # type: ignore[attr-defined]
    for hook in (
        "get_balance",
        "price_list",
        "get_number",
        "poll_code",
        "cancel",
        "finish",
    ):
        setattr(plugin, hook, getattr(smsplug_custom, hook))
    return plugin


@pytest.fixture
def servers() -> Iterator[dict[str, ReferenceServer]]:
    with (
        ReferenceServer(key=KEY, behaviour=Behaviour(code_delay=60)) as first,
        ReferenceServer(key=KEY, behaviour=Behaviour(code_delay=60)) as second,
    ):
        yield {"alpha": first, "beta": second}


def make_client(
    servers: dict[str, ReferenceServer],
    *,
    strategy: str = "ordered",
    seed: int = 7,
    **extra: Any,
) -> Client:
    plugins = Plugins()
    for name in servers:
        plugins.add(v1_provider(name))
    settings = Settings(
        providers=tuple(servers),
        provider={n: {"api_key": KEY, "base_url": s.url} for n, s in servers.items()},
        strategy=strategy,
        poll_delay=0.02,
        retry_backoff=0.0,
        retry_max_wait=0.0,
        http_timeout=1.0,
        **extra,
    )
    return Client(settings, plugins=plugins, rng=random.Random(seed))


async def test_random_spreads_numbers_over_providers(
    servers: dict[str, ReferenceServer],
) -> None:
    async with make_client(servers, strategy="random") as sms:
        for _ in range(30):
            await sms.cancel(await sms.buy("telegram", "us"))

    sold = {name: len(server.numbers) for name, server in servers.items()}
    assert sum(sold.values()) == 30
    assert min(sold.values()) >= 8


async def test_ordered_takes_the_first_that_works(
    servers: dict[str, ReferenceServer],
) -> None:
    async with make_client(servers) as sms:
        number = await sms.buy("telegram", "us")
        await sms.cancel(number)

    assert number.provider == "alpha"
    assert servers["beta"].requests == []


@pytest.mark.parametrize(
    "kind", ["no_numbers", "no_balance", "country_not_supported", "banned"]
)
async def test_falls_back_after_failures_that_spent_nothing(
    servers: dict[str, ReferenceServer], kind: str
) -> None:
    servers["alpha"].fail_next(kind)

    async with make_client(servers) as sms:
        number = await sms.buy("telegram", "us")
        states = [(e.provider, e.state) for e in sms.ledger.entries()]
        await sms.cancel(number)

    assert number.provider == "beta"
    assert states == [("beta", "active"), ("alpha", "failed")]


async def test_falls_back_when_the_provider_cannot_be_reached(
    servers: dict[str, ReferenceServer],
) -> None:
    servers["alpha"].stop()

    async with make_client(servers) as sms:
        number = await sms.buy("telegram", "us")
        await sms.cancel(number)

    assert number.provider == "beta"


async def test_never_falls_back_once_a_purchase_may_have_been_paid(
    servers: dict[str, ReferenceServer],
) -> None:
    servers["alpha"].behaviour.slow = 1.5

    async with make_client(servers) as sms:
        with pytest.raises(ProviderUnavailable):
            await sms.buy("telegram", "us")

    assert servers["beta"].requests == []


async def test_no_fallback_on_a_bad_key(servers: dict[str, ReferenceServer]) -> None:
    servers["alpha"].fail_next("invalid_key")

    async with make_client(servers) as sms:
        with pytest.raises(InvalidKey):
            await sms.buy("telegram", "us")

    assert servers["beta"].requests == []


async def test_the_error_names_every_provider_tried_and_keeps_the_last_kind(
    servers: dict[str, ReferenceServer],
) -> None:
    servers["alpha"].behaviour.out_of_stock = True
    servers["beta"].fail_next("no_balance")

    async with make_client(servers) as sms:
        with pytest.raises(NoBalance) as caught:
            await sms.buy("telegram", "us")

    message = str(caught.value)
    assert message.startswith("no provider could rent a number: alpha: no_numbers")
    assert "beta: no_balance" in message
    assert [name for name, _ in caught.value.attempts] == ["alpha", "beta"]  # type: ignore[attr-defined]


async def test_same_failure_everywhere_keeps_its_kind(
    servers: dict[str, ReferenceServer],
) -> None:
    for server in servers.values():
        server.behaviour.out_of_stock = True

    async with make_client(servers) as sms:
        with pytest.raises(NoNumbers, match=r"alpha: no_numbers .*; beta: no_numbers"):
            await sms.buy("telegram", "us")


async def test_a_ban_sets_the_provider_aside(
    servers: dict[str, ReferenceServer],
) -> None:
    servers["alpha"].fail_next("banned")

    async with make_client(servers) as sms:
        first = await sms.buy("telegram", "us")
        asked = len(servers["alpha"].requests)
        second = await sms.buy("telegram", "us")
        reason = sms.cooldowns.error("alpha")
        for number in (first, second):
            await sms.cancel(number)

    assert (first.provider, second.provider) == ("beta", "beta")
    assert len(servers["alpha"].requests) == asked
    assert isinstance(reason, Banned)
    assert reason.until is not None


async def test_every_provider_set_aside_reports_why(
    servers: dict[str, ReferenceServer],
) -> None:
    async with make_client({"alpha": servers["alpha"]}) as sms:
        servers["alpha"].fail_next("banned")
        with pytest.raises(Banned):
            await sms.buy("telegram", "us")
        count = len(servers["alpha"].requests)

        with pytest.raises(Banned, match="banned"):
            await sms.buy("telegram", "us")

    assert len(servers["alpha"].requests) == count


async def test_cheapest_picks_the_lowest_usd_price(
    servers: dict[str, ReferenceServer],
) -> None:
    servers["alpha"].behaviour.price = Decimal("0.30")
    servers["beta"].behaviour.price = Decimal("0.20")

    async with make_client(servers, strategy="cheapest") as sms:
        first = await sms.buy("telegram", "us")
        second = await sms.buy("telegram", "us")
        for number in (first, second):
            await sms.cancel(number)

    assert (first.provider, second.provider) == ("beta", "beta")
    assert servers["alpha"].server.count("GET", "/v1/prices") == 1


async def test_cheapest_converts_currencies(
    servers: dict[str, ReferenceServer],
) -> None:
    servers["alpha"].balance = Decimal("100")
    servers["alpha"].behaviour.price = Decimal("15")
    servers["alpha"].behaviour.currency = "RUB"
    servers["beta"].behaviour.price = Decimal("0.20")

    async with make_client(
        servers, strategy="cheapest", rates={"RUB": Decimal("0.01")}
    ) as sms:
        number = await sms.buy("telegram", "us")
        await sms.cancel(number)

    assert number.provider == "alpha"


async def test_provider_that_keeps_timing_out_is_tried_last(
    servers: dict[str, ReferenceServer],
) -> None:
    servers["alpha"].behaviour.no_code = True

    async with make_client(servers) as sms:
        for _ in range(3):
            with pytest.raises(NoSmsReceived):
                async with sms.activation("telegram", "us", timeout=0.02) as number:
                    await number.wait_code()
        after = await sms.buy("telegram", "us")
        elsewhere = await sms.buy("telegram", "gb")
        for bought in (after, elsewhere):
            await sms.cancel(bought)

    assert after.provider == "beta"
    assert elsewhere.provider == "alpha"


def test_order_is_reproducible_with_a_seed() -> None:
    from smsplug.selection import order_providers

    orders = {
        tuple(order_providers("random", ["a", "b", "c"], rng=random.Random(seed)))
        for seed in range(20)
    }

    assert len(orders) > 1
    assert order_providers("ordered", ["a", "b"], rng=random.Random(1)) == ["a", "b"]
    assert v1.get_number is not None


async def test_a_max_price_needs_a_rate_for_every_candidate(
    servers: dict[str, ReferenceServer],
) -> None:
    servers["beta"].behaviour.currency = "RUB"
    client = make_client(servers, strategy="random")
    client.settings.provider["beta"]["currency"] = "RUB"  # type: ignore[index]

    async with client as sms:
        for _ in range(6):
            with pytest.raises(ConfigError, match="beta prices in RUB and no rate"):
                await sms.buy("telegram", "us", max_price="0.50")

    assert servers["alpha"].numbers == {}
