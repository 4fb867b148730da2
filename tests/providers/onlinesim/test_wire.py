"""OnlineSim's replies, documented and otherwise: only smsplug errors come out."""

from __future__ import annotations

import contextlib
import json
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smsplug import (
    Banned,
    Client,
    Code,
    ConfigError,
    CountryNotSupported,
    InvalidKey,
    InvalidResponse,
    Money,
    NoBalance,
    NoNumbers,
    NoSmsReceived,
    NotFound,
    Number,
    ProviderUnavailable,
    SmsError,
)
from smsplug.catalog import SERVICES as CATALOG
from smsplug.testing.server import Reply, Request
from smsplug_onlinesim import ids, wire
from smsplug_onlinesim.fake import OnlineSimFake
from smsplug_onlinesim.wire import Operation
from tests.providers.onlinesim.scenarios import plugins
from tests.providers.onlinesim.scenarios import settings as client_settings

# Replies as the OnlineSim documentation shows them.
WAITING = {
    "country": 7,
    "sum": 12,
    "service": "telegram",
    "number": "+79161234567",
    "response": "TZ_NUM_WAIT",
    "tzid": 87654321,
    "time": 880,
    "form": "index",
}
IN_POOL = {
    "country": 7,
    "sum": 12,
    "service": "telegram",
    "response": "TZ_INPOOL",
    "tzid": 87654321,
    "time": 895,
    "form": "index",
}
ARRIVED = {
    **WAITING,
    "response": "TZ_NUM_ANSWER",
    "time": 610,
    "msg": [{"service": "telegram", "msg": "52917"}],
}
EXPIRED = {**WAITING, "response": "TZ_OVER_EMPTY", "time": 0}
STATS = {
    "name": "Russia",
    "position": 1,
    "code": 7,
    "new": False,
    "enabled": True,
    "services": {
        "service_telegram": {
            "count": 154,
            "popular": True,
            "code": 7,
            "price": 12,
            "id": 3,
            "service": "Telegram",
            "slug": "telegram",
        }
    },
}

FIELDS = (
    *("response", "balance", "tzid", "number", "msg", "services", "slug"),
    *("price", "count", "sum", "time", "country", "service", "enabled"),
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(FIELDS),
            inner,
            max_size=6,
        )
    ),
    max_leaves=25,
)


def reply(body: Any, status: int = 200, content_type: str = "application/json") -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.Response(
        status, content=content, headers={"content-type": content_type}
    )


# -- decode: the reply envelope -------------------------------------------------


def test_success_object_comes_back_as_is() -> None:
    body = {"response": 1, "balance": "230.25", "zbalance": 0}

    assert wire.decode(reply(body)) == body


def test_success_may_be_the_string_one() -> None:
    assert wire.decode(reply({"response": "1", "tzid": 5})) == {
        "response": "1",
        "tzid": 5,
    }


def test_state_list_is_not_an_error_despite_its_response_field() -> None:
    assert wire.decode(reply([WAITING])) == [WAITING]


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("ERROR_WRONG_KEY", InvalidKey),
        ("ERROR_NO_KEY", InvalidKey),
        ("ACCOUNT_BLOCKED", Banned),
        ("WARNING_LOW_BALANCE", NoBalance),
        ("NO_NUMBER", NoNumbers),
        ("TRY_AGAIN_LATER", ProviderUnavailable),
        ("UNDEFINED_COUNTRY", CountryNotSupported),
        ("ERROR_WRONG_TZID", NotFound),
        ("NO_COMPLETE_TZID", InvalidResponse),  # only a close handles it
    ],
)
def test_error_code_with_http_200_raises_its_kind(
    code: str, kind: type[SmsError]
) -> None:
    with pytest.raises(kind) as caught:
        wire.decode(reply({"response": code}), provider="onlinesim")

    assert type(caught.value) is kind
    assert caught.value.provider == "onlinesim"
    assert caught.value.raw == json.dumps({"response": code})


def test_expected_code_comes_back_as_a_refusal() -> None:
    with pytest.raises(wire.Refusal) as caught:
        wire.decode(
            reply({"response": "NO_COMPLETE_TZID", "tzid": 1}),
            expect=frozenset({"NO_COMPLETE_TZID"}),
        )

    assert caught.value.code == "NO_COMPLETE_TZID"


