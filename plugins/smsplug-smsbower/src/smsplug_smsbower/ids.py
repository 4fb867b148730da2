"""SMSBower's ids: SMS-Activate's numbering, plus the ids SMSBower added.

SMSBower's country and service ids follow SMS-Activate's (Indonesia is 6,
the USA 187, Telegram ``tg``); it has added countries beyond that range,
such as Bermuda (1003). Any id missing here can be passed raw.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from smsplug.protocols import activate

__all__ = ["COUNTRIES", "SERVICES"]

#: ISO 3166-1 alpha-2 code → SMSBower country id.
COUNTRIES: Mapping[str, str] = MappingProxyType({**activate.COUNTRIES, "bm": "1003"})
#: Catalog service name → SMSBower service code.
SERVICES: Mapping[str, str] = activate.SERVICES
