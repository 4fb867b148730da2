"""One vocabulary for services and countries across providers.

Users name a service by a stable lower-case name (``telegram``) and a country
by its ISO 3166-1 alpha-2 code (``us``) or its English name. Each provider
plugin ships a table from these names to its own ids; raw provider ids are
accepted as well, so a service this catalog lacks can still be bought.

Country names come from pycountry (ISO 3166-1) and calling codes from
phonenumbers, both loaded on first use only, so that the CLI starts fast.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping

import attrs

__all__ = [
    "SERVICES",
    "Country",
    "calling_code",
    "countries",
    "country",
    "hint",
    "is_country_code",
    "normalise",
    "service",
    "suggest",
]

#: Stable service names and what they are.
SERVICES: Mapping[str, str] = {
    "airbnb": "Airbnb",
    "alibaba": "Alibaba / Taobao",
    "amazon": "Amazon",
    "apple": "Apple",
    "avito": "Avito",
    "binance": "Binance",
    "coinbase": "Coinbase",
    "discord": "Discord",
    "ebay": "eBay",
    "facebook": "Facebook",
    "google": "Google / Gmail / YouTube",
    "grab": "Grab",
    "instagram": "Instagram",
    "kakaotalk": "KakaoTalk",
    "line": "LINE",
    "linkedin": "LinkedIn",
    "mailru": "Mail.ru",
    "microsoft": "Microsoft / Outlook",
    "netflix": "Netflix",
    "ok": "Odnoklassniki",
    "olx": "OLX",
    "openai": "OpenAI / ChatGPT",
    "paypal": "PayPal",
    "shopee": "Shopee",
    "signal": "Signal",
    "snapchat": "Snapchat",
    "steam": "Steam",
    "telegram": "Telegram",
    "tiktok": "TikTok",
    "tinder": "Tinder",
    "twitter": "X / Twitter",
    "uber": "Uber",
    "viber": "Viber",
    "vk": "VKontakte",
    "wechat": "WeChat",
    "whatsapp": "WhatsApp",
    "yahoo": "Yahoo",
    "yandex": "Yandex",
    "zoom": "Zoom",
    "any": "Any other service",
}


@attrs.frozen
class Country:
    """A country as users name it."""

    code: str
    name: str
    #: The international calling code, e.g. 44 for ``gb``; 0 when it has none.
    calling_code: int


def normalise(value: str) -> str:
    """The canonical form of a user's service or country word."""
    return value.strip().lower()


def is_country_code(value: str) -> bool:
    """Whether ``value`` looks like an ISO 3166-1 alpha-2 code."""
    value = normalise(value)
    return len(value) == 2 and value.isascii() and value.isalpha()


@functools.cache
def countries() -> dict[str, Country]:
    """Every ISO 3166-1 country, by lower-case alpha-2 code."""
    import phonenumbers
    import pycountry

    return {
        c.alpha_2.lower(): Country(
            code=c.alpha_2.lower(),
            name=getattr(c, "common_name", None) or c.name,
            calling_code=phonenumbers.country_code_for_region(c.alpha_2),
        )
        for c in pycountry.countries
    }


@functools.cache
def _by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for entry in countries().values():
        names[normalise(entry.name)] = entry.code
    names.update({"uk": "gb", "usa": "us", "england": "gb", "russia": "ru"})
    return names


def country(value: str) -> Country | None:
    """The country a user means by a code or an English name, if any."""
    word = normalise(value)
    table = countries()
    if word in table:
        return table[word]
    code = _by_name().get(word)
    return table[code] if code else None


def calling_code(code: str) -> int | None:
    """The calling code of the country with ISO code ``code``."""
    entry = countries().get(normalise(code))
    return entry.calling_code if entry and entry.calling_code else None


def service(value: str) -> str | None:
    """The catalog name of a service, if ``value`` is one."""
    word = normalise(value)
    return word if word in SERVICES else None


def hint(service_word: str, country_word: str) -> str:
    """ "Did you mean" advice for a service or country nobody recognised."""
    tips = []
    if service(service_word) is None:
        close = suggest(service_word, SERVICES)
        if close:
            tips.append(f"service {service_word!r}: did you mean {', '.join(close)}?")
    if country(country_word) is None:
        close = suggest(country_word, {**countries(), **_by_name()})
        if close:
            tips.append(f"country {country_word!r}: did you mean {', '.join(close)}?")
    return " (" + "; ".join(tips) + ")" if tips else ""


def suggest(
    value: str, known: list[str] | tuple[str, ...] | Mapping[str, object]
) -> list[str]:
    """Up to three known words close to ``value``, for "did you mean" hints."""
    return difflib.get_close_matches(normalise(value), list(known), n=3, cutoff=0.6)