def test_error_code_in_a_4xx_reply_is_read_too() -> None:
    with pytest.raises(InvalidKey):
        wire.decode(reply({"response": "ERROR_WRONG_KEY"}, status=403))


def test_4xx_without_an_error_code_is_invalid_response() -> None:
    with pytest.raises(InvalidResponse):
        wire.decode(reply({"detail": "forbidden"}, status=403))


def test_5xx_is_provider_unavailable() -> None:
    with pytest.raises(ProviderUnavailable, match="HTTP 503"):
        wire.decode(reply(b"<h1>busy</h1>", status=503, content_type="text/html"))


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body>502 Bad Gateway</body></html>",
        b'{"response": 1, "balance": "23',
        b"",
        b"\xff\xfe\x00garbage",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["html", "truncated", "empty", "binary", "deeply-nested"],
)
def test_unreadable_body_is_invalid_response_in_standard_wording(
    content: bytes,
) -> None:
    with pytest.raises(InvalidResponse) as caught:
        wire.decode(reply(content, content_type="text/html"))

    assert caught.value.message == InvalidResponse.default_message


@pytest.mark.parametrize(
    "value", [0, True, 1.0, None, ["ERROR_WRONG_KEY"], "<script>x</script>", "a" * 90]
)
def test_odd_response_value_is_invalid_response(value: Any) -> None:
    with pytest.raises(InvalidResponse):
        wire.decode(reply({"response": value}))


def test_unknown_error_code_keeps_the_reply() -> None:
    with pytest.raises(InvalidResponse) as caught:
        wire.decode(reply({"response": "NEED_EXTENSION_NUMBER"}))

    assert caught.value.raw == '{"response": "NEED_EXTENSION_NUMBER"}'
    assert "unknown error code NEED_EXTENSION_NUMBER" in caught.value.__notes__[0]


# -- balance ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "amount"),
    [("230.25", "230.25"), (230.25, "230.25"), (0, "0"), ("-15.50", "-15.50")],
)
def test_balance_string_or_number(value: Any, amount: str) -> None:
    assert wire.parse_balance({"response": 1, "balance": value}) == Decimal(amount)


@pytest.mark.parametrize(
    "body",
    [
        {"response": 1},
        {"response": 1, "balance": "abc"},
        {"response": 1, "balance": None},
        {"response": 1, "balance": True},
        {"response": 1, "balance": []},
        {"response": 1, "balance": "NaN"},
        {"response": 1, "balance": "1e999999"},
        {"response": 1, "balance": "9" * 5000},
        [{"balance": "1"}],
        "230.25",
    ],
)
def test_malformed_balance_is_invalid_response(body: Any) -> None:
    with pytest.raises(InvalidResponse):
        wire.parse_balance(body)


# -- prices -------------------------------------------------------------------


def test_offer_is_found_by_slug() -> None:
    offer = wire.find_offer(STATS, "telegram")

    assert offer == wire.Offer(slug="telegram", price=Decimal("12"), available=154)


def test_offer_is_found_by_display_name_and_any_case() -> None:
    assert wire.find_offer(STATS, "TELEGRAM") is not None
    assert wire.find_offer(STATS, "Telegram") is not None


def test_services_may_be_a_list_and_counts_strings() -> None:
    body = {"services": [{"slug": "vkcom", "price": "7.50", "count": "3"}]}

    assert wire.find_offer(body, "vkcom") == wire.Offer("vkcom", Decimal("7.50"), 3)


def test_unlisted_service_or_disabled_country_offers_nothing() -> None:
    assert wire.find_offer(STATS, "whatsapp") is None
    assert wire.find_offer({**STATS, "enabled": False}, "telegram") is None
    assert wire.find_offer({"services": []}, "telegram") is None


def test_odd_lines_for_other_services_are_ignored() -> None:
    body = {
        "services": {
            "broken": {"slug": "viber", "price": "free"},
            "junk": "not an object",
            "service_telegram": {"slug": "telegram", "price": 12, "count": -4},
        }
    }

    assert wire.find_offer(body, "telegram") == wire.Offer(
        "telegram", Decimal(12), None
    )


