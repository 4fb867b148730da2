"""The ``smspool`` provider: one-time numbers from SMSPool (smspool.net).

Besides the hooks, :func:`request_another_code` asks SMSPool to send one
more SMS to a number that already received a code.
"""

from __future__ import annotations

from smsplug import hookimpl
from smsplug.models import Number, ProviderInfo, Setting
from smsplug.provider import Provider
from smsplug_smspool import wire


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
request_another_code = hookimpl(wire.resend)


@hookimpl
async def finish(provider: Provider, number: Number) -> None:
    """SMSPool has no "used" mark: a number is done once its code arrived."""
