"""What every provider on the sms-activate protocol is tested with.

Each provider's test package names its plugin and fake in a :class:`Case`.
The scenarios below become its cassettes (``record.py``) and its replay tests
(``test_cassettes.py``); the same case drives the conformance checks and the
CLI tests. A scenario runs through the public :class:`~smsplug.Client`, and
asserts the same values whether it talks to the fake (recording) or to a
cassette (replaying); the fake is only touched while recording.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import attrs
import httpx
import pytest
from click.testing import CliRunner, Result

from smsplug import (
    Banned,
    Client,
    Code,
    CountryNotSupported,
    InvalidKey,
    InvalidResponse,
    Money,
    NoBalance,
    NoNumbers,
    NoSmsReceived,
    Number,
    ProviderUnavailable,
    Settings,
    SmsError,
)
from smsplug.cli import cli
from smsplug.plugins import Plugins
from smsplug.protocols.activate import Dialect
from smsplug.provider import env_name
from smsplug.testing.activate import (
    HANDLER_PATH,
    PURCHASES,
    ActivateServer,
    Behaviour,
    page,
)
from smsplug.testing.cassettes import cassette_vcr, provenance_of, scrub_phone
from smsplug.testing.conformance import Harness, run_checks
from smsplug.testing.server import LoopbackServer, Reply, Request
from tests.helpers import KEY

ROOT = Path(__file__).resolve().parents[2]
NOTE = (
    "Written from the provider's documentation: recorded on {date} against "
    "smsplug's loopback fake of the documented protocol; not captured from the "
    "live service."
)
#: Where a replay's requests would go if one ever escaped the cassette.
NOWHERE = "https://provider.invalid/stubs/handler_api.php"
FIRST_ID = "5000000001"
FIRST_CODE = "007919"
SECOND_CODE = "245496"
FIRST_PHONE = "+10000000001"  # +1 555 000 0001, as cassettes scrub it
SMS = f"Your verification code is: {FIRST_CODE}. Do not share it."
BAN_END = dt.datetime(2031, 6, 1, 12, 0, tzinfo=dt.UTC)


@attrs.frozen
class Case:
    """One provider on the activate protocol, as its tests see it."""

    name: str
    plugin: ModuleType
    dialect: Dialect
    make_fake: Callable[..., ActivateServer]
    cassette_dir: Path
    #: Prepended to cassette file names (the custom provider's ``activate-``).
    prefix: str = ""
    #: Provider settings beyond the key and base URL.
    settings: Mapping[str, str] = attrs.field(factory=dict)

    def fake(self, **options: Any) -> ActivateServer:
        """The provider's fake; codes come only when a test asks for them."""
        options.setdefault("behaviour", Behaviour(code_delay=600))
        return self.make_fake(key=KEY, **options)

    def cassette(self, scenario: str) -> Path:
        return self.cassette_dir / f"{self.prefix}{scenario}.yaml"

    def scenarios(self) -> list[Scenario]:
        return [s for s in SCENARIOS.values() if s.applies(self.dialect)]

    def plugins(self) -> Plugins:
        registry = Plugins()
        registry.add(self.plugin)
        return registry

    def client_settings(self, base_url: str, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "providers": (self.name,),
            "provider": {
                self.name: {
                    "api_key": KEY,
                    "base_url": base_url,
                    "cancel_retry": "0.05",
                    **self.settings,
                }
            },
            "poll_delay": 0.05,
            "timeout": 5.0,
            "retry_backoff": 0.0,
            "retry_max_wait": 0.0,
            "http_timeout": 2.0,
        }
        values.update(overrides)
        return Settings(**values)

    def env(self, fake: ActivateServer) -> dict[str, str]:
        """The environment of a CLI run against ``fake``."""
        prefix = f"SMSPLUG_{env_name(self.name)}_"
        env = {
            "SMSPLUG_LOAD_PLUGINS": self.name,
            prefix + "API_KEY": KEY,
            prefix + "BASE_URL": fake.base_url,
            prefix + "CANCEL_RETRY": "0.05",
            "SMSPLUG_POLL_DELAY": "0.05",
            "SMSPLUG_RETRY_BACKOFF": "0",
            "SMSPLUG_RETRY_MAX_WAIT": "0",
        }
        env.update({prefix + k.upper(): v for k, v in self.settings.items()})
        return env


