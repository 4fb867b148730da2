"""The sms-activate compatible ``handler_api.php`` protocol.

Many providers clone the API that SMS-Activate made popular: one URL, the
key in ``api_key``, the method in ``action``, and replies that are either a
text token (``ACCESS_BALANCE:12.34``, ``NO_NUMBERS``) or JSON. They differ
in their base URL and currency, in which newer actions they offer
(``getNumberV2``, ``getStatusV2``, ``getActiveActivations``), in extra
purchase parameters and in their id tables. A :class:`Dialect` names those
differences; :class:`ActivateAPI` speaks the protocol in one dialect, with
methods shaped like the plugin hooks. A provider plugin is then a few lines::

    API = ActivateAPI(Dialect(
        name="myprovider",
        title="My Provider",
        base_url="https://example.com/stubs/handler_api.php",
    ))
    provider_info = API.provider_info
    get_balance = API.get_balance
    ...  # one line for each hook: price_list, get_number, poll_code, ...

How replies are read:

- the body is read whatever the HTTP status (providers answer errors with
  200, with 4xx, as text or as JSON); an HTML page (a moved domain, a CDN
  error) is never taken for an answer;
- a text reply is split at its first ``:`` only, so
  ``STATUS_OK:Your code is: 123456`` keeps its whole text, and activation
  ids stay strings (they outgrow 32 bits);
- every documented error token maps onto an :mod:`smsplug.errors` kind; an
  unknown reply is ``invalid_response`` with the reply attached.

A purchase is sent once. When its outcome is unknown (no reply, a 5xx, an
unreadable reply) the number may have been sold, so it is never sent again:
where the provider lists active activations, the list tells whether a new
number appeared, and that number is handed back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import time
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, TypeVar

import attrs

from smsplug.catalog import SERVICES as CATALOG
from smsplug.catalog import is_country_code, normalise
from smsplug.errors import (
    Banned,
    ConfigError,
    CountryNotSupported,
    InvalidKey,
    InvalidResponse,
    NoApiKey,
    NoBalance,
    NoNumbers,
    NoSmsReceived,
    NotFound,
    ProviderUnavailable,
    SmsError,
)
from smsplug.hookspecs import hookimpl
from smsplug.models import (
    Balance,
    Code,
    Money,
    Number,
    Price,
    ProviderInfo,
    Setting,
    to_decimal,
)
from smsplug.provider import Provider, env_name

__all__ = [
    "COUNTRIES",
    "NUMBER_SETTINGS",
    "SERVICES",
    "ActivateAPI",
    "Answer",
    "Bought",
    "Dialect",
    "Malformed",
    "code_from_text",
    "error_for",
    "parse_active",
    "parse_balance",
    "parse_countries",
    "parse_number",
    "parse_prices",
    "parse_services",
    "parse_status",
    "parse_status_v2",
    "parse_until",
    "read_answer",
]

T = TypeVar("T")
UTC = dt.UTC

# -- the sms-activate numbering -----------------------------------------------

#: ISO 3166-1 alpha-2 code → country id, in sms-activate's numbering.
COUNTRIES: Mapping[str, str] = MappingProxyType(
    {
        "ru": "0", "ua": "1", "kz": "2", "cn": "3", "ph": "4", "mm": "5",
        "id": "6", "my": "7", "ke": "8", "tz": "9", "vn": "10", "kg": "11",
        "il": "13", "hk": "14", "pl": "15", "gb": "16", "mg": "17", "cd": "18",
        "ng": "19", "mo": "20", "eg": "21", "in": "22", "ie": "23", "kh": "24",
        "la": "25", "ht": "26", "ci": "27", "gm": "28", "rs": "29", "ye": "30",
        "za": "31", "ro": "32", "co": "33", "ee": "34", "az": "35", "ca": "36",
        "ma": "37", "gh": "38", "ar": "39", "uz": "40", "cm": "41", "td": "42",
        "de": "43", "lt": "44", "hr": "45", "se": "46", "iq": "47", "nl": "48",
        "lv": "49", "at": "50", "by": "51", "th": "52", "sa": "53", "mx": "54",
        "tw": "55", "es": "56", "ir": "57", "dz": "58", "si": "59", "bd": "60",
        "sn": "61", "tr": "62", "cz": "63", "lk": "64", "pe": "65", "pk": "66",
        "nz": "67", "gn": "68", "ml": "69", "ve": "70", "et": "71", "mn": "72",
        "br": "73", "af": "74", "ug": "75", "ao": "76", "cy": "77", "fr": "78",
        "pg": "79", "mz": "80", "np": "81", "be": "82", "bg": "83", "hu": "84",
        "md": "85", "it": "86", "py": "87", "hn": "88", "tn": "89", "ni": "90",
        "bo": "92", "cr": "93", "gt": "94", "ae": "95", "zw": "96", "pr": "97",
        "sd": "98", "tg": "99", "kw": "100", "sv": "101", "ly": "102",
        "jm": "103", "tt": "104", "ec": "105", "om": "107", "ba": "108",
        "do": "109", "qa": "111", "pa": "112", "jo": "116", "pt": "117",
        "ge": "128", "gr": "129", "is": "132", "sk": "141", "tj": "143",
        "bh": "145", "am": "148", "cl": "151", "lb": "153", "al": "155",
        "uy": "156", "mu": "157", "fi": "163", "lu": "165", "me": "171",
        "dk": "172", "ch": "173", "no": "174", "au": "175", "jp": "182",
        "mk": "183", "us": "187", "ps": "188", "sg": "196", "mt": "199",
    }
)  # fmt: skip

#: Catalog service name → service code, in sms-activate's numbering.
SERVICES: Mapping[str, str] = MappingProxyType(
    {
        "airbnb": "uk", "alibaba": "hw", "amazon": "am", "apple": "wx",
        "avito": "av", "binance": "aon", "coinbase": "re", "discord": "ds",
        "ebay": "dh", "facebook": "fb", "google": "go", "grab": "jg",
        "instagram": "ig", "kakaotalk": "kt", "line": "me", "linkedin": "tn",
        "mailru": "ma", "microsoft": "mm", "netflix": "nf", "ok": "ok",
        "olx": "sn", "openai": "dr", "paypal": "ts", "shopee": "ka",
        "signal": "bw", "snapchat": "fu", "steam": "mt", "telegram": "tg",
        "tiktok": "lf", "tinder": "oi", "twitter": "tw", "uber": "ub",
        "viber": "vi", "vk": "vk", "wechat": "wb", "whatsapp": "wa",
        "yahoo": "mb", "yandex": "ya", "any": "ot",
    }
)  # fmt: skip

_RAW_SERVICE = re.compile(r"[a-z0-9]{2,4}")
_RAW_COUNTRY = re.compile(r"\d{1,4}")

#: Optional purchase parameters a dialect may offer: setting → wire name.
NUMBER_SETTINGS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "operator": (
            "operator",
            "mobile operators to buy from, comma separated (default: any)",
        ),
        "provider_ids": (
            "providerIds",
            "the provider's supplier ids to buy from, comma separated",
        ),
        "except_provider_ids": (
            "exceptProviderIds",
            "supplier ids never to buy from, comma separated",
        ),
        "phone_exception": (
            "phoneException",
            "number prefixes to refuse, comma separated (e.g. 7918,7900111)",
        ),
    }
)


@attrs.frozen
class Dialect:
    """What sets one provider's handler_api.php apart from the others."""

    #: The provider name (entry point name, settings prefix).
    name: str
    title: str
    #: The full handler URL, e.g. ``https://example.com/stubs/handler_api.php``.
    base_url: str
    currency: str = "USD"
    homepage: str | None = None
    #: ISO country code → the provider's country id.
    countries: Mapping[str, str] = COUNTRIES
    #: Catalog service name → the provider's service code.
    services: Mapping[str, str] = SERVICES
    #: Buy with ``getNumberV2`` (JSON with the price); ``getNumber`` otherwise.
    number_v2: bool = False
    #: Read the whole SMS text with ``getStatusV2`` once a code arrived.
    status_v2: bool = False
    #: ``getActiveActivations`` exists: a purchase whose reply was lost is
    #: looked up there instead of being sent again.
    active_activations: bool = False
    #: Seconds after a purchase during which cancels are refused
    #: (``EARLY_CANCEL_DENIED``).
    early_cancel: float = 120.0
    #: Seconds between attempts at such a refused cancel (a setting overrides).
    cancel_retry: float = 10.0
    #: Seconds a number lives; one that ends unused is refunded by the provider.
    lifetime: float = 1200.0
    #: Optional purchase parameters offered, from :data:`NUMBER_SETTINGS`.
    number_settings: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        unknown = set(self.number_settings) - set(NUMBER_SETTINGS)
        if unknown:
            raise ValueError(f"unknown purchase settings: {sorted(unknown)}")