@pytest.mark.parametrize(
    "body",
    [
        {"services": {"t": {"slug": "telegram", "price": "free"}}},
        {"services": {"t": {"slug": "telegram", "price": -1}}},
        {"services": {"t": {"slug": "telegram"}}},
        {"services": "telegram"},
        {"name": "Russia"},
        ["telegram"],
    ],
)
def test_malformed_stats_are_invalid_response(body: Any) -> None:
    with pytest.raises(InvalidResponse):
        wire.find_offer(body, "telegram")


# -- purchase -----------------------------------------------------------------


def test_purchase_gives_tzid_and_number() -> None:
    body = {"response": 1, "tzid": 87654321, "number": "+79161234567"}

    assert wire.parse_purchase(body) == ("87654321", "+79161234567")


def test_purchase_without_number_gives_none() -> None:
    assert wire.parse_purchase({"response": 1, "tzid": "87654321"}) == (
        "87654321",
        None,
    )


@pytest.mark.parametrize(
    "tzid", [None, 0, -5, 1.5, True, "abc", "12a", "١٢٣", 10**20, [1], {"id": 1}]
)
def test_purchase_with_bad_tzid_is_invalid_response(tzid: Any) -> None:
    with pytest.raises(InvalidResponse):
        wire.parse_purchase({"response": 1, "tzid": tzid})


@pytest.mark.parametrize(
    "number", ["+7916<script>", "12", "+" + "9" * 20, 7.5, ["1"], "", False]
)
def test_purchase_with_unreadable_number_keeps_the_order(number: Any) -> None:
    body = {"response": 1, "tzid": 1, "number": number}

    assert wire.parse_purchase(body) == ("1", None)


@pytest.mark.parametrize("number", ["+7916<script>", "12", "+" + "9" * 20, 7.5, ["1"]])
def test_unreadable_phone_number_is_invalid_response(number: Any) -> None:
    with pytest.raises(InvalidResponse):
        wire.phone_number(number, 7)


# -- phone numbers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "country", "phone"),
    [
        ("+79161234567", 7, "+79161234567"),
        ("79161234567", 7, "+79161234567"),
        ("9161234567", 7, "+79161234567"),
        (79161234567, None, "+79161234567"),
        ("+1 (555) 010-0123", 1, "+15550100123"),
        ("7011234567", 77, "+77011234567"),
        ("77011234567", 77, "+77011234567"),
        ("447700900123", None, "+447700900123"),
    ],
)
def test_phone_numbers_come_out_with_plus(
    value: Any, country: int | None, phone: str
) -> None:
    assert wire.phone_number(value, country) == phone


# -- operations and codes ------------------------------------------------------


def test_waiting_operation_has_no_code() -> None:
    [operation] = wire.parse_operations([WAITING])

    assert operation == Operation(
        tzid="87654321",
        state="TZ_NUM_WAIT",
        phone="+79161234567",
        price=Decimal(12),
        seconds_left=880,
    )
    assert wire.read_code(operation) is None


def test_operation_in_pool_has_no_number_yet() -> None:
    [operation] = wire.parse_operations([IN_POOL])

    assert operation.phone is None
    assert wire.read_code(operation) is None


def test_arrived_code_is_read_from_the_message_list() -> None:
    [operation] = wire.parse_operations([ARRIVED])

    assert wire.read_code(operation) == Code("52917")


def test_arrived_code_is_read_from_a_plain_message() -> None:
    [operation] = wire.parse_operations([{**ARRIVED, "msg": "52917"}])

    assert wire.read_code(operation) == Code("52917")


def test_whole_sms_gives_the_code_and_keeps_the_text() -> None:
    text = "Telegram code 52917. Do not give this code to anyone"
    [operation] = wire.parse_operations([{**ARRIVED, "msg": text}])

    assert wire.read_code(operation) == Code("52917", text)


def test_messages_seen_before_asking_for_the_next_are_skipped() -> None:
    both = [{"service": "telegram", "msg": "52917"}, {"msg": 80364}]
    [one] = wire.parse_operations([ARRIVED])
    [two] = wire.parse_operations([{**ARRIVED, "msg": both}])

    assert wire.read_code(one, seen=1) is None
    assert wire.read_code(two, seen=1) == Code("80364")


