"""The ledger: every paid number is journalled, and recover settles leftovers."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from smsplug import (
    Client,
    NoNumbers,
    NoSmsReceived,
    Number,
    ProviderUnavailable,
    hookimpl,
)
from smsplug.cli import cli
from smsplug.errors import ConfigError
from smsplug.ledger import Ledger, LedgerUnavailable
from smsplug.plugins import Plugins
from smsplug.testing import ReferenceServer
from tests.helpers import KEY, custom_settings


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def cli_env(reference: ReferenceServer, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for running the CLI against ``reference``."""
    return {
        "SMSPLUG_LOAD_PLUGINS": "custom",
        "SMSPLUG_CUSTOM_API_KEY": KEY,
        "SMSPLUG_CUSTOM_BASE_URL": reference.url,
        "SMSPLUG_DATA_DIR": str(data_dir),
        **extra,
    }


def orphan(ledger: Ledger, row: int) -> None:
    """Make ``row`` look written by a process that has died."""
    ledger._update(row, pid=dead_pid())


async def test_row_is_written_before_the_purchase_leaves(
    client: Client, reference: ReferenceServer
) -> None:
    seen: list[str] = []
    original = reference.server.app

    def app(request: Any) -> Any:
        if request.path == "/v1/numbers":
            seen.append(client.ledger.entries(limit=1)[0].state)
        return original(request)

    reference.server.app = app
    number = await client.buy("telegram", "us")
    await client.cancel(number)

    assert seen == ["buying"]


async def test_states_follow_each_ending(
    client: Client, reference: ReferenceServer
) -> None:
    reference.behaviour.code_delay = 0.05
    async with client.activation("telegram", "us") as used:
        await used.wait_code()
    reference.behaviour.no_code = True
    with pytest.raises(NoSmsReceived):
        async with client.activation("telegram", "us", timeout=0.05) as unused:
            await unused.wait_code()
    reference.behaviour.out_of_stock = True
    with pytest.raises(NoNumbers):
        await client.buy("telegram", "us")

    entries = client.ledger.entries()

    assert [(e.number_id, e.state) for e in entries] == [
        (None, "failed"),
        ("1002", "cancelled"),
        ("1001", "finished"),
    ]
    assert str(entries[2].price) == "$0.25"
    assert entries[2].phone == "+15550001001"
    assert entries[0].error == "no_numbers: " + NoNumbers.default_message


async def test_purchase_without_an_answer_is_unknown(
    reference: ReferenceServer, plugins: Plugins
) -> None:
    reference.behaviour.slow = 0.5
    settings = custom_settings(reference.url, http_timeout=0.1)

    async with Client(settings, plugins=plugins) as sms:
        with pytest.raises(ProviderUnavailable):
            await sms.buy("telegram", "us")
        entry = sms.ledger.entries()[0]

    assert entry.state == "unknown"
    assert reference.server.count("POST", "/v1/numbers") == 1


async def test_refused_connection_spends_nothing(plugins: Plugins) -> None:
    async with Client(custom_settings("http://127.0.0.1:9"), plugins=plugins) as sms:
        with pytest.raises(ProviderUnavailable):
            await sms.buy("telegram", "us")
        entry = sms.ledger.entries()[0]

    assert entry.state == "failed"


async def test_recover_cancels_a_number_left_open(
    client: Client, reference: ReferenceServer
) -> None:
    reference.behaviour.no_code = True
    number = await client.buy("telegram", "us")
    orphan(client.ledger, client.ledger.entries()[0].row)

    outcomes = await client.recover()

    assert [(o.entry.number_id, o.outcome) for o in outcomes] == [
        (number.id, "cancelled")
    ]
    assert reference.numbers[number.id].status == "cancelled"
    assert client.ledger.entries()[0].state == "cancelled"
    assert await client.recover() == []


async def test_recover_uses_a_code_that_arrived(
    client: Client, reference: ReferenceServer
) -> None:
    number = await client.buy("telegram", "us")
    reference.deliver(number.id, "246810")
    orphan(client.ledger, client.ledger.entries()[0].row)

    outcomes = await client.recover()

    assert outcomes[0].outcome == "finished"
    assert outcomes[0].code is not None
    assert outcomes[0].code.code == "246810"
    assert reference.numbers[number.id].status == "finished"


