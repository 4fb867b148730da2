"""OnlineSim's native API: requests, and replies turned into models or errors.

Every method is ``GET <base>/api/<Method>.php?apikey=...``. A JSON object
whose ``response`` is ``1`` is a success; any other ``response`` is an error
code, usually sent with HTTP 200. ``getState`` answers with a list of
operations whose ``response`` is the operation's state (``TZ_*``), not an
error. An operation is named by its ``tzid``, which is the number's id here.

Cancel and finish are the same call, ``setOperationOk``: OnlineSim refunds
an operation closed before any SMS arrived. It refuses to close one during
its first minutes (``NO_COMPLETE_TZID``); that refusal is raised as
``provider_unavailable`` with ``retry_after`` so that the core retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NoReturn

import attrs
import httpx

from smsplug import errors
from smsplug.catalog import normalise
from smsplug.errors import ConfigError, SmsError
from smsplug.models import Balance, Code, Money, Number, Price, to_decimal
from smsplug.provider import Provider
from smsplug_onlinesim import ids

__all__ = [
    "Offer",
    "Operation",
    "Refusal",
    "cancel",
    "decode",
    "error_for",
    "find_offer",
    "finish",
    "get_balance",
    "get_number",
    "parse_balance",
    "parse_operations",
    "parse_purchase",
    "phone_number",
    "poll_code",
    "poll_codes",
    "price_list",
    "read_code",
    "request_next_code",
]

#: ``Number.extra`` key: how many messages had arrived when the next code
#: was requested; those are not handed out again.
SEEN = "seen"
#: After a purchase, how often and how long apart to ask for the phone
#: number while OnlineSim is still assigning one (state ``TZ_INPOOL``).
ASSIGN_ATTEMPTS = 10
ASSIGN_DELAY = 3.0

_WAITING = frozenset({"TZ_INPOOL", "TZ_NUM_WAIT", "TZ_NUM_ANSWER"})
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
_TOKEN = re.compile(r"^[A-Za-z0-9-]{3,12}$")
_DIGITS_IN_TEXT = re.compile(r"(?<!\d)\d{4,8}(?!\d)")
_PHONE_CHARS = frozenset("+0123456789 -().")
_LARGEST_AMOUNT = Decimal(10) ** 12

#: Error codes that mean the operation is closed or gone already.
_CLOSED = frozenset(
    {"ERROR_WRONG_TZID", "ERROR_NO_OPERATIONS", "LIFICYCLE_NUM_EXPIRED"}
)
#: Error codes that end a wait: the operation no longer exists.
_ENDED = frozenset({"ERROR_NO_OPERATIONS", "LIFICYCLE_NUM_EXPIRED"})
#: The refusal to close an operation during its guard interval.
_TOO_EARLY = frozenset({"NO_COMPLETE_TZID"})

_HINTS: Mapping[str, tuple[type[SmsError], str | None]] = {
    "ERROR_WRONG_KEY": (errors.InvalidKey, None),
    "ERROR_NO_KEY": (errors.InvalidKey, None),
    "API_ACCESS_DISABLED": (
        errors.InvalidKey,
        "API access is switched off in the OnlineSim profile; switch it on there",
    ),
    "API_ACCESS_IP": (
        errors.InvalidKey,
        "the OnlineSim profile does not allow API calls from this IP address; "
        "allow it there",
    ),
    "ACCOUNT_BLOCKED": (errors.Banned, None),
    "ACCOUNT_IDENTIFICATION_REQUIRED": (
        errors.Banned,
        "OnlineSim requires this account to pass identification for this "
        "service; complete it in the OnlineSim profile",
    ),
    "WARNING_LOW_BALANCE": (errors.NoBalance, None),
    "NO_NUMBER": (errors.NoNumbers, None),
    "WARNING_NO_NUMS": (errors.NoNumbers, None),
    "TIME_INTERVAL_ERROR": (errors.NoNumbers, None),
    "EXCEEDED_CONCURRENT_OPERATIONS": (
        errors.NoNumbers,
        "too many numbers are open on this OnlineSim account; finish or cancel "
        "some first",
    ),
    "DUPLICATE_OPERATION": (
        errors.NoNumbers,
        "an identical order is already open on this OnlineSim account; finish "
        "or cancel it first",
    ),
    "TRY_AGAIN_LATER": (errors.ProviderUnavailable, None),
    "INTERVAL_CONCURRENT_REQUESTS_ERROR": (errors.ProviderUnavailable, None),
    "UNDEFINED_COUNTRY": (errors.CountryNotSupported, None),
    "ERROR_NO_SERVICE": (errors.CountryNotSupported, None),
    "REQUEST_NOT_FOUND": (
        errors.InvalidResponse,
        "OnlineSim does not know this API method; check that base_url points at "
        "the OnlineSim API",
    ),
    "ERROR_NO_TZID": (errors.NotFound, None),
    "ERROR_WRONG_TZID": (errors.NotFound, None),
    "ERROR_NO_OPERATIONS": (errors.NotFound, None),
    "LIFICYCLE_NUM_EXPIRED": (errors.NotFound, None),
}


@attrs.frozen
class Offer:
    """One service's line in ``getNumbersStats``."""

    slug: str
    price: Decimal
    available: int | None


