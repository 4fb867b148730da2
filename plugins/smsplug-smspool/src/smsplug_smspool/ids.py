"""SMSPool's ids for the countries and services users name.

SMSPool numbers its countries and services (``/country/retrieve_all`` and
``/service/retrieve_all``). The tables below hold those ids as the
provider's published API collection lists them, keyed by ISO 3166-1 alpha-2
code and by :data:`smsplug.catalog.SERVICES` name. Users may also pass
SMSPool's numeric ids directly, for anything the tables lack.
"""

# Limitation: the tables are a snapshot of SMSPool's published lists; a
# country or service SMSPool added later is reachable by its numeric id only.

from __future__ import annotations

from collections.abc import Mapping

from smsplug.catalog import SERVICES, is_country_code, normalise
from smsplug.errors import CountryNotSupported

__all__ = ["COUNTRIES", "SERVICE_IDS", "country_id", "iso_country", "service_id"]

#: ISO 3166-1 alpha-2 code -> SMSPool country id.
COUNTRIES: Mapping[str, int] = {
    # North and Central America, Caribbean
    "us": 1, "mx": 53, "gp": 128, "ai": 148, "hn": 81, "ni": 83, "gt": 85,
    "pa": 93, "bz": 100, "jm": 142, "bb": 143, "bs": 144, "dm": 145,
    "gd": 146, "ms": 147,
    # Europe
    "gb": 2, "nl": 3, "ru": 4, "lv": 5, "se": 6, "pt": 8, "ee": 10, "ro": 13,
    "dk": 19, "pl": 21, "fr": 23, "de": 24, "ua": 25, "ie": 32, "rs": 37,
    "lt": 47, "hr": 48, "at": 50, "by": 51, "es": 55, "si": 57, "be": 75,
    "bg": 76, "hu": 77, "md": 78, "it": 79, "gr": 102, "is": 104, "sk": 112,
    "mc": 115, "al": 123, "fi": 130, "lu": 131, "me": 133, "ch": 134,
    "no": 135, "cz": 149,
    # Asia
    "kz": 7, "id": 9, "vn": 11, "ph": 12, "in": 15, "kg": 18, "my": 20,
    "il": 29, "kh": 33, "la": 34, "ye": 38, "uz": 44, "iq": 49, "th": 52,
    "tw": 54, "bd": 58, "tr": 60, "pk": 62, "mn": 67, "af": 69, "cy": 72,
    "np": 74, "kw": 88, "om": 91, "qa": 92, "jo": 95, "bn": 98, "ge": 101,
    "tj": 114, "bh": 116, "am": 118, "lb": 121, "bt": 126, "mv": 127,
    "tm": 129, "sg": 141,
    # Africa
    "ng": 14, "ke": 16, "tz": 27, "mg": 30, "eg": 31, "gm": 36, "ma": 41,
    "gh": 42, "cm": 45, "td": 46, "dz": 56, "sn": 59, "gn": 63, "ml": 64,
    "et": 66, "ug": 70, "ao": 71, "mz": 73, "tn": 82, "zw": 86, "tg": 87,
    "sz": 90, "mr": 94, "bi": 96, "bj": 97, "bw": 99, "km": 105, "lr": 106,
    "ls": 107, "mw": 108, "na": 109, "ne": 110, "rw": 111, "zm": 117,
    "so": 119, "ga": 122, "mu": 125, "dj": 132, "er": 137, "sc": 139,
    "za": 153,
    # South America
    "ht": 35, "co": 39, "ar": 43, "pe": 61, "ve": 65, "br": 68, "py": 80,
    "bo": 84, "ec": 89, "gy": 103, "sr": 113, "cl": 120, "uy": 124, "aw": 138,
    # Oceania
    "au": 136, "fj": 140,
}  # fmt: skip

#: smsplug catalog service name -> SMSPool service id. ``zoom`` is missing:
#: SMSPool lists no Zoom service.
SERVICE_IDS: Mapping[str, int] = {
    "airbnb": 28,
    "alibaba": 33,
    "amazon": 39,
    "apple": 48,
    "avito": 61,
    "binance": 85,
    "coinbase": 208,
    "discord": 273,
    "ebay": 305,
    "facebook": 329,
    "google": 395,
    "grab": 1093,
    "instagram": 457,
    "kakaotalk": 487,
    "line": 522,
    "linkedin": 523,
    "mailru": 553,
    "microsoft": 1072,
    "netflix": 630,
    "ok": 659,
    "olx": 661,
    "openai": 671,
    "paypal": 703,
    "shopee": 823,
    "signal": 829,
    "snapchat": 846,
    "steam": 868,
    "telegram": 907,
    "tiktok": 924,
    "tinder": 926,
    "twitter": 948,
    "uber": 951,
    "viber": 978,
    "vk": 985,
    "wechat": 1004,
    "whatsapp": 1012,
    "yahoo": 1034,
    "yandex": 1036,
    # SMSPool's "Not Listed" service, for sites it has no entry for.
    "any": 817,
}

_ISO_BY_ID = {number: iso for iso, number in COUNTRIES.items()}
# Ids are small positive integers; anything longer is not one.
_MAX_ID_DIGITS = 6


def country_id(country: str, *, provider: str) -> str:
    """SMSPool's id for ``country``: an ISO code or SMSPool's own numeric id."""
    word = normalise(country)
    if word in COUNTRIES:
        return str(COUNTRIES[word])
    if _is_raw_id(word):
        return str(int(word))
    if is_country_code(word):
        hint = "SMSPool lists no numbers for it"
    else:
        hint = "use an ISO 3166-1 code such as us or gb"
    raise CountryNotSupported(
        f"unknown country {country!r}: {hint}; SMSPool's numeric country ids "
        f"are accepted too",
        provider=provider,
    )


def service_id(service: str, *, provider: str) -> str:
    """SMSPool's id for ``service``: a catalog name or SMSPool's numeric id."""
    word = normalise(service)
    if word in SERVICE_IDS:
        return str(SERVICE_IDS[word])
    if _is_raw_id(word):
        return str(int(word))
    if word in SERVICES:
        hint = "SMSPool does not offer it"
    else:
        hint = "use a service name such as telegram or whatsapp"
    raise CountryNotSupported(
        f"unknown service {service!r}: {hint}; SMSPool's numeric service ids "
        f"are accepted too",
        provider=provider,
    )


def iso_country(smspool_id: str) -> str | None:
    """The ISO code of one of SMSPool's country ids, when the table has it."""
    return _ISO_BY_ID.get(int(smspool_id)) if _is_raw_id(smspool_id) else None


def _is_raw_id(word: str) -> bool:
    return (
        word.isascii()
        and word.isdigit()
        and len(word) <= _MAX_ID_DIGITS
        and int(word) > 0
    )