# -- reading replies ----------------------------------------------------------

_TOKEN = re.compile(r"([A-Z][A-Z0-9_]*)(?::(.*))?", re.DOTALL)
_JSON_TOKEN = re.compile(r"[A-Z][A-Z0-9_]{2,}(?::.*)?", re.DOTALL)
_JSON_ERROR_KEYS = ("error", "message", "status", "title", "code", "msg")
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PHONE_JUNK = re.compile(r"[\s()+.-]")
#: The longest text a code reply may carry (a long, multi-part SMS).
MAX_TEXT = 2000


class Malformed(ValueError):
    """A reply that does not have the shape its action promises."""


@attrs.frozen
class Answer:
    """One reply of handler_api.php: a text line or a JSON value.

    ``token`` is the leading ``TOKEN`` of a text reply, or the error token a
    JSON reply carries (``{"status": "error", "message": "NO_NUMBERS"}``);
    ``value`` is what follows the token's first ``:``.
    """

    status: int
    text: str
    data: Any = None
    token: str | None = None
    value: str | None = None
    raw: bytes = b""

    @property
    def is_json(self) -> bool:
        return isinstance(self.data, (dict, list))

    @property
    def is_page(self) -> bool:
        """Whether the reply is a web page rather than an API answer."""
        return self.text[:1] == "<"


def read_answer(status: int, body: bytes) -> Answer:
    """Decode one reply body, whatever the HTTP status."""
    text = body.decode("utf-8", "replace").lstrip("\ufeff").strip()
    if text[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, (dict, list)):
            token, value = _json_token(data)
            return Answer(status, text, data, token, value, body)
    match = _TOKEN.fullmatch(text)
    if match is None:
        return Answer(status, text, raw=body)
    return Answer(status, text, token=match.group(1), value=match.group(2), raw=body)


