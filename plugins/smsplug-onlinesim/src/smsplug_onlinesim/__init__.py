"""The ``onlinesim`` provider: OnlineSim's native API (onlinesim.io).

Beyond the hooks, :func:`request_next_code` asks OnlineSim for another SMS
on a number whose code was wrong (``setOperationRevise``).
"""

from __future__ import annotations

from collections.abc import Sequence

from smsplug import hookimpl
from smsplug.models import Balance, Code, Money, Number, Price, ProviderInfo, Setting
from smsplug.provider import Provider
from smsplug_onlinesim import wire

__all__ = ["request_next_code"]

# Limitation: the plugin contract has no hook for asking another code, so
# only Python callers can reach this; the CLI has no command for it.
request_next_code = wire.request_next_code


@hookimpl
def provider_info() -> ProviderInfo:
    return ProviderInfo(
        name="onlinesim",
        title="OnlineSim",
        currency="RUB",
        base_url="https://onlinesim.io",
        settings=(
            Setting(
                "currency",
                "the currency the OnlineSim account is kept in (its replies do "
                "not say)",
                default="RUB",
            ),
            Setting(
                "close_retry",
                "seconds to wait before trying again to cancel a number that "
                "OnlineSim will not close yet",
                default="15",
            ),
        ),
        capabilities=frozenset({"price_list", "finish", "next_code"}),
        homepage="https://onlinesim.io",
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
async def poll_codes(
    provider: Provider, numbers: Sequence[Number]
) -> dict[str, Code | None]:
    return await wire.poll_codes(provider, numbers)


@hookimpl
async def cancel(provider: Provider, number: Number) -> None:
    await wire.cancel(provider, number)


@hookimpl
async def finish(provider: Provider, number: Number) -> None:
    await wire.finish(provider, number)
