"""SMSPool's HTTP API: the requests smsplug sends and how replies are read.

SMSPool takes POSTed form fields, the API key among them as ``key`` (it is
also sent as a bearer token, which some endpoints are documented to use),
and answers JSON. A refusal carries ``"success": 0`` with a ``message``
(sometimes HTML), an ``errors`` list naming the parameter at fault, and for
purchases a ``type`` such as ``OUT_OF_STOCK``. It comes with HTTP 200, 400,
403, 404 or 422, so the status alone says little. Money is US dollars, as
decimal strings.

The readers (``*_from``) take an :class:`httpx.Response` and raise only
:mod:`smsplug.errors` kinds, whatever the reply holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal
from typing import Any

import httpx

from smsplug import errors
from smsplug.catalog import normalise
from smsplug.models import Balance, Code, Money, Number, Price, to_decimal
from smsplug.provider import Provider
from smsplug_smspool.ids import country_id, service_id

__all__ = [
    "BASE_URL",
    "CURRENCY",
    "PRICING_OPTIONS",
    "balance_from",
    "cancel",
    "code_from",
    "get_balance",
    "get_number",
    "number_from",
    "poll_code",
    "price_from",
    "price_list",
    "refusal",
    "resend",
    "resent_from",
    "stock_from",
]

BASE_URL = "https://api.smspool.net"
CURRENCY = "USD"
#: The ``pricing_option`` setting's values and what SMSPool calls them.
PRICING_OPTIONS: Mapping[str, str] = {"cheapest": "0", "success_rate": "1"}

# The documented values of ``status`` in /sms/check replies.
WAITING = 1
RECEIVED = 3
REFUNDED = 6
# One third-party client reads 4 as "waiting for a resent SMS"; it is
# believed only for numbers smsplug asked SMSPool to resend.
RESEND_WAITING = 4

_CENT = Decimal("0.01")
_MAX_AMOUNT = Decimal(1_000_000)
_MAX_CODE = 500
_MAX_TEXT = 4096
_MAX_MESSAGE = 300
_MAX_ORDER_ID = 64
_TAG = re.compile(r"<[^>]*>")
# How SMSPool says "not now": a cancel too early, a resend too soon.
_LATER = ("try again later", "cannot be cancelled yet")
# How SMSPool refuses to resend an SMS for good.
_NO_RESEND = ("re-send", "resend", "resent")


# -- the hooks' work -----------------------------------------------------------


async def get_balance(provider: Provider) -> Balance:
    response = await _post(provider, "/request/balance", {})
    return balance_from(provider.name, response)


async def price_list(provider: Provider, service: str, country: str) -> list[Price]:
    fields = _where(provider, service, country)
    response = await _post(provider, "/request/price", fields)
    price, pool = price_from(provider.name, response)
    if price is None:
        return []

    stock_fields = dict(fields)
    if pool is not None and "pool" not in stock_fields:
        stock_fields["pool"] = pool
    available = stock_from(
        provider.name, await _post(provider, "/sms/stock", stock_fields)
    )
    return [
        Price(
            provider=provider.name,
            service=normalise(service),
            country=normalise(country),
            price=price,
            available=available,
        )
    ]


async def get_number(
    provider: Provider, service: str, country: str, max_price: Money | None
) -> Number:
    fields = _where(provider, service, country)
    fields["pricing_option"] = PRICING_OPTIONS[
        provider.setting("pricing_option") or "cheapest"
    ]
    if max_price is not None:
        fields["max_price"] = _limit(provider.name, max_price)

    response = await _post(provider, "/purchase/sms", fields, idempotent=False)
    return number_from(provider.name, response, service=service, country=country)


async def poll_code(provider: Provider, number: Number) -> Code | None:
    response = await _post(provider, "/sms/check", {"orderid": number.id})
    return code_from(provider.name, response, number)


async def cancel(provider: Provider, number: Number) -> None:
    response = await _post(provider, "/sms/cancel", {"orderid": number.id})
    body = _json(provider.name, response)
    error = refusal(provider.name, response, body)
    if error is None:
        return
    if isinstance(error, errors.NotFound):
        # Long-finished orders are forgotten by SMSPool: nothing to refund.
        provider.log.info("%s is unknown to SMSPool; nothing to cancel", number.id)
        return
    if not isinstance(error, errors.InvalidResponse):
        raise error

    # A refusal SMSPool does not document (a second cancel, say): the
    # order's state tells whether there is still anything to refund.
    check = await _post(provider, "/sms/check", {"orderid": number.id})
    try:
        code = code_from(provider.name, check, number)
    except errors.NoSmsReceived:
        return  # refunded already
    except errors.NotFound:
        return
    if code is not None:
        provider.log.warning(
            "SMSPool will not cancel %s: its code has arrived, so no refund is due",
            number.id,
        )
        return
    reason = _reason(body) if isinstance(body, dict) else ""
    raise errors.ProviderUnavailable(
        f"SMSPool refused to cancel the number for now ({reason or 'no reason given'})",
        provider=provider.name,
        raw=error.raw,
    )


async def resend(provider: Provider, number: Number) -> Number:
    """Ask SMSPool to send another code to ``number``; returns what to poll.

    SMSPool resends only to numbers that have received a code. The number
    returned remembers the code already seen, so that polling it waits for
    a new one.
    """
    check = await _post(provider, "/sms/check", {"orderid": number.id})
    previous = code_from(provider.name, check, number)

    response = await _post(
        provider, "/sms/resend", {"orderid": number.id}, idempotent=False
    )
    return resent_from(provider.name, response, number, previous)


# -- requests ------------------------------------------------------------------


async def _post(
    provider: Provider,
    path: str,
    fields: Mapping[str, str],
    *,
    idempotent: bool = True,
) -> httpx.Response:
    key = provider.api_key
    return await provider.http.request(
        "POST",
        path,
        data={**fields, "key": key},
        headers={"Authorization": f"Bearer {key}"},
        idempotent=idempotent,
    )


def _where(provider: Provider, service: str, country: str) -> dict[str, str]:
    fields = {
        "country": country_id(country, provider=provider.name),
        "service": service_id(service, provider=provider.name),
    }
    pool = provider.setting("pool")
    if pool:
        fields["pool"] = pool
    return fields


def _limit(name: str, max_price: Money) -> str:
    if max_price.currency != CURRENCY:
        raise errors.ConfigError(
            f"{name} prices in {CURRENCY}; got a max price in {max_price.currency}"
        )
    # Round down: the limit sent must never allow more than the user's.
    cents = max_price.amount.quantize(_CENT, rounding=ROUND_DOWN)
    if cents <= 0:
        raise errors.NoNumbers(
            f"SMSPool prices in whole cents; a max price of {max_price} buys nothing",
            provider=name,
        )
    return str(cents)


# -- replies -------------------------------------------------------------------


def balance_from(name: str, response: httpx.Response) -> Balance:
    body = _object(name, response)
    return Balance(name, Money(_amount(name, body, "balance", response), CURRENCY))


def price_from(name: str, response: httpx.Response) -> tuple[Money | None, str | None]:
    """The lowest price of a /request/price reply, and the pool offering it.

    A reply without a price means nothing is on offer.
    """
    body = _object(name, response)
    if body.get("price") in (None, ""):
        return None, None
    price = Money(_amount(name, body, "price", response), CURRENCY)
    pool = body.get("pool")
    pool_id = _short_text(pool) if isinstance(pool, (int, str)) else None
    return price, pool_id


def stock_from(name: str, response: httpx.Response) -> int | None:
    """How many numbers /sms/stock says are left, when it says."""
    amount = _object(name, response).get("amount")
    if isinstance(amount, str) and amount.isascii() and amount.isdigit():
        amount = int(amount)
    if isinstance(amount, int) and not isinstance(amount, bool) and amount >= 0:
        return amount
    return None


def number_from(
    name: str, response: httpx.Response, *, service: str, country: str
) -> Number:
    order_id = _sold_id(response)
    if order_id is None:
        body = _object(name, response)
        order_id = _order_id(name, body.get("order_id"), response)
    # From here the order exists: whatever else the reply says, the client
    # must learn its id so that it cancels it rather than pay for it.
    with errors.sold(name, order_id):
        body = _object(name, response)
        price = None
        cents = _count(body.get("cost_in_cents"))
        if body.get("cost") not in (None, ""):
            price = Money(_amount(name, body, "cost", response), CURRENCY)
        elif cents is not None:
            price = Money(cents * _CENT, CURRENCY)

        pool = body.get("pool")
        pool_id = _short_text(pool) if isinstance(pool, (int, str)) else None
        extra = {"pool": pool_id} if pool_id else {}
        return Number(
            provider=name,
            id=order_id,
            phone=_phone(name, body, response),
            price=price,
            service=service,
            country=country,
            expires_at=_expiry(body),
            extra=extra,
        )


def _sold_id(response: httpx.Response) -> str | None:
    """The order id in a purchase reply, however garbled the rest is."""
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return None
    value = body.get("order_id") if isinstance(body, dict) else None
    return _short_text(value) if isinstance(value, (int, str)) else None


def code_from(name: str, response: httpx.Response, number: Number) -> Code | None:
    """The code on an /sms/check reply, ``None`` while waiting."""
    body = _object(name, response)
    status = _status(body.get("status"))
    resent = "previous_code" in number.extra

    if status == WAITING or (status == RESEND_WAITING and resent):
        return None
    if status == RECEIVED:
        code = _code(name, body, response)
        if resent and _fingerprint(code.code) == number.extra["previous_code"]:
            return None  # the resent SMS has not replaced the first one yet
        return code
    if status == REFUNDED:
        raise errors.NoSmsReceived(
            "SMSPool ended the number before a code arrived and refunded it",
            provider=name,
            number_id=number.id,
        )
    raise errors.InvalidResponse(
        f"unknown order status {body.get('status')!r}",
        provider=name,
        raw=response.content,
    )


def resent_from(
    name: str, response: httpx.Response, number: Number, previous: Code | None
) -> Number:
    """The number to poll after an /sms/resend reply."""
    body = _json(name, response)
    error = refusal(name, response, body)
    if isinstance(error, errors.InvalidResponse) and any(
        word in error.message.lower() for word in _NO_RESEND
    ):
        raise errors.NoSmsReceived(
            f"SMSPool will not send another code to this number "
            f"({_reason(body)}); buy a new number",
            provider=name,
            number_id=number.id,
            refunded=False,
        )
    if error is not None:
        raise error
    if not isinstance(body, dict):
        raise _not_an_object(name, response)

    order_id = number.id
    if body.get("order_id") not in (None, ""):
        order_id = _order_id(name, body.get("order_id"), response)
    extra = dict(number.extra)
    if previous is not None:
        extra["previous_code"] = _fingerprint(previous.code)
    else:
        extra.setdefault("previous_code", "")
    return Number(
        provider=number.provider,
        id=order_id,
        phone=number.phone,
        price=number.price,
        service=number.service,
        country=number.country,
        expires_at=number.expires_at,
        extra=extra,
    )


def refusal(name: str, response: httpx.Response, body: Any) -> errors.SmsError | None:
    """The error a reply stands for, or ``None`` when it is not a refusal."""
    status = response.status_code
    refused = isinstance(body, dict) and _is_false(body.get("success"))
    if status < 400 and not refused:
        return None

    raw = response.content
    if status == 429 or status >= 500:
        return errors.ProviderUnavailable(
            f"SMSPool answered HTTP {status}; try again later",
            provider=name,
            raw=raw,
            retry_after=_retry_after(response),
        )
    if not isinstance(body, dict):
        return errors.InvalidResponse(
            f"HTTP {status} without an error object", provider=name, raw=raw
        )

    kind = body.get("type")
    reason = _reason(body)
    lowered = reason.lower()
    param = _param(body)
    if kind in ("OUT_OF_STOCK", "PRICE_NOT_FOUND"):
        return errors.NoNumbers(provider=name, raw=raw)
    if kind == "BALANCE_ERROR":
        return errors.NoBalance(provider=name, raw=raw)
    if status == 403 or param == "key" or "invalid api key" in lowered:
        return errors.InvalidKey(provider=name, raw=raw)
    if status == 404 or "could not find this order" in lowered:
        return errors.NotFound(provider=name, raw=raw)
    if any(phrase in lowered for phrase in _LATER):
        return errors.ProviderUnavailable(
            f"SMSPool says not yet: {reason}", provider=name, raw=raw
        )
    # Both are always sent: a complaint about either is about its value.
    if param in ("country", "service") and "missing" not in lowered:
        return errors.CountryNotSupported(provider=name, raw=raw)
    detail = f" ({kind})" if isinstance(kind, str) and kind else ""
    return errors.InvalidResponse(
        f"SMSPool refused the request{detail}: {reason or 'no reason given'}",
        provider=name,
        raw=raw,
    )


# -- reading -------------------------------------------------------------------


def _json(name: str, response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError):
        pass
    status = response.status_code
    if status == 429 or status >= 500:
        raise errors.ProviderUnavailable(
            f"SMSPool answered HTTP {status}; try again later",
            provider=name,
            raw=response.content,
            retry_after=_retry_after(response),
        )
    raise errors.InvalidResponse(provider=name, raw=response.content)


def _object(name: str, response: httpx.Response) -> dict[str, Any]:
    """The reply's JSON object, once it is known not to be a refusal."""
    body = _json(name, response)
    error = refusal(name, response, body)
    if error is not None:
        raise error
    if not isinstance(body, dict):
        raise _not_an_object(name, response)
    return body


