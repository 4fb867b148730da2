"""Settings: smsplug.toml, overridden by ``SMSPLUG_*`` environment variables.

```toml
timeout = 120          # seconds to wait for a code before cancelling
poll_delay = 5         # seconds between status checks
max_price = "0.50"     # USD; leave out for no limit
providers = ["5sim", "herosms"]   # default: every provider with a key
strategy = "random"

[rates]                # USD for one unit of each currency
RUB = "0.011"

[provider.5sim]
api_key = "..."
base_url = "https://..."   # mirrors, proxies, tests
```

Every top-level value also comes from ``SMSPLUG_<NAME>`` (``SMSPLUG_TIMEOUT``,
``SMSPLUG_MAX_PRICE``, ``SMSPLUG_PROVIDERS`` as a comma list, ...) and every
provider setting from ``SMSPLUG_<PROVIDER>_<SETTING>`` (``SMSPLUG_5SIM_API_KEY``).
The environment wins. Invalid values raise :class:`~smsplug.errors.ConfigError`
naming the setting and where it came from.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import cattrs
import platformdirs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError

from smsplug._redact import register_secret
from smsplug.errors import ConfigError
from smsplug.http import RetryPolicy, check_base_url
from smsplug.models import ProviderInfo, to_decimal
from smsplug.provider import env_name
from smsplug.selection import STRATEGIES

__all__ = ["STRATEGIES", "Settings", "config_path", "load_settings"]

CONFIG_FILE = "smsplug.toml"
_ENV_KEYS = {
    "timeout": "SMSPLUG_TIMEOUT",
    "poll_delay": "SMSPLUG_POLL_DELAY",
    "max_price": "SMSPLUG_MAX_PRICE",
    "providers": "SMSPLUG_PROVIDERS",
    "strategy": "SMSPLUG_STRATEGY",
    "http_timeout": "SMSPLUG_HTTP_TIMEOUT",
    "retries": "SMSPLUG_RETRIES",
    "cancel_patience": "SMSPLUG_CANCEL_PATIENCE",
    "retry_backoff": "SMSPLUG_RETRY_BACKOFF",
    "retry_max_wait": "SMSPLUG_RETRY_MAX_WAIT",
    "data_dir": "SMSPLUG_DATA_DIR",
}


#: No number costs this much: a larger max price is a typing slip.
MAX_PRICE_CEILING = Decimal(10_000)


def check_max_price(value: Decimal, *, setting: str) -> Decimal:
    """A max price in USD: above zero, below :data:`MAX_PRICE_CEILING`."""
    if not 0 < value < MAX_PRICE_CEILING:
        raise ConfigError(
            f"{setting} must be an amount in USD above 0 and below "
            f"{MAX_PRICE_CEILING}, got {value}"
        )
    return value


def _max_price(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not 0 < value < MAX_PRICE_CEILING:
        raise ValueError(
            f"max_price must be an amount in USD above 0 and below "
            f"{MAX_PRICE_CEILING}, got {value}"
        )


def _strategy(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in STRATEGIES:
        raise ValueError(
            f"strategy must be one of {', '.join(STRATEGIES)}, got {value!r}"
        )


def _positive(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not value > 0:
        raise ValueError(f"{attribute.name} must be greater than 0, got {value}")


@attrs.frozen
class Settings:
    """Everything a :class:`~smsplug.Client` needs to know."""

    #: Seconds to wait for a code before the number is cancelled.
    timeout: float = attrs.field(default=120.0, validator=_positive)
    #: Seconds between two status checks of a number.
    poll_delay: float = attrs.field(default=5.0, validator=_positive)
    #: The most a number may cost, in USD; ``None`` for no limit.
    max_price: Decimal | None = attrs.field(default=None, validator=_max_price)
    #: Providers to use; empty means every installed provider with a key.
    providers: tuple[str, ...] = ()
    strategy: str = attrs.field(default="random", validator=_strategy)
    #: USD for one unit of a currency, to compare prices with ``max_price``.
    rates: Mapping[str, Decimal] = attrs.field(factory=dict)
    #: Seconds one HTTP request may take.
    http_timeout: float = attrs.field(default=30.0, validator=_positive)
    #: Attempts for an idempotent request before the provider counts as down.
    retries: int = attrs.field(default=3, validator=_positive)
    #: First backoff between retries, in seconds (doubles each time).
    retry_backoff: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    #: The longest wait between retries, a provider's Retry-After included.
    retry_max_wait: float = attrs.field(default=10.0, validator=attrs.validators.ge(0))
    #: Seconds to keep retrying a cancel the provider refuses for now.
    cancel_patience: float = attrs.field(default=180.0, validator=_positive)
    #: Where the ledger lives; default: the user data directory.
    data_dir: str | None = None
    #: Per-provider tables: ``{"5sim": {"api_key": ..., "base_url": ...}}``.
    provider: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict, repr=False)
    #: The ``SMSPLUG_*`` environment, for per-provider settings.
    env: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    #: Where each value came from, for error messages.
    origin: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def retry(self) -> RetryPolicy:
        return RetryPolicy(
            attempts=self.retries,
            backoff=self.retry_backoff,
            max_wait=self.retry_max_wait,
        )

    def has_api_key(self, provider: str) -> bool:
        """Whether a key for ``provider`` is set, in the file or the environment."""
        env_key = f"SMSPLUG_{env_name(provider)}_API_KEY"
        return bool(
            self.env.get(env_key) or self.provider.get(provider, {}).get("api_key")
        )

    def provider_settings(self, info: ProviderInfo) -> dict[str, str]:
        """The resolved settings of one provider, validated."""
        table = dict(self.provider.get(info.name, {}))
        prefix = f"SMSPLUG_{env_name(info.name)}_"
        values: dict[str, str] = {"base_url": info.base_url}
        values.update(
            {s.name: s.default for s in info.settings if s.default is not None}
        )
        names = {"api_key", "base_url", *(s.name for s in info.settings)}
        origin = {}
        for name in names:
            env_key = prefix + name.upper()
            if name in table:
                values[name] = str(table.pop(name))
                origin[name] = f"{name} in [provider.{info.name}]"
            if env_key in self.env:
                values[name] = self.env[env_key]
                origin[name] = env_key
        if table:
            unknown = ", ".join(sorted(table))
            raise ConfigError(
                f"[provider.{info.name}] has unknown settings: {unknown}; "
                f"known: {', '.join(sorted(names))}"
            )

        base_url_setting = origin.get("base_url", f"base_url in [provider.{info.name}]")
        if not values["base_url"]:
            raise ConfigError(
                f"{info.name} has no default base URL; set {prefix}BASE_URL "
                f"or {base_url_setting}"
            )
        values["base_url"] = check_base_url(
            values["base_url"], setting=base_url_setting
        )
        for setting in info.settings:
            value = values.get(setting.name)
            where = origin.get(
                setting.name, f"{setting.name} in [provider.{info.name}]"
            )
            if setting.required and not value:
                raise ConfigError(f"{where} is required: {setting.help}")
            if setting.choices and value is not None and value not in setting.choices:
                allowed = ", ".join(setting.choices)
                raise ConfigError(f"{where} must be one of {allowed}, got {value!r}")
            if setting.secret:
                register_secret(value)
        key = values.get("api_key")
        if key is not None and (
            key != key.strip() or not key.isascii() or not key.isprintable()
        ):
            where = origin.get("api_key", f"api_key in [provider.{info.name}]")
            raise ConfigError(
                f"{where} has spaces, line breaks or non-ASCII characters; "
                f"copy the key again"
            )
        register_secret(key)
        return values


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The settings file to read: ``--config``, ``SMSPLUG_CONFIG`` or the default."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
        return path
    default = Path(platformdirs.user_config_dir("smsplug")) / CONFIG_FILE
    return default if default.is_file() else None


def load_settings(
    path: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Read smsplug.toml (if any) and the environment into :class:`Settings`."""
    env = dict(os.environ if env is None else env)
    env = {k: v for k, v in env.items() if k.startswith("SMSPLUG_")}
    file = config_path(path if path is not None else env.get("SMSPLUG_CONFIG"))

    raw: dict[str, Any] = {}
    origin: dict[str, str] = {}
    if file is not None:
        try:
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {file}: {exc}") from None
        origin = {key: f"{key} in {file}" for key in raw}

    for key, env_key in _ENV_KEYS.items():
        if env_key in env:
            raw[key] = env[env_key]
            origin[key] = env_key
    if isinstance(raw.get("providers"), str):
        raw["providers"] = [p.strip() for p in raw["providers"].split(",") if p.strip()]
    raw["env"] = env
    raw["origin"] = origin
    return structure_settings(raw, origin)


