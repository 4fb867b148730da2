"""5sim's HTTP API: the requests smsplug sends and how their replies are read.

Every call is a GET under ``/v1`` with the key as a bearer token. A success
is a JSON body; a failure is a short plain-text sentence such as
``no free phones`` (sometimes with HTTP 200, sometimes 400), an empty 401
for a bad key, or 429/503 when rate limited. Orders come back as one JSON
object whose ``status`` says where the order stands and whose ``sms`` list
holds what arrived: ``RECEIVED`` means "number issued", not "code received".
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import httpx

from smsplug.catalog import normalise
from smsplug.errors import (
    Banned,
    ConfigError,
    CountryNotSupported,
    InvalidKey,
    InvalidResponse,
    NoBalance,
    NoNumbers,
    NoSmsReceived,
    NotFound,
    ProviderUnavailable,
    SmsError,
    sold,
)
from smsplug.models import Balance, Code, Money, Number, Price, to_decimal
from smsplug.provider import Provider
from smsplug_fivesim import ids

__all__ = [
    "Order",
    "ban",
    "cancel",
    "check",
    "finish",
    "get_balance",
    "get_number",
    "newest_code",
    "price_list",
    "read_order",
    "reply_error",
]

PROVIDER = ids.PROVIDER
#: The order is alive: being prepared, or issued and waiting for SMS.
WAITING = frozenset({"PENDING", "RECEIVED"})
#: The order ended without being used; 5sim gives the money back.
ENDED = frozenset({"CANCELED", "TIMEOUT", "BANNED"})
FINISHED = "FINISHED"

log = logging.getLogger("smsplug.provider.5sim")

_OPERATOR = re.compile(r"[a-z0-9_]{1,40}")
_CODE_IN_TEXT = re.compile(r"(?<!\d)\d{4,8}(?!\d)")
_RATING = (
    "5sim's rating of this account is too low for another number: finish or "
    "cancel the numbers still open; at a rating of 0, 5sim blocks orders for 24 h"
)
_OPERATOR_HINT = (
    "5sim does not know the operator: check SMSPLUG_5SIM_OPERATOR or operator "
    "in [provider.5sim]; any lets 5sim choose"
)


def _with_detail(kind: type[SmsError], detail: str) -> str:
    return f"{kind.default_message} ({detail})"


#: 5sim's plain-text error replies: the error each stands for, and the
#: message when the kind's standard one needs more (as far as an operation
#: does not read the reply differently).
_ERRORS: Mapping[str, tuple[type[SmsError], str | None]] = {
    "no free phones": (NoNumbers, None),
    "not enough product qty": (NoNumbers, None),
    "not enough user balance": (NoBalance, None),
    "not enough rating": (Banned, _with_detail(Banned, _RATING)),
    "bad country": (CountryNotSupported, None),
    "select country": (CountryNotSupported, None),
    "no product": (CountryNotSupported, None),
    "bad operator": (
        CountryNotSupported,
        _with_detail(CountryNotSupported, _OPERATOR_HINT),
    ),
    "select operator": (
        CountryNotSupported,
        _with_detail(CountryNotSupported, _OPERATOR_HINT),
    ),
    "server offline": (ProviderUnavailable, None),
    "you need to wait time": (
        ProviderUnavailable,
        "5sim does not allow this yet; try again in a little while",
    ),
    "order not found": (NotFound, None),
    "record not found": (NotFound, None),
    "order expired": (NoSmsReceived, "the number expired at 5sim without a code"),
    "order no sms": (
        NoSmsReceived,
        "5sim finishes only numbers that received an SMS; cancel this one instead",
    ),
    "order has sms": (
        InvalidResponse,
        "an SMS already arrived on this number, so 5sim refuses to take it back; "
        "finish it instead",
    ),
    "hosting order": (
        InvalidResponse,
        "this is a 5sim hosting order, which smsplug does not handle",
    ),
}


def _error(text: str, raw: bytes) -> SmsError:
    kind, message = _ERRORS[text]
    if kind is NoSmsReceived:
        # Only a number that expired was given back; one never finished was not.
        return NoSmsReceived(
            message, provider=PROVIDER, refunded=text == "order expired"
        )
    return kind(message, provider=PROVIDER, raw=raw)


# -- reading replies ----------------------------------------------------------


def reply_error(response: httpx.Response) -> str | None:
    """The plain-text error 5sim answered with (lower case), or ``None``."""
    text = response.content[:100].decode("utf-8", "replace")
    text = text.strip().strip('"').strip().lower()
    return text if text in _ERRORS else None


def _failure(response: httpx.Response) -> SmsError | None:
    """The error a reply stands for; ``None`` when it may be a success."""
    status = response.status_code
    raw = response.content
    if status == 401:
        return InvalidKey(provider=PROVIDER, raw=raw)
    if status == 429 or status >= 500:
        return ProviderUnavailable(
            provider=PROVIDER, raw=raw, retry_after=_retry_after(response)
        )
    error = reply_error(response)
    if error is not None:
        return _error(error, raw)
    if not 200 <= status < 300:
        return InvalidResponse(
            f"5sim answered HTTP {status} with a reply smsplug does not know",
            provider=PROVIDER,
            raw=raw,
        )
    return None


def _json(response: httpx.Response) -> Any:
    failure = _failure(response)
    if failure is not None:
        raise failure
    try:
        return json.loads(response.content)
    except ValueError:
        raise InvalidResponse(provider=PROVIDER, raw=response.content) from None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


def _invalid(what: str, response: httpx.Response) -> InvalidResponse:
    return InvalidResponse(
        f"could not understand 5sim's reply: {what}",
        provider=PROVIDER,
        raw=response.content,
    )


def _amount(value: object, what: str, response: httpx.Response) -> Decimal:
    try:
        amount = to_decimal(value)
    except ValueError:
        raise _invalid(f"{what} is {value!r}, not an amount", response) from None
    if amount < 0:
        raise _invalid(f"{what} is negative ({amount})", response)
    return amount


@attrs.frozen
class Sms:
    """One message in an order's ``sms`` list."""

    text: str
    code: str | None
    date: dt.datetime | None