def _json_token(data: Any) -> tuple[str | None, str | None]:
    if not isinstance(data, dict):
        return None, None
    places = [data]
    if isinstance(data.get("error"), dict):
        places.append(data["error"])
    for place in places:
        for key in _JSON_ERROR_KEYS:
            value = place.get(key)
            if isinstance(value, str) and _JSON_TOKEN.fullmatch(value.strip()):
                token, _, rest = value.strip().partition(":")
                return token, rest or None
    return None, None


# -- errors -------------------------------------------------------------------

_PLAIN_ERRORS: Mapping[str, type[SmsError]] = {
    "BAD_KEY": InvalidKey,
    "NO_KEY": InvalidKey,
    "WRONG_KEY": InvalidKey,
    "NO_BALANCE": NoBalance,
    "NO_BALANCE_FORWARD": NoBalance,
    "NO_NUMBERS": NoNumbers,
    "BAD_SERVICE": CountryNotSupported,
    "WRONG_SERVICE": CountryNotSupported,
    "BAD_COUNTRY": CountryNotSupported,
    "WRONG_COUNTRY": CountryNotSupported,
    "NO_ACTIVATION": NotFound,
    "NO_ACTIVATIONS": NotFound,
    "WRONG_ACTIVATION_ID": NotFound,
    "INVALID_ACTIVATION_ID": NotFound,
}
#: Tokens that say "a passing failure on the provider's side".
_TRANSIENT = frozenset({"ERROR_SQL"})
_TOO_EARLY = (
    "the provider does not cancel a number this soon after its purchase; "
    "try again in a minute or two"
)


def error_for(answer: Answer, *, provider: str, currency: str) -> SmsError | None:
    """The error an answer reports, or ``None`` when it reports none."""
    raw = answer.raw or answer.text
    token, value = answer.token, answer.value
    if token is None:
        return _free_text_error(answer.text, provider, raw)
    plain = _PLAIN_ERRORS.get(token)
    if plain is not None:
        return plain(provider=provider, raw=raw)
    if token in _TRANSIENT:
        return ProviderUnavailable(
            "the provider reported an internal error; try again later",
            provider=provider,
            raw=raw,
        )
    if token == "WRONG_MAX_PRICE":
        return _price_too_low(value, provider, currency, raw)
    if token == "BANNED":
        return Banned(provider=provider, raw=raw, until=parse_until(value))
    if token == "CHANNELS_LIMIT":
        return Banned(
            "the account has as many numbers open as the provider allows; "
            "finish or cancel some, or wait for them to expire",
            provider=provider,
            raw=raw,
        )
    if token == "SERVICE_UNAVAILABLE_REGION":
        return Banned(
            "the provider refuses requests from this network's region; "
            "use it from another network",
            provider=provider,
            raw=raw,
        )
    if token in ("WRONG_OPERATOR", "OPERATORS_NOT_FOUND"):
        return CountryNotSupported(
            "the provider has no numbers from that operator here; check the "
            "operator setting",
            provider=provider,
            raw=raw,
        )
    if token == "EARLY_CANCEL_DENIED":
        return ProviderUnavailable(_TOO_EARLY, provider=provider, raw=raw)
    if token == "BAD_ACTION":
        return InvalidResponse(
            "the provider does not offer this request (BAD_ACTION); check that "
            "the base URL is its handler_api.php",
            provider=provider,
            raw=raw,
        )
    if token == "BAD_STATUS":
        return InvalidResponse(
            "the provider refused this change of the number's status (BAD_STATUS)",
            provider=provider,
            raw=raw,
        )
    return None


def _free_text_error(text: str, provider: str, raw: str | bytes) -> SmsError | None:
    lowered = text.lower()
    if lowered.startswith("internal error"):
        return ProviderUnavailable(
            "the provider reported an internal error; try again later",
            provider=provider,
            raw=raw,
        )
    if "prohibited for sale" in lowered:
        return CountryNotSupported(
            "the provider does not sell numbers for this service",
            provider=provider,
            raw=raw,
        )
    return None


def _price_too_low(
    value: str | None, provider: str, currency: str, raw: str | bytes
) -> NoNumbers:
    try:
        minimum: Decimal | None = to_decimal(value)
    except ValueError:
        minimum = None
    if minimum is None or minimum < 0:
        return NoNumbers(provider=provider, raw=raw)
    lowest = Money(minimum.normalize(), currency)
    return NoNumbers(
        f"{NoNumbers.default_message} (the provider's lowest price now is {lowest})",
        provider=provider,
        raw=raw,
        min_price=minimum,
    )


_BAN_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H-%M-%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
)


def parse_until(value: str | None) -> dt.datetime | None:
    """When a ban ends, from ``BANNED:<time>``; ``None`` when unreadable.

    A time without a zone is taken as UTC.
    """
    if not value:
        return None
    text = value.strip().strip("'\"").strip()
    if text.isdigit() and 9 <= len(text) <= 11:
        return dt.datetime.fromtimestamp(int(text), UTC)
    for pattern in _BAN_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


# -- parsing successful replies -----------------------------------------------


