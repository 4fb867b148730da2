"""SMSPool's recorded scenarios, replayed through the public client.

Replays run with record mode ``none`` against an address nothing listens
on: a request the cassette does not hold fails the test, and every recorded
request must be played.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import attrs
import pytest

from smsplug import Client, Code, Money
from smsplug.errors import (
    CountryNotSupported,
    InvalidKey,
    InvalidResponse,
    NoBalance,
    NoNumbers,
    NoSmsReceived,
    NotFound,
    ProviderUnavailable,
)
from smsplug.testing.cassettes import cassette_vcr, provenance_of
from tests.providers.smspool.record import CASSETTES, KEY, SCENARIOS, plugins, settings

NOWHERE = "http://127.0.0.1:9"


@attrs.frozen
class Replayed:
    outcome: Any
    #: The paths of the requests the scenario sent, in order.
    paths: list[str]
    #: The form fields of each request, the key left out.
    fields: list[dict[str, str]]


Replay = Callable[[str], Awaitable[Replayed]]


@pytest.fixture
def replay() -> Replay:
    async def run(name: str) -> Replayed:
        path = CASSETTES / f"{name}.yaml"
        async with Client(settings(NOWHERE), plugins=plugins()) as client:
            vcr = cassette_vcr(record_mode="none")
            with vcr.use_cassette(str(path)) as cassette:
                outcome = await SCENARIOS[name].run(client)
                assert cassette.all_played, f"{name}: not every request was replayed"
        return Replayed(
            outcome,
            [request.path for request in cassette.requests],
            [_fields(request.body) for request in cassette.requests],
        )

    return run


def _fields(body: bytes | str | None) -> dict[str, str]:
    if isinstance(body, bytes):
        body = body.decode()
    return {k: v for k, v in parse_qsl(body or "") if k != "key"}


# -- the flow ----------------------------------------------------------------


async def test_balance_is_read_in_dollars(replay: Replay) -> None:
    replayed = await replay("balance")

    assert replayed.outcome.provider == "smspool"
    assert replayed.outcome.money == Money("10.00", "USD")
    assert replayed.paths == ["/request/balance"]


async def test_prices_come_with_the_stock_of_the_cheapest_pool(replay: Replay) -> None:
    replayed = await replay("prices")

    [price] = replayed.outcome
    assert price.price == Money("0.25", "USD")
    assert price.available == 42
    assert (price.service, price.country) == ("telegram", "gb")
    assert replayed.paths == ["/request/price", "/sms/stock"]
    assert replayed.fields[0] == {"country": "2", "service": "907"}
    assert replayed.fields[1] == {"country": "2", "service": "907", "pool": "5"}


async def test_buy_sends_ids_and_max_price_and_reads_the_order(replay: Replay) -> None:
    replayed = await replay("buy")

    number = replayed.outcome
    assert number.id == "SP001001"
    assert number.phone == "+447700900001"
    assert number.price == Money("0.25", "USD")
    assert number.extra == {"pool": "5"}
    assert number.expires_at is not None
    assert replayed.fields[0] == {
        "country": "2",
        "service": "907",
        "pricing_option": "0",
        "max_price": "0.50",
    }
    assert replayed.paths == ["/purchase/sms", "/sms/cancel"]


async def test_code_arrives_after_waiting(replay: Replay) -> None:
    replayed = await replay("code_after_waiting")

    assert replayed.outcome == Code("926919", "Your verification code is 926919")
    assert replayed.paths[0] == "/purchase/sms"
    assert replayed.paths.count("/sms/check") >= 2
    assert "/sms/cancel" not in replayed.paths


async def test_second_code_after_a_resend(replay: Replay) -> None:
    replayed = await replay("second_code")

    first, second = replayed.outcome
    assert first.code == "926919"
    assert second.code == "982352"
    resend_at = replayed.paths.index("/sms/resend")
    assert replayed.paths[resend_at - 1] == "/sms/check"
    assert "/sms/check" in replayed.paths[resend_at + 1 :]
    assert "/sms/cancel" not in replayed.paths


async def test_timeout_cancels_and_refunds(replay: Replay) -> None:
    replayed = await replay("timeout_then_cancel")

    error = replayed.outcome
    assert isinstance(error, NoSmsReceived)
    assert error.refunded is True
    assert error.number_id == "SP001001"
    # A check, the wait, a check at the deadline and a last look; then the cancel.
    assert replayed.paths == ["/purchase/sms"] + ["/sms/check"] * 3 + ["/sms/cancel"]


async def test_cancel_refused_as_too_early_is_retried(replay: Replay) -> None:
    replayed = await replay("error_cancel_too_early")

    assert replayed.paths == ["/purchase/sms"] + ["/sms/cancel"] * 3


async def test_refund_while_waiting_ends_the_wait(replay: Replay) -> None:
    replayed = await replay("error_refunded_while_waiting")

    error = replayed.outcome
    assert isinstance(error, NoSmsReceived)
    assert "refunded" in error.message
    # The cancel on the way out is refused; the order's state shows the refund.
    assert replayed.paths[-2:] == ["/sms/cancel", "/sms/check"]


# -- documented errors ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("error_invalid_key", InvalidKey),
        ("error_no_balance", NoBalance),
        ("error_out_of_stock", NoNumbers),
        ("error_price_not_found", NoNumbers),
        ("error_country_not_supported", CountryNotSupported),
    ],
)
async def test_refusals_use_the_standard_wording(
    replay: Replay, name: str, kind: type[Any]
) -> None:
    replayed = await replay(name)

    assert type(replayed.outcome) is kind
    assert replayed.outcome.message == kind.default_message
    assert replayed.outcome.provider == "smspool"
    assert replayed.outcome.raw


async def test_price_not_found_was_asked_with_the_max_price(replay: Replay) -> None:
    replayed = await replay("error_price_not_found")

    assert replayed.fields[0]["max_price"] == "0.10"


async def test_missing_parameter_is_invalid_response_naming_it(replay: Replay) -> None:
    replayed = await replay("error_missing_parameter")

    assert isinstance(replayed.outcome, InvalidResponse)
    assert "missing a required parameter" in replayed.outcome.message


async def test_unknown_order_is_not_found_and_cancelling_it_is_quiet(
    replay: Replay,
) -> None:
    replayed = await replay("error_order_not_found")

    assert isinstance(replayed.outcome, NotFound)
    assert replayed.paths == ["/sms/check", "/sms/cancel"]


async def test_rate_limit_is_retried_then_reported(replay: Replay) -> None:
    replayed = await replay("error_rate_limited")

    assert isinstance(replayed.outcome, ProviderUnavailable)
    assert replayed.paths == ["/request/balance"] * 3


async def test_a_page_that_is_not_json_is_invalid_response(replay: Replay) -> None:
    replayed = await replay("error_not_json")

    assert isinstance(replayed.outcome, InvalidResponse)
    assert replayed.outcome.message == InvalidResponse.default_message


async def test_unknown_status_is_invalid_response_not_waiting(replay: Replay) -> None:
    replayed = await replay("error_unknown_status")

    assert isinstance(replayed.outcome, InvalidResponse)
    assert "unknown order status 9" in replayed.outcome.message


async def test_refused_resend_says_to_buy_a_new_number(replay: Replay) -> None:
    replayed = await replay("error_resend_refused")

    error = replayed.outcome
    assert isinstance(error, NoSmsReceived)
    assert error.refunded is False
    assert "not available for re-send" in error.message


async def test_resend_before_any_code_is_refused(replay: Replay) -> None:
    replayed = await replay("error_resend_before_code")

    assert isinstance(replayed.outcome, NoSmsReceived)
    assert "received a SMS" in replayed.outcome.message
    assert replayed.paths[-1] == "/sms/cancel"


# -- the cassettes themselves ----------------------------------------------------


def test_every_scenario_has_a_cassette_and_every_cassette_a_scenario() -> None:
    on_disk = {path.stem for path in CASSETTES.glob("*.yaml")}

    assert on_disk == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_cassette_says_it_was_written_from_documentation(name: str) -> None:
    note = provenance_of(CASSETTES / f"{name}.yaml")

    assert note is not None
    assert note.startswith("Written from the provider's documentation")
    assert "not captured from the live service" in note


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_cassette_holds_no_key(name: str) -> None:
    text = (CASSETTES / f"{name}.yaml").read_text(encoding="utf-8")

    assert KEY not in text
    assert "Bearer" not in text
    assert "key=REDACTED" in text
