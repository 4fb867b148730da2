"""The ``smsman`` provider: SMS-Man (sms-man.com), through its control API.

Amounts are in the account's currency, RUB unless ``SMSPLUG_SMSMAN_CURRENCY``
says USD or EUR. Two SMS-Man calls outside the core's flow live in
:mod:`smsplug_smsman.wire`: ``request_another_sms`` and ``report_used``.
"""

from __future__ import annotations

from smsplug import hookimpl
from smsplug.models import Number, ProviderInfo, Setting
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


# The hooks are the wire module's functions, marked for pluggy.
get_balance = hookimpl(wire.get_balance)
price_list = hookimpl(wire.price_list)
get_number = hookimpl(wire.get_number)
poll_code = hookimpl(wire.poll_code)
cancel = hookimpl(wire.cancel)
finish = hookimpl(wire.finish)


@hookimpl
async def request_another_code(provider: Provider, number: Number) -> Number:
    """Ask SMS-Man for one more SMS; the same number is polled for it."""
    await wire.request_another_sms(provider, number)
    return number