@attrs.frozen
class Bought:
    """A number as the provider reports it: bought now, or open in the account."""

    id: str
    phone: str
    cost: Decimal | None = None
    #: The provider's service code and country id, where the reply names them.
    service: str | None = None
    country: str | None = None


def parse_balance(answer: Answer) -> Decimal:
    """``ACCESS_BALANCE:<amount>`` (or a JSON object with a ``balance``)."""
    if answer.token == "ACCESS_BALANCE" and answer.value is not None:
        return _amount(answer.value, negative=True)
    if isinstance(answer.data, dict) and "balance" in answer.data:
        return _amount(answer.data["balance"], negative=True)
    raise Malformed("expected ACCESS_BALANCE:<amount>")


def parse_number(answer: Answer) -> Bought:
    """``ACCESS_NUMBER:<id>:<phone>``, or getNumberV2's JSON object."""
    if answer.token == "ACCESS_NUMBER":
        number_id, sep, phone = (answer.value or "").partition(":")
        if not sep:
            raise Malformed("ACCESS_NUMBER needs an id and a phone")
        return Bought(_id(number_id), _phone(phone))
    data = answer.data
    if isinstance(data, dict) and "activationId" in data:
        cost = data.get("activationCost")
        return Bought(
            _id(data["activationId"]),
            _phone(data.get("phoneNumber")),
            None if cost is None else _amount(cost),
        )
    raise Malformed("expected ACCESS_NUMBER:<id>:<phone> or an activation object")


def _sold_id(answer: Answer) -> str | None:
    """The activation id of a purchase reply whose other fields are garbled."""
    value: object
    if answer.token == "ACCESS_NUMBER":
        value = (answer.value or "").partition(":")[0]
    elif isinstance(answer.data, dict):
        value = answer.data.get("activationId")
    else:
        return None
    try:
        return _id(value)
    except Malformed:
        return None


def parse_status(answer: Answer) -> tuple[str, Code | None]:
    """getStatus: ``("waiting", None)``, ``("code", Code)`` or ``("cancelled", None)``.

    ``STATUS_WAIT_RETRY:<old code>`` is waiting: the old code is not news.
    """
    token = answer.token or ""
    if token.startswith("STATUS_WAIT"):
        return "waiting", None
    if token == "STATUS_CANCEL":
        return "cancelled", None
    if token == "STATUS_OK":
        text = answer.value or ""
        if len(text) > MAX_TEXT:
            raise Malformed("STATUS_OK with an oversized text")
        return "code", code_from_text(text)
    raise Malformed("expected a STATUS_* reply")


def parse_status_v2(answer: Answer) -> Code | None:
    """getStatusV2: the code and whole message of the SMS (or call), if any."""
    data = answer.data
    if not isinstance(data, dict):
        raise Malformed("expected a JSON object")
    for key in ("sms", "call"):
        part = data.get(key)
        if not isinstance(part, dict):
            continue
        code = part.get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            code = str(code)
        if isinstance(code, str) and code.strip() and len(code) <= MAX_TEXT:
            text = part.get("text")
            if (
                not isinstance(text, str)
                or len(text) > MAX_TEXT
                or _CONTROL.search(text)
            ):
                text = None
            return Code(code.strip(), text)
    return None


_CODE_IN_TEXT = re.compile(r"(?<!\d)\d{3}[- ]\d{3}(?!\d)|(?<!\d)\d{4,10}(?!\d)")
_BARE_CODE = re.compile(r"[A-Za-z0-9-]{1,16}")
#: Characters no SMS text needs and a terminal would obey.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def code_from_text(text: str) -> Code:
    """The code in a ``STATUS_OK`` value: the value itself, or found in its text."""
    value = text.strip().strip("'\"").strip()
    if not value:
        raise Malformed("empty code")
    if _CONTROL.search(value):
        raise Malformed("a code with control characters")
    if _BARE_CODE.fullmatch(value):
        return Code(value)
    match = _CODE_IN_TEXT.search(value)
    return Code(match.group(0) if match else value, value)


def parse_prices(
    answer: Answer, country: str, service: str
) -> list[tuple[Decimal, int | None]]:
    """getPrices: ``(price, count)`` tiers for one service in one country.

    Reads ``{country: {service: {"cost", "count"}}}`` and the tier shapes some
    clones use (``{"<price>": count}``, ``{"<supplier>": {"price", "count"}}``).
    An empty list means nothing is on offer.
    """
    data = answer.data
    if not isinstance(data, dict):
        raise Malformed("expected a JSON object of prices")
    entry = _dig(data, country, service)
    if entry is None:
        entry = _dig(data, service, country)
    if entry is None:
        return []
    if not isinstance(entry, dict):
        raise Malformed("a price entry is not an object")
    if "cost" in entry or "price" in entry:
        price = entry.get("cost", entry.get("price"))
        if isinstance(price, list):
            return [(_amount(p), None) for p in price]
        return [(_amount(price), _count(entry.get("count")))]
    tiers = []
    for key, item in entry.items():
        if isinstance(item, dict):
            price = item.get("price", item.get("cost"))
            tiers.append((_amount(price), _count(item.get("count"))))
        else:
            tiers.append((_amount(key), _count(item)))
    return tiers


def _dig(data: Mapping[str, Any], outer: str, inner: str) -> Any:
    level = data.get(outer)
    return level.get(inner) if isinstance(level, dict) else None