def test_expired_operation_ends_the_wait() -> None:
    [operation] = wire.parse_operations([EXPIRED])

    with pytest.raises(NoSmsReceived) as caught:
        wire.read_code(operation, provider="onlinesim")

    assert caught.value.number_id == "87654321"


def test_closed_operation_without_a_new_message_ends_the_wait() -> None:
    [operation] = wire.parse_operations([{**ARRIVED, "response": "TZ_OVER_OK"}])

    with pytest.raises(NoSmsReceived):
        wire.read_code(operation, seen=1)


def test_unknown_state_without_message_keeps_waiting() -> None:
    [operation] = wire.parse_operations([{**WAITING, "response": "TZ_NUM_PREPARE"}])

    assert wire.read_code(operation) is None


def test_single_operation_object_is_accepted() -> None:
    assert len(wire.parse_operations(WAITING)) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"response": "ERROR_NO_OPERATIONS"},
        "TZ_NUM_WAIT",
        [None],
        [{**WAITING, "response": None}],
        [{**WAITING, "response": "tz_num_wait; drop table"}],
        [{**WAITING, "tzid": "x"}],
        [{**WAITING, "msg": {"msg": "1"}}],
        [{**WAITING, "msg": [{"service": "telegram"}]}],
        [{**WAITING, "msg": [" "]}],
        [{**WAITING, "sum": "free"}],
        [{**WAITING, "number": "call me"}],
    ],
)
def test_malformed_state_is_invalid_response(body: Any) -> None:
    with pytest.raises(InvalidResponse):
        wire.parse_operations(body)


# -- fuzzing: whatever arrives, only smsplug errors come out ---------------------


@settings(max_examples=300, deadline=None)
@given(body=JSON)
def test_any_json_reply_gives_a_value_or_an_sms_error(body: Any) -> None:
    for parse in (
        wire.parse_balance,
        wire.parse_purchase,
        wire.parse_operations,
        lambda b: wire.find_offer(b, "telegram"),
        lambda b: [wire.read_code(o) for o in wire.parse_operations(b)],
    ):
        with contextlib.suppress(SmsError):
            parse(body)


@settings(max_examples=200, deadline=None)
@given(content=st.binary(max_size=300), status=st.sampled_from([200, 400, 404, 502]))
def test_any_body_decodes_or_raises_an_sms_error(content: bytes, status: int) -> None:
    with contextlib.suppress(SmsError):
        wire.decode(reply(content, status=status))


# -- names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "code"),
    [("us", 1), ("RU", 7), (" gb ", 44), ("kz", 77), ("44", 44), ("+380", 380)],
)
def test_countries_become_calling_codes(country: str, code: int) -> None:
    assert ids.country_id(country) == code


def test_canada_is_refused_with_a_way_out() -> None:
    with pytest.raises(CountryNotSupported, match="--country 1"):
        ids.country_id("ca")


@pytest.mark.parametrize("country", ["zz", "united states", "0", "12345", "", "7a"])
def test_unknown_country_is_not_supported(country: str) -> None:
    with pytest.raises(CountryNotSupported):
        ids.country_id(country)


@pytest.mark.parametrize(
    ("service", "slug"),
    [
        ("telegram", "telegram"),
        ("Telegram", "telegram"),
        ("vk", "vkcom"),
        ("any", "other"),
        ("VKcom", "VKcom"),
        ("some_site.2", "some_site.2"),
    ],
)
def test_services_become_slugs(service: str, slug: str) -> None:
    assert ids.service_slug(service) == slug


@pytest.mark.parametrize("service", ["", "bad name", "x/../y", "a" * 80, "tg;rm"])
def test_implausible_service_is_not_supported(service: str) -> None:
    with pytest.raises(CountryNotSupported):
        ids.service_slug(service)


def test_every_catalog_service_has_a_slug() -> None:
    assert set(ids.SERVICES) == set(CATALOG)


def test_table_covers_forty_countries_with_distinct_codes() -> None:
    assert len(ids.COUNTRIES) >= 40
    assert len(set(ids.COUNTRIES.values())) == len(ids.COUNTRIES)


