"""smsplug: rent phone numbers from SMS-activation providers, get the codes.

```python
async with smsplug.Client.from_config() as sms:
    async with sms.activation(service="amazon", country="us") as number:
        fill_in_form(number.phone)
        code = await number.wait_code()
```

The names below are imported on first use, so that ``import smsplug`` (and
so the ``smsplug`` command and every plugin) starts without loading the HTTP
stack, the settings parser or the ledger until they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers see; _HOMES is what runs
    from smsplug.client import Activation as Activation
    from smsplug.client import Client as Client
    from smsplug.config import Settings as Settings
    from smsplug.config import load_settings as load_settings
    from smsplug.errors import Banned as Banned
    from smsplug.errors import ConfigError as ConfigError
    from smsplug.errors import CountryNotSupported as CountryNotSupported
    from smsplug.errors import InvalidKey as InvalidKey
    from smsplug.errors import InvalidResponse as InvalidResponse
    from smsplug.errors import NoApiKey as NoApiKey
    from smsplug.errors import NoBalance as NoBalance
    from smsplug.errors import NoNumbers as NoNumbers
    from smsplug.errors import NoSmsReceived as NoSmsReceived
    from smsplug.errors import NotFound as NotFound
    from smsplug.errors import ProviderUnavailable as ProviderUnavailable
    from smsplug.errors import SmsError as SmsError
    from smsplug.hookspecs import hookimpl as hookimpl
    from smsplug.models import Balance as Balance
    from smsplug.models import Code as Code
    from smsplug.models import Money as Money
    from smsplug.models import Number as Number
    from smsplug.models import Price as Price
    from smsplug.models import ProviderInfo as ProviderInfo
    from smsplug.models import Setting as Setting
    from smsplug.provider import Provider as Provider

    __version__: str

#: Where each public name lives.
_HOMES = {
    "Activation": "smsplug.client",
    "Client": "smsplug.client",
    "Settings": "smsplug.config",
    "load_settings": "smsplug.config",
    "hookimpl": "smsplug.hookspecs",
    "Provider": "smsplug.provider",
    **dict.fromkeys(
        (
            "Banned",
            "ConfigError",
            "CountryNotSupported",
            "InvalidKey",
            "InvalidResponse",
            "NoApiKey",
            "NoBalance",
            "NoNumbers",
            "NoSmsReceived",
            "NotFound",
            "ProviderUnavailable",
            "SmsError",
        ),
        "smsplug.errors",
    ),
    **dict.fromkeys(
        ("Balance", "Code", "Money", "Number", "Price", "ProviderInfo", "Setting"),
        "smsplug.models",
    ),
}

__all__ = sorted([*_HOMES, "__version__"])


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
    elif name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
    else:
        raise AttributeError(f"module 'smsplug' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("smsplug")
    except PackageNotFoundError:  # running from a source tree
        return "0.0.0"
