"""Reading 5sim's replies: every documented one, and broken or hostile ones.

Replies are served by an in-memory httpx transport, so each test drives the
real request code and the core's HTTP layer without any socket.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import smsplug_fivesim
from smsplug import Code, ConfigError, Money, Number, SmsError, errors
from smsplug.http import MAX_BODY, ProviderHTTP, RetryPolicy
from smsplug.provider import Provider
from smsplug_fivesim import wire

ORDER: dict[str, Any] = {
    "id": 512345678,
    "phone": "+447700900123",
    "operator": "virtual21",
    "product": "telegram",
    "price": 21.5,
    "status": "RECEIVED",
    "expires": "2026-12-04T15:35:00.123456Z",
    "sms": [],
    "created_at": "2026-12-04T15:20:00.123456Z",
    "forwarding": False,
    "forwarding_number": "",
    "country": "england",
}
NUMBER = Number(provider="5sim", id="512345678", phone="+447700900123")
Reply = tuple[int, bytes | str | Any]


def _sms(code: Any, text: str = "Telegram code: 48291", date: Any = None) -> Any:
    item = {"sender": "Telegram", "text": text, "code": code}
    if date is not None:
        item["date"] = item["created_at"] = date
    return item


def order(**fields: Any) -> dict[str, Any]:
    return {**ORDER, **fields}


class Served:
    """Answers every request with the next scripted reply, and keeps the requests."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body = self.replies.pop(0) if self.replies else (200, ORDER)
        headers = {}
        if isinstance(body, tuple):
            body, headers = body
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):
            body = json.dumps(body).encode()
        return httpx.Response(status, content=body, headers=headers)


@pytest.fixture
def served() -> Served:
    return Served()


@pytest.fixture
async def provider(served: Served) -> AsyncIterator[Provider]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(served)) as client:
        yield make_provider(client)


def make_provider(client: httpx.AsyncClient, **settings: str) -> Provider:
    values = {"api_key": "eyJtest", "operator": "any", "currency": "RUB", **settings}
    http = ProviderHTTP(
        "5sim",
        "https://5sim.test/v1",
        client,
        retry=RetryPolicy(attempts=2, backoff=0, max_wait=0),
    )
    return Provider(
        smsplug_fivesim.provider_info(), values, http, logging.getLogger("test")
    )


# -- documented replies ---------------------------------------------------------


async def test_balance_is_the_profile_balance_in_the_account_currency(
    provider: Provider, served: Served
) -> None:
    served.replies.append((200, {"id": 1, "balance": 87.5, "rating": 96}))

    balance = await wire.get_balance(provider)

    assert balance.money == Money(Decimal("87.5"), "RUB")
    request = served.requests[0]
    assert str(request.url) == "https://5sim.test/v1/user/profile"
    assert request.headers["authorization"] == "Bearer eyJtest"
    assert request.headers["accept"] == "application/json"


async def test_currency_setting_names_the_balance_currency(served: Served) -> None:
    served.replies.append((200, {"balance": 3.2}))
    async with httpx.AsyncClient(transport=httpx.MockTransport(served)) as client:
        provider = make_provider(client, currency="usd")

        balance = await wire.get_balance(provider)

    assert balance.money == Money(Decimal("3.2"), "USD")


async def test_buy_reads_the_order(provider: Provider, served: Served) -> None:
    served.replies.append((200, order(status="PENDING", sms=None)))

    number = await wire.get_number(provider, "vk", "us", Money("25.5", "RUB"))

    assert (number.id, number.phone) == ("512345678", "+447700900123")
    assert number.price == Money("21.5", "RUB")
    assert number.expires_at is not None
    assert number.expires_at.isoformat() == "2026-12-04T15:35:00.123456+00:00"
    url = served.requests[0].url
    assert url.path == "/v1/user/buy/activation/usa/any/vkontakte"
    assert url.params["maxPrice"] == "25.5"


async def test_buy_uses_the_operator_setting(served: Served) -> None:
    served.replies.append((200, ORDER))
    async with httpx.AsyncClient(transport=httpx.MockTransport(served)) as client:
        provider = make_provider(client, operator="Virtual21")

        await wire.get_number(provider, "telegram", "gb", None)

    assert served.requests[0].url.path.endswith("/england/virtual21/telegram")
    assert "maxPrice" not in served.requests[0].url.params


async def test_operator_setting_must_be_a_name(served: Served) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(served)) as client:
        provider = make_provider(client, operator="../any")

        with pytest.raises(ConfigError, match="5sim operator"):
            await wire.get_number(provider, "telegram", "gb", None)
    assert served.requests == []


