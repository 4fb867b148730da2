"""``smsplug demo``: the whole flow, offline, against the reference provider.

It starts the reference smsplug-v1 server on loopback, points the ``custom``
provider at it and runs the two outcomes a user cares about: a code that
arrives, and a code that never comes, whose number is cancelled and refunded.
Each outcome is checked against the server's own books, so the demo fails
loudly if smsplug ever gets either wrong.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from typing import Any

from smsplug.client import Client
from smsplug.config import Settings
from smsplug.errors import ConfigError, NoSmsReceived
from smsplug.plugins import Plugins
from smsplug.testing.reference import Behaviour, ReferenceServer

__all__ = ["run_demo"]

SERVICE = "telegram"
COUNTRY = "us"


async def run_demo(
    say: Callable[[str], None], *, code_delay: float = 2.0, wait: float = 3.0
) -> dict[str, Any]:
    """Run both flows; the summary's ``ok`` says whether both went right."""
    plugins = Plugins.discover(env={"SMSPLUG_LOAD_PLUGINS": "custom"})
    if "custom" not in plugins.providers:
        raise ConfigError(
            "the demo needs the custom provider plugin: pip install smsplug-custom"
        )

    key = secrets.token_hex(16)
    behaviour = Behaviour(code_delay=code_delay)
    with (
        ReferenceServer(key=key, behaviour=behaviour) as server,
        tempfile.TemporaryDirectory(prefix="smsplug-demo-") as data_dir,
    ):
        say(
            f"reference provider running on {server.url} (loopback only, no real money)"
        )
        settings = Settings(
            # The demo's numbers are not the user's: keep them out of their ledger.
            data_dir=str(data_dir),
            providers=("custom",),
            provider={"custom": {"api_key": key, "base_url": server.url}},
            poll_delay=0.5,
            timeout=max(wait, code_delay + 5),
        )
        async with Client(settings, plugins=plugins) as client:
            start = await client.balance("custom")
            say(f"balance: {start.money}")

            say(f"\n1. a code that arrives (after about {code_delay:g} s)")
            async with client.activation(SERVICE, COUNTRY, max_price="0.50") as number:
                bought = number.number
                say(f"   rented {bought.phone} (id {bought.id}, {bought.price})")
                code = await number.wait_code()
                say(f"   code {code.code}")
            expected = server.numbers[number.number.id]
            code_ok = code.code == expected.code and expected.status == "finished"
            say(f"   number finished: {expected.status == 'finished'}")

            say(f"\n2. a code that never comes (timeout {wait:g} s)")
            behaviour.no_code = True
            refund_ok = False
            try:
                async with client.activation(SERVICE, COUNTRY, timeout=wait) as second:
                    say(f"   rented {second.phone} (id {second.number.id})")
                    await second.wait_code()
            except NoSmsReceived as error:
                say(f"   {error}")
                refund_ok = server.numbers[second.number.id].status == "cancelled"
            end = await client.balance("custom")
            say(f"   balance now {end.money}: only the first number was paid for")

    ok = (
        code_ok
        and refund_ok
        and start.money.amount - end.money.amount == behaviour.price
    )
    say("\ndemo " + ("complete: code received, timeout refunded" if ok else "FAILED"))
    return {
        "ok": ok,
        "code_received": code_ok,
        "timeout_refunded": refund_ok,
        "balance_before": str(start.money.amount),
        "balance_after": str(end.money.amount),
    }