@attrs.frozen
class Operation:
    """One item of ``getState``: an order and what arrived on it."""

    tzid: str
    state: str
    phone: str | None = None
    price: Decimal | None = None
    seconds_left: int | None = None
    messages: tuple[str, ...] = ()


# -- hooks --------------------------------------------------------------------


async def get_balance(provider: Provider) -> Balance:
    body = await _call(provider, "getBalance")
    return Balance(provider.name, Money(parse_balance(body), _currency(provider)))


async def price_list(provider: Provider, service: str, country: str) -> list[Price]:
    offer = await _offer(provider, ids.service_slug(service), ids.country_id(country))
    if offer is None:
        return []
    return [
        Price(
            provider=provider.name,
            service=normalise(service),
            country=normalise(country),
            price=Money(offer.price, _currency(provider)),
            available=offer.available,
        )
    ]


async def get_number(
    provider: Provider, service: str, country: str, max_price: Money | None
) -> Number:
    slug = ids.service_slug(service)
    country_id = ids.country_id(country)
    currency = _currency(provider)
    _close_retry(provider)  # a bad setting must not surface after paying

    # getNum has no price limit: look the price up first and refuse above it.
    quoted = None
    if max_price is not None:
        offer = await _offer(provider, slug, country_id)
        if offer is None or offer.available == 0:
            raise errors.NoNumbers(provider=provider.name)
        if offer.price > max_price.amount:
            raise errors.NoNumbers(provider=provider.name, min_price=offer.price)
        quoted = offer.price

    response = await provider.http.request(
        "GET",
        "/api/getNum.php",
        params={
            "apikey": provider.api_key,
            "service": slug,
            "country": str(country_id),
            "number": "true",
        },
        idempotent=False,
    )
    # A reply that names a tzid means an order exists, however garbled the
    # rest: the client must learn it so that it cancels rather than pays.
    sold_id = _sold_tzid(response)
    guard = errors.sold(provider.name, sold_id) if sold_id else contextlib.nullcontext()
    with guard:
        tzid, phone = parse_purchase(
            decode(response, provider=provider.name), country_id
        )

    # The number is paid from here on: nothing below may lose it.
    with errors.sold(provider.name, tzid):
        operation = await _after_purchase(provider, tzid, phone)
    phone = phone or (operation.phone if operation else None)
    if phone is None:
        _give_up_unassigned(provider, tzid)
    price = operation.price if operation and operation.price is not None else quoted
    left = operation.seconds_left if operation else None
    return Number(
        provider=provider.name,
        id=tzid,
        phone=phone,
        price=None if price is None else Money(price, currency),
        service=service,
        country=country,
        expires_at=None
        if left is None
        else dt.datetime.now(dt.UTC) + dt.timedelta(seconds=left),
    )


async def poll_code(provider: Provider, number: Number) -> Code | None:
    operation = await _state(provider, number)
    return read_code(operation, seen=_seen(number), provider=provider.name)


async def poll_codes(
    provider: Provider, numbers: Sequence[Number]
) -> dict[str, Code | None]:
    """The codes of ``numbers``, read from one ``getState`` of every operation.

    Operations the list leaves out, has ended or cannot be read are left out
    here too; the core then asks :func:`poll_code` about each of them.
    """
    try:
        body = await _call(
            provider,
            "getState",
            {"message_to_code": "1", "msg_list": "1"},
            expect=_ENDED,
        )
    except Refusal:
        return {}  # nothing open on the account
    listed: dict[str, Operation] = {}
    for item in body if isinstance(body, list) else [body]:
        try:
            operation = _operation(item)
        except errors.InvalidResponse:
            continue
        listed[operation.tzid] = operation
    codes: dict[str, Code | None] = {}
    for number in numbers:
        found = listed.get(number.id)
        if found is None:
            continue
        try:
            codes[number.id] = read_code(
                found, seen=_seen(number), provider=provider.name
            )
        except SmsError:
            continue
    return codes


