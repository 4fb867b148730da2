"""The custom provider's smsplug-v1 replies, mapped onto error kinds."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from smsplug import Client, Number
from smsplug.errors import (
    Banned,
    CountryNotSupported,
    InvalidKey,
    InvalidResponse,
    NoApiKey,
    NoBalance,
    NoNumbers,
    NoSmsReceived,
    ProviderUnavailable,
    SmsError,
)
from smsplug.plugins import Plugins
from smsplug.testing import ReferenceServer
from smsplug.testing.conformance import Harness, run_checks
from smsplug.testing.server import LoopbackServer, Reply, Request
from tests.helpers import custom_settings


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("invalid_key", InvalidKey),
        ("no_balance", NoBalance),
        ("no_numbers", NoNumbers),
        ("banned", Banned),
        ("country_not_supported", CountryNotSupported),
    ],
)
async def test_purchase_errors_map_to_kinds(
    client: Client, reference: ReferenceServer, kind: str, error: type[SmsError]
) -> None:
    reference.fail_next(kind)

    with pytest.raises(error) as caught:
        await client.buy("telegram", "us")

    assert caught.value.kind == kind
    assert caught.value.provider == "custom"
    assert caught.value.raw is not None
    assert reference.numbers == {}


async def test_ban_carries_until_and_time_left(
    client: Client, reference: ReferenceServer
) -> None:
    until = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, minutes=30)
    reference.behaviour.banned_until = until

    with pytest.raises(Banned) as caught:
        await client.balance("custom")

    assert caught.value.until == until.replace(
        microsecond=caught.value.until.microsecond
    )
    assert "min left" in str(caught.value)


async def test_wrong_key_is_invalid_key(
    reference: ReferenceServer, plugins: Plugins
) -> None:
    async with Client(
        custom_settings(reference.url, key="wrong-key-000000"), plugins=plugins
    ) as sms:
        with pytest.raises(InvalidKey) as caught:
            await sms.balance("custom")

    assert "wrong-key-000000" not in repr(caught.value.raw)


async def test_missing_key_is_no_api_key(
    reference: ReferenceServer, plugins: Plugins
) -> None:
    settings = custom_settings(reference.url)
    del settings.provider["custom"]["api_key"]  # type: ignore[attr-defined]

    async with Client(settings, plugins=plugins) as sms:
        with pytest.raises(NoApiKey, match="SMSPLUG_CUSTOM_API_KEY"):
            await sms.balance("custom")

    assert reference.requests == []


async def test_unsupported_country(client: Client) -> None:
    with pytest.raises(CountryNotSupported) as caught:
        await client.buy("telegram", "aq")

    assert "did you mean" not in str(caught.value)


async def test_misspelled_names_get_suggestions(client: Client) -> None:
    with pytest.raises(CountryNotSupported) as caught:
        await client.buy("telegarm", "germny")

    assert "service 'telegarm': did you mean telegram" in str(caught.value)
    assert "country 'germny': did you mean germany" in str(caught.value)


async def test_rate_limit_is_retried_then_served(
    client: Client, reference: ReferenceServer
) -> None:
    reference.behaviour.rate_limited = 2

    balance = await client.balance("custom")

    assert str(balance.money) == "$10.00"
    assert reference.server.count("GET", "/v1/balance") == 3


async def test_provider_ending_the_number_is_no_sms_received(
    client: Client, reference: ReferenceServer
) -> None:
    reference.behaviour.no_code = True
    reference.behaviour.lifetime = 0.0
    number = await client.buy("telegram", "us")

    with pytest.raises(NoSmsReceived, match="expired"):
        await client.poll(number)


async def test_cancelling_an_unknown_number_is_quiet(client: Client) -> None:
    await client.cancel(Number(provider="custom", id="999999", phone=""))


async def test_ids_cannot_change_the_path(
    client: Client, reference: ReferenceServer
) -> None:
    with pytest.raises(SmsError):
        await client.poll(Number(provider="custom", id="../balance", phone=""))

    assert reference.requests[-1].path == "/v1/numbers/..%2Fbalance"


async def test_prices_are_listed(client: Client) -> None:
    prices = await client.prices("telegram", "us", provider="custom")

    assert [(p.service, p.country, str(p.price), p.available) for p in prices] == [
        ("telegram", "us", "$0.25", 42)
    ]


HOSTILE = [
    pytest.param(
        Reply("<html><h1>Moved</h1></html>", content_type="text/html"), id="html"
    ),
    pytest.param(
        Reply(b'{"balance": "1', content_type="application/json"), id="truncated"
    ),
    pytest.param(Reply([1, 2, 3]), id="list"),
    pytest.param(Reply({"balance": 12.5, "currency": "USD"}), id="float-money"),
    pytest.param(Reply({"balance": "NaN", "currency": "USD"}), id="nan"),
    pytest.param(Reply({"balance": "1", "currency": "dollars"}), id="bad-currency"),
    pytest.param(Reply({"balance": "1"}), id="missing-field"),
    pytest.param(Reply({"error": "nope"}, status=400), id="error-not-object"),
    pytest.param(Reply({"error": {"code": "mystery"}}, status=418), id="unknown-code"),
    pytest.param(Reply(b"\xff\xfe\x00garbage"), id="binary"),
]


@pytest.fixture
async def hostile() -> AsyncIterator[tuple[Client, LoopbackServer]]:
    with LoopbackServer(lambda request: Reply("")) as server:
        plugins = Plugins()
        import smsplug_custom

        plugins.add(smsplug_custom)
        async with Client(custom_settings(server.url), plugins=plugins) as sms:
            yield sms, server


@pytest.mark.parametrize("reply", HOSTILE)
async def test_hostile_replies_are_invalid_response(
    hostile: tuple[Client, LoopbackServer], reply: Reply
) -> None:
    sms, server = hostile
    server.app = lambda request: reply

    with pytest.raises(InvalidResponse) as caught:
        await sms.balance("custom")

    assert caught.value.provider == "custom"


async def test_unknown_number_status_is_not_waiting(
    hostile: tuple[Client, LoopbackServer],
) -> None:
    sms, server = hostile
    server.app = lambda request: Reply(
        {"id": "1", "status": "teleported", "code": None}
    )

    with pytest.raises(InvalidResponse, match="teleported"):
        await sms.poll(Number(provider="custom", id="1", phone=""))


async def test_5xx_html_is_provider_unavailable(
    hostile: tuple[Client, LoopbackServer],
) -> None:
    sms, server = hostile
    server.app = lambda request: Reply(
        "<h1>503</h1>", status=503, content_type="text/html"
    )

    with pytest.raises(ProviderUnavailable):
        await sms.balance("custom")


async def test_sold_number_with_garbled_details_is_cancelled(
    hostile: tuple[Client, LoopbackServer],
) -> None:
    sms, server = hostile

    def app(request: Request) -> Reply:
        if request.path == "/v1/numbers":
            sold = {"id": "77", "phone": "+15550000077", "price": 0.3}
            return Reply(sold, status=201)
        return Reply({"id": "77", "status": "cancelled"})

    server.app = app
    with pytest.raises(InvalidResponse, match="sold but its details could not be read"):
        await sms.buy("telegram", "us")

    assert server.count("POST", "/v1/numbers/77/cancel") == 1


async def test_conformance(client: Client, reference: ReferenceServer) -> None:
    harness = Harness(
        client, "custom", service="telegram", country="us", fake=reference
    )

    failures = await run_checks(harness)

    assert failures == {}