@attrs.frozen
class Order:
    """5sim's order object, as buy, check, finish, cancel and ban return it."""

    id: str
    phone: str
    status: str
    price: Decimal | None
    product: str
    operator: str
    country: str
    expires: dt.datetime | None
    sms: tuple[Sms, ...]


def read_order(response: httpx.Response) -> Order:
    """The order in a reply, or the error the reply stands for."""
    body = _json(response)
    if not isinstance(body, dict):
        raise _invalid("an order must be a JSON object", response)

    order_id = body.get("id")
    if isinstance(order_id, bool) or not isinstance(order_id, (int, str)):
        raise _invalid(f"the order id is {order_id!r}", response)
    order_id = str(order_id).strip()
    if not order_id.isdigit():
        raise _invalid(f"the order id is {order_id!r}", response)
    with sold(PROVIDER, order_id):
        return _read_order_details(order_id, body, response)


def _read_order_details(
    order_id: str, body: dict[str, Any], response: httpx.Response
) -> Order:

    phone = body.get("phone")
    digits = (
        "".join(ch for ch in phone if ch.isdigit()) if isinstance(phone, str) else ""
    )
    if not 6 <= len(digits) <= 15:
        raise _invalid(f"the phone is {phone!r}", response)

    status = body.get("status")
    if not isinstance(status, str):
        raise _invalid(f"the status is {status!r}", response)

    price = body.get("price")
    sms = body.get("sms")
    if sms is not None and not isinstance(sms, list):
        raise _invalid("sms must be a list", response)
    return Order(
        id=order_id,
        phone="+" + digits,
        status=status.strip().upper(),
        price=None if price is None else _amount(price, "the price", response),
        product=_text(body.get("product")),
        operator=_text(body.get("operator")),
        country=_text(body.get("country")),
        expires=_time(body.get("expires")),
        sms=tuple(_read_sms(item, response) for item in sms or ()),
    )


