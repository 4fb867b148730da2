"""smsplug: rent phone numbers from SMS-activation providers, get the codes.

```python
async with smsplug.Client.from_config() as sms:
    async with sms.activation(service="amazon", country="us") as number:
        fill_in_form(number.phone)
        code = await number.wait_code()
```
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("smsplug")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

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
from smsplug.models import Balance, Code, Money, Number, Price, ProviderInfo, Setting
from smsplug.provider import Provider

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