def structure_settings(raw: Mapping[str, Any], origin: Mapping[str, str]) -> Settings:
    """Validate plain data into :class:`Settings`, naming the bad key on error."""
    try:
        return _converter.structure(raw, Settings)
    except ForbiddenExtraKeysError as exc:
        keys = ", ".join(sorted(exc.extra_fields))
        raise ConfigError(f"unknown settings: {keys}") from None
    except ClassValidationError as exc:
        raise ConfigError(_describe(exc, origin)) from None
    except (ValueError, TypeError) as exc:
        key = _failing_key(exc, raw)
        where = origin.get(key, key) if key else "settings"
        raise ConfigError(f"{where}: {exc}") from None


def _describe(exc: ClassValidationError, origin: Mapping[str, str]) -> str:
    messages = []
    for error in exc.exceptions:
        if isinstance(error, ForbiddenExtraKeysError):
            keys = ", ".join(sorted(error.extra_fields))
            messages.append(f"unknown settings: {keys}")
            continue
        note = getattr(error, "__notes__", [""])
        key = _key_of(note[0] if note else "") or _failing_key(error, origin) or ""
        where = origin.get(key, key) if key else "settings"
        if isinstance(error, ClassValidationError):
            messages.append(f"{where}: {_describe(error, {})}")
        else:
            messages.append(f"{where}: {_plain(error)}")
    return "; ".join(messages)


def _key_of(note: object) -> str:
    # cattrs notes read "Structuring class Settings @ attribute timeout".
    text = str(note)
    return text.rsplit("attribute ", 1)[-1] if "attribute " in text else ""


def _plain(error: BaseException) -> str:
    if isinstance(error, ValueError) and "could not convert" in str(error):
        return "expected a number"
    return str(error) or type(error).__name__


def _failing_key(exc: BaseException, raw: Mapping[str, Any]) -> str | None:
    text = str(exc)
    return next((key for key in raw if re.search(rf"\b{key}\b", text)), None)


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(Decimal, lambda value, _: to_decimal(value))
    converter.register_structure_hook(float, lambda value, _: float(to_decimal(value)))
    converter.register_structure_hook(int, _to_int)
    converter.register_unstructure_hook(Decimal, str)
    return converter


def _to_int(value: Any, _: Any) -> int:
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"expected a whole number, got {value!r}")
    return int(number)


_converter = _make_converter()