def parse_active(answer: Answer) -> list[Bought]:
    """getActiveActivations: the account's numbers still open."""
    data = answer.data
    items = data.get("activeActivations") if isinstance(data, dict) else data
    if isinstance(items, dict):
        items = list(items.values())
    if not isinstance(items, list):
        raise Malformed("expected a list of active activations")
    active = []
    for item in items:
        if not isinstance(item, dict):
            raise Malformed("an active activation is not an object")
        cost = item.get("activationCost")
        active.append(
            Bought(
                id=_id(item.get("activationId", item.get("id"))),
                phone=_phone(item.get("phoneNumber", item.get("phone"))),
                service=_optional_text(item.get("serviceCode")),
                country=_optional_text(item.get("countryCode")),
                cost=None if cost is None else _amount(cost),
            )
        )
    return active


def parse_countries(answer: Answer) -> dict[str, str]:
    """getCountries: country id → English name (object keyed by id, or a list)."""
    data = answer.data
    items = list(data.items()) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise Malformed("expected countries as an object or a list")
    countries = {}
    for item in items:
        key, entry = item if isinstance(item, tuple) else (None, item)
        if isinstance(entry, str):
            name: Any = entry
        elif isinstance(entry, dict):
            key = entry.get("id", key)
            name = entry.get("eng") or entry.get("name") or entry.get("rus")
        else:
            raise Malformed("a country entry is neither a name nor an object")
        if key is None or not isinstance(name, str):
            raise Malformed("a country entry without an id or a name")
        countries[_id(key)] = name
    return countries


def parse_services(answer: Answer) -> dict[str, str]:
    """getServicesList: service code → name."""
    data = answer.data
    items = data.get("services", data) if isinstance(data, dict) else data
    if isinstance(items, dict):
        items = [{"code": code, "name": name} for code, name in items.items()]
    if not isinstance(items, list):
        raise Malformed("expected a list of services")
    services = {}
    for item in items:
        if not isinstance(item, dict):
            raise Malformed("a service entry is not an object")
        code, name = item.get("code"), item.get("name")
        if not isinstance(code, str) or not isinstance(name, str):
            raise Malformed("a service entry without a code or a name")
        services[code] = name
    return services


def _id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and _ID.fullmatch(value.strip()):
        return value.strip()
    raise Malformed(f"not an activation id: {value!r:.40}")


