"""Users' service and country words -> 5sim's product and country names.

5sim names countries and products with lower-case words on the wire
(``england``, ``usa``, ``telegram``, ``vkontakte``). Users type ISO 3166-1
alpha-2 codes and catalog service names; 5sim's own words are accepted too,
so a country or product missing from these tables can still be bought.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from smsplug.catalog import is_country_code, normalise
from smsplug.errors import CountryNotSupported

__all__ = ["COUNTRIES", "SERVICES", "country_name", "iso_code", "product_name"]

PROVIDER = "5sim"

#: ISO 3166-1 alpha-2 code -> 5sim country name. 5sim's own spellings are
#: kept even where they look odd (``bih``, ``tit``, ``bhutane``).
COUNTRIES: Mapping[str, str] = {
    "af": "afghanistan",
    "ag": "antiguaandbarbuda",
    "ai": "anguilla",
    "al": "albania",
    "am": "armenia",
    "ao": "angola",
    "ar": "argentina",
    "at": "austria",
    "au": "australia",
    "aw": "aruba",
    "az": "azerbaijan",
    "ba": "bih",
    "bb": "barbados",
    "bd": "bangladesh",
    "be": "belgium",
    "bf": "burkinafaso",
    "bg": "bulgaria",
    "bh": "bahrain",
    "bi": "burundi",
    "bj": "benin",
    "bo": "bolivia",
    "br": "brazil",
    "bs": "bahamas",
    "bt": "bhutane",
    "bw": "botswana",
    "by": "belarus",
    "bz": "belize",
    "ca": "canada",
    "cg": "congo",
    "ch": "switzerland",
    "ci": "ivorycoast",
    "cl": "chile",
    "cm": "cameroon",
    "cn": "china",
    "co": "colombia",
    "cr": "costarica",
    "cv": "capeverde",
    "cy": "cyprus",
    "cz": "czech",
    "de": "germany",
    "dj": "djibouti",
    "dk": "denmark",
    "dm": "dominica",
    "do": "dominicana",
    "dz": "algeria",
    "ec": "ecuador",
    "ee": "estonia",
    "eg": "egypt",
    "er": "eritrea",
    "es": "spain",
    "et": "ethiopia",
    "fi": "finland",
    "fr": "france",
    "ga": "gabon",
    "gb": "england",
    "gd": "grenada",
    "ge": "georgia",
    "gf": "frenchguiana",
    "gh": "ghana",
    "gm": "gambia",
    "gn": "guinea",
    "gp": "guadeloupe",
    "gq": "equatorialguinea",
    "gr": "greece",
    "gt": "guatemala",
    "gw": "guineabissau",
    "gy": "guyana",
    "hk": "hongkong",
    "hn": "honduras",
    "hr": "croatia",
    "ht": "haiti",
    "hu": "hungary",
    "id": "indonesia",
    "ie": "ireland",
    "il": "israel",
    "in": "india",
    "it": "italy",
    "jm": "jamaica",
    "jo": "jordan",
    "jp": "japan",
    "ke": "kenya",
    "kg": "kyrgyzstan",
    "kh": "cambodia",
    "km": "comoros",
    "kn": "saintkittsandnevis",
    "kr": "southkorea",
    "kw": "kuwait",
    "ky": "caymanislands",
    "kz": "kazakhstan",
    "la": "laos",
    "lc": "saintlucia",
    "lk": "srilanka",
    "lr": "liberia",
    "ls": "lesotho",
    "lt": "lithuania",
    "lu": "luxembourg",
    "lv": "latvia",
    "ma": "morocco",
    "md": "moldova",
    "me": "montenegro",
    "mg": "madagascar",
    "mk": "northmacedonia",
    "mm": "myanmar",
    "mn": "mongolia",
    "mo": "macau",
    "mr": "mauritania",
    "ms": "montserrat",
    "mu": "mauritius",
    "mv": "maldives",
    "mw": "malawi",
    "mx": "mexico",
    "my": "malaysia",
    "mz": "mozambique",
    "na": "namibia",
    "nc": "newcaledonia",
    "ne": "niger",
    "ng": "nigeria",
    "ni": "nicaragua",
    "nl": "netherlands",
    "no": "norway",
    "np": "nepal",
    "nz": "newzealand",
    "om": "oman",
    "pa": "panama",
    "pe": "peru",
    "pg": "papuanewguinea",
    "ph": "philippines",
    "pk": "pakistan",
    "pl": "poland",
    "pr": "puertorico",
    "pt": "portugal",
    "py": "paraguay",
    "re": "reunion",
    "ro": "romania",
    "rs": "serbia",
    "ru": "russia",
    "rw": "rwanda",
    "sa": "saudiarabia",
    "sb": "solomonislands",
    "sc": "seychelles",
    "se": "sweden",
    "sg": "singapore",
    "si": "slovenia",
    "sk": "slovakia",
    "sl": "sierraleone",
    "sn": "senegal",
    "sr": "suriname",
    "st": "saotomeandprincipe",
    "sv": "salvador",
    "sz": "swaziland",
    "tc": "turksandcaicos",
    "td": "chad",
    "tg": "togo",
    "th": "thailand",
    "tj": "tajikistan",
    "tl": "easttimor",
    "tm": "turkmenistan",
    "tn": "tunisia",
    "to": "tonga",
    "tr": "turkey",
    "tt": "tit",
    "tw": "taiwan",
    "tz": "tanzania",
    "ua": "ukraine",
    "ug": "uganda",
    "us": "usa",
    "uy": "uruguay",
    "uz": "uzbekistan",
    "vc": "saintvincentandgrenadines",
    "ve": "venezuela",
    "vg": "virginislands",
    "vn": "vietnam",
    "ws": "samoa",
    "za": "southafrica",
    "zm": "zambia",
    "zw": "zimbabwe",
}

#: Catalog service name -> 5sim product name. Where 5sim's word is the
#: catalog's own (``telegram``) the entry says so, to mark it as checked.
SERVICES: Mapping[str, str] = {
    "airbnb": "airbnb",
    "alibaba": "alibaba",
    "amazon": "amazon",
    "apple": "apple",
    "avito": "avito",
    "coinbase": "coinbase",
    "discord": "discord",
    "ebay": "ebay",
    "facebook": "facebook",
    "google": "google",
    "grab": "grabtaxi",
    "instagram": "instagram",
    "kakaotalk": "kakaotalk",
    "line": "line",
    "linkedin": "linkedin",
    "mailru": "mailru",
    "microsoft": "microsoft",
    "netflix": "netflix",
    "ok": "odnoklassniki",
    "olx": "olx",
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
    "vk": "vkontakte",
    "wechat": "wechat",
    "whatsapp": "whatsapp",
    "yahoo": "yahoo",
    "yandex": "yandex",
    "any": "other",
}
# Limitation: binance, openai and zoom are in smsplug's catalog but no
# source showed 5sim's product names for them; they are sent unchanged,
# which works only if 5sim uses the same word.

_NAMES = frozenset(COUNTRIES.values())
_ISO_OF = {name: iso for iso, name in COUNTRIES.items()}
# 5sim's words are lower-case letters (countries) or letters and digits
# (products such as 1688 or 23red); anything else cannot be one.
_RAW_COUNTRY = re.compile(r"[a-z]{3,40}")
_RAW_PRODUCT = re.compile(r"[a-z0-9]{2,40}")


def country_name(country: str) -> str:
    """5sim's name for ``country`` (an ISO code, ``any`` or a 5sim name)."""
    value = normalise(country)
    if value == "any" or value in _NAMES:
        return value
    if is_country_code(value):
        if value in COUNTRIES:
            return COUNTRIES[value]
        raise CountryNotSupported(
            f"5sim has no country with the ISO code {value!r} in smsplug's table; "
            f"use 5sim's own name for it (such as 'england' or 'usa')",
            provider=PROVIDER,
        )
    if _RAW_COUNTRY.fullmatch(value):
        return value
    raise CountryNotSupported(
        f"{country!r} is neither an ISO country code (us, gb) nor a 5sim "
        f"country name (usa, england)",
        provider=PROVIDER,
    )


def product_name(service: str) -> str:
    """5sim's product for ``service`` (a catalog name or a 5sim product)."""
    value = normalise(service)
    if value in SERVICES:
        return SERVICES[value]
    if _RAW_PRODUCT.fullmatch(value):
        return value
    raise CountryNotSupported(
        f"{service!r} is neither a service name (telegram, google) nor a 5sim "
        f"product name",
        provider=PROVIDER,
    )


def iso_code(name: str) -> str:
    """The ISO code of a 5sim country name, or the name when it has none here."""
    return _ISO_OF.get(name, name)