async def test_order_ids_beyond_32_bits_stay_exact(
    provider: Provider, served: Served
) -> None:
    served.replies.append((200, order(id=98765432109876543)))

    number = await wire.get_number(provider, "telegram", "gb", None)

    assert number.id == "98765432109876543"


async def test_phone_without_plus_is_normalised(
    provider: Provider, served: Served
) -> None:
    served.replies.append((200, order(phone="447700900123")))

    number = await wire.get_number(provider, "telegram", "gb", None)

    assert number.phone == "+447700900123"


@pytest.mark.parametrize("status", ["PENDING", "RECEIVED", "received"])
async def test_issued_number_without_sms_is_waiting(
    provider: Provider, served: Served, status: str
) -> None:
    served.replies.append((200, order(status=status, sms=None)))

    assert await wire.check(provider, NUMBER) is None
    assert served.requests[0].url.path == "/v1/user/check/512345678"


async def test_code_comes_from_the_sms_list(provider: Provider, served: Served) -> None:
    served.replies.append((200, order(sms=[_sms("48291")])))

    code = await wire.check(provider, NUMBER)

    assert code == Code("48291", "Telegram code: 48291")


@pytest.mark.parametrize("status", ["CANCELED", "TIMEOUT", "BANNED"])
async def test_number_ended_by_5sim_has_no_code(
    provider: Provider, served: Served, status: str
) -> None:
    served.replies.append((200, order(status=status)))

    with pytest.raises(errors.NoSmsReceived) as caught:
        await wire.check(provider, NUMBER)

    assert caught.value.refunded is True
    assert caught.value.number_id == "512345678"


async def test_finished_number_without_sms_is_not_refunded(
    provider: Provider, served: Served
) -> None:
    served.replies.append((200, order(status="FINISHED")))

    with pytest.raises(errors.NoSmsReceived) as caught:
        await wire.check(provider, NUMBER)

    assert caught.value.refunded is False


async def test_unknown_status_is_not_taken_for_waiting(
    provider: Provider, served: Served
) -> None:
    served.replies.append((200, order(status="PAUSED")))

    with pytest.raises(errors.InvalidResponse, match="unknown order status 'PAUSED'"):
        await wire.check(provider, NUMBER)


@pytest.mark.parametrize(
    ("body", "status", "kind"),
    [
        ("no free phones", 200, errors.NoNumbers),
        ("no free phones", 400, errors.NoNumbers),
        ("not enough product qty", 400, errors.NoNumbers),
        ("not enough user balance", 400, errors.NoBalance),
        ("not enough rating", 400, errors.Banned),
        ("bad country", 400, errors.CountryNotSupported),
        ("select country", 400, errors.CountryNotSupported),
        ("bad operator", 400, errors.CountryNotSupported),
        ("select operator", 400, errors.CountryNotSupported),
        ("no product", 400, errors.CountryNotSupported),
        ("server offline", 400, errors.ProviderUnavailable),
        ("order not found", 404, errors.NotFound),
        ("record not found", 404, errors.NotFound),
        ("order expired", 400, errors.NoSmsReceived),
        ("order no sms", 400, errors.NoSmsReceived),
        ("order has sms", 400, errors.InvalidResponse),
        ("hosting order", 400, errors.InvalidResponse),
        ("you need to wait time", 400, errors.ProviderUnavailable),
        ("", 401, errors.InvalidKey),
        ("<html>Bad Gateway</html>", 200, errors.InvalidResponse),
        ("404 page not found", 404, errors.InvalidResponse),
    ],
)
async def test_every_documented_reply_maps_to_its_kind(
    provider: Provider, served: Served, body: str, status: int, kind: type[SmsError]
) -> None:
    served.replies.append((status, body))

    with pytest.raises(kind) as caught:
        await wire.get_number(provider, "telegram", "gb", None)

    assert caught.value.provider == "5sim"


@pytest.mark.parametrize(
    "body", ["No Free Phones\n", '"no free phones"', "  no free phones"]
)
async def test_error_text_is_matched_leniently(
    provider: Provider, served: Served, body: str
) -> None:
    served.replies.append((200, body))

    with pytest.raises(errors.NoNumbers):
        await wire.get_number(provider, "telegram", "gb", None)


async def test_503_on_a_purchase_is_not_retried(
    provider: Provider, served: Served
) -> None:
    served.replies.append((503, ""))

    with pytest.raises(errors.ProviderUnavailable):
        await wire.get_number(provider, "telegram", "gb", None)

    assert len(served.requests) == 1