async def cancel(provider: Provider, number: Number) -> None:
    await _close(provider, number)


async def finish(provider: Provider, number: Number) -> None:
    await _close(provider, number)


async def request_next_code(provider: Provider, number: Number) -> Number:
    """Ask OnlineSim for another SMS on ``number`` (``setOperationRevise``).

    Use it when the code that arrived was wrong or a second one is needed.
    Returns the number to poll from now on: polling it hands out only
    messages that arrive after this call.
    """
    operation = await _state(provider, number)
    await _call(provider, "setOperationRevise", {"tzid": _tzid(provider, number)})
    seen = max(len(operation.messages), _seen(number))
    return attrs.evolve(number, extra={**number.extra, SEEN: str(seen)})


# -- steps --------------------------------------------------------------------


async def _offer(provider: Provider, slug: str, country_id: int) -> Offer | None:
    body = await _call(provider, "getNumbersStats", {"country": str(country_id)})
    return find_offer(body, slug)


async def _state(provider: Provider, number: Number) -> Operation:
    tzid = _tzid(provider, number)
    try:
        body = await _call(
            provider,
            "getState",
            {"tzid": tzid, "message_to_code": "1", "msg_list": "1"},
            expect=_ENDED,
        )
    except Refusal:
        body = []
    for operation in parse_operations(body):
        if operation.tzid == tzid:
            return operation
    raise errors.NoSmsReceived(
        "OnlineSim no longer lists this number (it expired or was closed) and no "
        "code arrived",
        provider=provider.name,
        number_id=number.id,
    )


async def _after_purchase(
    provider: Provider, tzid: str, phone: str | None
) -> Operation | None:
    """The new operation's state, for its price (and phone, if not sent yet).

    ``None`` when it could not be read; the caller then has what getNum said.
    """
    number = Number(provider=provider.name, id=tzid, phone=phone or "")
    for attempt in range(ASSIGN_ATTEMPTS):
        if attempt:
            await asyncio.sleep(ASSIGN_DELAY)
        try:
            operation = await _state(provider, number)
        except SmsError as error:
            if phone is not None:
                # The number is usable without its price: keep the purchase.
                provider.log.warning(
                    "bought order %s but could not read its price: %s", tzid, error
                )
                return None
            provider.log.debug("order %s not readable yet: %s", tzid, error)
            continue
        if phone is not None or operation.phone is not None:
            return operation
    return None


def _give_up_unassigned(provider: Provider, tzid: str) -> NoReturn:
    """Give back an order that never got a phone number: the client cancels it."""
    error = errors.NoNumbers(
        "OnlineSim took the order but assigned no phone number in time",
        provider=provider.name,
    )
    error.number = Number(provider=provider.name, id=tzid, phone="")
    raise error


async def _close(provider: Provider, number: Number) -> None:
    tzid = _tzid(provider, number)
    try:
        await _call(
            provider, "setOperationOk", {"tzid": tzid}, expect=_CLOSED | _TOO_EARLY
        )
    except Refusal as refusal:
        if refusal.code in _TOO_EARLY:
            raise errors.ProviderUnavailable(
                "OnlineSim does not close a number during its first minutes; "
                "try again shortly",
                provider=provider.name,
                raw=refusal.raw,
                retry_after=_close_retry(provider),
            ) from None
        provider.log.info("order %s is closed already (%s)", tzid, refusal.code)


async def _call(
    provider: Provider,
    method: str,
    params: Mapping[str, str] | None = None,
    *,
    idempotent: bool = True,
    expect: frozenset[str] = frozenset(),
) -> Any:
    """Send one API call; error codes in ``expect`` come back as :class:`Refusal`."""
    response = await provider.http.request(
        "GET",
        f"/api/{method}.php",
        params={"apikey": provider.api_key, **(params or {})},
        idempotent=idempotent,
    )
    return decode(response, provider=provider.name, expect=expect)


# -- parsing ------------------------------------------------------------------


class Refusal(Exception):
    """An error code the caller asked to handle itself."""

    def __init__(self, code: str, raw: bytes) -> None:
        super().__init__(code)
        self.code = code
        self.raw = raw


