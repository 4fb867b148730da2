"""OnlineSim's names for services and countries.

OnlineSim names a country by its international calling code without the
``+`` (``7`` Russia, ``44`` United Kingdom) and a service by a text slug
(``telegram``, ``vkcom``). Users type catalog names and ISO codes; raw
calling codes and slugs pass through unchanged, so anything OnlineSim
lists in ``getNumbersStats`` can be bought even when this table lacks it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from smsplug.catalog import is_country_code, normalise
from smsplug.errors import CountryNotSupported

__all__ = [
    "COUNTRIES",
    "SERVICES",
    "country_id",
    "dialling_prefix",
    "service_slug",
]

#: Catalog service name -> OnlineSim service slug. Only ``telegram``,
#: ``whatsapp`` and ``vkcom`` appear in OnlineSim's own documents; the others
#: follow the lower-case brand names of its service list.
SERVICES: Mapping[str, str] = {
    "airbnb": "airbnb",
    "alibaba": "alibaba",
    "amazon": "amazon",
    "apple": "apple",
    "avito": "avito",
    "binance": "binance",
    "coinbase": "coinbase",
    "discord": "discord",
    "ebay": "ebay",
    "facebook": "facebook",
    "google": "google",
    "grab": "grab",
    "instagram": "instagram",
    "kakaotalk": "kakaotalk",
    "line": "line",
    "linkedin": "linkedin",
    "mailru": "mailru",
    "microsoft": "microsoft",
    "netflix": "netflix",
    "ok": "odnoklassniki",
    "olx": "olx",
    "openai": "openai",
    "paypal": "paypal",
    "shopee": "shopee",
    "signal": "signal",
    "snapchat": "snapchat",
    "steam": "steam",
    "telegram": "telegram",
    "tiktok": "tiktok",
    "tinder": "tinder",
    "twitter": "twitter",
    "uber": "uber",
    "viber": "viber",
    "vk": "vkcom",
    "wechat": "wechat",
    "whatsapp": "whatsapp",
    "yahoo": "yahoo",
    "yandex": "yandex",
    "zoom": "zoom",
    # OnlineSim's catch-all: incoming SMS are not filtered by sender.
    "any": "other",
}

#: ISO 3166-1 alpha-2 -> OnlineSim country id (the calling code).
COUNTRIES: Mapping[str, int] = {
    "ae": 971,
    "am": 374,
    "ar": 54,
    "at": 43,
    "au": 61,
    "az": 994,
    "bd": 880,
    "be": 32,
    "bg": 359,
    "br": 55,
    "by": 375,
    "ch": 41,
    "cl": 56,
    "cn": 86,
    "co": 57,
    "cy": 357,
    "cz": 420,
    "de": 49,
    "dk": 45,
    "ee": 372,
    "eg": 20,
    "es": 34,
    "fi": 358,
    "fr": 33,
    "gb": 44,
    "ge": 995,
    "gr": 30,
    "hk": 852,
    "hr": 385,
    "hu": 36,
    "id": 62,
    "ie": 353,
    "il": 972,
    "in": 91,
    "it": 39,
    "jp": 81,
    "ke": 254,
    "kg": 996,
    "kh": 855,
    "kr": 82,
    # Kazakhstan shares +7 with Russia; OnlineSim tells them apart as 77.
    "kz": 77,
    "lk": 94,
    "lt": 370,
    "lv": 371,
    "ma": 212,
    "md": 373,
    "mm": 95,
    "mx": 52,
    "my": 60,
    "ng": 234,
    "nl": 31,
    "no": 47,
    "nz": 64,
    "ph": 63,
    "pk": 92,
    "pl": 48,
    "pt": 351,
    "ro": 40,
    "rs": 381,
    "ru": 7,
    "sa": 966,
    "se": 46,
    "th": 66,
    "tj": 992,
    "tr": 90,
    "tw": 886,
    "ua": 380,
    "us": 1,
    "uz": 998,
    "vn": 84,
    "za": 27,
}

#: Countries that share a calling code with one in the table: OnlineSim's
#: id cannot say which of them a number comes from.
_AMBIGUOUS: Mapping[str, str] = {"ca": "+1, like the United States"}

#: OnlineSim ids whose numbers do not start with the id itself.
_PREFIXES: Mapping[int, str] = {77: "7"}

_RAW_COUNTRY = re.compile(r"^\+?([1-9]\d{0,3})$")
_RAW_SERVICE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def country_id(country: str) -> int:
    """OnlineSim's id for ``country``: an ISO code or a raw calling code."""
    word = normalise(country)
    if word in COUNTRIES:
        return COUNTRIES[word]
    match = _RAW_COUNTRY.match(word)
    if match:
        return int(match.group(1))
    if word in _AMBIGUOUS:
        raise CountryNotSupported(
            f"OnlineSim names countries by calling code, and {word} uses "
            f"{_AMBIGUOUS[word]}; pass the calling code (e.g. --country 1) to "
            f"take any number under it"
        )
    if is_country_code(word):
        raise CountryNotSupported(
            f"country {word!r} is not in the OnlineSim table; pass its calling "
            f"code instead (e.g. 44 for the United Kingdom)"
        )
    raise CountryNotSupported(
        f"{country!r} is neither an ISO country code (us, gb) nor a calling code "
        f"(1, 44)"
    )


def service_slug(service: str) -> str:
    """OnlineSim's slug for ``service``: a catalog name or a raw slug."""
    word = normalise(service)
    if word in SERVICES:
        return SERVICES[word]
    raw = service.strip()
    if _RAW_SERVICE.match(raw):
        # Raw slugs keep their case: OnlineSim's own examples write "VKcom".
        return raw
    raise CountryNotSupported(
        f"{service!r} is neither a service name (telegram, whatsapp) nor an "
        f"OnlineSim service slug"
    )


def dialling_prefix(country: int) -> str:
    """The digits numbers of OnlineSim country ``country`` start with."""
    return _PREFIXES.get(country, str(country))
