"""The 5sim cassette scenarios, shared by the recorder and the replay tests.

Each scenario scripts the fake (when recording) and then runs one flow
through the public :class:`smsplug.Client`. Replays run the same flow
against the cassette alone, so what was recorded is what is tested.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

import smsplug_fivesim
from smsplug import Client, Number, Settings, SmsError
from smsplug.plugins import Plugins
from smsplug.testing.server import Reply
from smsplug_fivesim.fake import FiveSimFake
from tests.helpers import custom_settings

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "5sim"
KEY = "eyJhbGciOiJSUzUxMiJ9.c21zcGx1Zy10ZXN0.fake-5sim-signature"
#: Replays point here; nothing listens, the cassette answers.
REPLAY_URL = "http://127.0.0.1:9/v1"
SERVICE, COUNTRY = "telegram", "gb"


def note(today: dt.date | None = None) -> str:
    day = (today or dt.date.today()).isoformat()
    return (
        f"Written from the provider's documentation: recorded on {day} against "
        f"smsplug's loopback fake of the documented protocol; not captured from "
        f"the live service."
    )


def settings(base_url: str, *, key: str = KEY, **overrides: Any) -> Settings:
    """The core tests' fast settings, buying from 5sim at ``base_url`` only."""
    provider = {"api_key": key, "base_url": base_url}
    provider.update(overrides.pop("provider_settings", {}))
    return custom_settings(
        base_url, providers=("5sim",), provider={"5sim": provider}, **overrides
    )


def plugins() -> Plugins:
    registry = Plugins()
    registry.add(smsplug_fivesim, distribution="smsplug-5sim")
    return registry


def _nothing(fake: FiveSimFake) -> None:
    pass


@attrs.frozen
class Scenario:
    name: str
    flow: Callable[[Client], Awaitable[Any]]
    setup: Callable[[FiveSimFake], None] = _nothing
    #: Settings for this scenario on top of :func:`settings`.
    settings: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def cassette(self) -> Path:
        return CASSETTES / f"{self.name}.yaml"


async def outcome(scenario: Scenario, client: Client) -> Any:
    """What the flow returned, or the smsplug error it raised."""
    try:
        return await scenario.flow(client)
    except SmsError as error:
        return error


# -- flows ----------------------------------------------------------------------


async def _buy(client: Client, service: str = SERVICE, country: str = COUNTRY) -> Any:
    return await client.buy(service, country, providers=["5sim"], max_price=None)


async def _buy_and_cancel(client: Client, **buy: Any) -> Number:
    number = await client.buy(SERVICE, COUNTRY, providers=["5sim"], **buy)
    await client.cancel(number)
    return number


async def _wait_for_code(client: Client, **activation: Any) -> tuple[Number, Any]:
    async with client.activation(SERVICE, COUNTRY, **activation) as number:
        code = await number.wait_code()
    return number.number, code


async def _second_code(client: Client) -> tuple[Any, Any]:
    async with client.activation(SERVICE, COUNTRY) as number:
        first = await number.wait_code()
        second = None
        for _ in range(5):
            second = await client.poll(number.number)
            if second is not None and second.code != first.code:
                break
    return first, second


async def _code_then_cancel(client: Client) -> Number:
    number = await _buy(client)
    await client.poll(number)  # the SMS arrives on this check
    await client.cancel(number)
    return number


async def _buy_then(client: Client, action: str) -> Any:
    number = await _buy(client)
    try:
        if action == "poll":
            return await client.poll(number)
        if action == "finish":
            return await client.finish(number)
        if action == "ban":
            return await smsplug_fivesim.ban(client, number)
        return await client.cancel(number)
    finally:
        if action in ("poll", "finish"):
            await client.cancel(number)


def _answer(text: str, status: int = 400, path: str = "") -> Callable[..., None]:
    def setup(fake: FiveSimFake) -> None:
        fake.answer_next(Reply(text, status=status), path=path)

    return setup


def _behave(**fields: Any) -> Callable[[FiveSimFake], None]:
    def setup(fake: FiveSimFake) -> None:
        for name, value in fields.items():
            setattr(fake.behaviour, name, value)

    return setup


def _rate_limited(fake: FiveSimFake) -> None:
    fake.behaviour.rate_limited = 3


def _ip_limited(fake: FiveSimFake) -> None:
    fake.answer_next(Reply(b"", status=503, content_type="text/plain"))


def _garbage(fake: FiveSimFake) -> None:
    fake.fail_next("garbage")


