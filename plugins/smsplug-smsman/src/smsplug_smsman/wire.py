"""SMS-Man's control API: the requests, and what each reply means.

Every call is ``GET <base_url>/<path>?token=<key>&...`` and answers JSON
(https://sms-man.com/api). Errors come as ``{"success": false,
"error_code": "...", "error_msg": ...}``, where ``error_msg`` is a string or
an object (the docs show both) and ``success`` may be missing; successful
replies carry no ``success`` key, except set-status's ``{"success": true}``.
Ids and amounts arrive as numbers or as strings, so both are accepted.

Besides the hooks, two calls have no place in the core's flow and are
offered here: :func:`request_another_sms` and :func:`report_used`.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal
from typing import Any, NoReturn

import attrs
import httpx

from smsplug import errors
from smsplug.catalog import normalise
from smsplug.http import ProviderHTTP
from smsplug.models import Balance, Code, Money, Number, Price, to_decimal
from smsplug.provider import Provider
from smsplug_smsman import ids

__all__ = [
    "MIN_BALANCE_HINT",
    "Answer",
    "Place",
    "cancel",
    "decode",
    "finish",
    "get_balance",
    "get_number",
    "max_price_param",
    "parse_balance",
    "parse_listing",
    "parse_phone",
    "parse_prices",
    "parse_request_id",
    "parse_sms",
    "parse_status",
    "poll_code",
    "price_list",
    "report_used",
    "request_another_sms",
    "resolve_country",
    "resolve_service",
]

#: What SMS-Man's error replies do not say, but its users report.
MIN_BALANCE_HINT = "SMS-Man keys need a balance of about $14 to use the API"

# Documented (wrong_token, wait_sms) or seen in public client code; the other
# spellings are taken leniently because no source is authoritative.
_INVALID_KEY = frozenset({"wrong_token", "bad_token"})
_NO_BALANCE = frozenset({"balance", "no_balance", "not_enough_balance", "low_balance"})
_NO_NUMBERS = frozenset({"no_numbers", "no_free_phones"})
_NOT_OFFERED = frozenset({"wrong_country_id", "wrong_application_id"})
_UNKNOWN_NUMBER = frozenset({"wrong_request_id", "request_not_found"})
# One client reads sms_not_found and no_sms as "not yet"; waiting is the safe
# reading, since the core cancels (and so refunds) a number at its timeout.
_WAITING = frozenset({"wait_sms", "sms_not_found", "no_sms"})
# Error codes that say a number is over (expired, closed, rejected), so a
# cancel has nothing left to do. Only wrong_status is seen (in client code);
# other spellings are read by the words below, unless the code says the change
# was refused, which must never pass for done.
_OVER = frozenset({"wrong_status", "rejected", "cancelled", "canceled", "used"})
_OVER_WORDS = ("expired", "closed", "already")
_REFUSED_WORDS = ("early", "denied", "not_allowed", "forbidden")

_MAX_CODE = 64
_MAX_MESSAGE = 200


@attrs.frozen
class Answer:
    """One decoded reply: the JSON body, and the raw bytes for error reports."""

    provider: str
    status: int
    body: Any
    raw: bytes = attrs.field(repr=False)


@attrs.frozen
class Place:
    """Where a number is bought: SMS-Man's country id and, when the user
    named an ISO country, the calling code its numbers must start with."""

    country_id: str
    calling_code: str | None = None


# -- the hooks ----------------------------------------------------------------


async def get_balance(provider: Provider) -> Balance:
    answer = await _call(provider, "get-balance", {})
    return Balance(provider.name, parse_balance(answer, provider.currency))


async def price_list(provider: Provider, service: str, country: str) -> list[Price]:
    application_id = await resolve_service(provider, service)
    place = await resolve_country(provider, country)
    answer = await _call(provider, "get-prices", {"country_id": place.country_id})
    offer = parse_prices(answer, place.country_id, application_id)
    if offer is None:
        return []
    cost, available = offer
    return [
        Price(
            provider=provider.name,
            service=normalise(service),
            country=normalise(country),
            price=Money(cost, provider.currency),
            available=available,
        )
    ]


async def get_number(
    provider: Provider, service: str, country: str, max_price: Money | None
) -> Number:
    application_id = await resolve_service(provider, service)
    place = await resolve_country(provider, country)
    params = {"country_id": place.country_id, "application_id": application_id}
    if max_price is not None:
        params["maxPrice"] = max_price_param(provider.name, max_price)
        params["currency"] = max_price.currency

    answer = await _call(provider, "get-number", params, idempotent=False)
    number_id = parse_request_id(answer)
    with errors.sold(provider.name, number_id):
        digits = parse_phone(answer)
    number = Number(
        provider=provider.name,
        id=number_id,
        phone=f"+{digits}" if digits else "",
        service=normalise(service),
        country=normalise(country),
        extra={"country_id": place.country_id, "application_id": application_id},
    )
    if not digits:
        await _abandon(
            provider,
            number,
            errors.InvalidResponse,
            _standard(errors.InvalidResponse, "a number was sold without a phone"),
            answer.raw,
        )
    if place.calling_code and not digits.startswith(place.calling_code):
        await _abandon(
            provider,
            number,
            errors.CountryNotSupported,
            f"SMS-Man sold a number that is not in {normalise(country).upper()} "
            f"(it does not start with +{place.calling_code}); SMS-Man's "
            f"country_id {place.country_id} may have changed: pass SMS-Man's "
            f"own numeric country_id instead",
            answer.raw,
        )
    return number


async def poll_code(provider: Provider, number: Number) -> Code | None:
    answer = await _call(provider, "get-sms", {"request_id": number.id})
    return parse_sms(answer, number.id)


async def cancel(provider: Provider, number: Number) -> None:
    """Reject the number, which refunds it; quiet when it is already over."""
    answer = await _call(provider, "set-status", _status(number, "reject"))
    parse_status(answer, number.id, quiet_when_over=True)


async def finish(provider: Provider, number: Number) -> None:
    """Close the number after its code was used."""
    answer = await _call(provider, "set-status", _status(number, "close"))
    parse_status(answer, number.id, quiet_when_over=True)


async def request_another_sms(provider: Provider, number: Number) -> None:
    """Ask SMS-Man for one more SMS on ``number`` (set-status ``ready``).

    Poll afterwards until :func:`poll_code` returns a code that differs from
    the one you had.
    """
    answer = await _call(provider, "set-status", _status(number, "ready"))
    parse_status(answer, number.id, quiet_when_over=False)


async def report_used(provider: Provider, number: Number) -> None:
    """Tell SMS-Man the number was already used elsewhere (set-status ``used``)."""
    answer = await _call(provider, "set-status", _status(number, "used"))
    parse_status(answer, number.id, quiet_when_over=False)


def _status(number: Number, status: str) -> dict[str, str]:
    return {"request_id": number.id, "status": status}


async def _abandon(
    provider: Provider,
    number: Number,
    kind: type[errors.SmsError],
    message: str,
    raw: bytes,
) -> NoReturn:
    """Give back a number that cannot be handed out: the client cancels it."""
    error = kind(message, provider=provider.name, raw=raw)
    error.number = number
    raise error


# -- countries and services ---------------------------------------------------

# SMS-Man's own country and service lists, fetched once per client.
_LISTINGS: weakref.WeakKeyDictionary[ProviderHTTP, dict[str, list[ids.Listed]]] = (
    weakref.WeakKeyDictionary()
)


async def resolve_country(provider: Provider, country: str) -> Place:
    """SMS-Man's ``country_id`` for an ISO code, or a raw id as given."""
    word = normalise(country)
    if word.isdigit():
        return Place(word)
    entry = ids.COUNTRIES.get(word)
    if entry is None:
        raise errors.CountryNotSupported(
            f"smsplug does not know the country {country!r} for SMS-Man; use a "
            f"lower-case ISO code such as 'us' or 'gb', or SMS-Man's numeric "
            f"country_id",
            provider=provider.name,
        )
    if entry.id is not None:
        return Place(entry.id, entry.calling_code)
    found = await _look_up(provider, "countries", "country", entry.names)
    return Place(found, entry.calling_code)


