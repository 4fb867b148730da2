"""SMSPool's cassette scenarios, and how they are recorded.

``python -m tests.providers.smspool.record [SCENARIO ...]`` runs each
scenario against the loopback fake of SMSPool's documented API and writes
``cassettes/smspool/<scenario>.yaml``. test_cassettes.py replays the same
scenarios through the public client, without the fake.

Every scenario drives the client so that the requests it sends do not
depend on timing: a wait that ends in a timeout sleeps past its deadline
at once, so it always polls the same number of times.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

import smsplug_smspool
from smsplug import Client, Settings
from smsplug.errors import SmsError
from smsplug.models import Number
from smsplug.plugins import Plugins
from smsplug.testing import Behaviour
from smsplug.testing.cassettes import cassette_vcr
from smsplug_smspool.fake import SmspoolFake

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "smspool"
KEY = "k3y0smspool0test0aaaabbbbccccdddd"
SERVICE, COUNTRY = "telegram", "gb"


def settings(base_url: str, **overrides: Any) -> Settings:
    """Quick settings for the smspool provider at ``base_url``."""
    values: dict[str, Any] = {
        "providers": ("smspool",),
        "provider": {"smspool": {"api_key": KEY, "base_url": base_url}},
        "poll_delay": 0.05,
        "timeout": 10.0,
        "http_timeout": 5.0,
        "retries": 3,
        "retry_backoff": 0.0,
        "retry_max_wait": 0.0,
        "cancel_patience": 5.0,
    }
    return Settings(**(values | overrides))


def plugins() -> Plugins:
    registry = Plugins()
    registry.add(smsplug_smspool, distribution="smsplug-smspool")
    return registry


async def failure(step: Awaitable[Any]) -> SmsError:
    """The error ``step`` raises; a scenario that expects one must get one."""
    try:
        await step
    except SmsError as error:
        return error
    raise AssertionError("the step succeeded, but an error was expected")


# -- scenarios -------------------------------------------------------------------


async def balance(client: Client) -> Any:
    return await client.balance("smspool")


async def prices(client: Client) -> Any:
    return await client.prices(SERVICE, COUNTRY, provider="smspool")


async def buy(client: Client) -> Any:
    number = await client.buy(SERVICE, COUNTRY, max_price="0.50")
    await client.cancel(number)
    return number


async def code_after_waiting(client: Client) -> Any:
    async with client.activation(SERVICE, COUNTRY) as activation:
        return await activation.wait_code()


async def second_code(client: Client) -> Any:
    async with client.activation(SERVICE, COUNTRY) as activation:
        first = await activation.wait_code()
        again = await client.request_another_code(activation.number)
        for _ in range(100):
            second = await client.poll(again)
            if second is not None:
                return first, second
            await asyncio.sleep(0.05)
    raise AssertionError("the second code never came")


async def timeout_then_cancel(client: Client) -> Any:
    activation = client.activation(SERVICE, COUNTRY, timeout=0.2, poll_delay=60)
    async with activation:
        return await failure(activation.wait_code())


async def cancel_too_early(client: Client) -> Any:
    number = await client.buy(SERVICE, COUNTRY)
    await client.cancel(number)
    return number


async def refunded_while_waiting(client: Client) -> Any:
    activation = client.activation(SERVICE, COUNTRY)
    return await failure(_wait(activation))


async def _wait(activation: Any) -> None:
    async with activation:
        await activation.wait_code()


async def purchase_error(client: Client) -> Any:
    return await failure(client.buy(SERVICE, COUNTRY))


async def price_not_found(client: Client) -> Any:
    return await failure(client.buy(SERVICE, COUNTRY, max_price="0.10"))


async def invalid_key(client: Client) -> Any:
    return await failure(client.balance("smspool"))


async def order_not_found(client: Client) -> Any:
    ghost = Number(provider="smspool", id="GONE0000", phone="")
    error = await failure(client.poll(ghost))
    await client.cancel(ghost)
    return error


async def resend_refused(client: Client) -> Any:
    async with client.activation(SERVICE, COUNTRY) as activation:
        await activation.wait_code()
        number = activation.number
        return await failure(client.request_another_code(number))


async def resend_before_code(client: Client) -> Any:
    number = await client.buy(SERVICE, COUNTRY)
    try:
        return await failure(client.request_another_code(number))
    finally:
        await client.cancel(number)


async def unknown_status(client: Client) -> Any:
    number = await client.buy(SERVICE, COUNTRY)
    try:
        return await failure(client.poll(number))
    finally:
        await client.cancel(number)


@attrs.frozen
class Scenario:
    run: Callable[[Client], Awaitable[Any]]
    #: Changes to the fake's behaviour before the run.
    behaviour: Mapping[str, Any] = attrs.field(factory=dict)
    #: The failure the fake answers with, to the next request to ``fail_path``
    #: (or to the very next request).
    fail: str | None = None
    fail_path: str | None = None


SCENARIOS: dict[str, Scenario] = {
    "balance": Scenario(balance),
    "prices": Scenario(prices),
    "buy": Scenario(buy),
    "code_after_waiting": Scenario(code_after_waiting, {"code_delay": 0.3}),
    "second_code": Scenario(second_code, {"code_delay": 0.3}),
    "timeout_then_cancel": Scenario(timeout_then_cancel, {"no_code": True}),
    "error_cancel_too_early": Scenario(cancel_too_early, {"cancel_too_early": 2}),
    "error_refunded_while_waiting": Scenario(
        refunded_while_waiting, {"no_code": True, "lifetime": 0.2}
    ),
    "error_invalid_key": Scenario(invalid_key, fail="invalid_key"),
    "error_no_balance": Scenario(purchase_error, fail="no_balance"),
    "error_out_of_stock": Scenario(purchase_error, fail="out_of_stock"),
    "error_price_not_found": Scenario(price_not_found),
    "error_country_not_supported": Scenario(
        purchase_error, fail="country_not_supported"
    ),
    "error_missing_parameter": Scenario(purchase_error, fail="missing_parameter"),
    "error_order_not_found": Scenario(order_not_found),
    "error_rate_limited": Scenario(invalid_key, {"rate_limited": 3}),
    "error_not_json": Scenario(invalid_key, fail="garbage"),
    "error_unknown_status": Scenario(
        unknown_status, fail="unknown_status", fail_path="/sms/check"
    ),
    "error_resend_refused": Scenario(
        resend_refused,
        {"code_delay": 0},
        fail="resend_unavailable",
        fail_path="/sms/resend",
    ),
    "error_resend_before_code": Scenario(resend_before_code),
}

NOTE = (
    "Written from the provider's documentation: recorded on {date} against "
    "smsplug's loopback fake of the documented protocol; not captured from the "
    "live service."
)


async def record(name: str) -> None:
    scenario = SCENARIOS[name]
    path = CASSETTES / f"{name}.yaml"
    path.unlink(missing_ok=True)
    note = NOTE.format(date=dt.date.today().isoformat())
    # Codes take long unless a scenario says otherwise, so numbers can be
    # cancelled before one arrives.
    behaviour = Behaviour(code_delay=60)
    with SmspoolFake(key=KEY, balance=Decimal("10.00"), behaviour=behaviour) as fake:
        for name, value in scenario.behaviour.items():
            setattr(fake.behaviour, name, value)
        if scenario.fail is not None:
            fake.fail_next(scenario.fail, path=scenario.fail_path)
        async with Client(settings(fake.url), plugins=plugins()) as client:
            with cassette_vcr(record_mode="all", note=note).use_cassette(str(path)):
                await scenario.run(client)


def main(names: list[str]) -> None:
    for name in names or list(SCENARIOS):
        asyncio.run(record(name))
        print(f"recorded {CASSETTES / name}.yaml")


if __name__ == "__main__":
    main(sys.argv[1:])
