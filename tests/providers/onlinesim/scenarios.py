"""The OnlineSim scenarios behind the cassettes, run through the public Client.

Each scenario is recorded against the loopback fake (``record.py``) and
replayed from its cassette (``test_cassettes.py``). A scenario may change
the provider between two calls through its ``control``: the fake while
recording, a stand-in that does nothing on replay, where the cassette
already holds the provider's answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import attrs

import smsplug_onlinesim
from smsplug import Client, Number, Settings, SmsError
from smsplug.plugins import Plugins
from smsplug.testing.cassettes import cassette_vcr
from smsplug_onlinesim import wire
from smsplug_onlinesim.fake import Behaviour, OnlineSimFake

KEY = "onlinesim-test-key-5f2a9c71"
CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "onlinesim"
#: Replays never connect; the cassette answers whatever the base URL.
REPLAY_URL = "http://127.0.0.1:9"
#: The operation id the fake gives its first sale.
FIRST_TZID = "87654321"


def note() -> str:
    today = dt.date.today().isoformat()
    return (
        f"Written from the provider's documentation: recorded on {today} against "
        f"smsplug's loopback fake of the documented protocol; not captured from "
        f"the live service."
    )


class Control(Protocol):
    def deliver(self, number_id: str, code: str | None = None) -> None: ...

    def fail_next(self, kind: str) -> None: ...


class Replay:
    """The control on replay: the cassette already holds every answer."""

    def deliver(self, number_id: str, code: str | None = None) -> None:
        return None

    def fail_next(self, kind: str) -> None:
        return None


Run = Callable[[Client, Control], Awaitable[Any]]


@attrs.frozen
class Scenario:
    name: str
    run: Run
    #: The fake's behaviour while recording.
    behaviour: Mapping[str, Any] = attrs.field(factory=dict)


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, **behaviour: Any) -> Callable[[Run], Run]:
    def register(run: Run) -> Run:
        SCENARIOS[name] = Scenario(name, run, behaviour)
        return run

    return register


def settings(base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "providers": ("onlinesim",),
        "provider": {
            "onlinesim": {"api_key": KEY, "base_url": base_url, "close_retry": "0.05"}
        },
        "poll_delay": 0.1,
        "timeout": 5.0,
        "retry_backoff": 0.0,
        "retry_max_wait": 0.0,
        "http_timeout": 5.0,
        "cancel_patience": 5.0,
        "rates": {"RUB": Decimal("0.011")},
    }
    values.update(overrides)
    return Settings(**values)


def plugins() -> Plugins:
    registry = Plugins()
    registry.add(smsplug_onlinesim, distribution="smsplug-onlinesim")
    return registry


def cassette_path(name: str) -> Path:
    return CASSETTES / f"{name}.yaml"


async def record(name: str) -> None:
    """Run scenario ``name`` against a fresh fake and write its cassette."""
    chosen = SCENARIOS[name]
    path = cassette_path(name)
    path.unlink(missing_ok=True)
    fake = OnlineSimFake(key=KEY, behaviour=Behaviour(**chosen.behaviour))
    recorder = cassette_vcr(record_mode="all", note=note())
    with fake, recorder.use_cassette(str(path)):
        async with Client(settings(fake.url), plugins=plugins()) as client:
            await chosen.run(client, fake)


async def replay(name: str) -> tuple[Any, Any]:
    """Run scenario ``name`` from its cassette; returns (result, cassette)."""
    recorder = cassette_vcr(record_mode="none")
    with recorder.use_cassette(str(cassette_path(name))) as cassette:
        async with Client(settings(REPLAY_URL), plugins=plugins()) as client:
            result = await SCENARIOS[name].run(client, Replay())
    return result, cassette


async def error_of(call: Awaitable[Any]) -> SmsError:
    """The error ``call`` raises; a scenario that expects one fails without."""
    try:
        await call
    except SmsError as error:
        return error
    raise AssertionError("the call succeeded where an error was expected")


def known_number(number_id: str = FIRST_TZID) -> Number:
    """A number named only by its id, as ``smsplug code ID`` builds it."""
    return Number(provider="onlinesim", id=number_id, phone="")


# -- the flow -----------------------------------------------------------------


@scenario("balance")
async def balance(client: Client, control: Control) -> Any:
    return await client.balance("onlinesim")


@scenario("prices")
async def prices(client: Client, control: Control) -> Any:
    return await client.prices("telegram", "ru", provider="onlinesim")


@scenario("buy")
async def buy(client: Client, control: Control) -> Any:
    number = await client.buy("telegram", "ru", max_price=None)
    await client.cancel(number)
    return number


@scenario("buy-within-max-price")
async def buy_within_max_price(client: Client, control: Control) -> Any:
    number = await client.buy("telegram", "ru", max_price="0.50")
    await client.cancel(number)
    return number


@scenario("buy-above-max-price")
async def buy_above_max_price(client: Client, control: Control) -> Any:
    return await error_of(client.buy("telegram", "ru", max_price="0.10"))


@scenario("number-assigned-late", send_number=False, assign_after=2)
async def number_assigned_late(client: Client, control: Control) -> Any:
    delay, wire.ASSIGN_DELAY = wire.ASSIGN_DELAY, 0.01
    try:
        number = await client.buy("telegram", "ru", max_price=None)
    finally:
        wire.ASSIGN_DELAY = delay
    await client.cancel(number)
    return number


@scenario("code-after-waiting", code_delay=0.3)
async def code_after_waiting(client: Client, control: Control) -> Any:
    async with client.activation("telegram", "ru", max_price=None) as activation:
        code = await activation.wait_code()
    return activation.number, code


@scenario("second-code", no_code=True)
async def second_code(client: Client, control: Control) -> Any:
    number = await client.buy("telegram", "ru", max_price=None)
    control.deliver(number.id, "52917")
    first = await client.poll(number)

    number = await client.request_another_code(number)
    waiting = await client.poll(number)
    control.deliver(number.id, "80364")
    second = await client.poll(number)

    await client.finish(number)
    return first, waiting, second, number


@scenario("timeout-then-cancel", no_code=True)
async def timeout_then_cancel(client: Client, control: Control) -> Any:
    before = await client.balance("onlinesim")
    # A poll delay longer than the timeout makes exactly three polls: one at
    # once, one at the deadline and the last look.
    activation = client.activation(
        "telegram", "ru", max_price=None, timeout=0.5, poll_delay=10
    )
    async with activation as number:
        error = await error_of(number.wait_code())
    after = await client.balance("onlinesim")
    return before, error, after


@scenario("cancel-refused-then-retried", no_code=True, close_guard=0.12)
async def cancel_refused_then_retried(client: Client, control: Control) -> Any:
    async with client.activation("telegram", "ru", max_price=None) as activation:
        pass  # leaving without a code cancels the number
    return activation.number


@scenario("number-expired", no_code=True, lifetime=0.25)
async def number_expired(client: Client, control: Control) -> Any:
    async def wait() -> None:
        async with client.activation("telegram", "ru", max_price=None) as number:
            await number.wait_code()

    return await error_of(wait())


@scenario("garbage-reply")
async def garbage_reply(client: Client, control: Control) -> Any:
    control.fail_next("garbage")
    return await error_of(client.balance("onlinesim"))


# -- every documented error code ----------------------------------------------

#: Codes any call may answer, shown on the balance call.
ACCOUNT_ERRORS = (
    "ERROR_WRONG_KEY",
    "ERROR_NO_KEY",
    "ACCOUNT_BLOCKED",
    "API_ACCESS_DISABLED",
    "API_ACCESS_IP",
    "REQUEST_NOT_FOUND",
)
#: Codes a purchase may answer.
PURCHASE_ERRORS = (
    "WARNING_LOW_BALANCE",
    "NO_NUMBER",
    "WARNING_NO_NUMS",
    "TRY_AGAIN_LATER",
    "EXCEEDED_CONCURRENT_OPERATIONS",
    "INTERVAL_CONCURRENT_REQUESTS_ERROR",
    "TIME_INTERVAL_ERROR",
    "ACCOUNT_IDENTIFICATION_REQUIRED",
    "DUPLICATE_OPERATION",
    "UNDEFINED_COUNTRY",
    "ERROR_NO_SERVICE",
    # Documented for the repeat and forwarding methods only: smsplug does not
    # know it, so it must come out as invalid_response.
    "ERROR_PARAMS",
)
#: Codes getState may answer for one operation.
POLL_ERRORS = (
    "ERROR_NO_TZID",
    "ERROR_WRONG_TZID",
    "ERROR_NO_OPERATIONS",
    "LIFICYCLE_NUM_EXPIRED",
)
#: Codes setOperationOk may answer when cancelling.
CANCEL_ERRORS = ("NO_COMPLETE_TZID", "ERROR_WRONG_TZID", "ERROR_NO_OPERATIONS")


def error_name(code: str, where: str) -> str:
    return f"error-{where}-{code.lower().replace('_', '-')}"


def _on_balance(code: str) -> Run:
    async def run(client: Client, control: Control) -> Any:
        control.fail_next(code)
        return await error_of(client.balance("onlinesim"))

    return run


def _on_buy(code: str) -> Run:
    async def run(client: Client, control: Control) -> Any:
        control.fail_next(code)
        return await error_of(client.buy("telegram", "ru", max_price=None))

    return run


def _on_poll(code: str) -> Run:
    async def run(client: Client, control: Control) -> Any:
        control.fail_next(code)
        return await error_of(client.poll(known_number()))

    return run


def _on_cancel(code: str) -> Run:
    async def run(client: Client, control: Control) -> Any:
        number = await client.buy("telegram", "ru", max_price=None)
        control.fail_next(code)
        await client.cancel(number)  # refused for now is retried; gone is fine
        return number

    return run


for _code in ACCOUNT_ERRORS:
    scenario(error_name(_code, "balance"))(_on_balance(_code))
for _code in PURCHASE_ERRORS:
    scenario(error_name(_code, "buy"))(_on_buy(_code))
for _code in POLL_ERRORS:
    scenario(error_name(_code, "poll"))(_on_poll(_code))
for _code in CANCEL_ERRORS:
    scenario(error_name(_code, "cancel"), no_code=True)(_on_cancel(_code))