async def resolve_service(provider: Provider, service: str) -> str:
    """SMS-Man's ``application_id`` for a catalog name, or a raw id as given."""
    word = normalise(service)
    if word.isdigit():
        return word
    entry = ids.SERVICES.get(word)
    if entry is None:
        raise errors.CountryNotSupported(
            f"smsplug does not know the service {service!r} for SMS-Man; use a "
            f"service name such as 'telegram' (smsplug.catalog.SERVICES) or "
            f"SMS-Man's numeric application_id",
            provider=provider.name,
        )
    if entry.id is not None:
        return entry.id
    return await _look_up(provider, "applications", "service", entry.names, entry.codes)


async def _look_up(
    provider: Provider,
    path: str,
    what: str,
    names: tuple[str, ...],
    codes: tuple[str, ...] = (),
) -> str:
    """Find an id by name in SMS-Man's ``countries`` or ``applications`` list."""
    cached = _LISTINGS.setdefault(provider.http, {})
    if path not in cached:
        cached[path] = parse_listing(await _call(provider, path, {}))
    found = ids.find(cached[path], names, codes)
    if found is None:
        id_name = "country_id" if path == "countries" else "application_id"
        raise errors.CountryNotSupported(
            f"SMS-Man lists no {what} named {names[0]}; pass SMS-Man's numeric "
            f"{id_name} instead",
            provider=provider.name,
        )
    provider.log.debug("SMS-Man lists %s as id %s", names[0], found)
    return found