def _phone(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise Malformed("the phone number is missing")
    digits = _PHONE_JUNK.sub("", value)
    if not digits.isascii() or not digits.isdigit() or not 6 <= len(digits) <= 16:
        raise Malformed(f"not a phone number: {value!r:.40}")
    return "+" + digits


def _amount(value: object, *, negative: bool = False) -> Decimal:
    try:
        amount = to_decimal(value)
    except ValueError:
        raise Malformed(f"not an amount: {value!r:.40}") from None
    if amount < 0 and not negative:
        raise Malformed(f"a negative amount: {amount}")
    return amount


def _count(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) and value >= 0:
        return value
    return None


def _optional_text(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else None


# -- the protocol ---------------------------------------------------------------


class _OutcomeUnknown(Exception):
    """A purchase was sent and its outcome is not known."""

    def __init__(self, error: SmsError) -> None:
        super().__init__(error.message)
        self.error = error


class ActivateAPI:
    """handler_api.php in one :class:`Dialect`, with hook-shaped methods.

    Each method is a hook implementation: bind them to a plugin module's
    names (see the module docstring), or call them from your own hooks.
    """

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    # -- the user's words and the provider's ids -----------------------------

    def service_code(self, service: str, provider: str | None = None) -> str:
        """The provider's code for a catalog service name or a raw code."""
        word = normalise(service)
        code = self.dialect.services.get(word)
        if code is not None:
            return code
        name = provider or self.dialect.name
        if word in CATALOG:
            raise CountryNotSupported(
                f"{name} has no known code for {word!r}; pass the provider's own "
                f"service code instead",
                provider=name,
            )
        if _RAW_SERVICE.fullmatch(word):
            return word
        raise CountryNotSupported(
            f"unknown service {service!r}: use a name such as telegram or "
            f"whatsapp, or the provider's service code (e.g. tg)",
            provider=name,
        )

    def country_id(self, country: str, provider: str | None = None) -> str:
        """The provider's id for an ISO country code or a raw numeric id."""
        word = normalise(country)
        found = self.dialect.countries.get(word)
        if found is not None:
            return found
        name = provider or self.dialect.name
        if _RAW_COUNTRY.fullmatch(word):
            return str(int(word))
        if is_country_code(word):
            raise CountryNotSupported(
                f"{name} has no known id for country {word!r}; pass the "
                f"provider's numeric country id instead",
                provider=name,
            )
        raise CountryNotSupported(
            f"unknown country {country!r}: use an ISO code such as us or gb, or "
            f"the provider's numeric country id",
            provider=name,
        )

    # -- hooks -------------------------------------------------------------------

    @hookimpl
    def provider_info(self) -> ProviderInfo:
        dialect = self.dialect
        return ProviderInfo(
            name=dialect.name,
            title=dialect.title,
            currency=dialect.currency,
            base_url=dialect.base_url,
            settings=self.settings(),
            capabilities=frozenset({"price_list", "finish"}),
            homepage=dialect.homepage,
        )

    def settings(self) -> tuple[Setting, ...]:
        """The settings a provider in this dialect offers."""
        currency = Setting(
            "currency",
            "the currency the account's balance and prices are in",
            default=self.dialect.currency,
        )
        cancel_retry = Setting(
            "cancel_retry",
            "seconds between attempts at a cancel the provider refuses as too early",
            default=f"{self.dialect.cancel_retry:g}",
        )
        extra = tuple(
            Setting(name, NUMBER_SETTINGS[name][1])
            for name in self.dialect.number_settings
        )
        return (currency, cancel_retry, *extra)

    @hookimpl
    async def get_balance(self, provider: Provider) -> Balance:
        answer = await self._call(provider, "getBalance")
        amount = self._parse(provider, answer, parse_balance)
        return Balance(provider.name, Money(amount, provider.currency))

    @hookimpl
    async def price_list(
        self, provider: Provider, service: str, country: str
    ) -> list[Price]:
        code = self.service_code(service, provider.name)
        country_id = self.country_id(country, provider.name)
        answer = await self._call(
            provider, "getPrices", {"service": code, "country": country_id}
        )
        tiers = self._parse(
            provider, answer, lambda a: parse_prices(a, country_id, code)
        )
        return [
            Price(
                provider=provider.name,
                service=normalise(service),
                country=normalise(country),
                price=Money(price, provider.currency),
                available=count,
            )
            for price, count in tiers
        ]

    @hookimpl
    async def get_number(
        self, provider: Provider, service: str, country: str, max_price: Money | None
    ) -> Number:
        code = self.service_code(service, provider.name)
        country_id = self.country_id(country, provider.name)
        params = {"service": code, "country": country_id}
        if max_price is not None:
            params["maxPrice"] = _plain_decimal(max_price.amount)
        params.update(self._purchase_settings(provider))

        before = await self._active_ids(provider)
        bought_at = time.time()
        try:
            bought = await self._buy(provider, params)
        except _OutcomeUnknown as unknown:
            bought = await self._recover(provider, unknown.error, before, code)
        return Number(
            provider=provider.name,
            id=bought.id,
            phone=bought.phone,
            price=_money(bought.cost, provider),
            service=normalise(service),
            country=normalise(country),
            expires_at=dt.datetime.fromtimestamp(
                bought_at + self.dialect.lifetime, UTC
            ),
            extra={**_extra(code, country_id), "bought_at": f"{bought_at:.0f}"},
        )

    @hookimpl
    async def poll_code(self, provider: Provider, number: Number) -> Code | None:
        state, code = await self._status(provider, number)
        if state == "cancelled":
            raise NoSmsReceived(
                "the provider ended the number before a code arrived (expired or "
                "cancelled on its side); it refunds numbers that end this way",
                provider=provider.name,
                number_id=number.id,
            )
        if code is not None and self.dialect.status_v2:
            code = await self._with_whole_text(provider, number, code)
        return code

    @hookimpl
    async def cancel(self, provider: Provider, number: Number) -> None:
        try:
            answer = await self._call(
                provider,
                "setStatus",
                {"id": number.id, "status": "8"},
                accept={"EARLY_CANCEL_DENIED", "BAD_STATUS", "STATUS_CANCEL"},
            )
        except NotFound:
            provider.log.info(
                "number %s is unknown to the provider; nothing to cancel", number.id
            )
            return
        token = answer.token or ""
        if token.startswith("ACCESS_CANCEL") or token == "STATUS_CANCEL":
            return
        if token == "EARLY_CANCEL_DENIED":
            raise ProviderUnavailable(
                _TOO_EARLY,
                provider=provider.name,
                raw=answer.raw,
                retry_after=self._cancel_wait(provider, number),
            )
        if token == "BAD_STATUS":
            await self._cancel_refused(provider, number, answer)
            return
        raise InvalidResponse(provider=provider.name, raw=answer.raw)

    @hookimpl
    async def finish(self, provider: Provider, number: Number) -> None:
        answer = await self._call(
            provider, "setStatus", {"id": number.id, "status": "6"}
        )
        token = answer.token or ""
        if token.startswith("ACCESS_ACTIVATION") or token == "STATUS_OK":
            return
        raise InvalidResponse(provider=provider.name, raw=answer.raw)

    @hookimpl
    async def request_another_code(self, provider: Provider, number: Number) -> Number:
        """Ask for one more SMS on the number (setStatus 3).

        Until the new code arrives the status says STATUS_WAIT_RETRY with the
        old code, which polling treats as waiting.
        """
        answer = await self._call(
            provider, "setStatus", {"id": number.id, "status": "3"}
        )
        if (answer.token or "").startswith("ACCESS_RETRY_GET"):
            return number
        raise InvalidResponse(provider=provider.name, raw=answer.raw)

    # -- more of the protocol ------------------------------------------------------

    @hookimpl
    async def active_numbers(self, provider: Provider) -> list[Number] | None:
        """The account's open numbers (``getActiveActivations``).

        ``None`` when the dialect has no such action: the open numbers are
        unknown, not none.
        """
        if not self.dialect.active_activations:
            return None
        return [
            Number(
                provider=provider.name,
                id=open_number.id,
                phone=open_number.phone,
                price=_money(open_number.cost, provider),
                extra=_extra(open_number.service, open_number.country),
            )
            for open_number in await self._active(provider)
        ]

    async def countries(self, provider: Provider) -> dict[str, str]:
        """The provider's country ids and names (``getCountries``)."""
        answer = await self._call(provider, "getCountries")
        return self._parse(provider, answer, parse_countries)

    async def services(self, provider: Provider) -> dict[str, str]:
        """The provider's service codes and names (``getServicesList``)."""
        answer = await self._call(provider, "getServicesList")
        return self._parse(provider, answer, parse_services)

    async def _active(self, provider: Provider) -> list[Bought]:
        answer = await self._call(
            provider, "getActiveActivations", accept={"NO_ACTIVATIONS"}
        )
        if answer.token == "NO_ACTIVATIONS":
            return []
        return self._parse(provider, answer, parse_active)

    # -- requests ------------------------------------------------------------------

    async def _call(
        self,
        provider: Provider,
        action: str,
        params: Mapping[str, str] | None = None,
        *,
        accept: Collection[str] = (),
    ) -> Answer:
        """Send one idempotent request; raise the error its answer reports.

        Tokens in ``accept`` come back as answers instead of errors. A passing
        failure the provider reports in a 200 body (``ERROR_SQL``) is retried
        like a 5xx: with backoff, a bounded number of times.
        """
        attempts = max(1, provider.http.retry.attempts)
        attempt = 1
        while True:
            answer = await self._send(provider, action, params, idempotent=True)
            if answer.token in accept:
                return answer
            try:
                return self._check(provider, answer)
            except ProviderUnavailable:
                if attempt >= attempts or answer.token == "EARLY_CANCEL_DENIED":
                    raise
            provider.log.warning(
                "%s: %s answered %s, retry %d of %d",
                provider.name,
                action,
                answer.token or f"HTTP {answer.status}",
                attempt,
                attempts - 1,
            )
            await asyncio.sleep(_backoff(provider, attempt))
            attempt += 1

    async def _send(
        self,
        provider: Provider,
        action: str,
        params: Mapping[str, str] | None,
        *,
        idempotent: bool,
    ) -> Answer:
        query = {"api_key": provider.api_key, "action": action, **(params or {})}
        response = await provider.http.request(
            "GET", params=query, idempotent=idempotent
        )
        return read_answer(response.status_code, response.content)

    def _check(self, provider: Provider, answer: Answer) -> Answer:
        error = error_for(answer, provider=provider.name, currency=provider.currency)
        if error is not None:
            raise error
        if answer.status >= 500:
            raise ProviderUnavailable(
                f"the provider answered HTTP {answer.status}; try again later",
                provider=provider.name,
                raw=answer.raw,
            )
        if answer.is_page or not answer.text:
            raise InvalidResponse(
                f"the provider answered with "
                f"{'a web page' if answer.text else 'nothing'} (HTTP {answer.status}) "
                f"instead of an API reply; check the base URL, the domain may "
                f"have moved",
                provider=provider.name,
                raw=answer.raw,
            )
        if answer.status >= 400 and answer.token is None and not answer.is_json:
            raise InvalidResponse(
                f"the provider answered HTTP {answer.status} with a reply smsplug "
                f"does not know",
                provider=provider.name,
                raw=answer.raw,
            )
        return answer

    def _parse(
        self, provider: Provider, answer: Answer, parse: Callable[[Answer], T]
    ) -> T:
        try:
            return parse(answer)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            provider.log.debug("unexpected reply: %s", error)
            raise InvalidResponse(provider=provider.name, raw=answer.raw) from None

    # -- buying ----------------------------------------------------------------------

    async def _buy(self, provider: Provider, params: Mapping[str, str]) -> Bought:
        """Send the purchase once; raise _OutcomeUnknown when it may have sold."""
        actions = ("getNumberV2",) if self.dialect.number_v2 else ()
        for action in actions:
            answer = await self._send_purchase(provider, action, params)
            if answer.token != "BAD_ACTION":
                return self._bought(provider, answer)
            # The newer action is not offered, which sells nothing: use the old.
        answer = await self._send_purchase(provider, "getNumber", params)
        return self._bought(provider, answer)

    async def _send_purchase(
        self, provider: Provider, action: str, params: Mapping[str, str]
    ) -> Answer:
        try:
            return await self._send(provider, action, params, idempotent=False)
        except ProviderUnavailable as error:
            if error.raw is not None:  # refused outright (429): nothing sold
                raise
            raise _OutcomeUnknown(error) from error

    def _bought(self, provider: Provider, answer: Answer) -> Bought:
        """Read a purchase reply: a refusal raises, a doubtful reply is unknown."""
        error = error_for(answer, provider=provider.name, currency=provider.currency)
        if error is not None and not isinstance(error, ProviderUnavailable):
            raise error
        try:
            return parse_number(answer)
        except Malformed:
            pass
        sold_id = _sold_id(answer)
        if sold_id is not None:
            # The id is readable, so the number was sold: the client cancels it.
            raise InvalidResponse(
                "the number was sold but its details could not be read",
                provider=provider.name,
                raw=answer.raw,
                number=Number(provider=provider.name, id=sold_id, phone=""),
            )
        try:
            self._check(provider, answer)
        except SmsError as doubt:
            raise _OutcomeUnknown(doubt) from None
        raise _OutcomeUnknown(InvalidResponse(provider=provider.name, raw=answer.raw))

    async def _active_ids(self, provider: Provider) -> set[str] | None:
        """Ids open before a purchase, to tell a lost purchase apart later."""
        if not self.dialect.active_activations:
            return None
        try:
            return {number.id for number in await self._active(provider)}
        except (InvalidKey, NoApiKey, Banned):
            raise
        except SmsError as error:
            provider.log.warning(
                "%s: could not list active numbers before buying: %s",
                provider.name,
                error,
            )
            return None

    async def _recover(
        self,
        provider: Provider,
        error: SmsError,
        before: set[str] | None,
        service_code: str,
    ) -> Bought:
        """Find the number a purchase with a lost reply may have bought."""
        if before is None:
            raise _unknown(
                error,
                "whether a number was bought is unknown; smsplug does not send the "
                "purchase again, so you are never charged twice; look for it in "
                "the provider's list of active numbers",
            )
        attempts = max(1, provider.http.retry.attempts)
        for attempt in range(1, attempts + 1):
            try:
                active = await self._active(provider)
            except SmsError as lookup:
                raise _unknown(
                    error,
                    "the account's active numbers could not be read to find out "
                    "whether a number was bought; look for it on the provider's site",
                ) from lookup
            new = [
                n
                for n in active
                if n.id not in before and n.service in (None, service_code)
            ]
            if new:
                # Limitation: two purchases of the same service racing in one
                # account cannot be told apart; the newest number is taken.
                found = max(new, key=lambda n: _id_order(n.id))
                provider.log.warning(
                    "%s: the purchase reply was lost (%s); number %s was found "
                    "among the active numbers",
                    provider.name,
                    error.message,
                    found.id,
                )
                return found
            if attempt < attempts:
                await asyncio.sleep(_backoff(provider, attempt))
        raise _unknown(
            error,
            "no new number appeared among the account's active numbers, so "
            "nothing was bought",
        )

    def _purchase_settings(self, provider: Provider) -> dict[str, str]:
        params = {}
        for name in self.dialect.number_settings:
            value = provider.setting(name)
            if value:
                params[NUMBER_SETTINGS[name][0]] = value.replace(" ", "")
        return params

    # -- status and cancelling ------------------------------------------------------

    async def _status(
        self, provider: Provider, number: Number
    ) -> tuple[str, Code | None]:
        answer = await self._call(provider, "getStatus", {"id": number.id})
        return self._parse(provider, answer, parse_status)

    async def _with_whole_text(
        self, provider: Provider, number: Number, code: Code
    ) -> Code:
        """The code with the whole SMS text from getStatusV2, when it has it."""
        try:
            answer = await self._call(provider, "getStatusV2", {"id": number.id})
            found = parse_status_v2(answer)
        except (SmsError, ValueError) as error:
            provider.log.debug("getStatusV2 gave no text: %s", error)
            return code
        if found is not None and found.text and code.code in found.text:
            return Code(code.code, found.text)
        return code

    async def _cancel_refused(
        self, provider: Provider, number: Number, answer: Answer
    ) -> None:
        """BAD_STATUS to a cancel: fine if the number has already ended."""
        try:
            state, _ = await self._status(provider, number)
        except NotFound:
            return
        if state == "cancelled":
            return
        reason = (
            "it has received a code, so the provider will not refund it"
            if state == "code"
            else "the provider refused (BAD_STATUS)"
        )
        raise InvalidResponse(
            f"number {number.id} could not be cancelled: {reason}",
            provider=provider.name,
            raw=answer.raw,
        )

    def _cancel_wait(self, provider: Provider, number: Number) -> float:
        """Seconds until a cancel refused as too early is worth trying again."""
        every = self._cancel_retry(provider)
        try:
            bought_at = float(number.extra["bought_at"])
        except (KeyError, ValueError):
            return every
        left = bought_at + self.dialect.early_cancel - time.time()
        return left if 0 < left < every else every

    def _cancel_retry(self, provider: Provider) -> float:
        value = provider.setting("cancel_retry")
        if value is None:
            return self.dialect.cancel_retry
        try:
            seconds = float(value)
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds <= 3600:
            raise ConfigError(
                f"SMSPLUG_{env_name(provider.name)}_CANCEL_RETRY must be a number "
                f"of seconds between 0 and 3600, got {value!r}"
            )
        return seconds


def _money(amount: Decimal | None, provider: Provider) -> Money | None:
    return None if amount is None else Money(amount, provider.currency)


def _extra(service: str | None, country: str | None) -> dict[str, str]:
    extra = {"service_code": service, "country_id": country}
    return {key: value for key, value in extra.items() if value is not None}


def _unknown(error: SmsError, note: str) -> SmsError:
    message = f"{error.message}; {note}"
    if isinstance(error, InvalidResponse):
        return InvalidResponse(message, provider=error.provider, raw=error.raw)
    return ProviderUnavailable(message, provider=error.provider, raw=error.raw)


def _backoff(provider: Provider, attempt: int) -> float:
    policy = provider.http.retry
    return float(min(policy.backoff * 2 ** (attempt - 1), policy.max_wait))


def _id_order(number_id: str) -> int:
    return int(number_id) if number_id.isdigit() else -1


def _plain_decimal(amount: Decimal) -> str:
    return format(amount.normalize(), "f")