def decode(
    response: httpx.Response,
    *,
    provider: str | None = None,
    expect: frozenset[str] = frozenset(),
) -> Any:
    """The reply's JSON, or the error it carries.

    Error codes in ``expect`` raise :class:`Refusal`; any other raises the
    matching :class:`~smsplug.errors.SmsError`.
    """
    raw = response.content
    if response.status_code >= 500:
        raise errors.ProviderUnavailable(
            f"OnlineSim answered HTTP {response.status_code}; try again later",
            provider=provider,
            raw=raw,
        )
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        content_type = response.headers.get("content-type", "no content type")
        raise _invalid(
            f"expected JSON, got HTTP {response.status_code} with {content_type}",
            raw,
            provider=provider,
        ) from None
    if isinstance(body, dict) and "response" in body and not _is_success(body):
        code = body["response"]
        if isinstance(code, str) and code in expect:
            raise Refusal(code, raw)
        raise error_for(code, raw=raw, provider=provider)
    if not response.is_success:
        raise _invalid(
            f"HTTP {response.status_code} without an OnlineSim error code",
            raw,
            provider=provider,
        )
    return body


def error_for(
    code: object, *, raw: str | bytes | None = None, provider: str | None = None
) -> SmsError:
    """The smsplug error for an OnlineSim ``response`` code."""
    if not isinstance(code, str) or not _CODE.match(code):
        return _invalid("response is neither 1 nor an error code", raw, provider)
    kind, message = _HINTS.get(code, (None, None))
    if kind is None:
        return _invalid(f"unknown error code {code}", raw, provider)
    return kind(message, provider=provider, raw=raw)


def parse_balance(body: Any) -> Decimal:
    """The ``balance`` of a ``getBalance`` reply (a string, or a number)."""
    _expect_object(body, "getBalance")
    return _amount(body.get("balance"), "balance", signed=True)


def find_offer(body: Any, slug: str) -> Offer | None:
    """Service ``slug``'s line in ``getNumbersStats?country=N``, if listed.

    The slug matches case-insensitively, on ``slug`` or on the display name.
    """
    _expect_object(body, "getNumbersStats")
    if body.get("enabled") is False:
        return None
    services = body.get("services")
    if isinstance(services, Mapping):
        entries: Sequence[Any] = list(services.values())
    elif isinstance(services, list):
        entries = services
    else:
        raise _invalid("services is neither an object nor a list", services)
    wanted = slug.lower()
    for entry in entries:
        # Lines for other services are not read: one odd line must not hide
        # every other price.
        if not isinstance(entry, Mapping):
            continue
        names = [entry.get("slug"), entry.get("service")]
        if not any(isinstance(n, str) and n.lower() == wanted for n in names):
            continue
        return Offer(
            slug=str(entry.get("slug") or slug),
            price=_amount(entry.get("price"), "price"),
            available=_count(entry.get("count")),
        )
    return None


def _sold_tzid(response: httpx.Response) -> str | None:
    try:
        body = response.json()
        return _id(body["tzid"]) if isinstance(body, dict) else None
    except (ValueError, KeyError, RecursionError, errors.InvalidResponse):
        return None


def parse_purchase(body: Any, country_id: int | None = None) -> tuple[str, str | None]:
    """The ``tzid`` of a ``getNum`` reply, and its number when sent along.

    A number that cannot be read counts as not sent: the order is paid for
    and named by its ``tzid``, and ``getState`` tells the number as well.
    """
    _expect_object(body, "getNum")
    tzid = _id(body.get("tzid"))
    try:
        return tzid, phone_number(body.get("number"), country_id)
    except errors.InvalidResponse:
        return tzid, None


def parse_operations(body: Any) -> list[Operation]:
    """The operations of a ``getState`` reply."""
    if isinstance(body, Mapping) and str(body.get("response", "")).startswith("TZ_"):
        body = [body]  # one operation sent on its own
    if not isinstance(body, list):
        raise _invalid("getState did not answer with a list", body)
    return [_operation(item) for item in body]


def read_code(
    operation: Operation, *, seen: int = 0, provider: str | None = None
) -> Code | None:
    """The newest code on ``operation`` after the first ``seen`` messages.

    ``None`` while waiting; ``no_sms_received`` once OnlineSim has ended the
    operation without a new message.
    """
    fresh = operation.messages[seen:]
    if fresh:
        return _code(fresh[-1])
    if operation.state in _WAITING:
        return None
    if operation.state.startswith("TZ_OVER"):
        raise errors.NoSmsReceived(
            "the number expired at OnlineSim before a code arrived",
            provider=provider,
            number_id=operation.tzid,
        )
    # An unknown state without a message: keep waiting, the core's timeout
    # still cancels the number.
    return None