# -- requests and replies -----------------------------------------------------


async def _call(
    provider: Provider,
    path: str,
    params: Mapping[str, str],
    *,
    idempotent: bool = True,
) -> Answer:
    response = await provider.http.request(
        "GET",
        path,
        params={"token": provider.api_key, **params},
        idempotent=idempotent,
    )
    return decode(provider.name, response)


def decode(provider: str, response: httpx.Response) -> Answer:
    """Read a reply's JSON body, whatever its HTTP status.

    A body that is not JSON (an HTML error page, a truncated reply) is
    ``provider_unavailable`` on a 5xx status and ``invalid_response`` otherwise.
    """
    raw = response.content
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        if response.status_code >= 500:
            raise errors.ProviderUnavailable(
                _standard(errors.ProviderUnavailable, f"HTTP {response.status_code}"),
                provider=provider,
                raw=raw,
            ) from None
        kind = response.headers.get("content-type", "no content type")
        raise errors.InvalidResponse(
            _standard(
                errors.InvalidResponse,
                f"HTTP {response.status_code}, {kind}, not JSON",
            ),
            provider=provider,
            raw=raw,
        ) from None
    return Answer(provider, response.status_code, body, raw)


def parse_balance(answer: Answer, currency: str) -> Money:
    body = _object(answer)
    if "balance" not in body:
        raise _unexpected(answer, "the balance reply has no balance")
    return Money(_amount(answer, body["balance"], "balance"), currency)


def parse_prices(
    answer: Answer, country_id: str, application_id: str
) -> tuple[Decimal, int | None] | None:
    """The cost and stock of one service in one country, or None if not offered.

    The reply's shape is not pinned down by the docs: ``{country_id:
    {application_id: {cost, count}}}`` is the common reading, and a flat list
    of ``{country_id, application_id, cost, count}`` rows is accepted too.
    """
    body = answer.body
    _raise_for_error(answer)
    row: Any = None
    if isinstance(body, list):
        row = next(
            (
                item
                for item in body
                if isinstance(item, dict)
                and _text_id(item.get("application_id")) == application_id
                and _text_id(item.get("country_id"), country_id) == country_id
            ),
            None,
        )
    elif isinstance(body, dict):
        services = body.get(country_id)
        if isinstance(services, dict):
            row = services.get(application_id)
        elif isinstance(body.get(application_id), dict):
            row = body[application_id]
    else:
        raise _unexpected(answer, "the price reply is neither an object nor a list")

    if row is None:
        return None
    if not isinstance(row, dict) or "cost" not in row:
        raise _unexpected(answer, "a price row has no cost")
    cost = _amount(answer, row["cost"], "cost")
    return cost, _count(row.get("count"))