async def test_429_reports_the_retry_after(provider: Provider, served: Served) -> None:
    served.replies += [(429, ("", {"Retry-After": "0"}))] * 2

    with pytest.raises(errors.ProviderUnavailable) as caught:
        await wire.get_balance(provider)

    assert caught.value.retry_after == 0.0
    assert len(served.requests) == 2


async def test_prices_list_each_operator(provider: Provider, served: Served) -> None:
    offers = {
        "virtual21": {"cost": 21.5, "count": 340, "rate": 88.2},
        "virtual38": {"cost": 18, "count": 0},
    }
    served.replies.append((200, {"england": {"telegram": offers}}))

    prices = await wire.price_list(provider, "telegram", "GB")

    assert [(p.price.amount, p.available, p.country) for p in prices] == [
        (Decimal("21.5"), 340, "gb"),
        (Decimal("18"), 0, "gb"),
    ]
    assert served.requests[0].url.params == httpx.QueryParams(
        {"product": "telegram", "country": "england"}
    )
    assert "authorization" not in served.requests[0].headers


@pytest.mark.parametrize("body", [None, {}, {"england": {}}, {"england": None}])
async def test_prices_not_offered_are_empty(
    provider: Provider, served: Served, body: Any
) -> None:
    served.replies.append((200, body))

    assert await wire.price_list(provider, "telegram", "gb") == []


# -- ending a number ------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        (200, order(status="CANCELED")),
        (200, order(status="TIMEOUT")),
        (200, order(status="BANNED")),
        (400, "order expired"),
    ],
)
async def test_cancel_of_an_ended_number_is_quiet(
    provider: Provider, served: Served, reply: Reply
) -> None:
    served.replies.append(reply)

    await wire.cancel(provider, NUMBER)

    assert served.requests[0].url.path == "/v1/user/cancel/512345678"


async def test_cancel_refused_for_now_asks_to_retry(
    provider: Provider, served: Served
) -> None:
    served.replies.append((400, "you need to wait time"))

    with pytest.raises(errors.ProviderUnavailable, match="does not allow this yet"):
        await wire.cancel(provider, NUMBER)


async def test_cancel_after_an_sms_finishes_instead(
    provider: Provider, served: Served
) -> None:
    served.replies += [(400, "order has sms"), (200, order(status="FINISHED"))]

    await wire.cancel(provider, NUMBER)

    assert [r.url.path for r in served.requests] == [
        "/v1/user/cancel/512345678",
        "/v1/user/finish/512345678",
    ]


async def test_cancel_that_leaves_the_number_open_is_reported(
    provider: Provider, served: Served
) -> None:
    served.replies.append((200, order(status="RECEIVED")))

    with pytest.raises(errors.InvalidResponse, match="left the order 'RECEIVED'"):
        await wire.cancel(provider, NUMBER)


async def test_finish_of_an_expired_number_is_quiet(
    provider: Provider, served: Served
) -> None:
    served.replies.append((400, "order expired"))

    await wire.finish(provider, NUMBER)

    assert served.requests[0].url.path == "/v1/user/finish/512345678"


async def test_ban_returns_the_status(provider: Provider, served: Served) -> None:
    served.replies.append((200, order(status="BANNED")))

    assert await wire.ban(provider, "512345678") == "BANNED"
    assert served.requests[0].url.path == "/v1/user/ban/512345678"


async def test_ban_after_an_sms_is_refused(provider: Provider, served: Served) -> None:
    served.replies.append((400, "order has sms"))

    with pytest.raises(errors.InvalidResponse, match="finish it instead"):
        await wire.ban(provider, "512345678")


@pytest.mark.parametrize("number_id", ["", "abc", "12/../profile", "1 2"])
async def test_order_id_that_is_not_a_number_is_never_sent(
    provider: Provider, served: Served, number_id: str
) -> None:
    with pytest.raises(errors.NotFound, match="5sim order ids are numbers"):
        await wire.ban(provider, number_id)

    assert served.requests == []


# -- the newest code ------------------------------------------------------------


def test_newest_sms_by_date_gives_the_code() -> None:
    sms = [
        _sms("22222", "second 22222", "2026-12-04T15:25:00Z"),
        _sms("11111", "first 11111", "2026-12-04T15:22:10.5Z"),
    ]

    code = wire.newest_code(_order(sms))

    assert code == Code("22222", "second 22222")


def test_without_dates_the_last_sms_is_the_newest() -> None:
    code = wire.newest_code(_order([_sms("11111"), _sms("22222")]))

    assert code is not None
    assert code.code == "22222"


