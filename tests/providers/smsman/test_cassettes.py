"""Replay every SMS-Man cassette through the public Client (record mode none)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml

from smsplug import (
    Balance,
    Code,
    CountryNotSupported,
    InvalidKey,
    InvalidResponse,
    Money,
    NoBalance,
    NoNumbers,
    NoSmsReceived,
    Number,
    ProviderUnavailable,
)
from smsplug.testing.cassettes import provenance_of
from tests.providers.smsman.scenarios import (
    CASSETTES,
    KEY,
    SCENARIOS,
    cassette_path,
    replay,
    replaying,
)

HINT = "SMS-Man keys need a balance of about $14 to use the API"


def recorded_requests(name: str) -> list[tuple[str, dict[str, str]]]:
    """``(path, query)`` of every request in cassette ``name``, in order."""
    data = yaml.safe_load(cassette_path(name).read_text(encoding="utf-8"))
    requests = []
    for interaction in data["interactions"]:
        parts = urlsplit(interaction["request"]["uri"])
        requests.append((parts.path, dict(parse_qsl(parts.query))))
    return requests


# -- the cassettes themselves -------------------------------------------------


def test_every_scenario_has_a_cassette_and_nothing_else_is_there() -> None:
    on_disk = {path.stem for path in CASSETTES.glob("*.yaml")}

    assert on_disk == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_cassette_says_it_was_written_from_the_documentation(name: str) -> None:
    note = provenance_of(cassette_path(name))

    assert note is not None
    assert note.startswith("Written from the provider's documentation: recorded on ")
    assert note.endswith("not captured from the live service.")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_cassette_holds_no_key(name: str) -> None:
    text = cassette_path(name).read_text(encoding="utf-8")
    tokens = [query.get("token") for _, query in recorded_requests(name)]

    assert KEY not in text
    assert tokens
    assert set(tokens) == {"REDACTED"}


# -- the flow -----------------------------------------------------------------


async def test_balance_is_read_in_roubles() -> None:
    balance = await replay("balance")

    assert balance == Balance("smsman", Money("512.40", "RUB"))


async def test_prices_give_cost_and_stock_of_one_service() -> None:
    prices = await replay("prices")

    assert len(prices) == 1
    assert prices[0].price == Money("18.50", "RUB")
    assert prices[0].available == 1532
    assert (prices[0].service, prices[0].country) == ("telegram", "ru")
    assert recorded_requests("prices") == [
        ("/control/get-prices", {"country_id": "1", "token": "REDACTED"})
    ]


async def test_ids_missing_from_the_table_are_looked_up_by_name() -> None:
    prices = await replay("prices_by_listed_names")

    assert [p.price for p in prices] == [Money("18.50", "RUB")]
    paths = [path for path, _ in recorded_requests("prices_by_listed_names")]
    assert paths == [
        "/control/applications",
        "/control/countries",
        "/control/get-prices",
    ]
    assert recorded_requests("prices_by_listed_names")[2][1]["country_id"] == "10"


async def test_buy_returns_a_string_id_and_the_phone_with_plus() -> None:
    number = await replay("buy")

    assert isinstance(number, Number)
    assert number.id == "48213377"
    assert number.phone == "+70000000377"
    assert number.price is None
    assert dict(number.extra) == {"country_id": "1", "application_id": "3"}
    assert recorded_requests("buy")[0] == (
        "/control/get-number",
        {"application_id": "3", "country_id": "1", "token": "REDACTED"},
    )


async def test_max_price_is_sent_in_whole_roubles_rounded_down() -> None:
    number = await replay("buy_with_max_price")

    query = recorded_requests("buy_with_max_price")[0][1]
    # 0.25 USD at 0.011 USD per rouble is 22.72 RUB: never above the limit.
    assert (query["maxPrice"], query["currency"]) == ("22", "RUB")
    assert number.id == "48213377"


async def test_code_arrives_after_waiting() -> None:
    waits, code = await replay("code_after_waiting")

    assert waits == [None, None]
    assert code == Code("52917")
    assert recorded_requests("code_after_waiting")[-1][1]["status"] == "close"


async def test_second_code_after_asking_for_another_sms() -> None:
    first, unchanged, second = await replay("second_code")

    assert (first.code, unchanged.code, second.code) == ("52917", "52917", "80355")
    statuses = [q.get("status") for _, q in recorded_requests("second_code")]
    assert [s for s in statuses if s] == ["ready", "close"]


async def test_timeout_rejects_the_number_for_a_refund() -> None:
    with pytest.raises(NoSmsReceived) as caught:
        await replay("timeout_then_cancel")

    assert caught.value.refunded is True
    assert caught.value.number_id == "48213377"
    paths = [path for path, _ in recorded_requests("timeout_then_cancel")]
    assert paths.count("/control/get-sms") == 3
    assert recorded_requests("timeout_then_cancel")[-1][1]["status"] == "reject"


async def test_reject_refused_as_too_early_is_retried() -> None:
    await replay("cancel_refused_as_too_early")

    rejects = [
        q for _, q in recorded_requests("cancel_refused_as_too_early") if "status" in q
    ]
    assert [q["status"] for q in rejects] == ["reject", "reject"]


async def test_number_ended_by_sms_man_is_no_sms_received() -> None:
    with pytest.raises(NoSmsReceived) as caught:
        await replay("number_ended_while_waiting")

    assert caught.value.number_id == "48213377"
    assert "ended number 48213377" in caught.value.message


async def test_number_from_another_country_is_cancelled() -> None:
    with pytest.raises(CountryNotSupported) as caught:
        await replay("number_from_another_country")

    assert "does not start with +7" in caught.value.message
    assert "cancelled" in caught.value.message
    assert recorded_requests("number_from_another_country")[-1][1]["status"] == "reject"


# -- the errors ---------------------------------------------------------------


async def test_wrong_token_as_a_string_is_invalid_key() -> None:
    with pytest.raises(InvalidKey) as caught:
        await replay("error_wrong_token_balance")

    assert caught.value.message.startswith(InvalidKey.default_message)
    assert HINT in caught.value.message
    assert caught.value.raw is not None
    assert "Wrong token!" in caught.value.raw


async def test_wrong_token_as_an_object_is_invalid_key() -> None:
    with pytest.raises(InvalidKey) as caught:
        await replay("error_wrong_token_buy")

    # The reply's error_msg is an object; redaction masks what follows "token".
    assert caught.value.raw is not None
    assert '"error_msg": {"token": ' in caught.value.raw


@pytest.mark.parametrize("name", ["error_balance", "error_not_enough_balance"])
async def test_low_balance_reminds_of_the_minimum(name: str) -> None:
    with pytest.raises(NoBalance) as caught:
        await replay(name)

    assert caught.value.message == f"{NoBalance.default_message} ({HINT})"


@pytest.mark.parametrize("name", ["error_no_numbers", "error_no_free_phones"])
async def test_out_of_stock_is_no_numbers(name: str) -> None:
    with pytest.raises(NoNumbers) as caught:
        await replay(name)

    assert caught.value.message == NoNumbers.default_message


@pytest.mark.parametrize(
    "name", ["error_wrong_country_id", "error_wrong_application_id"]
)
async def test_unknown_ids_are_country_not_supported(name: str) -> None:
    with pytest.raises(CountryNotSupported) as caught:
        await replay(name)

    assert caught.value.message == CountryNotSupported.default_message


async def test_unknown_error_code_is_invalid_response_naming_it() -> None:
    with pytest.raises(InvalidResponse) as caught:
        await replay("error_unknown_error_code")

    assert caught.value.message == (
        f"{InvalidResponse.default_message} (SMS-Man answered server_busy: x: Busy)"
    )


async def test_bad_gateway_on_buy_is_provider_unavailable() -> None:
    with pytest.raises(ProviderUnavailable, match="HTTP 502"):
        await replay("error_bad_gateway_on_buy")

    assert len(recorded_requests("error_bad_gateway_on_buy")) == 1


async def test_rate_limit_is_retried_then_provider_unavailable() -> None:
    with pytest.raises(ProviderUnavailable) as caught:
        await replay("error_rate_limited")

    assert "HTTP 429" in caught.value.message
    assert len(recorded_requests("error_rate_limited")) == 2


async def test_html_page_is_invalid_response() -> None:
    with pytest.raises(InvalidResponse, match="not JSON"):
        await replay("error_html_page")


async def test_replay_refuses_a_request_the_cassette_lacks() -> None:
    with pytest.raises(InvalidResponse) as caught:
        async with replaying("balance") as (client, _):
            await client.prices("telegram", "ru", provider="smsman")

    assert "CannotOverwriteExistingCassetteException" in caught.value.message