def phone_number(value: object, country_id: int | None = None) -> str:
    """``value`` as ``+<digits>``, whether OnlineSim sent the ``+`` or not."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not set(value) <= _PHONE_CHARS:
        raise _invalid("the phone number is not a string of digits", value)
    digits = "".join(ch for ch in value if ch.isdigit())
    if not 6 <= len(digits) <= 15:
        raise _invalid("the phone number has an implausible length", value)
    if not value.strip().startswith("+") and country_id is not None:
        # A number without "+" may lack its country code too. Compare with the
        # full id: Kazakh numbers (id 77) start with 7 even without it.
        prefix = ids.dialling_prefix(country_id)
        if not digits.startswith(str(country_id)) and len(prefix + digits) <= 15:
            digits = prefix + digits
    return "+" + digits


def _operation(item: Any) -> Operation:
    if not isinstance(item, Mapping):
        raise _invalid("a getState item is not an object", item)
    state = item.get("response")
    if not isinstance(state, str) or not _CODE.match(state):
        raise _invalid("a getState item has no state", item)
    country = item.get("country")
    country_id = (
        country if isinstance(country, int) and not isinstance(country, bool) else None
    )
    number = item.get("number")
    total = item.get("sum")
    left = item.get("time")
    return Operation(
        tzid=_id(item.get("tzid")),
        state=state,
        phone=None if number in (None, "") else phone_number(number, country_id),
        price=None if total is None else _amount(total, "sum"),
        seconds_left=_count(left),
        messages=_messages(item.get("msg")),
    )


def _messages(value: Any) -> tuple[str, ...]:
    if value in (None, "", False):
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise _invalid("msg is neither a string nor a list", value)
    messages = []
    for entry in value:
        text = entry.get("msg") if isinstance(entry, Mapping) else entry
        if isinstance(text, int) and not isinstance(text, bool):
            text = str(text)
        if not isinstance(text, str) or not text.strip():
            raise _invalid("a message in msg has no text", entry)
        messages.append(text)
    return tuple(messages)


def _code(message: str) -> Code:
    text = message.strip()
    if _TOKEN.match(text):
        return Code(text)
    # OnlineSim passed the whole SMS rather than the code: pick the code out.
    found = _DIGITS_IN_TEXT.findall(text)
    return Code(found[-1] if found else text, text)


def _is_success(body: Mapping[str, Any]) -> bool:
    value = body["response"]
    return not isinstance(value, bool) and str(value) == "1"


def _id(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _invalid("tzid is not a number", value)
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18 or int(text) <= 0:
        raise _invalid("tzid is not a positive number", value)
    return str(int(text))


def _tzid(provider: Provider, number: Number) -> str:
    text = number.id.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise errors.NotFound(
            f"OnlineSim order ids are numbers; {number.id!r} is not one",
            provider=provider.name,
        )
    return text


def _amount(value: Any, field: str, *, signed: bool = False) -> Decimal:
    try:
        amount = to_decimal(value)
    except ValueError:
        raise _invalid(f"{field} is not an amount", value) from None
    if abs(amount) >= _LARGEST_AMOUNT or (amount < 0 and not signed):
        raise _invalid(f"{field} is not a plausible amount", value)
    return amount


def _count(value: Any) -> int | None:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9:
        return value
    return None


def _seen(number: Number) -> int:
    value = number.extra.get(SEEN, "0")
    return int(value) if value.isascii() and value.isdigit() else 0


def _currency(provider: Provider) -> str:
    currency = provider.currency
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        raise ConfigError(
            f"currency for {provider.name} must be a three-letter ISO 4217 code "
            f"such as RUB or USD, got {currency!r}",
            provider=provider.name,
        )
    return currency


def _close_retry(provider: Provider) -> float:
    value = provider.setting("close_retry") or "15"
    try:
        seconds = float(to_decimal(value))
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise ConfigError(
            f"close_retry for {provider.name} must be a number of seconds between "
            f"0 and 3600, got {value!r}",
            provider=provider.name,
        )
    return seconds


def _expect_object(body: Any, method: str) -> None:
    if not isinstance(body, Mapping):
        raise _invalid(f"{method} did not answer with an object", body)


def _invalid(
    reason: str, value: Any, provider: str | None = None
) -> errors.InvalidResponse:
    """``invalid_response`` in the standard wording; ``reason`` goes in a note."""
    if isinstance(value, (bytes, str)):
        raw: str | bytes = value
    else:
        try:
            raw = json.dumps(value)[:1000]
        except (TypeError, ValueError, RecursionError):
            raw = repr(value)[:1000]
    error = errors.InvalidResponse(provider=provider, raw=raw)
    error.add_note(f"OnlineSim's reply: {reason}")
    return error