_NO_CODE_TIMEOUT = {"timeout": 0.2, "poll_delay": 10}

SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in [
        Scenario("balance", lambda c: c.balance("5sim")),
        Scenario("prices", lambda c: c.prices(SERVICE, COUNTRY, provider="5sim")),
        Scenario(
            "prices_any_country", lambda c: c.prices(SERVICE, "any", provider="5sim")
        ),
        Scenario(
            "prices_not_offered", lambda c: c.prices("zzzapp", COUNTRY, provider="5sim")
        ),
        Scenario(
            "prices_one_operator",
            lambda c: c.prices(SERVICE, COUNTRY, provider="5sim"),
            settings={"provider_settings": {"operator": "virtual38"}},
        ),
        Scenario("buy", _buy_and_cancel),
        Scenario(
            "buy_max_price",
            lambda c: _buy_and_cancel(c, max_price="0.30"),
            settings={"rates": {"RUB": Decimal("0.011")}},
        ),
        Scenario(
            "code_after_waiting",
            lambda c: _wait_for_code(c, poll_delay=0.01),
            setup=_behave(code_on_check=3),
        ),
        Scenario("second_code", _second_code, setup=_behave(second_code_after=2)),
        Scenario(
            "timeout_then_cancel",
            lambda c: _wait_for_code(c, **_NO_CODE_TIMEOUT),
            setup=_behave(no_code=True),
        ),
        Scenario(
            "cancel_refused_then_cancel",
            lambda c: _wait_for_code(c, **_NO_CODE_TIMEOUT),
            setup=_behave(no_code=True, cancel_too_early=1),
            settings={"poll_delay": 0.01},
        ),
        Scenario("ban", lambda c: _buy_then(c, "ban")),
        # Errors on purchase, as 5sim words them.
        Scenario("no_free_phones", _buy, setup=_answer("no free phones", status=200)),
        Scenario("no_free_phones_400", _buy, setup=_answer("no free phones")),
        Scenario(
            "max_price_too_low",
            lambda c: c.buy(SERVICE, COUNTRY, providers=["5sim"], max_price="0.10"),
            settings={"rates": {"RUB": Decimal("0.011")}},
        ),
        Scenario(
            "not_enough_product_qty", _buy, setup=_answer("not enough product qty")
        ),
        Scenario("not_enough_user_balance", _buy, setup=_behave(price=Decimal("100"))),
        Scenario("not_enough_rating", _buy, setup=_behave(rating=0)),
        Scenario("bad_country", lambda c: _buy(c, country="atlantis")),
        Scenario("select_country", _buy, setup=_answer("select country")),
        Scenario(
            "bad_operator",
            _buy,
            settings={"provider_settings": {"operator": "virtual99"}},
        ),
        Scenario("select_operator", _buy, setup=_answer("select operator")),
        Scenario("no_product", lambda c: _buy(c, service="zzzapp")),
        Scenario("server_offline", _buy, setup=_answer("server offline")),
        Scenario(
            "invalid_key",
            _buy,
            settings={"provider_settings": {"api_key": "eyJwrong.key.value"}},
        ),
        Scenario("rate_limited", lambda c: c.balance("5sim"), setup=_rate_limited),
        Scenario("ip_limited", _buy, setup=_ip_limited),
        Scenario("garbage", lambda c: c.balance("5sim"), setup=_garbage),
        # Errors about an order.
        Scenario(
            "order_not_found",
            lambda c: c.poll(Number(provider="5sim", id="404404", phone="")),
        ),
        Scenario(
            "record_not_found",
            lambda c: _buy_then(c, "poll"),
            setup=_answer("record not found", status=404, path="/check/"),
        ),
        Scenario(
            "order_expired",
            lambda c: _buy_then(c, "poll"),
            setup=_answer("order expired", path="/check/"),
        ),
        Scenario(
            "order_timeout_status",
            lambda c: _buy_then(c, "poll"),
            setup=_behave(lifetime=0),
        ),
        Scenario(
            "order_expired_on_cancel",
            lambda c: _buy_then(c, "cancel"),
            setup=_answer("order expired", path="/cancel/"),
        ),
        Scenario("order_has_sms", _code_then_cancel, setup=_behave(code_on_check=1)),
        Scenario("order_no_sms", lambda c: _buy_then(c, "finish")),
        Scenario(
            "hosting_order",
            lambda c: _buy_then(c, "poll"),
            setup=_answer("hosting order", path="/check/"),
        ),
    ]
}
