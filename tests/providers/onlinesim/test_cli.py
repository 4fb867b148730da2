"""``smsplug`` against the OnlineSim fake on loopback, found as an installed plugin.

The CLI discovers the plugin through its entry point (``SMSPLUG_LOAD_PLUGINS``
lets only it load) and reaches the fake through ``SMSPLUG_ONLINESIM_BASE_URL``.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner, Result

from smsplug import errors
from smsplug.cli import cli
from smsplug_onlinesim.fake import OnlineSimFake
from tests.providers.onlinesim.scenarios import KEY

GET = ("get", "--provider", "onlinesim", "--service", "telegram", "--country", "ru")


@pytest.fixture
def env(fake: OnlineSimFake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSPLUG_LOAD_PLUGINS", "onlinesim")
    monkeypatch.setenv("SMSPLUG_ONLINESIM_API_KEY", KEY)
    monkeypatch.setenv("SMSPLUG_ONLINESIM_BASE_URL", fake.url)
    monkeypatch.setenv("SMSPLUG_ONLINESIM_CLOSE_RETRY", "0.05")
    monkeypatch.setenv("SMSPLUG_POLL_DELAY", "0.02")
    monkeypatch.setenv("SMSPLUG_RETRY_BACKOFF", "0")
    monkeypatch.setenv("SMSPLUG_RETRY_MAX_WAIT", "0")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def failure(kind: str, message: str) -> str:
    return f"error ({kind}): onlinesim: {message}\n"


@pytest.mark.usefixtures("env")
def test_providers_lists_onlinesim_as_configured() -> None:
    result = run("providers")

    assert result.exit_code == 0, result.output
    assert result.output.split()[:4] == [
        "onlinesim",
        "smsplug-onlinesim",
        "0.1.0",
        "configured",
    ]


@pytest.mark.usefixtures("env")
def test_get_prints_number_then_code_and_closes_it(fake: OnlineSimFake) -> None:
    result = run(*GET)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "+79087654321     (onlinesim, id 87654321, 12 RUB)"
    assert lines[-1] == "code 567999"
    order = fake.orders["87654321"]
    assert (order.closed, order.refunded) == (True, False)
    assert fake.balance == Decimal("218.25")


@pytest.mark.usefixtures("env")
def test_get_times_out_cancels_and_refunds(fake: OnlineSimFake) -> None:
    fake.behaviour.no_code = True

    result = run(*GET, "--timeout", "0.3")

    assert result.exit_code == 1
    assert result.stderr.endswith(
        failure(
            "no_sms_received",
            "no SMS arrived within 0.3 s; the number was cancelled and the money "
            "refunded",
        )
    )
    order = fake.orders["87654321"]
    assert (order.closed, order.refunded) == (True, True)
    assert fake.balance == Decimal("230.25")


@pytest.mark.usefixtures("env")
def test_cancel_refused_at_first_is_retried_until_refunded(fake: OnlineSimFake) -> None:
    fake.behaviour.no_code = True
    fake.behaviour.close_guard = 0.4

    result = run(*GET, "--timeout", "0.1")

    assert result.exit_code == 1
    assert "error (no_sms_received)" in result.stderr
    assert len(fake.calls("setOperationOk")) >= 2
    assert fake.orders["87654321"].refunded
    assert fake.balance == Decimal("230.25")


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize(
    ("kind", "script"),
    [
        ("invalid_key", {"key": "another-key-entirely"}),
        ("no_balance", {"balance": Decimal("5")}),
        ("no_numbers", {"out_of_stock": True}),
        ("banned", {"blocked": True}),
        ("provider_unavailable", {"busy": 10}),
    ],
)
def test_get_reports_each_error_kind_in_standard_wording(
    fake: OnlineSimFake, kind: str, script: dict[str, object]
) -> None:
    for name, value in script.items():
        target = fake if name in ("key", "balance") else fake.behaviour
        setattr(target, name, value)

    result = run(*GET)

    expected = next(
        cls for cls in vars(errors).values() if getattr(cls, "kind", None) == kind
    )
    assert result.exit_code == 1
    assert result.stderr == failure(kind, expected.default_message)
    assert fake.orders == {}


@pytest.mark.usefixtures("env")
def test_unknown_country_code_is_country_not_supported(fake: OnlineSimFake) -> None:
    result = run(*GET[:-1], "999")

    assert result.exit_code == 1
    assert result.stderr == failure(
        "country_not_supported", errors.CountryNotSupported.default_message
    )


@pytest.mark.usefixtures("env")
def test_garbled_reply_is_invalid_response(fake: OnlineSimFake) -> None:
    fake.fail_next("garbage")

    result = run(*GET)

    assert result.exit_code == 1
    assert result.stderr == failure(
        "invalid_response", errors.InvalidResponse.default_message
    )


@pytest.mark.usefixtures("env")
def test_missing_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMSPLUG_ONLINESIM_API_KEY")

    result = run(*GET)

    assert result.exit_code == 1
    assert result.stderr == failure(
        "no_api_key",
        "no API key is set; set SMSPLUG_ONLINESIM_API_KEY or api_key in "
        "[provider.onlinesim] of smsplug.toml",
    )


@pytest.mark.usefixtures("env")
def test_provider_that_hangs_up_is_provider_unavailable(fake: OnlineSimFake) -> None:
    fake.hangups = 10

    result = run("balance", "--provider", "onlinesim")

    assert result.exit_code == 1
    assert result.output == (
        "onlinesim    error (provider_unavailable): could not reach the provider "
        "(RemoteProtocolError)\n"
    )
    assert len(fake.requests) == 3  # the core's three attempts


@pytest.mark.usefixtures("env")
def test_balance_and_prices_show_roubles() -> None:
    balance = run("balance", "--provider", "onlinesim")
    prices = run(
        "prices", "--provider", "onlinesim", "--service", "telegram", "--country", "ru"
    )

    assert balance.output == "onlinesim    230.25 RUB\n"
    assert prices.output == (
        "onlinesim            ? USD  12 RUB               154 in stock"
        "  (no rate for its currency)\n"
    )


@pytest.mark.usefixtures("env")
def test_max_price_in_usd_needs_a_rouble_rate(fake: OnlineSimFake) -> None:
    result = run(*GET, "--max-price", "0.50")

    assert result.exit_code == 2
    assert "prices in RUB and no rate is configured" in result.stderr
    assert fake.requests == []