def _not_an_object(name: str, response: httpx.Response) -> errors.InvalidResponse:
    return errors.InvalidResponse(
        "expected a JSON object from SMSPool", provider=name, raw=response.content
    )


def _is_false(value: object) -> bool:
    return value is False or value == 0 or value in ("0", "false")


def _reason(body: Mapping[str, Any]) -> str:
    """SMSPool's own words for a refusal, without HTML, briefly."""
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        listed = body.get("errors")
        first = listed[0] if isinstance(listed, list) and listed else None
        message = first.get("message") if isinstance(first, dict) else None
    if not isinstance(message, str):
        return ""
    text = " ".join(_TAG.sub(" ", message).split())
    return text[:_MAX_MESSAGE]


def _param(body: Mapping[str, Any]) -> str | None:
    listed = body.get("errors")
    if not isinstance(listed, list):
        return None
    for item in listed:
        if isinstance(item, dict) and isinstance(item.get("param"), str):
            return str(item["param"]).strip().lower()
    return None


def _amount(
    name: str, body: Mapping[str, Any], field: str, response: httpx.Response
) -> Decimal:
    value = body.get(field)
    try:
        amount = to_decimal(value)
    except ValueError:
        amount = None
    if amount is None or not 0 <= amount < _MAX_AMOUNT:
        raise errors.InvalidResponse(
            f"{field} is not an amount of money: {str(value)[:40]!r}",
            provider=name,
            raw=response.content,
        )
    return amount


