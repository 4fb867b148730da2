"""The smsplug command: output, --json and exit status."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from smsplug.cli import cli
from smsplug.errors import NoBalance
from smsplug.testing import ReferenceServer
from tests.helpers import KEY


@pytest.fixture
def env(reference: ReferenceServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSPLUG_LOAD_PLUGINS", "custom")
    monkeypatch.setenv("SMSPLUG_CUSTOM_API_KEY", KEY)
    monkeypatch.setenv("SMSPLUG_CUSTOM_BASE_URL", reference.url)
    monkeypatch.setenv("SMSPLUG_POLL_DELAY", "0.02")
    monkeypatch.setenv("SMSPLUG_RETRY_BACKOFF", "0")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


GET = ("get", "--service", "telegram", "--country", "us")


@pytest.mark.usefixtures("env")
def test_get_prints_number_and_code(reference: ReferenceServer) -> None:
    result = run(*GET)

    assert result.exit_code == 0, result.output
    code = reference.numbers["1001"].code
    assert result.output.splitlines()[0] == "+15550001001     (custom, id 1001, $0.25)"
    assert result.output.splitlines()[-1] == f"code {code}"
    assert reference.numbers["1001"].status == "finished"


@pytest.mark.usefixtures("env")
def test_get_json_is_one_object(reference: ReferenceServer) -> None:
    result = run(*GET, "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "provider": "custom",
        "id": "1001",
        "phone": "+15550001001",
        "price": {"amount": "0.25", "currency": "USD"},
        "code": reference.numbers["1001"].code,
    }


@pytest.mark.usefixtures("env")
def test_get_timeout_refunds_and_exits_1(reference: ReferenceServer) -> None:
    reference.behaviour.no_code = True

    result = run(*GET, "--timeout", "0.1", "--json")

    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["id"] == "1001"
    assert data["error"]["kind"] == "no_sms_received"
    assert "cancelled and the money refunded" in data["error"]["message"]
    assert reference.numbers["1001"].status == "cancelled"


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize(
    "kind",
    ["invalid_key", "no_balance", "no_numbers", "banned", "country_not_supported"],
)
def test_get_errors_exit_1_with_their_kind(
    reference: ReferenceServer, kind: str
) -> None:
    reference.fail_next(kind)

    result = run(*GET, "--json")

    assert result.exit_code == 1
    error = json.loads(result.output)["error"]
    assert (error["kind"], error["provider"]) == (kind, "custom")


@pytest.mark.usefixtures("env")
def test_error_message_for_people(reference: ReferenceServer) -> None:
    reference.fail_next("no_balance")

    result = run(*GET)

    assert result.exit_code == 1
    assert "error (no_balance): custom: the balance is too low" in result.output


@pytest.mark.usefixtures("env")
def test_max_price_below_offer_is_no_numbers(reference: ReferenceServer) -> None:
    result = run(*GET, "--max-price", "0.10", "--json")

    assert result.exit_code == 1
    assert json.loads(result.output)["error"]["kind"] == "no_numbers"
    assert reference.numbers == {}


@pytest.mark.usefixtures("env")
def test_invalid_setting_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSPLUG_TIMEOUT", "soon")

    result = run(*GET)

    assert result.exit_code == 2
    assert "SMSPLUG_TIMEOUT" in result.output


@pytest.mark.usefixtures("env")
def test_unknown_provider_exits_2() -> None:
    result = run(*GET, "--provider", "nosuch", "--json")

    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["kind"] == "config"
    assert "not installed" in json.loads(result.output)["error"]["message"]


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("bad", ["0", "-3", "free"])
def test_bad_max_price_is_a_usage_error(bad: str) -> None:
    result = run(*GET, "--max-price", bad)

    assert result.exit_code == 2


def test_no_key_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSPLUG_LOAD_PLUGINS", "custom")

    result = run(*GET, "--json")

    assert result.exit_code == 1
    assert json.loads(result.output)["error"]["kind"] == "no_api_key"


@pytest.mark.usefixtures("env")
def test_balance_and_prices() -> None:
    balance = run("balance", "--json")
    prices = run("prices", "--service", "telegram", "--country", "us")

    assert balance.exit_code == 0
    assert json.loads(balance.output) == {
        "custom": {"amount": "10.00", "currency": "USD"}
    }
    assert prices.exit_code == 0
    assert (
        prices.output.strip()
        == "custom          0.2500 USD  0.25 USD              42 in stock"
    )


@pytest.mark.usefixtures("env")
def test_balance_error_exits_1(reference: ReferenceServer) -> None:
    reference.fail_next("invalid_key")

    result = run("balance")

    assert result.exit_code == 1
    assert "custom       error (invalid_key)" in result.output


@pytest.mark.usefixtures("env")
def test_number_code_finish_by_hand(reference: ReferenceServer) -> None:
    bought = json.loads(
        run("number", "--service", "telegram", "--country", "us", "--json").output
    )
    reference.deliver(bought["id"], "123456")

    code = run("code", bought["id"], "--json")
    finished = run("finish", bought["id"])

    assert json.loads(code.output)["code"] == "123456"
    assert finished.exit_code == 0
    assert reference.numbers[bought["id"]].status == "finished"


@pytest.mark.usefixtures("env")
def test_cancel_by_hand_refunds(reference: ReferenceServer) -> None:
    bought = json.loads(
        run("number", "--service", "telegram", "--country", "us", "--json").output
    )

    result = run("cancel", bought["id"], "--provider", "custom")

    assert result.output.strip() == f"cancelled {bought['id']}"
    assert reference.numbers[bought["id"]].status == "cancelled"
    assert str(reference.balance) == "10.00"


@pytest.mark.usefixtures("env")
def test_providers_lists_custom_as_configured() -> None:
    result = run("providers", "--json")

    rows = json.loads(result.output)["providers"]
    assert [(r["name"], r["distribution"], r["configured"]) for r in rows] == [
        ("custom", "smsplug-custom", True)
    ]


def test_demo_runs_offline_and_checks_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSPLUG_LOAD_PLUGINS", "custom")

    result = run("demo", "--code-delay", "0.2", "--timeout", "0.5", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "ok": True,
        "code_received": True,
        "timeout_refunded": True,
        "balance_before": "10.00",
        "balance_after": "9.75",
    }


def test_serve_reference_refuses_other_hosts() -> None:
    result = run("serve-reference", "--host", "0.0.0.0")

    assert result.exit_code == 2
    assert "loopback only" in result.output


def test_errors_json_shape_is_stable() -> None:
    assert NoBalance(provider="x").to_dict() == {
        "kind": "no_balance",
        "message": NoBalance.default_message,
        "provider": "x",
    }


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)]
)
def test_signal_while_waiting_cancels_the_number(
    reference: ReferenceServer, signum: int, status: int
) -> None:
    reference.behaviour.no_code = True
    env = {
        **os.environ,
        "SMSPLUG_LOAD_PLUGINS": "custom",
        "SMSPLUG_CUSTOM_API_KEY": KEY,
        "SMSPLUG_CUSTOM_BASE_URL": reference.url,
        "SMSPLUG_POLL_DELAY": "0.1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "smsplug.cli", *GET, "--timeout", "60"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while "1001" not in reference.numbers and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)

    process.send_signal(signum)
    _, stderr = process.communicate(timeout=20)

    assert process.returncode == status, stderr
    assert reference.numbers["1001"].status == "cancelled"
    assert str(reference.balance) == "10.00"


@pytest.mark.usefixtures("env")
def test_prices_without_a_rate_are_flagged(reference: ReferenceServer) -> None:
    reference.behaviour.currency = "RUB"
    reference.behaviour.price = Decimal("20")

    result = run("prices", "--service", "telegram", "--country", "us", "--json")

    row = json.loads(result.output)["prices"][0]
    assert (row["usd"], row["native"]) == (None, "20 RUB")


@pytest.mark.usefixtures("env")
def test_prices_are_converted_with_the_rate(
    reference: ReferenceServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reference.behaviour.currency = "RUB"
    reference.behaviour.price = Decimal("20")
    config = tmp_path / "smsplug.toml"
    config.write_text('[rates]\nRUB = "0.011"\n')

    result = run(
        "--config", str(config), "prices", "--service", "telegram", "--country", "us"
    )

    assert result.output.strip().startswith("custom          0.2200 USD  20 RUB")


def test_services_lists_the_catalog() -> None:
    result = run("services", "--json")

    assert json.loads(result.output)["telegram"] == "Telegram"


def test_countries_can_be_searched() -> None:
    result = run("countries", "--search", "kingdom")

    assert result.output.strip() == "gb  +44   United Kingdom"


@pytest.mark.usefixtures("env")
def test_strategy_can_be_chosen_per_call(reference: ReferenceServer) -> None:
    result = run(*GET, "--strategy", "cheapest", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["provider"] == "custom"


@pytest.mark.usefixtures("env")
def test_again_needs_a_provider_that_resends() -> None:
    result = run("again", "1001", "--provider", "custom", "--json")

    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["message"] == (
        "custom has no request another code call"
    )


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("args", [("code", ""), ("cancel", "  "), ("finish", "")])
def test_empty_number_id_is_a_usage_error(args: tuple[str, str]) -> None:
    result = run(*args, "--json")

    assert result.exit_code == 2
    assert "a number id is needed" in json.loads(result.output)["error"]["message"]


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("price", ["1e999", "1e30", "10000"])
def test_absurd_max_price_is_refused(price: str, reference: ReferenceServer) -> None:
    result = run(*GET, "--max-price", price, "--json")

    assert result.exit_code == 2
    assert "below 10000" in json.loads(result.output)["error"]["message"]
    assert reference.numbers == {}


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SMSPLUG_CUSTOM_API_KEY", "key with spaces ", "copy the key again"),
        ("SMSPLUG_CUSTOM_API_KEY", "clé-ключ", "non-ASCII"),
        (
            "SMSPLUG_CUSTOM_BASE_URL",
            " http://127.0.0.1:8600",
            "must not contain spaces",
        ),
        ("SMSPLUG_CUSTOM_BASE_URL", "http://127.0.0.1:99999", "invalid port"),
    ],
)
def test_bad_key_or_url_is_a_config_error_everywhere(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)

    balance = run("balance", "--json")
    get = run(*GET, "--json")
    providers = run("providers", "--json")

    assert (balance.exit_code, get.exit_code) == (2, 2)
    assert message in json.loads(balance.output)["error"]["message"]
    row = json.loads(providers.output)["providers"][0]
    assert row["configured"] is False
    assert message in row["problem"]


@pytest.mark.usefixtures("env")
def test_prices_accept_upper_case_countries() -> None:
    result = run("prices", "--service", "telegram", "--country", "US", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["prices"][0]["country"] == "us"


def test_reference_server_on_a_busy_port_says_so() -> None:
    with ReferenceServer(key=KEY) as busy:
        port = busy.url.rsplit(":", 1)[1]
        result = run("serve-reference", "--port", port)

    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
