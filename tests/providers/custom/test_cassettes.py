"""Replay the custom provider's recorded traffic through the public Client.

Record mode is ``none`` and the base URL points at a closed loopback port, so
a request that the cassette does not hold fails the test.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import smsplug_custom
from smsplug import Balance, Client, Money, Price
from smsplug.plugins import Plugins
from smsplug.testing.cassettes import cassette_vcr, provenance_of
from tests.helpers import custom_settings
from tests.providers.custom.scenarios import CASSETTES, SCENARIOS, Scenario

NOWHERE = "http://127.0.0.1:9"

EXPECTED: dict[str, Any] = {
    "balance": Balance("custom", Money("10.00")),
    "prices": [Price("custom", "telegram", "us", Money("0.25"), available=42)],
    "code-after-waiting": ("1001", "926919"),
    "timeout-then-cancel": "no_sms_received",
    "cancel-too-early-then-cancelled": "1001",
    "max-price-refused": "no_numbers",
    "sold-above-max-price-cancelled": "no_numbers",
    "error-invalid-key": "invalid_key",
    "error-no-balance": "no_balance",
    "error-no-numbers": "no_numbers",
    "error-banned": "banned",
    "error-country-not-supported": "country_not_supported",
    "error-garbled-reply": "invalid_response",
    "rate-limited-then-served": Balance("custom", Money("10.00")),
}


async def replay(scenario: Scenario) -> tuple[Any, Any]:
    plugins = Plugins()
    plugins.add(smsplug_custom)
    settings = custom_settings(NOWHERE, key="any-key-works-here", **scenario.settings)
    path = CASSETTES / f"{scenario.name}.yaml"
    with cassette_vcr().use_cassette(str(path)) as cassette:
        async with Client(settings, plugins=plugins) as client:
            outcome = await scenario.run(client)
    return outcome, cassette


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
async def test_replay(scenario: Scenario) -> None:
    outcome, cassette = await replay(scenario)

    assert outcome == EXPECTED[scenario.name]
    assert cassette.all_played, "the replay left recorded requests unused"


def test_every_scenario_has_an_expectation() -> None:
    assert sorted(EXPECTED) == sorted(s.name for s in SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_cassette_says_where_it_came_from(scenario: Scenario) -> None:
    note = provenance_of(CASSETTES / f"{scenario.name}.yaml")

    assert note is not None
    assert note.startswith("Recorded on ")


async def test_timeout_replay_polls_three_times_then_cancels() -> None:
    scenario = next(s for s in SCENARIOS if s.name == "timeout-then-cancel")

    _, cassette = await replay(scenario)

    paths = [(r.method, r.path) for r in cassette.requests]
    assert paths == [
        ("POST", "/v1/numbers"),
        ("GET", "/v1/numbers/1001"),
        ("GET", "/v1/numbers/1001"),
        ("GET", "/v1/numbers/1001"),
        ("POST", "/v1/numbers/1001/cancel"),
    ]


async def test_sold_above_max_price_replay_cancels() -> None:
    scenario = next(s for s in SCENARIOS if s.name == "sold-above-max-price-cancelled")

    _, cassette = await replay(scenario)

    assert [r.path for r in cassette.requests] == [
        "/v1/numbers",
        "/v1/numbers/1001/cancel",
    ]
    assert b'"max_price": "0.5000"' in cassette.requests[0].body


def test_decimal_price_in_prices_cassette() -> None:
    assert EXPECTED["prices"][0].price.amount == Decimal("0.25")
