"""The ``smspool`` provider: one-time numbers from SMSPool (smspool.net).

Besides the hooks, :func:`request_another_code` asks SMSPool to send one
more SMS to a number that already received a code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smsplug import hookimpl
from smsplug.models import Number, ProviderInfo, Setting
from smsplug.provider import Provider
from smsplug_smspool import wire

if TYPE_CHECKING:
    from smsplug.client import Client

__all__ = ["request_another_code"]


@hookimpl
def provider_info() -> ProviderInfo:
    return ProviderInfo(
        name="smspool",
        title="SMSPool",
        currency=wire.CURRENCY,
        base_url=wire.BASE_URL,
        settings=(
            Setting(
                "pricing_option",
                "which pool SMSPool sells from: the cheapest, or the one with the "
                "best delivery rate",
                default="cheapest",
                choices=tuple(wire.PRICING_OPTIONS),
            ),
            Setting("pool", "an SMSPool pool id or name to buy from only"),
        ),
        capabilities=frozenset({"price_list", "resend"}),
        homepage="https://www.smspool.net",
    )


# The hooks are the wire module's functions, marked for pluggy.
get_balance = hookimpl(wire.get_balance)
price_list = hookimpl(wire.price_list)
get_number = hookimpl(wire.get_number)
poll_code = hookimpl(wire.poll_code)
cancel = hookimpl(wire.cancel)


@hookimpl
async def finish(provider: Provider, number: Number) -> None:
    """SMSPool has no "used" mark: a number is done once its code arrived."""


async def request_another_code(client: Client, number: Number) -> Number:
    """Ask SMSPool to send another SMS to ``number``, which got a code already.

    Returns the number to poll for the new code (SMSPool may answer with a
    new order id). Raises ``no_sms_received`` when SMSPool will not resend
    to this number, ``provider_unavailable`` when it asks to try later.
    """
    if number.provider != "smspool":
        raise ValueError(f"{number.key} is not an SMSPool number")
    return await wire.resend(client.provider(number.provider), number)