def _read_sms(item: object, response: httpx.Response) -> Sms:
    if not isinstance(item, dict):
        raise _invalid("an sms must be a JSON object", response)
    text = item.get("text")
    code = item.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if text is not None and not isinstance(text, str):
        raise _invalid(f"an sms text is {text!r}", response)
    if code is not None and not isinstance(code, str):
        raise _invalid(f"an sms code is {code!r}", response)
    return Sms(
        text=text or "",
        code=(code.strip() or None) if code else None,
        date=_time(item.get("date")) or _time(item.get("created_at")),
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _time(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def newest_code(order: Order) -> Code | None:
    """The code of the newest SMS on the order, or ``None`` when none came."""
    if not order.sms:
        return None
    messages = list(order.sms)
    if all(sms.date is not None for sms in messages):
        messages.sort(key=lambda sms: sms.date or dt.datetime.min)
    newest = messages[-1]
    if newest.code:
        return Code(newest.code, newest.text or None)
    # 5sim leaves the code out when it could not find one in the message.
    found = _CODE_IN_TEXT.search(newest.text)
    code = found.group(0) if found else newest.text.strip()
    if not code:
        return None
    return Code(code, newest.text)


# -- requests -----------------------------------------------------------------


def _headers(provider: Provider) -> dict[str, str]:
    return {"Authorization": f"Bearer {provider.api_key}", "Accept": "application/json"}


def _operator(provider: Provider) -> str:
    operator = normalise(provider.setting("operator") or "any")
    if not _OPERATOR.fullmatch(operator):
        raise ConfigError(
            f"the 5sim operator must be a 5sim operator name such as 'any' or "
            f"'virtual21', got {operator!r}"
        )
    return operator


def _order_path(action: str, number_id: str) -> str:
    if not number_id.isdigit():
        raise NotFound(
            f"5sim order ids are numbers, got {number_id!r}", provider=PROVIDER
        )
    return f"user/{action}/{number_id}"


async def _order_call(
    provider: Provider, action: str, number_id: str
) -> httpx.Response:
    return await provider.http.request(
        "GET", _order_path(action, number_id), headers=_headers(provider)
    )


async def get_balance(provider: Provider) -> Balance:
    response = await provider.http.request(
        "GET", "user/profile", headers=_headers(provider)
    )
    profile = _json(response)
    if not isinstance(profile, dict):
        raise _invalid("the profile must be a JSON object", response)
    amount = _amount(profile.get("balance"), "the balance", response)
    return Balance(PROVIDER, Money(amount, provider.currency))


async def price_list(provider: Provider, service: str, country: str) -> list[Price]:
    product = ids.product_name(service)
    country_name = ids.country_name(country)
    operator = _operator(provider)
    params = {"product": product}
    if country_name != "any":
        params["country"] = country_name
    response = await provider.http.request(
        "GET", "guest/prices", params=params, headers={"Accept": "application/json"}
    )
    table = _json(response)

    # With a country: {country: {product: offers}}; without: {product: {country:
    # offers}}. 5sim answers null when the product is not sold there.
    if table is None:
        return []
    if not isinstance(table, dict):
        raise _invalid("prices must be a JSON object", response)
    if country_name == "any":
        by_country = table.get(product) or {}
    else:
        products = table.get(country_name) or {}
        if not isinstance(products, dict):
            raise _invalid("prices must be a JSON object", response)
        by_country = {country_name: products.get(product)}
    if not isinstance(by_country, dict):
        raise _invalid("prices must be a JSON object", response)

    prices = []
    for name, offers in by_country.items():
        for offer_operator, offer in _offers(offers, response).items():
            if operator != "any" and offer_operator != operator:
                continue
            prices.append(_price(provider, service, name, offer, response))
    return prices


def _offers(offers: object, response: httpx.Response) -> dict[str, Any]:
    if offers is None:
        return {}
    if not isinstance(offers, dict):
        raise _invalid("the offers of a country must be a JSON object", response)
    return offers


def _price(
    provider: Provider,
    service: str,
    country: str,
    offer: object,
    response: httpx.Response,
) -> Price:
    if not isinstance(offer, dict):
        raise _invalid("an offer must be a JSON object", response)
    count = offer.get("count")
    if count is not None and (
        isinstance(count, bool) or not isinstance(count, int) or count < 0
    ):
        raise _invalid(f"an offer's count is {count!r}", response)
    return Price(
        provider=PROVIDER,
        service=normalise(service),
        country=ids.iso_code(country),
        price=Money(_amount(offer.get("cost"), "a cost", response), provider.currency),
        available=count,
    )


async def get_number(
    provider: Provider, service: str, country: str, max_price: Money | None
) -> Number:
    product = ids.product_name(service)
    country_name = ids.country_name(country)
    operator = _operator(provider)
    params = None
    if max_price is not None:
        # Limitation: 5sim is said to honour maxPrice only with operator "any";
        # with another operator the core's own check after the purchase
        # (cancel when sold above the max price) is what protects the user.
        params = {"maxPrice": _plain(max_price.amount)}
    response = await provider.http.request(
        "GET",
        f"user/buy/activation/{country_name}/{operator}/{product}",
        params=params,
        headers=_headers(provider),
        idempotent=False,
    )
    order = read_order(response)
    return Number(
        provider=PROVIDER,
        id=order.id,
        phone=order.phone,
        price=None if order.price is None else Money(order.price, provider.currency),
        service=normalise(service),
        country=normalise(country),
        expires_at=order.expires,
        extra={
            "product": order.product or product,
            "operator": order.operator or operator,
            "country": order.country or country_name,
        },
    )


def _plain(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


async def check(provider: Provider, number: Number) -> Code | None:
    response = await _order_call(provider, "check", number.id)
    if reply_error(response) == "order expired":
        raise NoSmsReceived(
            "the number expired at 5sim without a code",
            provider=PROVIDER,
            number_id=number.id,
        )
    order = read_order(response)
    code = newest_code(order)
    if code is not None:
        return code
    if order.status in WAITING:
        return None
    if order.status in ENDED:
        raise NoSmsReceived(
            f"5sim ended the number ({order.status.lower()}) before a code arrived",
            provider=PROVIDER,
            number_id=number.id,
        )
    if order.status == FINISHED:
        raise NoSmsReceived(
            "the number was finished at 5sim without a code",
            provider=PROVIDER,
            number_id=number.id,
            refunded=False,
        )
    raise _invalid(f"unknown order status {order.status!r}", response)


async def cancel(provider: Provider, number: Number) -> None:
    response = await _order_call(provider, "cancel", number.id)
    error = reply_error(response)
    if error == "order expired":
        return
    if error == "order has sms":
        # An SMS came after the last look: 5sim will not refund the number,
        # so close it as used rather than leave it open until it expires.
        log.warning(
            "5sim: an SMS arrived on number %s before it was cancelled; 5sim does "
            "not refund it, so it was finished instead",
            number.id,
        )
        await finish(provider, number)
        return
    order = read_order(response)
    if order.status in ENDED:
        return
    if order.status == FINISHED:
        log.warning("5sim: number %s was already finished; no refund", number.id)
        return
    raise _invalid(f"the cancel left the order {order.status!r}", response)


async def finish(provider: Provider, number: Number) -> None:
    response = await _order_call(provider, "finish", number.id)
    if reply_error(response) == "order expired":
        return  # 5sim closes an expired number with its SMS by itself
    read_order(response)


async def ban(provider: Provider, number_id: str) -> str:
    """Report the number as bad (already used on the service) and end it.

    Returns the order's status afterwards: ``BANNED``, or how it had already
    ended (``CANCELED``, ``TIMEOUT``).
    """
    response = await _order_call(provider, "ban", number_id)
    if reply_error(response) == "order expired":
        return "TIMEOUT"
    order = read_order(response)
    if order.status not in ENDED:
        raise _invalid(f"the ban left the order {order.status!r}", response)
    return order.status
