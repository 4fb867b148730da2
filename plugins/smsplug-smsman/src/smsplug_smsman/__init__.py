"""The ``smsman`` provider: SMS-Man (sms-man.com), through its control API.

Amounts are in the account's currency, RUB unless ``SMSPLUG_SMSMAN_CURRENCY``
says USD or EUR. Two SMS-Man calls outside the core's flow live in
:mod:`smsplug_smsman.wire`: ``request_another_sms`` and ``report_used``.
"""

from __future__ import annotations

from smsplug import hookimpl
from smsplug.models import Balance, Code, Money, Number, Price, ProviderInfo, Setting
from smsplug.provider import Provider
from smsplug_smsman import wire

__all__ = ["CURRENCIES"]

#: The currencies SMS-Man's get-number accepts for its max price.
CURRENCIES = ("RUB", "USD", "EUR")


@hookimpl
def provider_info() -> ProviderInfo:
    return ProviderInfo(
        name="smsman",
        title="SMS-Man",
        currency="RUB",
        base_url="https://api.sms-man.com/control",
        settings=(
            Setting(
                "currency",
                "the currency SMS-Man reports your balance and prices in",
                default="RUB",
                choices=CURRENCIES,
            ),
        ),
        capabilities=frozenset({"price_list", "finish"}),
        homepage="https://sms-man.com",
    )


@hookimpl
async def get_balance(provider: Provider) -> Balance:
    return await wire.get_balance(provider)


@hookimpl
async def price_list(provider: Provider, service: str, country: str) -> list[Price]:
    return await wire.price_list(provider, service, country)


@hookimpl
async def get_number(
    provider: Provider, service: str, country: str, max_price: Money | None
) -> Number:
    return await wire.get_number(provider, service, country, max_price)


@hookimpl
async def poll_code(provider: Provider, number: Number) -> Code | None:
    return await wire.poll_code(provider, number)


@hookimpl
async def cancel(provider: Provider, number: Number) -> None:
    await wire.cancel(provider, number)


@hookimpl
async def finish(provider: Provider, number: Number) -> None:
    await wire.finish(provider, number)
