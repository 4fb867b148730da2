"""HeroSMS's ids: SMS-Activate's numbering, which HeroSMS keeps.

HeroSMS presents itself as compatible with SMS-Activate, country and service
ids included (Indonesia is 6, the USA 187, Telegram ``tg``). The tables
are smsplug's copy of that numbering; any id missing here can be passed raw.
"""

from __future__ import annotations

from collections.abc import Mapping

from smsplug.protocols import activate

__all__ = ["COUNTRIES", "SERVICES"]

#: ISO 3166-1 alpha-2 code → HeroSMS country id.
COUNTRIES: Mapping[str, str] = activate.COUNTRIES
#: Catalog service name → HeroSMS service code.
SERVICES: Mapping[str, str] = activate.SERVICES
