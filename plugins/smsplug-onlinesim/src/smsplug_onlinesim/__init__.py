"""The ``onlinesim`` provider: OnlineSim's native API (onlinesim.io).

``request_another_code`` asks OnlineSim for another SMS on a number whose
code was wrong (``setOperationRevise``).
"""

from __future__ import annotations

from smsplug import hookimpl
from smsplug.models import ProviderInfo, Setting
from smsplug_onlinesim import wire


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


# The hooks are the wire module's functions, marked for pluggy.
get_balance = hookimpl(wire.get_balance)
price_list = hookimpl(wire.price_list)
get_number = hookimpl(wire.get_number)
poll_code = hookimpl(wire.poll_code)
cancel = hookimpl(wire.cancel)
finish = hookimpl(wire.finish)
request_another_code = hookimpl(wire.request_next_code)
poll_codes = hookimpl(wire.poll_codes)