def _count(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _status(value: object) -> int | None:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return _count(value)


def _short_text(value: int | str) -> str | None:
    text = str(value).strip()
    if isinstance(value, bool) or not text or len(text) > _MAX_ORDER_ID:
        return None
    if not (text.isascii() and text.isprintable()) or any(c.isspace() for c in text):
        return None
    return text


def _order_id(name: str, value: object, response: httpx.Response) -> str:
    order_id = _short_text(value) if isinstance(value, (int, str)) else None
    if order_id is None:
        raise errors.InvalidResponse(
            "SMSPool's reply has no usable order_id",
            provider=name,
            raw=response.content,
        )
    return order_id


def _phone(name: str, body: Mapping[str, Any], response: httpx.Response) -> str:
    # ``number`` is the whole number, country code included (often a JSON
    # integer); ``cc`` + ``phonenumber`` is the same split in two.
    full = body.get("number")
    if isinstance(full, bool) or not isinstance(full, (int, str)):
        full = f"{body.get('cc', '')}{body.get('phonenumber', '')}"
    digits = str(full).strip().removeprefix("+")
    if not (digits.isascii() and digits.isdigit() and 6 <= len(digits) <= 15):
        raise errors.InvalidResponse(
            "SMSPool's reply has no usable phone number",
            provider=name,
            raw=response.content,
        )
    return f"+{digits}"


def _expiry(body: Mapping[str, Any]) -> dt.datetime | None:
    when = _count(body.get("expiration"))
    if when is not None and when < 2**33:
        return dt.datetime.fromtimestamp(when, dt.UTC)
    seconds = _count(body.get("expires_in"))
    if seconds is not None and seconds < 86_400 * 30:
        return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
    return None


def _code(name: str, body: Mapping[str, Any], response: httpx.Response) -> Code:
    text = _text(body.get("full_sms"))
    code = _text(body.get("sms")) or text
    if not code or len(code) > _MAX_CODE:
        raise errors.InvalidResponse(
            "SMSPool marked the order done without a usable code",
            provider=name,
            raw=response.content,
        )
    return Code(code, text[:_MAX_TEXT] if text else None)


def _text(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip() and value.strip() != "0":
        return value.strip()
    return None


def _fingerprint(code: str) -> str:
    # Numbers may be stored (the ledger); a code is kept only as a digest.
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if value.isascii() and value.isdigit() and int(value) < 86_400:
        return float(value)
    return None
