"""GrizzlySMS's ids: SMS-Activate's numbering, which GrizzlySMS keeps.

GrizzlySMS uses SMS-Activate's country and service ids (Turkey is 62, the
USA 187, Apple ``wx``). Any id missing here can be passed raw.
"""

from __future__ import annotations

from collections.abc import Mapping

from smsplug.protocols import activate

__all__ = ["COUNTRIES", "SERVICES"]

#: ISO 3166-1 alpha-2 code → GrizzlySMS country id.
COUNTRIES: Mapping[str, str] = activate.COUNTRIES
#: Catalog service name → GrizzlySMS service code.
SERVICES: Mapping[str, str] = activate.SERVICES