# -- scenarios ---------------------------------------------------------------

Run = Callable[[Client, Case, "ActivateServer | None"], Awaitable[None]]


@attrs.frozen
class Scenario:
    name: str
    run: Run
    setup: Callable[[ActivateServer], None] = lambda fake: None
    applies: Callable[[Dialect], bool] = lambda dialect: True


SCENARIOS: dict[str, Scenario] = {}


def scenario(
    name: str,
    *,
    setup: Callable[[ActivateServer], None] | None = None,
    applies: Callable[[Dialect], bool] | None = None,
) -> Callable[[Run], Run]:
    def register(run: Run) -> Run:
        SCENARIOS[name] = Scenario(
            name,
            run,
            setup or (lambda fake: None),
            applies or (lambda dialect: True),
        )
        return run

    return register


def _behave(**changes: Any) -> Callable[[ActivateServer], None]:
    def setup(fake: ActivateServer) -> None:
        for field, value in changes.items():
            setattr(fake.behaviour, field, value)

    return setup


async def _buy(sms: Client, case: Case, **options: Any) -> Any:
    return await sms.buy("telegram", "us", providers=[case.name], **options)


@scenario("balance")
async def _balance(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    balance = await sms.balance(case.name)

    assert balance.money == Money("10.00", "USD")


@scenario("prices")
async def _prices(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    prices = await sms.prices("telegram", "us", provider=case.name)

    assert [(p.service, p.country, p.price, p.available) for p in prices] == [
        ("telegram", "us", Money("0.25", "USD"), 42)
    ]


@scenario("buy-text", setup=_behave(number_reply="text"))
async def _buy_text(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    number = await _buy(sms, case)
    await sms.cancel(number)

    assert number.id == FIRST_ID
    assert scrub_phone(number.phone) == FIRST_PHONE
    assert number.price is None  # a text reply does not say
    assert number.extra["service_code"] == "tg"
    assert number.extra["country_id"] == "187"


@scenario("buy-json", setup=_behave(number_reply="json"))
async def _buy_json(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    number = await _buy(sms, case, max_price="0.50")
    await sms.cancel(number)

    assert number.id == FIRST_ID
    assert scrub_phone(number.phone) == FIRST_PHONE
    assert number.price == Money("0.25", "USD")
    if fake is not None:
        assert fake.calls(purchase_action(case.dialect))[0]["maxPrice"] == "0.5"
        assert fake.balance == Decimal("10.00")


@scenario("code-after-wait", setup=_behave(code_delay=0.3))
async def _code_after_wait(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    async with sms.activation(
        "telegram", "us", providers=[case.name], timeout=10, poll_delay=0.1
    ) as number:
        first = await sms.poll(number.number)
        code = await number.wait_code()

    assert first is None
    assert code.code == FIRST_CODE
    if fake is not None:
        assert fake.numbers[FIRST_ID].status == "finished"
        assert fake.balance == Decimal("9.75")


@scenario("code-full-text", setup=_behave(full_text=True, code_delay=0))
async def _code_full_text(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    number = await _buy(sms, case)
    code = await sms.poll(number)
    await sms.finish(number)

    assert code == Code(FIRST_CODE, SMS)


@scenario("code-after-retry", setup=_behave(code_delay=600))
async def _code_after_retry(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    number = await _buy(sms, case)
    if fake is not None:
        fake.deliver(number.id)
    first = await sms.poll(number)
    if fake is not None:  # another SMS was asked for on the provider's site
        fake.request_another_sms(number.id)
    between = await sms.poll(number)  # STATUS_WAIT_RETRY:<the first code>
    if fake is not None:
        fake.deliver(number.id)
    second = await sms.poll(number)
    await sms.finish(number)

    assert first is not None
    assert first.code == FIRST_CODE
    assert between is None
    assert second is not None
    assert second.code == SECOND_CODE


@scenario("timeout-cancel", setup=_behave(no_code=True))
async def _timeout_cancel(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    await _times_out(sms, case, fake)


@scenario("timeout-cancel-too-early", setup=_behave(no_code=True, cancel_too_early=1))
async def _timeout_cancel_too_early(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    await _times_out(sms, case, fake)

    if fake is not None:
        assert len(fake.calls("setStatus")) == 2


async def _times_out(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    # A wait shorter than the poll delay and far longer than one request:
    # exactly three polls (at the start, at the deadline, one last look),
    # whether against the fake or a cassette.
    with pytest.raises(NoSmsReceived) as caught:
        async with sms.activation(
            "telegram", "us", providers=[case.name], timeout=0.5, poll_delay=10
        ) as number:
            await number.wait_code()

    assert caught.value.refunded is True
    assert caught.value.number_id == FIRST_ID
    if fake is not None:
        assert len(fake.calls("getStatus")) == 3
        assert fake.numbers[FIRST_ID].status == "cancelled"
        assert fake.balance == Decimal("10.00")


@scenario("provider-ended", setup=_behave(no_code=True, lifetime=0))
async def _provider_ended(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    number = await _buy(sms, case)
    with pytest.raises(NoSmsReceived) as caught:
        await sms.poll(number)
    await sms.cancel(number)  # already ended: succeeds quietly

    assert caught.value.number_id == FIRST_ID
    assert "ended the number" in caught.value.message


@scenario("buy-reply-lost", setup=_behave(sale_errors=1))
async def _buy_reply_lost(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    if case.dialect.active_activations:
        number = await _buy(sms, case)
        await sms.cancel(number)

        assert number.id == FIRST_ID
        assert number.price == Money("0.25", "USD")
        if fake is not None:
            assert len(fake.calls(purchase_action(case.dialect))) == 1
            assert fake.balance == Decimal("10.00")
        return

    with pytest.raises(ProviderUnavailable) as caught:
        await _buy(sms, case)

    assert "whether a number was bought is unknown" in caught.value.message
    if fake is not None:
        assert len(fake.calls(purchase_action(case.dialect))) == 1


def _nothing_sold(fake: ActivateServer) -> None:
    fake.script(PURCHASES, page(503, "Service Unavailable"))


@scenario(
    "buy-nothing-sold",
    setup=_nothing_sold,
    applies=lambda dialect: dialect.active_activations,
)
async def _buy_nothing_sold(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    with pytest.raises(ProviderUnavailable) as caught:
        await _buy(sms, case)

    assert "nothing was bought" in caught.value.message
    if fake is not None:
        assert fake.numbers == {}


def _wrong_key(fake: ActivateServer) -> None:
    fake.key = "another-key-0123456789"


@scenario("error-bad-key", setup=_wrong_key)
async def _error_bad_key(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    with pytest.raises(InvalidKey) as caught:
        await sms.balance(case.name)

    assert caught.value.message == InvalidKey.default_message
    assert caught.value.raw == "BAD_KEY"


def _poor(fake: ActivateServer) -> None:
    fake.balance = Decimal("0.10")


@scenario("error-no-balance", setup=_poor)
async def _error_no_balance(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    with pytest.raises(NoBalance) as caught:
        await _buy(sms, case)

    assert caught.value.message == NoBalance.default_message


@scenario("error-no-numbers", setup=_behave(out_of_stock=True))
async def _error_no_numbers(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    with pytest.raises(NoNumbers) as caught:
        await _buy(sms, case)

    assert caught.value.message == NoNumbers.default_message
    assert caught.value.min_price is None


@scenario("error-wrong-max-price")
async def _error_wrong_max_price(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    with pytest.raises(NoNumbers) as caught:
        await _buy(sms, case, max_price="0.10")

    assert caught.value.min_price == Decimal("0.25")
    assert "the provider's lowest price now is $0.25" in caught.value.message
    assert caught.value.raw == "WRONG_MAX_PRICE:0.250000"


@scenario("error-bad-service")
async def _error_bad_service(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    with pytest.raises(CountryNotSupported) as caught:
        await sms.buy("zz", "us", providers=[case.name])

    assert caught.value.message == CountryNotSupported.default_message
    assert caught.value.raw == "BAD_SERVICE"


@scenario("error-bad-country")
async def _error_bad_country(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    with pytest.raises(CountryNotSupported) as caught:
        await sms.buy("telegram", "999", providers=[case.name])

    assert caught.value.raw == "BAD_COUNTRY"


@scenario("error-banned", setup=_behave(banned_until=BAN_END))
async def _error_banned(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    with pytest.raises(Banned) as caught:
        await sms.balance(case.name)

    assert caught.value.until == BAN_END
    assert caught.value.message.startswith(Banned.default_message)


@scenario("error-channels-limit", setup=_behave(channels=0))
async def _error_channels_limit(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    with pytest.raises(Banned) as caught:
        await _buy(sms, case)

    assert caught.value.until is None
    assert "as many numbers open as the provider allows" in caught.value.message


def _sql_errors(count: int) -> Callable[[ActivateServer], None]:
    def setup(fake: ActivateServer) -> None:
        fake.script("getBalance", *["ERROR_SQL"] * count)

    return setup


@scenario("error-sql", setup=_sql_errors(3))
async def _error_sql(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    with pytest.raises(ProviderUnavailable) as caught:
        await sms.balance(case.name)

    assert "internal error" in caught.value.message
    if fake is not None:
        assert len(fake.calls("getBalance")) == 3


@scenario("error-sql-retried", setup=_sql_errors(1))
async def _error_sql_retried(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    balance = await sms.balance(case.name)

    assert balance.money == Money("10.00", "USD")


@scenario("error-5xx", setup=_behave(server_errors=3))
async def _error_5xx(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    with pytest.raises(ProviderUnavailable) as caught:
        await sms.balance(case.name)

    assert "HTTP 503" in caught.value.message


@scenario("error-429", setup=_behave(rate_limited=3, retry_after=7))
async def _error_429(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    with pytest.raises(ProviderUnavailable) as caught:
        await sms.balance(case.name)

    assert "HTTP 429" in caught.value.message
    assert caught.value.retry_after == 7.0


def _moved(fake: ActivateServer) -> None:
    fake.script("getBalance", page(200, "This domain is for sale"))


@scenario("error-html", setup=_moved)
async def _error_html(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    with pytest.raises(InvalidResponse) as caught:
        await sms.balance(case.name)

    assert "a web page (HTTP 200)" in caught.value.message
    assert caught.value.raw is not None
    assert "domain is for sale" in caught.value.raw


def _unknown_token(fake: ActivateServer) -> None:
    fake.script("getBalance", "SOMETHING_NEW:42")


@scenario("error-unknown-reply", setup=_unknown_token)
async def _error_unknown_reply(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    with pytest.raises(InvalidResponse) as caught:
        await sms.balance(case.name)

    assert caught.value.message == InvalidResponse.default_message
    assert caught.value.raw == "SOMETHING_NEW:42"


@scenario("error-json", setup=_behave(out_of_stock=True, error_style="json"))
async def _error_json(sms: Client, case: Case, fake: ActivateServer | None) -> None:
    with pytest.raises(NoNumbers) as caught:
        await _buy(sms, case)

    assert caught.value.message == NoNumbers.default_message


def _poor_http(fake: ActivateServer) -> None:
    _poor(fake)
    fake.behaviour.error_style = "http"


@scenario("error-http-status", setup=_poor_http)
async def _error_http_status(
    sms: Client, case: Case, fake: ActivateServer | None
) -> None:
    with pytest.raises(NoBalance) as caught:
        await _buy(sms, case)

    assert caught.value.raw == "NO_BALANCE"


def purchase_action(dialect: Dialect) -> str:
    return "getNumberV2" if dialect.number_v2 else "getNumber"


# -- recording and replaying ---------------------------------------------------


async def run_scenario(
    case: Case, scenario: Scenario, base_url: str, fake: ActivateServer | None
) -> None:
    async with Client(case.client_settings(base_url), plugins=case.plugins()) as sms:
        await scenario.run(sms, case, fake)


def record(case: Case, names: list[str] | None = None) -> list[Path]:
    """Write the case's cassettes by running each scenario against its fake."""
    note = NOTE.format(date=dt.date.today().isoformat())
    written = []
    for scenario in case.scenarios():
        if names and scenario.name not in names:
            continue
        path = case.cassette(scenario.name)
        path.unlink(missing_ok=True)
        with case.fake() as fake:
            scenario.setup(fake)
            recorder = cassette_vcr(record_mode="all", note=note)
            with recorder.use_cassette(str(path)):
                asyncio.run(run_scenario(case, scenario, fake.base_url, fake))
        written.append(path)
    return written


def _tripwire(request: Request) -> Reply:
    return Reply("not in the cassette", status=599)


async def replay(case: Case, scenario: Scenario) -> None:
    """Run ``scenario`` against its cassette; nothing may reach a network."""
    with LoopbackServer(_tripwire) as tripwire:
        recorder = cassette_vcr(record_mode="none")
        with recorder.use_cassette(str(case.cassette(scenario.name))):
            await run_scenario(case, scenario, tripwire.url + HANDLER_PATH, None)
    assert tripwire.requests == []


def record_main(case: Case) -> None:
    """``python -m tests.providers.NAME.record [scenario ...]``."""
    import sys

    for path in record(case, sys.argv[1:] or None):
        print(path.relative_to(ROOT))


# -- conformance, CLI and in-process replies -------------------------------------


async def conformance(case: Case) -> dict[str, str]:
    with case.fake() as fake:
        settings = case.client_settings(fake.base_url)
        async with Client(settings, plugins=case.plugins()) as sms:
            harness = Harness(sms, case.name, "telegram", "us", fake)
            # A dialect that lists open numbers asks for that list before a
            # purchase, so a single garbled reply lands there, not on the
            # purchase; garbled purchase replies are pinned in test_wire.py
            # and tests/reliability for these providers instead.
            lists = case.plugins().providers[case.name].plugin
            skip = ("only_sms_errors_escape",) if _lists_open_numbers(lists) else ()
            return await run_checks(harness, skip=skip)


def _lists_open_numbers(plugin: object) -> bool:
    api = getattr(plugin, "API", None)
    return bool(api is not None and api.dialect.active_activations)


def run_cli(case: Case, fake: ActivateServer, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=case.env(fake))


Handler = Callable[[httpx.Request], httpx.Response]


@attrs.define
class Replies:
    """Answers requests in-process, without any socket: for parser tests."""

    bodies: list[tuple[int, bytes]]
    seen: list[dict[str, str]] = attrs.field(factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(dict(request.url.params))
        status, body = self.bodies.pop(0) if len(self.bodies) > 1 else self.bodies[0]
        return httpx.Response(status, content=body)


def replies(*bodies: str | bytes | tuple[int, str | bytes]) -> Replies:
    answers = []
    for body in bodies:
        status, content = body if isinstance(body, tuple) else (200, body)
        answers.append(
            (status, content.encode() if isinstance(content, str) else content)
        )
    return Replies(answers)


async def call_with(
    case: Case, answers: Replies, method: str, *args: Any, **kwargs: Any
) -> Any:
    """Call one client method while the provider answers ``answers``."""
    transport = httpx.MockTransport(answers)
    async with httpx.AsyncClient(transport=transport) as http:
        settings = case.client_settings(NOWHERE, retries=2, cancel_patience=0.2)
        sms = Client(settings, plugins=case.plugins(), http_client=http)
        return await getattr(sms, method)(*args, **kwargs)


def cassette_files(case: Case) -> Iterator[Path]:
    return iter(sorted(case.cassette_dir.glob(f"{case.prefix}*.yaml")))


def check_cassette_files(case: Case) -> None:
    """Each scenario has its cassette, each cassette a scenario and a provenance."""
    expected = {case.cassette(s.name) for s in case.scenarios()}
    found = set(cassette_files(case))

    assert found == expected
    for path in sorted(found):
        text = path.read_text(encoding="utf-8")
        assert provenance_of(path) == NOTE.format(date=_recorded_on(text)), path
        assert KEY not in text, path
        assert "api_key=REDACTED" in text, path


def _recorded_on(text: str) -> str:
    return text.split("recorded on ", 1)[1].split(" ", 1)[0]


# -- the CLI ---------------------------------------------------------------------

GET = ("get", "--service", "telegram", "--country", "us")


def check_cli_completes(case: Case) -> None:
    with case.fake() as fake:
        fake.behaviour.code_delay = 0.2
        result = run_cli(case, fake, *GET, "--provider", case.name, "--timeout", "5")

    assert result.exit_code == 0, result.output
    assert f"+15550000001     ({case.name}, id {FIRST_ID}" in result.stdout
    assert f"code {FIRST_CODE}" in result.stdout
    assert fake.numbers[FIRST_ID].status == "finished"
    assert fake.balance == Decimal("9.75")


def check_cli_refunds_on_timeout(case: Case, *, refused: int = 0) -> None:
    with case.fake() as fake:
        fake.behaviour.no_code = True
        fake.behaviour.cancel_too_early = refused
        result = run_cli(case, fake, *GET, "--provider", case.name, "--timeout", "0.3")

    assert result.exit_code == 1
    assert (
        f"error (no_sms_received): {case.name}: no SMS arrived within 0.3 s; the "
        f"number was cancelled and the money refunded"
    ) in result.stderr
    assert fake.numbers[FIRST_ID].status == "cancelled"
    assert len(fake.calls("setStatus")) == refused + 1
    assert fake.balance == Decimal("10.00")


@attrs.frozen
class CliError:
    kind: str
    setup: Callable[[ActivateServer], None]
    #: The start of the message the user sees after ``provider: ``.
    message: str


def _no_country(fake: ActivateServer) -> None:
    fake.countries = fake.countries - {"187"}


def _unknown_purchase_reply(fake: ActivateServer) -> None:
    fake.script(PURCHASES, "SOMETHING_NEW")


CLI_ERRORS = (
    CliError("invalid_key", _wrong_key, InvalidKey.default_message),
    CliError("no_balance", _poor, NoBalance.default_message),
    CliError("no_numbers", _behave(out_of_stock=True), NoNumbers.default_message),
    CliError(
        "banned",
        _behave(banned_until=BAN_END),
        f"{Banned.default_message} (until 2031-06-01 12:00 UTC",
    ),
    CliError("country_not_supported", _no_country, CountryNotSupported.default_message),
    CliError(
        "provider_unavailable",
        _behave(rate_limited=100),
        "the provider answered HTTP 429; try again later",
    ),
    CliError(
        "invalid_response", _unknown_purchase_reply, InvalidResponse.default_message
    ),
)


def check_cli_error(case: Case, error: CliError) -> None:
    """``smsplug get`` fails with ``error``'s kind and wording, spending nothing."""
    with case.fake() as fake:
        error.setup(fake)
        before = fake.balance
        result = run_cli(case, fake, *GET, "--provider", case.name, "--timeout", "5")

    assert result.exit_code == 1, result.output
    assert f"error ({error.kind}): {case.name}: {error.message}" in result.stderr
    assert fake.numbers == {}
    assert fake.balance == before


#: Replies no parser should trip over: truncated, wrong types, oversized,
#: hostile. Each must give a result or an SmsError, nothing else.
HOSTILE = (
    "",
    "   ",
    "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>",
    "ACCESS_NUMBER:",
    "ACCESS_NUMBER:1:2:3:4",
    "ACCESS_NUMBER:1:79991234567\nACCESS_NUMBER:2:79991234568",
    "ACCESS_BALANCE:1e999999",
    "ACCESS_BALANCE:-Infinity",
    "STATUS_OK:\x1b[2J\x1b[31m482913",
    "STATUS_OK:" + "4" * 3000,
    '{"activationId": ',
    '{"activationId": {"$gt": 1}, "phoneNumber": "79991234567"}',
    '{"activationId": 1, "phoneNumber": 79991234567, "activationCost": [1]}',
    '{"status": "error", "message": ["NO_NUMBERS"]}',
    "[" * 5000 + "]" * 5000,
    "\x00\xff\xfe garbage",
    "x" * 1_100_000,
)
HOSTILE_CALLS = ("balance", "buy", "poll", "cancel")


async def check_reply_is_safe(case: Case, method: str, body: str) -> None:
    number = Number(case.name, FIRST_ID, FIRST_PHONE)
    args: tuple[Any, ...] = {
        "balance": (case.name,),
        "buy": ("telegram", "us"),
        "poll": (number,),
        "cancel": (number,),
    }[method]
    try:
        await call_with(case, replies(body), method, *args)
    except SmsError as error:
        named = error.provider
    else:
        named = case.name
    assert named == case.name


class CliChecks:
    """``smsplug get`` against the provider's loopback fake.

    A provider's ``test_cli.py`` subclasses this as ``TestCli`` and names
    its :class:`Case`.
    """

    case: ClassVar[Case]

    def test_get_prints_the_number_and_its_code(self) -> None:
        check_cli_completes(self.case)

    def test_get_cancels_and_refunds_on_timeout(self) -> None:
        check_cli_refunds_on_timeout(self.case)

    def test_get_retries_a_cancel_refused_as_too_early(self) -> None:
        check_cli_refunds_on_timeout(self.case, refused=2)

    @pytest.mark.parametrize("error", CLI_ERRORS, ids=lambda e: e.kind)
    def test_get_reports_each_error_kind_in_standard_words(
        self, error: CliError
    ) -> None:
        check_cli_error(self.case, error)