# -- requests against the fake ----------------------------------------------------


async def test_number_sent_without_plus_is_normalised(
    client: Client, fake: OnlineSimFake
) -> None:
    fake.behaviour.plus = False

    number = await client.buy("telegram", "ru", max_price=None)

    assert number.phone == "+79087654321"
    assert fake.calls("getNum")[0]["number"] == "true"


@pytest.fixture
def never_assigned(fake: OnlineSimFake, monkeypatch: pytest.MonkeyPatch) -> None:
    """getNum sends no number, and getState never shows one."""
    monkeypatch.setattr(wire, "ASSIGN_DELAY", 0.0)
    fake.behaviour.no_code = True
    fake.behaviour.send_number = False
    fake.behaviour.assign_after = 100


@pytest.mark.usefixtures("never_assigned")
async def test_number_never_assigned_is_cancelled(
    client: Client, fake: OnlineSimFake
) -> None:
    with pytest.raises(NoNumbers, match="assigned no phone number"):
        await client.buy("telegram", "ru", max_price=None)

    assert len(fake.calls("getState")) == wire.ASSIGN_ATTEMPTS
    assert fake.orders["87654321"].refunded


@pytest.mark.usefixtures("never_assigned")
async def test_number_read_after_a_failed_state_call(
    client: Client, fake: OnlineSimFake
) -> None:
    fake.behaviour.assign_after = 0

    def garble_first_state(request: Request) -> Reply:
        if request.path == "/api/getState.php" and not fake.calls("getState")[1:]:
            return Reply("<html>busy</html>", content_type="text/html")
        return fake.handle(request)

    fake.app = garble_first_state

    number = await client.buy("telegram", "ru", max_price=None)

    assert (number.id, number.phone) == ("87654321", "+79087654321")
    assert len(fake.calls("getState")) == 2


@pytest.mark.usefixtures("never_assigned")
async def test_unassigned_number_that_cannot_be_closed_is_named(
    client: Client, fake: OnlineSimFake
) -> None:
    fake.behaviour.close_guard = 60
    client.settings = attrs.evolve(client.settings, cancel_patience=0.05)

    with pytest.raises(NoNumbers) as caught:
        await client.buy("telegram", "ru", max_price=None)

    assert "cancelling number 87654321 failed" in caught.value.message
    assert "smsplug recover" in caught.value.message
    entry = client.ledger.entries()[0]
    assert (entry.number_id, entry.state) == ("87654321", "active")


async def test_state_failing_after_purchase_keeps_the_number(
    client: Client, fake: OnlineSimFake
) -> None:
    def state_garbled(request: Request) -> Reply:
        if request.path == "/api/getState.php":
            return Reply("<html>oops</html>", content_type="text/html")
        return fake.handle(request)

    fake.app = state_garbled

    number = await client.buy("telegram", "ru", max_price=None)

    assert (number.id, number.phone, number.price) == ("87654321", "+79087654321", None)


async def test_id_that_is_not_a_number_is_not_sent(
    client: Client, fake: OnlineSimFake
) -> None:
    with pytest.raises(NotFound, match="order ids are numbers"):
        await client.poll(Number(provider="onlinesim", id="12&tzid=3", phone=""))

    assert fake.requests == []


async def test_currency_setting_names_the_balance_currency(fake: OnlineSimFake) -> None:
    options = client_settings(fake.url)
    options.provider["onlinesim"]["currency"] = "USD"  # type: ignore[index]

    async with Client(options, plugins=plugins()) as sms:
        balance = await sms.balance("onlinesim")

    assert balance.money == Money("230.25", "USD")


@pytest.mark.parametrize(
    ("field", "value"), [("currency", "rubles"), ("close_retry", "0")]
)
async def test_bad_settings_stop_the_purchase_before_it_is_sent(
    fake: OnlineSimFake, field: str, value: str
) -> None:
    options = client_settings(fake.url)
    options.provider["onlinesim"][field] = value  # type: ignore[index]

    async with Client(options, plugins=plugins()) as sms:
        with pytest.raises(ConfigError, match=field):
            await sms.buy("telegram", "ru", max_price=None)

    assert fake.calls("getNum") == []
