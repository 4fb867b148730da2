"""Every 5sim cassette, replayed through the public Client without the network."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from smsplug import (
    Balance,
    Client,
    Code,
    Money,
    NoSmsReceived,
    Number,
    SmsError,
    errors,
)
from smsplug.testing.cassettes import cassette_vcr, provenance_of
from tests.providers.fivesim.scenarios import (
    CASSETTES,
    KEY,
    REPLAY_URL,
    SCENARIOS,
    outcome,
    plugins,
    settings,
)

RUB = "RUB"
CASSETTE_FILES = sorted(CASSETTES.glob("*.yaml"))


async def replay(name: str) -> tuple[Any, list[str]]:
    """Run scenario ``name`` against its cassette; return its outcome and URIs."""
    scenario = SCENARIOS[name]
    recorder = cassette_vcr(record_mode="none")
    with recorder.use_cassette(str(scenario.cassette)) as cassette:
        config = settings(REPLAY_URL, **scenario.settings)
        async with Client(config, plugins=plugins()) as client:
            result = await outcome(scenario, client)
        assert cassette.all_played, f"{name}: some recorded replies were not asked for"
        uris = [request.uri for request in cassette.requests]
    return result, uris


def paths(uris: list[str]) -> list[str]:
    return [uri.split("/v1/", 1)[1] for uri in uris]


# -- the cassettes themselves ---------------------------------------------------


def test_every_scenario_has_a_cassette() -> None:
    assert {path.stem for path in CASSETTE_FILES} == set(SCENARIOS)


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: p.stem)
def test_cassette_says_it_was_written_from_documentation(path: Any) -> None:
    note = provenance_of(path)

    assert note is not None
    assert note.startswith("Written from the provider's documentation")
    assert "not captured from the live service" in note


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: p.stem)
def test_cassette_holds_no_secret_or_phone(path: Any) -> None:
    text = path.read_text(encoding="utf-8")

    assert KEY not in text
    assert "eyJ" not in text
    assert "+4477009" not in text  # the fake's numbers, before scrubbing
    assert "authorization:\n      - REDACTED" in text or "/guest/" in text


# -- the main flow --------------------------------------------------------------


async def test_balance_is_read_from_the_profile() -> None:
    result, uris = await replay("balance")

    assert result == Balance("5sim", Money(Decimal("87.5"), RUB))
    assert paths(uris) == ["user/profile"]


async def test_prices_list_every_operator_of_the_country() -> None:
    result, uris = await replay("prices")

    assert [(p.price, p.available, p.country, p.service) for p in result] == [
        (Money("21.5", RUB), 340, "gb", "telegram"),
        (Money("18.5", RUB), 0, "gb", "telegram"),
    ]
    assert paths(uris) == ["guest/prices?country=england&product=telegram"]


async def test_prices_for_any_country_name_each_country() -> None:
    result, uris = await replay("prices_any_country")

    assert sorted({p.country for p in result}) == ["gb", "us"]
    assert len(result) == 4
    assert paths(uris) == ["guest/prices?product=telegram"]


async def test_prices_of_a_product_not_offered_are_empty() -> None:
    result, _ = await replay("prices_not_offered")

    assert result == []


async def test_prices_keep_only_the_configured_operator() -> None:
    result, _ = await replay("prices_one_operator")

    assert [(p.price, p.available) for p in result] == [(Money("18.5", RUB), 0)]


async def test_buy_returns_the_order_as_a_number() -> None:
    result, uris = await replay("buy")

    assert isinstance(result, Number)
    assert (result.id, result.phone) == ("512345678", "+400000000678")
    assert result.price == Money("21.5", RUB)
    assert (result.service, result.country) == ("telegram", "gb")
    assert result.expires_at is not None
    assert dict(result.extra) == {
        "product": "telegram",
        "operator": "virtual21",
        "country": "england",
    }
    assert paths(uris) == [
        "user/buy/activation/england/any/telegram",
        "user/cancel/512345678",
    ]


async def test_max_price_is_sent_in_roubles() -> None:
    result, uris = await replay("buy_max_price")

    assert result.price == Money("21.5", RUB)
    # $0.30 at 0.011 USD per rouble, rounded down.
    assert paths(uris)[0] == (
        "user/buy/activation/england/any/telegram?maxPrice=27.2727"
    )


async def test_code_arrives_after_waiting_and_number_is_finished() -> None:
    (number, code), uris = await replay("code_after_waiting")

    assert code == Code("24082", "Your telegram code: 24082. Do not share it.")
    assert paths(uris) == [
        "user/buy/activation/england/any/telegram",
        "user/check/512345678",
        "user/check/512345678",
        "user/check/512345678",
        "user/finish/512345678",
    ]
    assert number.id == "512345678"


async def test_second_sms_gives_the_newer_code() -> None:
    (first, second), _ = await replay("second_code")

    assert first.code == "24082"
    assert second.code == "46542"


async def test_timeout_cancels_and_refunds() -> None:
    result, uris = await replay("timeout_then_cancel")

    assert isinstance(result, NoSmsReceived)
    assert result.refunded is True
    assert result.number_id == "512345678"
    assert paths(uris)[-1] == "user/cancel/512345678"


async def test_cancel_refused_for_now_is_retried() -> None:
    result, uris = await replay("cancel_refused_then_cancel")

    assert isinstance(result, NoSmsReceived)
    assert result.refunded is True
    assert paths(uris)[-2:] == ["user/cancel/512345678", "user/cancel/512345678"]


async def test_ban_reports_the_number() -> None:
    result, uris = await replay("ban")

    assert result == "BANNED"
    assert paths(uris)[-1] == "user/ban/512345678"


async def test_cancel_of_an_expired_number_is_quiet() -> None:
    result, uris = await replay("order_expired_on_cancel")

    assert result is None
    assert paths(uris)[-1] == "user/cancel/512345678"


async def test_cancel_after_an_sms_finishes_the_number() -> None:
    result, uris = await replay("order_has_sms")

    assert result.id == "512345678"
    assert paths(uris)[-2:] == ["user/cancel/512345678", "user/finish/512345678"]


# -- every documented error -----------------------------------------------------

STANDARD = [
    ("no_free_phones", errors.NoNumbers),
    ("no_free_phones_400", errors.NoNumbers),
    ("max_price_too_low", errors.NoNumbers),
    ("not_enough_product_qty", errors.NoNumbers),
    ("not_enough_user_balance", errors.NoBalance),
    ("not_enough_rating", errors.Banned),
    ("bad_country", errors.CountryNotSupported),
    ("select_country", errors.CountryNotSupported),
    ("no_product", errors.CountryNotSupported),
    ("bad_operator", errors.CountryNotSupported),
    ("select_operator", errors.CountryNotSupported),
    ("server_offline", errors.ProviderUnavailable),
    ("ip_limited", errors.ProviderUnavailable),
    ("invalid_key", errors.InvalidKey),
    ("garbage", errors.InvalidResponse),
    ("order_not_found", errors.NotFound),
    ("record_not_found", errors.NotFound),
]


@pytest.mark.parametrize(("name", "kind"), STANDARD, ids=[n for n, _ in STANDARD])
async def test_error_reply_raises_its_kind_with_the_standard_wording(
    name: str, kind: type[SmsError]
) -> None:
    result, _ = await replay(name)

    assert isinstance(result, kind), result
    assert result.provider == "5sim"
    assert result.message.startswith(kind.default_message)


async def test_low_rating_says_what_to_do() -> None:
    result, _ = await replay("not_enough_rating")

    assert "finish or cancel the numbers still open" in result.message
    assert result.raw == "not enough rating"


async def test_unknown_operator_names_the_setting() -> None:
    result, uris = await replay("bad_operator")

    assert "SMSPLUG_5SIM_OPERATOR" in result.message
    assert paths(uris) == ["user/buy/activation/england/virtual99/telegram"]


async def test_rate_limit_is_retried_then_reported() -> None:
    result, uris = await replay("rate_limited")

    assert result.kind == "provider_unavailable"
    assert result.message == "the provider answered HTTP 429; try again later"
    assert len(uris) == 3


@pytest.mark.parametrize(
    ("name", "message", "refunded"),
    [
        ("order_expired", "the number expired at 5sim without a code", True),
        ("order_timeout_status", "5sim ended the number (timeout) before", True),
        ("order_no_sms", "5sim finishes only numbers that received an SMS", False),
    ],
)
async def test_number_ended_without_code(
    name: str, message: str, refunded: bool
) -> None:
    result, _ = await replay(name)

    assert isinstance(result, NoSmsReceived)
    assert result.message.startswith(message)
    assert result.refunded is refunded


async def test_hosting_order_is_refused_plainly() -> None:
    result, _ = await replay("hosting_order")

    assert result.kind == "invalid_response"
    assert (
        result.message == "this is a 5sim hosting order, which smsplug does not handle"
    )