async def test_recover_leaves_live_processes_alone(
    client: Client, reference: ReferenceServer
) -> None:
    number = await client.buy("telegram", "us")

    assert await client.recover() == []

    await client.cancel(number)


async def test_recover_reports_a_purchase_it_cannot_look_up(client: Client) -> None:
    row = client.ledger.begin("custom", "telegram", "us")
    orphan(client.ledger, row)

    outcomes = await client.recover()

    assert outcomes[0].outcome == "unknown"
    assert "cannot list active numbers" in outcomes[0].detail
    assert client.ledger.entries()[0].state == "buying"


def listing_provider(active: list[Number], cancelled: list[str]) -> Any:
    """A provider plugin that lists ``active`` numbers and records cancels."""
    from types import ModuleType

    from smsplug import ProviderInfo

    plugin = ModuleType("smsplug_lister")

    @hookimpl
    def provider_info() -> ProviderInfo:
        return ProviderInfo(
            name="lister", title="t", currency="USD", base_url="https://x.invalid"
        )

    @hookimpl
    async def active_numbers(provider: Any) -> list[Number]:
        return active

    @hookimpl
    async def poll_code(provider: Any, number: Number) -> None:
        return None

    @hookimpl
    async def cancel(provider: Any, number: Number) -> None:
        cancelled.append(number.id)

    for hook in (provider_info, active_numbers, poll_code, cancel):
        setattr(plugin, hook.__name__, hook)
    return plugin


@pytest.mark.parametrize(
    ("active", "outcome", "cancelled"),
    [
        (
            [Number("lister", "77", "+1", service="telegram", country="us")],
            "cancelled",
            ["77"],
        ),
        ([], "nothing_bought", []),
        (
            [Number("lister", "77", "+1"), Number("lister", "78", "+1")],
            "unknown",
            [],
        ),
        (
            [Number("lister", "79", "+1", service="google", country="us")],
            "nothing_bought",
            [],
        ),
    ],
)
async def test_lost_purchase_is_reconciled_from_active_numbers(
    active: list[Number], outcome: str, cancelled: list[str]
) -> None:
    seen: list[str] = []
    plugins = Plugins()
    plugins.add(listing_provider(active, seen))
    async with Client(plugins=plugins) as sms:
        row = sms.ledger.begin("lister", "telegram", "us")
        orphan(sms.ledger, row)

        outcomes = await sms.recover()

    assert outcomes[0].outcome == outcome
    assert seen == cancelled


async def test_ledger_never_holds_codes_or_keys(
    client: Client, reference: ReferenceServer
) -> None:
    number = await client.buy("telegram", "us")
    client.ledger.remark(
        number, ProviderUnavailable(f"reply STATUS_OK:482913 for key {KEY}")
    )

    files = [client.ledger.path, Path(f"{client.ledger.path}-wal")]
    raw = b"".join(path.read_bytes() for path in files)

    assert b"482913" not in raw
    assert KEY.encode() not in raw
    await client.cancel(number)


def _write_rows(path: str, count: int) -> None:
    ledger = Ledger(path)
    for _ in range(count):
        ledger.begin("custom", "telegram", "us")
    ledger.close()


def test_several_processes_share_one_ledger(tmp_path: Path) -> None:
    path = str(tmp_path / "ledger.sqlite3")
    Ledger(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_rows, args=(path, 40)) for _ in range(3)]

    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert len(Ledger(path).entries(limit=1000)) == 120