@pytest.mark.parametrize(
    ("sms_code", "text", "expected"),
    [
        ("", "Your code is 739105, valid 5 min", "739105"),
        (None, "G-482913 is your Google code", "482913"),
        (48291, "48291", "48291"),
        ("", "Tap the link to log in", "Tap the link to log in"),
    ],
)
def test_code_missing_from_the_sms_is_read_from_its_text(
    sms_code: Any, text: str, expected: str
) -> None:
    code = wire.newest_code(_order([_sms(sms_code, text)]))

    assert code is not None
    assert code.code == expected
    assert code.text == text


def _order(sms: list[Any]) -> wire.Order:
    response = httpx.Response(200, json=order(sms=sms))
    return wire.read_order(response)


# -- broken and hostile replies -------------------------------------------------

BROKEN: list[Any] = [
    b'{"id": 512345678, "phone": "+4477',  # truncated
    b"[]",
    b"null",
    b"\xff\xfe\x00garbage",
    json.dumps(order(id=True)).encode(),
    json.dumps(order(id="51234abc")).encode(),
    json.dumps(order(id=None)).encode(),
    json.dumps(order(phone=447700900123)).encode(),
    json.dumps(order(phone="call me")).encode(),
    json.dumps(order(status=None)).encode(),
    json.dumps(order(price="cheap")).encode(),
    json.dumps(order(price=-1)).encode(),
    json.dumps(order(sms={"code": "1"})).encode(),
    json.dumps(order(sms=["48291"])).encode(),
    json.dumps(order(sms=[_sms(["4", "8"])])).encode(),
    json.dumps(order(sms=[{"text": 48291}])).encode(),
    b'{"id": 1e999, "phone": "+447700900123", "status": "RECEIVED"}',
]


@pytest.mark.parametrize("body", BROKEN)
async def test_broken_order_is_invalid_response(
    provider: Provider, served: Served, body: bytes
) -> None:
    served.replies.append((200, body))

    with pytest.raises(errors.InvalidResponse):
        await wire.check(provider, NUMBER)


@pytest.mark.parametrize(
    "body",
    [
        {"balance": "lots"},
        {"balance": None},
        {"balance": -3},
        {"balance": True},
        {"balance": float("nan")},
        [87.5],
        "87.5 RUB",
    ],
)
async def test_broken_balance_is_invalid_response(
    provider: Provider, served: Served, body: Any
) -> None:
    served.replies.append(
        (200, json.dumps(body) if not isinstance(body, str) else body)
    )

    with pytest.raises(errors.InvalidResponse):
        await wire.get_balance(provider)


@pytest.mark.parametrize(
    "body",
    [
        {"england": {"telegram": {"virtual21": {"cost": "n/a", "count": 1}}}},
        {"england": {"telegram": {"virtual21": {"cost": 1, "count": -1}}}},
        {"england": {"telegram": {"virtual21": {"cost": 1, "count": "9"}}}},
        {"england": {"telegram": {"virtual21": 21.5}}},
        {"england": {"telegram": ["virtual21"]}},
        {"england": ["telegram"]},
        ["england"],
    ],
)
async def test_broken_prices_are_invalid_response(
    provider: Provider, served: Served, body: Any
) -> None:
    served.replies.append((200, body))

    with pytest.raises(errors.InvalidResponse):
        await wire.price_list(provider, "telegram", "gb")


async def test_oversized_reply_is_refused(provider: Provider, served: Served) -> None:
    served.replies.append((200, b"{" + b" " * (MAX_BODY + 10) + b"}"))

    with pytest.raises(errors.InvalidResponse, match="larger than"):
        await wire.check(provider, NUMBER)


async def test_error_keeps_the_raw_reply_without_the_key(
    provider: Provider, served: Served
) -> None:
    served.replies.append((400, "token rejected: Bearer eyJtest"))

    with pytest.raises(errors.InvalidResponse) as caught:
        await wire.get_balance(provider)

    assert caught.value.raw == "token rejected: Bearer REDACTED"


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    status=st.sampled_from([200, 201, 400, 403, 404, 418]),
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(str.encode),
        st.recursive(
            st.none()
            | st.booleans()
            | st.integers()
            | st.floats()
            | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.sampled_from(list(ORDER)), inner, max_size=12)
            ),
            max_leaves=30,
        ).map(lambda value: json.dumps(value).encode()),
    ),
)
def test_any_reply_gives_an_order_or_an_smsplug_error(status: int, body: bytes) -> None:
    response = httpx.Response(status, content=body)

    result: wire.Order | SmsError
    try:
        result = wire.read_order(response)
    except SmsError as error:
        result = error

    if isinstance(result, SmsError):
        assert result.provider == "5sim"
    else:
        assert result.id.isdigit()
        assert result.phone.startswith("+")
        code = wire.newest_code(result)
        assert code is None or code.code
