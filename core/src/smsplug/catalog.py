"""One vocabulary for services and countries across providers.

Users name a service by a stable lower-case name (``telegram``) and a country
by its ISO 3166-1 alpha-2 code (``us``). Each provider plugin ships a table
from these names to its own ids; raw provider ids are accepted as well, so a
service this catalog lacks can still be bought.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["SERVICES", "is_country_code", "normalise"]

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


def normalise(value: str) -> str:
    """The canonical form of a user's service or country word."""
    return value.strip().lower()


def is_country_code(value: str) -> bool:
    """Whether ``value`` looks like an ISO 3166-1 alpha-2 code."""
    value = normalise(value)
    return len(value) == 2 and value.isascii() and value.isalpha()