def test_kill_9_then_recover_refunds(
    reference: ReferenceServer, tmp_path: Path
) -> None:
    reference.behaviour.no_code = True
    env = {**os.environ, **cli_env(reference, tmp_path, SMSPLUG_POLL_DELAY="0.1")}
    process = subprocess.Popen(
        [sys.executable, "-m", "smsplug.cli", "get", "--service", "telegram",
         "--country", "us", "--timeout", "60"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while "1001" not in reference.numbers and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert reference.numbers["1001"].status == "waiting"

    result = CliRunner().invoke(cli, ["recover", "--json"], env=env)

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {
            "provider": "custom",
            "id": "1001",
            "outcome": "cancelled",
            "detail": "cancelled, so the provider refunds it",
            "code": None,
        }
    ]
    assert reference.numbers["1001"].status == "cancelled"
    assert str(reference.balance) == "10.00"


def test_history_shows_what_was_bought(
    reference: ReferenceServer, tmp_path: Path
) -> None:
    env = cli_env(reference, tmp_path, SMSPLUG_POLL_DELAY="0.02")
    runner = CliRunner()
    runner.invoke(cli, ["get", "--service", "telegram", "--country", "us"], env=env)

    result = runner.invoke(cli, ["history", "--json"], env=env)

    rows = json.loads(result.output)
    assert [(r["provider"], r["id"], r["state"], r["price"]) for r in rows] == [
        ("custom", "1001", "finished", {"amount": "0.25", "currency": "USD"})
    ]


def test_cancel_by_id_finds_the_provider_in_the_ledger(
    reference: ReferenceServer, tmp_path: Path
) -> None:
    env = cli_env(reference, tmp_path)
    runner = CliRunner()
    runner.invoke(cli, ["number", "--service", "telegram", "--country", "us"], env=env)

    result = runner.invoke(cli, ["cancel", "1001"], env=env)
    history = json.loads(runner.invoke(cli, ["history", "--json"], env=env).output)

    assert result.exit_code == 0, result.output
    assert history[0]["state"] == "cancelled"


async def test_recover_leaves_numbers_bought_elsewhere_alone(
    reference: ReferenceServer, plugins: Plugins
) -> None:
    async with Client(custom_settings(reference.url), plugins=plugins) as first:
        number = await first.buy("telegram", "us")
        orphan(first.ledger, first.ledger.entries()[0].row)
    with ReferenceServer(key=KEY) as elsewhere:
        async with Client(custom_settings(elsewhere.url), plugins=plugins) as sms:
            outcomes = await sms.recover()

    assert outcomes[0].outcome == "skipped"
    assert f"bought at {reference.url}" in outcomes[0].detail
    assert elsewhere.requests == []
    assert reference.numbers[number.id].status == "waiting"


async def test_recover_closes_a_number_the_provider_forgot(client: Client) -> None:
    row = client.ledger.begin("custom", "telegram", "us")
    client.ledger.bought(row, Number("custom", "424242", "+15550000000"))
    orphan(client.ledger, row)

    outcomes = await client.recover()

    assert [(o.outcome, o.entry.number_id) for o in outcomes] == [("gone", "424242")]
    assert client.ledger.entries()[0].state == "gone"
    assert await client.recover() == []


async def test_unwritable_ledger_refuses_to_buy(
    reference: ReferenceServer, plugins: Plugins, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the ledger's folder should be")
    settings = custom_settings(reference.url, data_dir=str(blocker))

    async with Client(settings, plugins=plugins) as sms:
        with pytest.raises(ConfigError, match=r"the ledger at .* cannot be used"):
            await sms.buy("telegram", "us")

    assert reference.numbers == {}


async def test_ledger_failing_after_the_purchase_keeps_the_number(
    client: Client, reference: ReferenceServer, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any) -> None:
        raise LedgerUnavailable("the ledger at x could not be written (disk full)")

    client.ledger.bought = broken  # type: ignore[method-assign]

    number = await client.buy("telegram", "us")

    assert number.id == "1001"
    assert "not journalled: custom 1001" in caplog.text
    await client.cancel(number)


async def test_lost_purchase_reply_says_how_to_settle_it(
    reference: ReferenceServer, plugins: Plugins
) -> None:
    reference.behaviour.slow = 0.5
    settings = custom_settings(reference.url, http_timeout=0.1)

    async with Client(settings, plugins=plugins) as sms:
        with pytest.raises(ProviderUnavailable, match="run 'smsplug recover'"):
            await sms.buy("telegram", "us")


def test_recover_leaves_numbers_bought_by_hand_unless_asked(
    reference: ReferenceServer, tmp_path: Path
) -> None:
    env = cli_env(reference, tmp_path)
    runner = CliRunner()
    runner.invoke(cli, ["number", "--service", "telegram", "--country", "us"], env=env)

    left = runner.invoke(cli, ["recover", "--json"], env=env)
    settled = runner.invoke(cli, ["recover", "--all", "--json"], env=env)

    assert json.loads(left.output) == []
    assert reference.numbers["1001"].status == "cancelled"
    assert [r["outcome"] for r in json.loads(settled.output)] == ["cancelled"]