def parse_request_id(answer: Answer) -> str:
    """The id of the number get-number sold; raises the reply's error if any."""
    body = _object(answer)
    number_id = _text_id(body.get("request_id"))
    if number_id is None:
        raise _unexpected(answer, "the purchase reply has no request_id")
    return number_id


def parse_phone(answer: Answer) -> str:
    """The digits of the sold number, or ``""`` when the reply has none usable."""
    value = _object(answer).get("number")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    digits = str(value).strip().removeprefix("+")
    return (
        digits
        if digits.isascii() and digits.isdigit() and 6 <= len(digits) <= 15
        else ""
    )


def parse_sms(answer: Answer, number_id: str) -> Code | None:
    """The code on a number, ``None`` while SMS-Man still waits for one."""
    body = _body(answer)
    code = body.get("sms_code")
    if (
        isinstance(code, (str, int))
        and not isinstance(code, bool)
        and str(code).strip()
    ):
        return _code(answer, str(code).strip(), body.get("sms_text"))

    problem = _problem(body)
    if problem is None:
        raise _unexpected(answer, "the SMS reply has neither a code nor an error")
    code_name, message = problem
    # One documented variant has no error_code, only "error": "Still waiting...".
    if code_name in _WAITING or (not code_name and "wait" in message.casefold()):
        return None
    if _over(code_name):
        raise errors.NoSmsReceived(
            f"SMS-Man ended number {number_id} before a code arrived "
            f"({code_name}: {message})",
            provider=answer.provider,
            number_id=number_id,
        )
    raise _error(answer, code_name, message)


def parse_status(answer: Answer, number_id: str, *, quiet_when_over: bool) -> None:
    """Check a set-status reply.

    With ``quiet_when_over``, a number SMS-Man reports as already over (or no
    longer knows) counts as done. A change refused as too early is
    ``provider_unavailable`` with ``retry_after``, which the core retries.
    """
    body = _body(answer)
    if body.get("success") is True and "error_code" not in body:
        return
    problem = _problem(body)
    if problem is None:
        raise _unexpected(answer, "the status reply says neither success nor error")
    code_name, message = problem
    if "early" in code_name or "early" in message.casefold():
        raise errors.ProviderUnavailable(
            f"SMS-Man refuses to change number {number_id} yet ({message})",
            provider=answer.provider,
            raw=answer.raw,
            retry_after=None,
        )
    if quiet_when_over and (code_name in _UNKNOWN_NUMBER or _over(code_name)):
        return
    raise _error(answer, code_name, message)


def parse_listing(answer: Answer) -> list[ids.Listed]:
    """SMS-Man's countries or applications list.

    Accepts an object keyed by id (``{"1": {"id": "1", "title": "Russia"}}``)
    or a list of entries; a name is in ``title`` or ``name``, a short code in
    ``code``. Entries without a usable id or name are skipped.
    """
    body = answer.body
    _raise_for_error(answer)
    items: list[tuple[object, object]]
    if isinstance(body, dict):
        items = list(body.items())
    elif isinstance(body, list):
        items = [(None, value) for value in body]
    else:
        raise _unexpected(answer, "the list is neither an object nor a list")

    listed = []
    for key, item in items:
        if not isinstance(item, dict):
            continue
        entry_id = _text_id(item.get("id"), _text_id(key))
        title = item.get("title", item.get("name"))
        if entry_id is None or not isinstance(title, str):
            continue
        code = item.get("code")
        listed.append(
            ids.Listed(entry_id, title, code if isinstance(code, str) else None)
        )
    return listed


def max_price_param(provider: str, limit: Money) -> str:
    """The ``maxPrice`` to send: rounded down, so never above the user's limit.

    The docs type maxPrice as an integer: whole roubles for RUB; cents are
    kept for USD and EUR, where whole units would be far too coarse.
    """
    step = Decimal(1) if limit.currency == "RUB" else Decimal("0.01")
    amount = limit.amount.quantize(step, rounding=ROUND_DOWN)
    if amount <= 0:
        raise errors.NoNumbers(
            f"the max price comes to {limit}, less than the smallest limit "
            f"SMS-Man can be given ({step} {limit.currency}); raise the max price",
            provider=provider,
        )
    return format(amount.normalize(), "f")


