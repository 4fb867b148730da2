"""SMSPool's replies read into models and errors, and the requests sent.

Reply bodies are the documented shapes (values invented); hostile ones must
come out as smsplug errors and nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smsplug import Client, Code, Money, Number, errors
from smsplug.testing.server import LoopbackServer, Reply, Request
from smsplug_smspool import ids, wire
from smsplug_smspool.fake import SmspoolFake
from tests.providers.smspool.record import plugins
from tests.providers.smspool.record import settings as smspool_settings

NAME = "smspool"
NUMBER = Number(provider=NAME, id="K7QZ2M4P", phone="+447700900111")


def reply(body: Any, status: int = 200, **headers: str) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers=headers)


# -- balance and prices ----------------------------------------------------------


def test_balance_is_a_dollar_string() -> None:
    balance = wire.balance_from(NAME, reply({"balance": "3.75"}))

    assert balance.money == Money("3.75", "USD")
    assert balance.provider == NAME


def test_balance_as_a_json_number_is_read_exactly() -> None:
    balance = wire.balance_from(NAME, reply({"balance": 0.1}))

    assert balance.money.amount == Decimal("0.1")


def test_price_comes_with_its_pool() -> None:
    body = {"price": "0.31", "high_price": "0.45", "pool": 5, "success_rate": 92}

    price, pool = wire.price_from(NAME, reply(body))

    assert price == Money("0.31", "USD")
    assert pool == "5"


def test_price_missing_means_nothing_on_offer() -> None:
    assert wire.price_from(NAME, reply({"price": None})) == (None, None)


@pytest.mark.parametrize(
    ("body", "amount"),
    [
        ({"success": 1, "amount": 7126}, 7126),
        ({"success": 1, "amount": "12"}, 12),
        ({"success": 1, "amount": -3}, None),
        ({"success": 1}, None),
    ],
)
def test_stock_is_a_count_when_it_is_one(body: Any, amount: int | None) -> None:
    assert wire.stock_from(NAME, reply(body)) == amount


# -- the purchase ------------------------------------------------------------------

PURCHASE = {
    "success": 1,
    "number": 447700900111,
    "cc": "44",
    "phonenumber": "7700900111",
    "order_id": "K7QZ2M4P",
    "country": "United Kingdom",
    "service": "Telegram",
    "pool": 5,
    "expires_in": 1200,
    "expiration": 1767000000,
    "message": "You have succesfully ordered a Telegram number from pool: Alpha.",
    "cost": "0.31",
    "cost_in_cents": 31,
}


def test_purchase_reads_the_order() -> None:
    number = wire.number_from(NAME, reply(PURCHASE), service="telegram", country="gb")

    assert number.id == "K7QZ2M4P"
    assert number.phone == "+447700900111"
    assert number.price == Money("0.31", "USD")
    assert number.expires_at == dt.datetime(2025, 12, 29, 9, 20, tzinfo=dt.UTC)
    assert number.extra == {"pool": "5"}
    assert (number.service, number.country) == ("telegram", "gb")


def test_purchase_without_the_full_number_joins_its_parts() -> None:
    body = {k: v for k, v in PURCHASE.items() if k != "number"}

    number = wire.number_from(NAME, reply(body), service="telegram", country="gb")

    assert number.phone == "+447700900111"


def test_purchase_price_falls_back_to_cents() -> None:
    body = {k: v for k, v in PURCHASE.items() if k != "cost"}

    number = wire.number_from(NAME, reply(body), service="telegram", country="gb")

    assert number.price == Money("0.31", "USD")


def test_numeric_order_id_becomes_a_string() -> None:
    body = PURCHASE | {"order_id": 12345678}

    number = wire.number_from(NAME, reply(body), service="telegram", country="gb")

    assert number.id == "12345678"


@pytest.mark.parametrize(
    "change",
    [
        {"order_id": None},
        {"order_id": ""},
        {"order_id": "A B"},
        {"order_id": "x" * 65},
        {"order_id": True},
        {"number": "+44 not a number", "phonenumber": None},
        {"number": 12, "cc": None, "phonenumber": None},
        {"cost": "free"},
        {"cost": "-0.31"},
        {"cost": "1e400"},
    ],
)
def test_purchase_reply_that_does_not_add_up_is_invalid(change: dict[str, Any]) -> None:
    body = PURCHASE | change

    with pytest.raises(errors.InvalidResponse):
        wire.number_from(NAME, reply(body), service="telegram", country="gb")


# -- documented refusals -----------------------------------------------------------

OUT_OF_STOCK = {
    "success": 0,
    "type": "OUT_OF_STOCK",
    "message": "<p>Pool <b>Alpha</b>: <p>We couldn't find an available phone "
    "number for you, please try again later!</p></p>",
    "errors": [{"message": "We couldn't find an available phone number for you"}],
    "pools": {"Alpha": {"success": 0, "type": "OUT_OF_STOCK"}},
}
BALANCE_ERROR = {
    "success": 0,
    "type": "BALANCE_ERROR",
    "message": "<p>Pool <b>Alpha</b>: Insufficient balance, the price is: 0.31 "
    "while you only have: 0.05</p>",
}
PRICE_NOT_FOUND = {
    "success": 0,
    "type": "PRICE_NOT_FOUND",
    "message": "We could not find a suitable pool below the price of: 0.05",
}
INVALID_KEY = {
    "success": 0,
    "errors": [
        {
            "message": "Invalid API key",
            "param": "key",
            "description": "Your API key which can be found on your settings page",
        }
    ],
}
MISSING_SERVICE = {
    "success": 0,
    "errors": [
        {
            "message": "You are missing a required parameter for this request.",
            "param": "service",
            "description": "Service name or service ID",
        }
    ],
}
TOO_EARLY = {
    "success": 0,
    "message": "Your order cannot be cancelled yet, please try again later.",
}
NOT_FOUND = {"success": 0, "message": "We could not find this order!"}


@pytest.mark.parametrize(
    ("body", "status", "kind"),
    [
        (OUT_OF_STOCK, 422, errors.NoNumbers),
        (PRICE_NOT_FOUND, 422, errors.NoNumbers),
        (BALANCE_ERROR, 422, errors.NoBalance),
        (INVALID_KEY, 403, errors.InvalidKey),
        (INVALID_KEY, 200, errors.InvalidKey),
        (NOT_FOUND, 404, errors.NotFound),
        (TOO_EARLY, 400, errors.ProviderUnavailable),
        (MISSING_SERVICE, 400, errors.InvalidResponse),
        (OUT_OF_STOCK, 200, errors.NoNumbers),
    ],
)
def test_documented_refusals_map_to_kinds(
    body: Any, status: int, kind: type[errors.SmsError]
) -> None:
    error = wire.refusal(NAME, reply(body, status), body)

    assert type(error) is kind
    assert error.provider == NAME
    assert error.raw


def test_refusals_of_a_kind_use_its_standard_wording() -> None:
    cases: list[tuple[Any, type[errors.SmsError]]] = [
        (OUT_OF_STOCK, errors.NoNumbers),
        (BALANCE_ERROR, errors.NoBalance),
    ]
    for body, kind in cases:
        error = wire.refusal(NAME, reply(body, 422), body)

        assert error is not None
        assert error.message == kind.default_message


def test_undocumented_refusal_keeps_smspool_words_without_html() -> None:
    body = {
        "success": 0,
        "message": "<p>You can only activate orders from <b>pool: 7</b></p>",
    }

    error = wire.refusal(NAME, reply(body, 400), body)

    assert isinstance(error, errors.InvalidResponse)
    assert error.message == (
        "SMSPool refused the request: You can only activate orders from pool: 7"
    )


def test_success_zero_as_a_string_is_a_refusal() -> None:
    body = {"success": "0", "message": "nope"}

    assert isinstance(wire.refusal(NAME, reply(body), body), errors.InvalidResponse)


def test_success_reply_is_no_refusal() -> None:
    body = {"success": 1, "message": "fine"}

    assert wire.refusal(NAME, reply(body), body) is None


def test_rate_limit_honours_retry_after() -> None:
    body = {"success": 0, "message": "Too many requests"}

    error = wire.refusal(NAME, reply(body, 429, **{"Retry-After": "7"}), body)

    assert isinstance(error, errors.ProviderUnavailable)
    assert error.retry_after == 7.0


def test_unknown_value_for_country_is_country_not_supported() -> None:
    body = {
        "success": 0,
        "errors": [{"message": "Invalid country", "param": "country"}],
    }

    error = wire.refusal(NAME, reply(body, 400), body)

    assert isinstance(error, errors.CountryNotSupported)


# -- status checks -----------------------------------------------------------------


def test_pending_order_is_waiting() -> None:
    body = {"status": 1, "resend": 0, "time_left": 1173, "expiration": 1704562249}

    assert wire.code_from(NAME, reply(body), NUMBER) is None


def test_completed_order_gives_code_and_text() -> None:
    body = {"status": 3, "sms": "482913", "full_sms": "Your code is 482913"}

    code = wire.code_from(NAME, reply(body), NUMBER)

    assert code == Code("482913", "Your code is 482913")


def test_status_as_a_string_is_read() -> None:
    body = {"status": "3", "sms": 482913}

    assert wire.code_from(NAME, reply(body), NUMBER) == Code("482913", None)


def test_code_falls_back_to_the_full_text() -> None:
    body = {"status": 3, "sms": "", "full_sms": "Full code: 12345"}

    assert wire.code_from(NAME, reply(body), NUMBER) == Code(
        "Full code: 12345", "Full code: 12345"
    )


def test_refunded_order_ended_without_a_code() -> None:
    body = {"status": 6, "message": "This order has been refunded", "time_left": 0}

    with pytest.raises(errors.NoSmsReceived) as caught:
        wire.code_from(NAME, reply(body), NUMBER)

    assert caught.value.number_id == "K7QZ2M4P"
    assert caught.value.refunded is True


@pytest.mark.parametrize("status", [2, 4, 5, 9, -1, "pending", None, True])
def test_unknown_status_is_invalid_not_waiting(status: Any) -> None:
    body = {"status": status, "sms": ""}

    with pytest.raises(errors.InvalidResponse, match="unknown order status"):
        wire.code_from(NAME, reply(body), NUMBER)


def test_completed_order_without_any_code_is_invalid() -> None:
    with pytest.raises(errors.InvalidResponse):
        wire.code_from(NAME, reply({"status": 3, "sms": "", "full_sms": None}), NUMBER)


def test_check_of_an_unknown_order_is_not_found() -> None:
    with pytest.raises(errors.NotFound):
        wire.code_from(NAME, reply(NOT_FOUND, 404), NUMBER)


# -- resends -----------------------------------------------------------------------

RESENT = {
    "success": 1,
    "message": "Your number has been requested again!",
    "order_id": "QRXWQWZK",
    "charge": 0,
}


def test_resend_may_move_the_number_to_a_new_order() -> None:
    again = wire.resent_from(NAME, reply(RESENT), NUMBER, Code("482913"))

    assert again.id == "QRXWQWZK"
    assert again.phone == NUMBER.phone
    assert "482913" not in again.extra["previous_code"]


def test_after_a_resend_the_old_code_is_not_taken_for_the_new_one() -> None:
    again = wire.resent_from(NAME, reply(RESENT), NUMBER, Code("482913"))

    old = reply({"status": 3, "sms": "482913"})
    new = reply({"status": 3, "sms": "551177"})
    assert wire.code_from(NAME, old, again) is None
    assert wire.code_from(NAME, new, again) == Code("551177")


def test_status_4_means_waiting_only_after_a_resend() -> None:
    again = wire.resent_from(NAME, reply(RESENT), NUMBER, Code("482913"))

    assert wire.code_from(NAME, reply({"status": 4}), again) is None
    with pytest.raises(errors.InvalidResponse):
        wire.code_from(NAME, reply({"status": 4}), NUMBER)


@pytest.mark.parametrize(
    "message",
    [
        "You can only re-send to a phonenumber that has received a SMS",
        "This phonenumber is not available for re-send, please keep in mind that "
        "one-time phonenumbers have no guarantee for resends.",
    ],
)
def test_refused_resend_ends_the_hope_of_another_code(message: str) -> None:
    response = reply({"success": 0, "message": message}, 400)

    with pytest.raises(errors.NoSmsReceived) as caught:
        wire.resent_from(NAME, response, NUMBER, None)

    assert caught.value.refunded is False
    assert "buy a new number" in caught.value.message


def test_resend_not_possible_yet_is_temporary() -> None:
    body = {
        "success": 0,
        "message": "This number cannot be resent at the moment, please try "
        "again later.",
    }

    with pytest.raises(errors.ProviderUnavailable):
        wire.resent_from(NAME, reply(body, 400), NUMBER, None)


# -- hostile replies ---------------------------------------------------------------

HOSTILE = [
    b"",
    b"<html><body>Just a moment...</body></html>",
    b'{"balance": "3.7',
    b"[" * 100_000,
    b"\xff\xfe\x00garbage",
    b"null",
    b"[]",
    b'"just a string"',
    b'{"balance": {"nested": true}, "price": [], "status": {}}',
    b'{"success": 1, "order_id": "' + b"A" * 100_000 + b'"}',
    json.dumps({"status": 3, "sms": "1" * 10_000}).encode(),
    json.dumps({"balance": "NaN", "price": "Infinity", "amount": 1e308}).encode(),
]
READERS: list[Callable[[httpx.Response], object]] = [
    lambda r: wire.balance_from(NAME, r),
    lambda r: wire.price_from(NAME, r),
    lambda r: wire.stock_from(NAME, r),
    lambda r: wire.number_from(NAME, r, service="telegram", country="gb"),
    lambda r: wire.code_from(NAME, r, NUMBER),
    lambda r: wire.resent_from(NAME, r, NUMBER, Code("1")),
]


def _only_sms_errors(response: httpx.Response) -> None:
    for read in READERS:
        try:
            read(response)
        except errors.SmsError:
            continue
        except Exception as exc:  # what this test is about
            pytest.fail(f"{type(exc).__name__} escaped a reader: {exc!r:.200}")


@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("status", [200, 400, 403, 404, 422, 429, 502])
def test_hostile_replies_raise_only_sms_errors(body: bytes, status: int) -> None:
    _only_sms_errors(reply(body, status))


def test_a_page_that_is_not_json_uses_the_standard_wording() -> None:
    with pytest.raises(errors.InvalidResponse) as caught:
        wire.balance_from(NAME, reply(HOSTILE[1], 200, **{"Content-Type": "text/html"}))

    assert caught.value.message == errors.InvalidResponse.default_message
    assert "Just a moment" in (caught.value.raw or "")


def test_an_html_gateway_error_is_provider_unavailable() -> None:
    with pytest.raises(errors.ProviderUnavailable):
        wire.balance_from(NAME, reply(HOSTILE[1], 502))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            ["success", "status", "sms", "full_sms", "order_id", "number", "cc",
             "phonenumber", "cost", "cost_in_cents", "balance", "price", "pool",
             "amount", "type", "message", "errors", "param", "expiration"]
        )
        | st.text(max_size=8),
        inner,
        max_size=8,
    ),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(body=_json, status=st.sampled_from([200, 400, 403, 404, 422, 500]))
def test_any_json_reply_raises_only_sms_errors(body: Any, status: int) -> None:
    _only_sms_errors(reply(json.dumps(body).encode(), status))


# -- ids -------------------------------------------------------------------------


def test_iso_countries_and_catalog_services_become_smspool_ids() -> None:
    assert ids.country_id("GB", provider=NAME) == "2"
    assert ids.country_id(" us ", provider=NAME) == "1"
    assert ids.service_id("Telegram", provider=NAME) == "907"
    assert ids.service_id("whatsapp", provider=NAME) == "1012"


def test_raw_numeric_ids_pass_through() -> None:
    assert ids.country_id("0153", provider=NAME) == "153"
    assert ids.service_id("1388", provider=NAME) == "1388"


@pytest.mark.parametrize(
    ("country", "hint"),
    [("ca", "SMSPool lists no numbers for it"), ("narnia", "ISO 3166-1"), ("0", "ISO")],
)
def test_unknown_country_says_what_to_use(country: str, hint: str) -> None:
    with pytest.raises(errors.CountryNotSupported, match=hint):
        ids.country_id(country, provider=NAME)


@pytest.mark.parametrize(
    ("service", "hint"),
    [("zoom", "SMSPool does not offer it"), ("telgram", "such as telegram")],
)
def test_unknown_service_says_what_to_use(service: str, hint: str) -> None:
    with pytest.raises(errors.CountryNotSupported, match=hint):
        ids.service_id(service, provider=NAME)


def test_every_catalog_service_but_zoom_has_an_id() -> None:
    from smsplug.catalog import SERVICES

    assert set(SERVICES) - set(ids.SERVICE_IDS) == {"zoom"}


# -- requests, against the fake ------------------------------------------------------


async def test_key_goes_as_form_field_and_bearer(
    client: Client, fake: SmspoolFake
) -> None:
    await client.balance(NAME)

    [request] = fake.requests
    assert request.method == "POST"
    assert request.form()["key"] == fake.key
    assert request.headers["authorization"] == f"Bearer {fake.key}"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"


async def test_max_price_is_rounded_down_to_cents(
    client: Client, fake: SmspoolFake
) -> None:
    number = await client.buy("telegram", "gb", max_price="0.309")
    await client.cancel(number)

    purchase = next(r for r in fake.requests if r.path == "/purchase/sms")
    assert purchase.form()["max_price"] == "0.30"


async def test_max_price_below_a_cent_buys_nothing(
    client: Client, fake: SmspoolFake
) -> None:
    with pytest.raises(errors.NoNumbers, match="whole cents"):
        await client.buy("telegram", "gb", max_price="0.004")

    assert fake.requests == []


async def test_pricing_option_and_pool_settings_are_sent(fake: SmspoolFake) -> None:
    env_settings = smspool_settings(fake.url)
    table = dict(env_settings.provider["smspool"]) | {
        "pricing_option": "success_rate",
        "pool": "Alpha",
    }
    configured = smspool_settings(fake.url, provider={"smspool": table})

    async with Client(configured, plugins=plugins()) as sms:
        number = await sms.buy("telegram", "gb")
        await sms.cancel(number)

    form = next(r for r in fake.requests if r.path == "/purchase/sms").form()
    assert (form["pricing_option"], form["pool"]) == ("1", "Alpha")


async def test_cancelling_twice_is_quiet(client: Client, fake: SmspoolFake) -> None:
    number = await client.buy("telegram", "gb")

    await client.cancel(number)
    await client.cancel(number)

    assert fake.balance == Decimal("10.00")
    assert [r.path for r in fake.requests][-2:] == ["/sms/cancel", "/sms/check"]


async def test_cancel_after_the_code_arrived_is_quiet_and_charges(
    client: Client, fake: SmspoolFake
) -> None:
    number = await client.buy("telegram", "gb")
    fake.deliver(number.id, "123456")

    await client.cancel(number)

    assert fake.orders[number.id].status == 3
    assert fake.balance == Decimal("9.75")


async def test_another_code_arrives_on_the_same_number(
    client: Client, fake: SmspoolFake
) -> None:
    number = await client.buy("telegram", "gb")
    fake.deliver(number.id, "111111")
    assert await client.poll(number) == Code(
        "111111", "Your verification code is 111111"
    )

    again = await client.request_another_code(number)
    waiting = await client.poll(again)
    fake.deliver(again.id, "222222")
    second = await client.poll(again)

    assert waiting is None
    assert second == Code("222222", "Your verification code is 222222")
    assert again.id == number.id


async def test_another_code_needs_an_installed_provider(client: Client) -> None:
    other = Number(provider="custom", id="1", phone="+15550001001")

    with pytest.raises(errors.ConfigError, match="not installed"):
        await client.request_another_code(other)


async def test_pending_order_refused_for_no_documented_reason_is_retried() -> None:
    def app(request: Request) -> Reply:
        if request.path == "/sms/cancel":
            return Reply({"success": 0, "message": "<b>Something odd</b>"}, status=400)
        return Reply({"status": 1, "resend": 0, "time_left": 900})

    with LoopbackServer(app) as server:
        configured = smspool_settings(server.url, cancel_patience=0.3)
        async with Client(configured, plugins=plugins()) as sms:
            with pytest.raises(errors.ProviderUnavailable) as caught:
                await sms.cancel(NUMBER)

    assert "refused to cancel the number for now (Something odd)" in str(caught.value)
    assert server.count("POST", "/sms/cancel") >= 2
    assert server.count("POST", "/sms/check") == server.count("POST", "/sms/cancel")
