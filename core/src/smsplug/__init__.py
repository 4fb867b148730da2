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

if TYPE_CHECKING:
    from smsplug.client import Activation, Client
    from smsplug.config import Settings, load_settings
    from smsplug.errors import (
        Banned,
        ConfigError,
        CountryNotSupported,
        InvalidKey,
        InvalidResponse,
        NoApiKey,
        NoBalance,
        NoNumbers,
        NoSmsReceived,
        NotFound,
        ProviderUnavailable,
        SmsError,
    )
    from smsplug.hookspecs import hookimpl
    from smsplug.models import (
        Balance,
        Code,
        Money,
        Number,
        Price,
        ProviderInfo,
        Setting,
    )
    from smsplug.provider import Provider

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

__all__ = [
    "Activation",
    "Balance",
    "Banned",
    "Client",
    "Code",
    "ConfigError",
    "CountryNotSupported",
    "InvalidKey",
    "InvalidResponse",
    "Money",
    "NoApiKey",
    "NoBalance",
    "NoNumbers",
    "NoSmsReceived",
    "NotFound",
    "Number",
    "Price",
    "Provider",
    "ProviderInfo",
    "ProviderUnavailable",
    "Setting",
    "Settings",
    "SmsError",
    "__version__",
    "hookimpl",
    "load_settings",
]


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
