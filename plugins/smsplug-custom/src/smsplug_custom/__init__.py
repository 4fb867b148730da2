"""The ``custom`` provider: a private or unsupported service at your own URL.

It speaks one of two protocols, chosen with ``SMSPLUG_CUSTOM_PROTOCOL``:

- ``smsplug-v1`` (default): smsplug's own small JSON API, see
  docs/custom-provider.md; ``smsplug serve-reference`` runs a server for it.
- ``activate``: any sms-activate compatible ``handler_api.php`` endpoint,
  spoken by :mod:`smsplug.protocols.activate` in its plainest dialect (the
  original actions only, SMS-Activate's id tables); set ``base_url`` to the
  whole handler URL.
"""

from __future__ import annotations

from typing import Any

from smsplug import hookimpl
from smsplug.models import Balance, Code, Money, Number, Price, ProviderInfo, Setting
from smsplug.protocols.activate import ActivateAPI, Dialect
from smsplug.provider import Provider
from smsplug_custom import v1

__all__ = ["ACTIVATE", "PROTOCOLS"]

PROTOCOLS = ("smsplug-v1", "activate")
#: The custom provider's ``activate`` protocol: no newer actions assumed.
ACTIVATE = ActivateAPI(
    Dialect(name="custom", title="sms-activate compatible service", base_url="")
)


@hookimpl
def provider_info() -> ProviderInfo:
    return ProviderInfo(
        name="custom",
        title="Custom provider (smsplug-v1 or sms-activate compatible)",
        currency="USD",
        base_url="",
        settings=(
            Setting(
                "protocol",
                "the protocol the service speaks",
                default="smsplug-v1",
                choices=PROTOCOLS,
            ),
            Setting("currency", "the currency the service prices in", default="USD"),
            *(s for s in ACTIVATE.settings() if s.name != "currency"),
        ),
        capabilities=frozenset({"price_list", "finish"}),
    )


def _protocol(provider: Provider) -> Any:
    if provider.setting("protocol") == "activate":
        return ACTIVATE
    return v1


@hookimpl
async def get_balance(provider: Provider) -> Balance:
    result: Balance = await _protocol(provider).get_balance(provider)
    return result


@hookimpl
async def price_list(provider: Provider, service: str, country: str) -> list[Price]:
    result: list[Price] = await _protocol(provider).price_list(
        provider, service, country
    )
    return result


@hookimpl
async def get_number(
    provider: Provider, service: str, country: str, max_price: Money | None
) -> Number:
    result: Number = await _protocol(provider).get_number(
        provider, service, country, max_price
    )
    return result


@hookimpl
async def poll_code(provider: Provider, number: Number) -> Code | None:
    result: Code | None = await _protocol(provider).poll_code(provider, number)
    return result


@hookimpl
async def cancel(provider: Provider, number: Number) -> None:
    await _protocol(provider).cancel(provider, number)


@hookimpl
async def finish(provider: Provider, number: Number) -> None:
    await _protocol(provider).finish(provider, number)
