"""SMS-Man's ids for the countries and services users name.

SMS-Man's control API names a country by its own ``country_id`` and a
service by its own ``application_id``: integers of SMS-Man's numbering, which
is neither E.164 nor sms-activate's. Public client code agrees on a few of
them, and those are in the tables below. Where the sources disagree (the
United Kingdom is 10 in one client and 100 in another) or are silent, an
entry carries only names, and the plugin looks the id up in SMS-Man's own
``countries`` or ``applications`` list (see :mod:`smsplug_smsman.wire`).

Every country also carries its calling code: a number sold for the wrong
country (a stale id) is cancelled instead of handed to the user.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

__all__ = ["COUNTRIES", "SERVICES", "Country", "Listed", "Service", "find", "title_key"]


@attrs.frozen
class Country:
    """An ISO country as SMS-Man knows it."""

    #: The international calling code, without ``+``.
    calling_code: str
    #: English names SMS-Man may list the country under.
    names: tuple[str, ...]
    #: SMS-Man's ``country_id``, where public sources agree on it.
    id: str | None = None


@attrs.frozen
class Service:
    """A catalog service as SMS-Man knows it."""

    #: Names SMS-Man may list the service under.
    names: tuple[str, ...]
    #: sms-activate style short codes SMS-Man may list next to the name.
    codes: tuple[str, ...] = ()
    #: SMS-Man's ``application_id``, where public sources agree on it.
    id: str | None = None


#: ISO 3166-1 alpha-2 code -> SMS-Man country.
COUNTRIES: Mapping[str, Country] = {
    "ae": Country("971", ("United Arab Emirates", "UAE")),
    "ar": Country("54", ("Argentina",)),
    "at": Country("43", ("Austria",)),
    "au": Country("61", ("Australia",)),
    "az": Country("994", ("Azerbaijan",)),
    "bd": Country("880", ("Bangladesh",)),
    "br": Country("55", ("Brazil",)),
    "by": Country("375", ("Belarus",)),
    "ca": Country("1", ("Canada",)),
    "cl": Country("56", ("Chile",)),
    "cn": Country("86", ("China",)),
    "co": Country("57", ("Colombia",)),
    "cz": Country("420", ("Czech Republic", "Czechia")),
    "de": Country("49", ("Germany",), id="13"),
    "ee": Country("372", ("Estonia",)),
    "eg": Country("20", ("Egypt",)),
    "es": Country("34", ("Spain",)),
    "fi": Country("358", ("Finland",)),
    "fr": Country("33", ("France",)),
    "gb": Country("44", ("United Kingdom", "England", "UK", "Great Britain")),
    "ge": Country("995", ("Georgia",)),
    "gh": Country("233", ("Ghana",)),
    "hk": Country("852", ("Hong Kong",)),
    "id": Country("62", ("Indonesia",), id="7"),
    "ie": Country("353", ("Ireland",)),
    "il": Country("972", ("Israel",)),
    "in": Country("91", ("India",), id="14"),
    "it": Country("39", ("Italy",)),
    "jp": Country("81", ("Japan",)),
    "ke": Country("254", ("Kenya",)),
    "kg": Country("996", ("Kyrgyzstan",)),
    "kh": Country("855", ("Cambodia",)),
    "kr": Country("82", ("South Korea", "Korea")),
    "kz": Country("7", ("Kazakhstan",)),
    "lt": Country("370", ("Lithuania",)),
    "lv": Country("371", ("Latvia",)),
    "ma": Country("212", ("Morocco",)),
    "md": Country("373", ("Moldova",)),
    "mm": Country("95", ("Myanmar",)),
    "mx": Country("52", ("Mexico",)),
    "my": Country("60", ("Malaysia",), id="6"),
    "ng": Country("234", ("Nigeria",)),
    "nl": Country("31", ("Netherlands", "Holland")),
    "nz": Country("64", ("New Zealand",)),
    "pe": Country("51", ("Peru",)),
    "ph": Country("63", ("Philippines",)),
    "pk": Country("92", ("Pakistan",)),
    "pl": Country("48", ("Poland",)),
    "pt": Country("351", ("Portugal",)),
    "ro": Country("40", ("Romania",)),
    "ru": Country("7", ("Russia", "Russian Federation"), id="1"),
    "sa": Country("966", ("Saudi Arabia",)),
    "se": Country("46", ("Sweden",)),
    "sg": Country("65", ("Singapore",)),
    "th": Country("66", ("Thailand",)),
    "tr": Country("90", ("Turkey", "Türkiye")),
    "tw": Country("886", ("Taiwan",)),
    "tz": Country("255", ("Tanzania",)),
    "ua": Country("380", ("Ukraine",)),
    "us": Country("1", ("USA", "United States", "United States of America"), id="5"),
    "uz": Country("998", ("Uzbekistan",)),
    "vn": Country("84", ("Vietnam", "Viet Nam")),
    "za": Country("27", ("South Africa",)),
}

#: smsplug catalog service name -> SMS-Man service.
SERVICES: Mapping[str, Service] = {
    "airbnb": Service(("Airbnb",)),
    "alibaba": Service(("Alibaba", "AliExpress", "Taobao"), ("hx",)),
    "amazon": Service(("Amazon",), ("am",), id="176"),
    "apple": Service(("Apple",), ("wx",)),
    "avito": Service(("Avito",), ("av",)),
    "binance": Service(("Binance",)),
    "coinbase": Service(("Coinbase",), ("re",)),
    "discord": Service(("Discord",), ("ds",)),
    "ebay": Service(("eBay",), ("dh",)),
    "facebook": Service(("Facebook",), ("fb",)),
    "google": Service(("Google", "Gmail", "Google, Gmail, Youtube"), ("go",), id="122"),
    "grab": Service(("Grab", "GrabTaxi"), ("jg",)),
    "instagram": Service(("Instagram", "Instagram + Threads"), ("ig",)),
    "kakaotalk": Service(("KakaoTalk", "Kakao"), ("kt",)),
    "line": Service(("LINE", "Line messenger"), ("me",)),
    "linkedin": Service(("LinkedIn",), ("tn",)),
    "mailru": Service(("Mail.ru", "Mailru", "Mail.ru Group"), ("ma",)),
    "microsoft": Service(("Microsoft", "Outlook", "Hotmail"), ("mm",), id="133"),
    "netflix": Service(("Netflix",), ("nf",)),
    "ok": Service(("Odnoklassniki", "OK", "ok.ru"), ("ok",)),
    "olx": Service(("OLX",), ("sn",)),
    "openai": Service(("OpenAI", "ChatGPT"), ("dr",), id="2754"),
    "paypal": Service(("PayPal",), ("ts",)),
    "shopee": Service(("Shopee",), ("ka",)),
    "signal": Service(("Signal",), ("bw",)),
    "snapchat": Service(("Snapchat",), ("fu",)),
    "steam": Service(("Steam",), ("mt",)),
    "telegram": Service(("Telegram",), ("tg",), id="3"),
    "tiktok": Service(("TikTok", "TikTok/Douyin", "Douyin"), ("lf",), id="56"),
    "tinder": Service(("Tinder",), ("oi",)),
    "twitter": Service(("Twitter", "X", "X (Twitter)"), ("tw",)),
    "uber": Service(("Uber",), ("ub",), id="31"),
    "viber": Service(("Viber",), ("vi",)),
    "vk": Service(("VKontakte", "VK"), ("vk",), id="1"),
    "wechat": Service(("WeChat",), ("wb",), id="2"),
    "whatsapp": Service(("WhatsApp",), ("wa",), id="6"),
    "yahoo": Service(("Yahoo",), ("mb",), id="136"),
    "yandex": Service(("Yandex",), ("ya",)),
    "zoom": Service(("Zoom",)),
    "any": Service(("Any other", "Other", "Any"), ("ot",)),
}


@attrs.frozen
class Listed:
    """One entry of SMS-Man's ``countries`` or ``applications`` list."""

    id: str
    title: str
    #: The sms-activate style short code, when SMS-Man gives one.
    code: str | None = None


def title_key(text: str) -> str:
    """A name reduced for comparison: ``"Google, Gmail"`` -> ``"googlegmail"``."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def find(
    listing: Iterable[Listed], names: Iterable[str], codes: Iterable[str] = ()
) -> str | None:
    """The id of the first listed entry whose code or title matches, or None."""
    entries = list(listing)
    wanted_codes = {code.casefold() for code in codes}
    for entry in entries:
        if entry.code is not None and entry.code.casefold() in wanted_codes:
            return entry.id
    wanted = {title_key(name) for name in names}
    for entry in entries:
        if title_key(entry.title) in wanted:
            return entry.id
    return None
