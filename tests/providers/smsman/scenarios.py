"""The SMS-Man cassette scenarios, each run through the public Client.

``record.py`` plays every scenario against the loopback fake and records the
traffic; ``test_cassettes.py`` replays the recordings (record mode none) and
checks what comes out. While recording, a scenario gets the fake, so it can
make a code arrive between two polls; on replay it gets ``None``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

import smsplug_smsman
from smsplug import Client, Settings
from smsplug.plugins import Plugins
from smsplug.testing.cassettes import cassette_vcr
from smsplug_smsman import wire
from smsplug_smsman.fake import FakeBehaviour, SmsManFake

KEY = "smsman-test-key-0123456789abcdef"
CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "smsman"
#: Where replays point: nothing listens there, and the cassette answers first.
REPLAY_URL = "http://127.0.0.1:9/control"
NOTE = (
    "Written from the provider's documentation: recorded on {date} against "
    "smsplug's loopback fake of the documented protocol; not captured from the "
    "live service."
)

Act = Callable[[Client, SmsManFake | None], Awaitable[Any]]


@attrs.frozen
class Scenario:
    name: str
    act: Act
    #: FakeBehaviour fields while recording (codes come only when delivered).
    behaviour: Mapping[str, Any] = attrs.field(factory=dict)
    #: Settings overrides, the same when recording and replaying.
    settings: Mapping[str, Any] = attrs.field(factory=dict)
    balance: str = "512.40"
    #: Scripted before the act, while recording.
    script: Callable[[SmsManFake], None] | None = None


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, **options: Any) -> Callable[[Act], Act]:
    def register(act: Act) -> Act:
        SCENARIOS[name] = Scenario(name, act, **options)
        return act

    return register


def smsman_settings(base_url: str, *, key: str = KEY, **overrides: Any) -> Settings:
    """Fast settings for the smsman provider at ``base_url``."""
    provider: dict[str, str] = {"api_key": key, "base_url": base_url}
    if "currency" in overrides:
        provider["currency"] = overrides.pop("currency")
    values: dict[str, Any] = {
        "providers": ("smsman",),
        "provider": {"smsman": provider},
        "poll_delay": 0.01,
        "timeout": 2.0,
        "retries": 2,
        "retry_backoff": 0.0,
        "retry_max_wait": 0.0,
        "http_timeout": 2.0,
    }
    values.update(overrides)
    return Settings(**values)


def smsman_plugins() -> Plugins:
    registry = Plugins()
    registry.add(smsplug_smsman, distribution="smsplug-smsman")
    return registry


def cassette_path(name: str) -> Path:
    return CASSETTES / f"{name}.yaml"


@asynccontextmanager
async def replaying(name: str):  # type: ignore[no-untyped-def]
    """A Client whose only server is the cassette ``name``."""
    spec = SCENARIOS[name]
    recorder = cassette_vcr(record_mode="none")
    settings = smsman_settings(REPLAY_URL, **spec.settings)
    with recorder.use_cassette(str(cassette_path(name))) as cassette:
        async with Client(settings, plugins=smsman_plugins()) as client:
            yield client, cassette


async def replay(name: str) -> Any:
    """Run scenario ``name`` against its cassette; returns what it returned."""
    async with replaying(name) as (client, cassette):
        result = await SCENARIOS[name].act(client, None)
        assert cassette.all_played, f"{name}: not every recorded reply was asked for"
        return result


async def record(name: str) -> None:
    """Run scenario ``name`` against the fake, writing its cassette."""
    spec = SCENARIOS[name]
    note = NOTE.format(date=dt.date.today().isoformat())
    recorder = cassette_vcr(record_mode="all", note=note)
    path = cassette_path(name)
    path.unlink(missing_ok=True)
    behaviour = FakeBehaviour(**{"no_code": True, **spec.behaviour})
    with SmsManFake(key=KEY, balance=spec.balance, behaviour=behaviour) as fake:
        if spec.script is not None:
            spec.script(fake)
        settings = smsman_settings(fake.url, **spec.settings)
        with recorder.use_cassette(str(path)):
            async with Client(settings, plugins=smsman_plugins()) as client:
                try:
                    await spec.act(client, fake)
                except Exception as error:  # errors are what these scenarios record
                    print(f"  {name}: {type(error).__name__}: {error}")


# -- the flow -----------------------------------------------------------------


@scenario("balance")
async def _balance(client: Client, fake: SmsManFake | None) -> Any:
    return await client.balance("smsman")


@scenario("prices")
async def _prices(client: Client, fake: SmsManFake | None) -> Any:
    return await client.prices("telegram", "ru", provider="smsman")


@scenario("prices_by_listed_names")
async def _prices_by_listed_names(client: Client, fake: SmsManFake | None) -> Any:
    # Neither gb nor facebook has an id in the table: both are looked up.
    return await client.prices("facebook", "gb", provider="smsman")


@scenario("buy")
async def _buy(client: Client, fake: SmsManFake | None) -> Any:
    number = await client.buy("telegram", "ru")
    await client.cancel(number)
    return number


@scenario(
    "buy_with_max_price",
    settings={"rates": {"RUB": Decimal("0.011")}},
)
async def _buy_with_max_price(client: Client, fake: SmsManFake | None) -> Any:
    number = await client.buy("telegram", "ru", max_price="0.25")
    await client.cancel(number)
    return number


@scenario("code_after_waiting")
async def _code_after_waiting(client: Client, fake: SmsManFake | None) -> Any:
    number = await client.buy("telegram", "ru")
    waits = [await client.poll(number), await client.poll(number)]
    if fake is not None:
        fake.deliver(number.id, "52917")
    code = await client.poll(number)
    await client.finish(number)
    return waits, code


@scenario("second_code")
async def _second_code(client: Client, fake: SmsManFake | None) -> Any:
    number = await client.buy("telegram", "ru")
    if fake is not None:
        fake.deliver(number.id, "52917")
    first = await client.poll(number)
    await wire.request_another_sms(client.provider("smsman"), number)
    unchanged = await client.poll(number)
    if fake is not None:
        fake.deliver(number.id, "80355")
    second = await client.poll(number)
    await client.finish(number)
    return first, unchanged, second


@scenario("timeout_then_cancel")
async def _timeout_then_cancel(client: Client, fake: SmsManFake | None) -> Any:
    # A poll delay longer than the timeout: three polls (first, after the one
    # wait, last look), then reject.
    async with client.activation("telegram", "ru", timeout=0.3, poll_delay=10) as n:
        await n.wait_code()


@scenario("cancel_refused_as_too_early", behaviour={"cancel_too_early": 1})
async def _cancel_refused_as_too_early(client: Client, fake: SmsManFake | None) -> Any:
    number = await client.buy("telegram", "ru")
    await client.cancel(number)
    return number


@scenario("number_ended_while_waiting", behaviour={"lifetime": 0.0})
async def _number_ended_while_waiting(client: Client, fake: SmsManFake | None) -> Any:
    async with client.activation("telegram", "ru") as number:
        await number.wait_code()


@scenario(
    "number_from_another_country",
    behaviour={"countries": {"1": ("Russia", "44")}},
)
async def _number_from_another_country(client: Client, fake: SmsManFake | None) -> Any:
    # A stale country id: SMS-Man sells a +44 number for "ru".
    return await client.buy("telegram", "ru")


# -- the errors ---------------------------------------------------------------


def _after(kind: str) -> Callable[[SmsManFake], None]:
    return lambda fake: fake.fail_next(kind)


def _reply(body: Mapping[str, Any]) -> Callable[[SmsManFake], None]:
    return lambda fake: fake.reply_next(body)


async def _buy_one(client: Client, fake: SmsManFake | None) -> Any:
    return await client.buy("telegram", "ru")


@scenario("error_wrong_token_balance", script=_after("invalid_key"))
async def _wrong_token_balance(client: Client, fake: SmsManFake | None) -> Any:
    return await client.balance("smsman")


def _reply_error(code: str, message: object) -> Callable[[SmsManFake], None]:
    return _reply({"success": False, "error_code": code, "error_msg": message})


# A purchase answered by each error: the fake's reply for an error kind, or a
# spelling seen in client code.
for _name, _script in {
    "error_wrong_token_buy": _after("invalid_key"),
    "error_balance": _after("no_balance"),
    "error_not_enough_balance": _reply_error("not_enough_balance", "Top up"),
    "error_no_numbers": _after("no_numbers"),
    "error_no_free_phones": _reply_error("no_free_phones", "No phones"),
    "error_wrong_country_id": _after("country_not_supported"),
    "error_unknown_error_code": _reply_error("server_busy", {"x": "Busy"}),
    "error_bad_gateway_on_buy": _after("unavailable"),
}.items():
    scenario(_name, script=_script)(_buy_one)


@scenario("error_wrong_application_id")
async def _wrong_application_id(client: Client, fake: SmsManFake | None) -> Any:
    return await client.buy("99999", "ru")


@scenario("error_rate_limited", behaviour={"rate_limited": 2})
async def _rate_limited(client: Client, fake: SmsManFake | None) -> Any:
    return await client.balance("smsman")


@scenario("error_html_page", script=_after("garbage"))
async def _html_page(client: Client, fake: SmsManFake | None) -> Any:
    return await client.balance("smsman")
