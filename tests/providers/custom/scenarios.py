"""The custom provider's cassette scenarios: how each is set up and what it shows.

Each scenario scripts the reference server (when recording), runs through
the public Client, and returns what the test compares. The same definitions
drive ``record.py`` and ``test_cassettes.py``, so a replay checks exactly what
was recorded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from smsplug import Client, SmsError
from smsplug.testing import ReferenceServer

CASSETTES = Path(__file__).parents[3] / "cassettes" / "custom"


@attrs.frozen
class Scenario:
    name: str
    setup: Callable[[ReferenceServer], None]
    run: Callable[[Client], Awaitable[Any]]
    #: Settings the client needs for this scenario, beyond the defaults.
    settings: dict[str, Any] = attrs.field(factory=dict)


def _behave(**changes: Any) -> Callable[[ReferenceServer], None]:
    def setup(server: ReferenceServer) -> None:
        for name, value in changes.items():
            setattr(server.behaviour, name, value)

    return setup


def _fail(kind: str) -> Callable[[ReferenceServer], None]:
    return lambda server: server.fail_next(kind)


async def _outcome(action: Awaitable[Any]) -> Any:
    """The action's result, or the kind of the error it raised."""
    try:
        return await action
    except SmsError as error:
        return error.kind


async def _balance(client: Client) -> Any:
    return await _outcome(client.balance("custom"))


async def _prices(client: Client) -> Any:
    return await _outcome(client.prices("telegram", "us", provider="custom"))


async def _activation(client: Client, **options: Any) -> Any:
    async def run() -> tuple[str, str]:
        async with client.activation("telegram", "us", **options) as number:
            code = await number.wait_code()
        return number.number.id, code.code

    return await _outcome(run())


async def _leave_early(client: Client) -> Any:
    async def run() -> str:
        async with client.activation("telegram", "us") as number:
            return number.number.id

    return await _outcome(run())


async def _buy(client: Client, **options: Any) -> Any:
    return await _outcome(client.buy("telegram", "us", **options))


SCENARIOS = [
    Scenario("balance", _behave(), _balance),
    Scenario("prices", _behave(), _prices),
    Scenario(
        "code-after-waiting",
        _behave(code_delay=0.15),
        lambda c: _activation(c, poll_delay=0.05),
    ),
    Scenario(
        "timeout-then-cancel",
        _behave(no_code=True),
        lambda c: _activation(c, timeout=0.05, poll_delay=10),
    ),
    Scenario(
        "cancel-too-early-then-cancelled",
        _behave(cancel_too_early=1, cancel_retry_after=0, code_delay=60),
        _leave_early,
    ),
    Scenario(
        "max-price-refused",
        _behave(),
        lambda c: _buy(c, max_price=Decimal("0.10")),
    ),
    Scenario(
        "sold-above-max-price-cancelled",
        _behave(ignore_max_price=True, price=Decimal("0.62")),
        lambda c: _buy(c, max_price=Decimal("0.50")),
    ),
    Scenario("error-invalid-key", _fail("invalid_key"), _buy),
    Scenario("error-no-balance", _fail("no_balance"), _buy),
    Scenario("error-no-numbers", _behave(out_of_stock=True), _buy),
    Scenario("error-banned", _fail("banned"), _buy),
    Scenario(
        "error-country-not-supported",
        _behave(),
        lambda c: _outcome(c.buy("telegram", "aq")),
    ),
    Scenario("error-garbled-reply", _fail("garbage"), _balance),
    Scenario("rate-limited-then-served", _behave(rate_limited=1), _balance),
]
