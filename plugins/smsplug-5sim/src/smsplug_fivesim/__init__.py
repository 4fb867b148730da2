"""The ``5sim`` provider: activation numbers from 5sim.net.

Besides the hooks, :func:`ban` reports a number as bad ("already used on
the service"), which ends it; ``python -m smsplug_fivesim ban ID`` does the
same from a shell.
"""

from __future__ import annotations

from smsplug import hookimpl
from smsplug.client import Client
from smsplug.models import Number, ProviderInfo, Setting
from smsplug.provider import Provider
from smsplug_fivesim import wire

__all__ = ["NAME", "ban"]

NAME = "5sim"


@hookimpl
def provider_info() -> ProviderInfo:
    return ProviderInfo(
        name=NAME,
        title="5sim.net",
        currency="RUB",
        base_url="https://5sim.net/v1",
        settings=(
            Setting(
                "operator",
                "the 5sim operator to buy from, such as virtual21; any lets 5sim "
                "choose",
                default="any",
            ),
            Setting(
                "currency",
                "the currency the 5sim account's balance and prices are in",
                default="RUB",
            ),
        ),
        capabilities=frozenset({"price_list", "finish", "ban"}),
        homepage="https://5sim.net",
    )


# The hooks are the wire module's functions, marked for pluggy.
get_balance = hookimpl(wire.get_balance)
price_list = hookimpl(wire.price_list)
get_number = hookimpl(wire.get_number)
poll_code = hookimpl(wire.check)
cancel = hookimpl(wire.cancel)
finish = hookimpl(wire.finish)


@hookimpl
async def report_number(provider: Provider, number: Number) -> None:
    """5sim's "ban": the number was already used on the service."""
    await wire.ban(provider, number.id)


async def ban(client: Client, number: Number | str) -> str:
    """Report ``number`` (a :class:`Number` or its id) to 5sim as bad, ending it.

    Use it when the service says the number is already taken: 5sim ends the
    order instead of charging for it. Returns the order's status afterwards,
    ``BANNED``, or ``CANCELED`` / ``TIMEOUT`` when it had already ended.
    Raises ``not_found`` for an unknown id and ``invalid_response`` when an
    SMS already arrived (finish such a number instead).
    """
    number_id = number if isinstance(number, str) else number.id
    status = await wire.ban(client.provider(NAME), number_id)
    wire.log.info("reported number %s on 5sim as bad: %s", number_id, status)
    return status