# -- small readers --------------------------------------------------------------


def _object(answer: Answer) -> dict[str, Any]:
    """The body as an object, after raising the error it reports, if any."""
    _raise_for_error(answer)
    return _body(answer)


def _body(answer: Answer) -> dict[str, Any]:
    """The body as an object, errors left for the caller to read."""
    if not isinstance(answer.body, dict):
        if answer.status >= 400:
            raise _unexpected(answer, f"HTTP {answer.status} without an error object")
        raise _unexpected(answer, "expected a JSON object")
    return answer.body


def _raise_for_error(answer: Answer) -> None:
    if isinstance(answer.body, dict):
        problem = _problem(answer.body)
        if problem is not None:
            raise _error(answer, *problem)
    elif answer.status >= 400:
        raise _unexpected(answer, f"HTTP {answer.status} without an error object")


def _problem(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(error_code, error_msg as text)`` when the body reports an error."""
    if body.get("success") is not False and "error_code" not in body:
        return None
    code = body.get("error_code")
    code_name = code.strip().casefold() if isinstance(code, str) else ""
    message = body.get("error_msg", body.get("error"))
    return code_name, _message_text(message) or code_name.replace("_", " ")


def _message_text(message: object) -> str:
    # error_msg is a string, or an object such as {"token": "Wrong token!"}.
    if isinstance(message, dict):
        text = "; ".join(
            f"{key}: {value}" if isinstance(value, str) else str(key)
            for key, value in message.items()
        )
    elif isinstance(message, str):
        text = message
    else:
        text = ""
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return text[:_MAX_MESSAGE]


def _error(answer: Answer, code_name: str, message: str) -> errors.SmsError:
    name, raw = answer.provider, answer.raw
    if code_name in _INVALID_KEY:
        return errors.InvalidKey(
            _standard(errors.InvalidKey, MIN_BALANCE_HINT), provider=name, raw=raw
        )
    if code_name in _NO_BALANCE:
        return errors.NoBalance(
            _standard(errors.NoBalance, MIN_BALANCE_HINT), provider=name, raw=raw
        )
    if code_name in _NO_NUMBERS:
        return errors.NoNumbers(provider=name, raw=raw)
    if code_name in _NOT_OFFERED:
        return errors.CountryNotSupported(provider=name, raw=raw)
    if code_name in _UNKNOWN_NUMBER:
        return errors.NotFound(provider=name, raw=raw)
    shown = code_name or "an error without a code"
    return errors.InvalidResponse(
        _standard(errors.InvalidResponse, f"SMS-Man answered {shown}: {message}"),
        provider=name,
        raw=raw,
    )


def _unexpected(answer: Answer, what: str) -> errors.InvalidResponse:
    return errors.InvalidResponse(
        _standard(errors.InvalidResponse, what),
        provider=answer.provider,
        raw=answer.raw,
    )


def _standard(kind: type[errors.SmsError], detail: str) -> str:
    """The kind's wording every provider shares, then what SMS-Man adds."""
    return f"{kind.default_message} ({detail})"


def _over(code_name: str) -> bool:
    if any(word in code_name for word in _REFUSED_WORDS):
        return False
    return code_name in _OVER or any(word in code_name for word in _OVER_WORDS)


def _code(answer: Answer, code: str, text: object) -> Code:
    if len(code) > _MAX_CODE or not code.isprintable():
        raise _unexpected(answer, "the code is not a short printable text")
    return Code(code, text if isinstance(text, str) else None)


def _amount(answer: Answer, value: object, field: str) -> Decimal:
    try:
        amount = to_decimal(value)
    except ValueError:
        raise _unexpected(answer, f"{field} is not an amount") from None
    if amount < 0:
        raise _unexpected(answer, f"{field} is negative")
    return amount


def _count(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value if isinstance(value, int) and value >= 0 else None


def _text_id(value: object, default: str | None = None) -> str | None:
    """An id as text: SMS-Man sends ids as numbers or as digit strings."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return value.strip()
    return default
