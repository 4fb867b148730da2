"""``smsplug get --provider smsman`` against the SMS-Man fake on loopback."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from smsplug import errors
from smsplug.cli import cli
from smsplug_smsman.fake import SmsManFake
from tests.providers.smsman.scenarios import KEY

HINT = "SMS-Man keys need a balance of about $14 to use the API"
GET = ["get", "--provider", "smsman", "--service", "telegram", "--country", "ru"]


def smsplug(fake: SmsManFake, *args: str, key: str | None = KEY) -> Result:
    env = {
        "SMSPLUG_LOAD_PLUGINS": "smsman",
        "SMSPLUG_SMSMAN_BASE_URL": fake.url,
        "SMSPLUG_POLL_DELAY": "0.02",
        "SMSPLUG_TIMEOUT": "5",
        "SMSPLUG_RETRIES": "2",
        "SMSPLUG_RETRY_BACKOFF": "0",
        "SMSPLUG_RETRY_MAX_WAIT": "0",
    }
    if key is not None:
        env["SMSPLUG_SMSMAN_API_KEY"] = key
    return CliRunner().invoke(cli, list(args), env=env)


def test_providers_lists_smsman(fake: SmsManFake) -> None:
    result = smsplug(fake, "providers")

    assert result.exit_code == 0, result.output
    assert result.stdout.split()[:2] == ["smsman", "smsplug-smsman"]
    assert "configured" in result.stdout


def test_get_prints_the_number_then_the_code(fake: SmsManFake) -> None:
    fake.behaviour.no_code = False
    fake.behaviour.code_delay = 0.1

    result = smsplug(fake, *GET)

    assert result.exit_code == 0, result.output
    number = fake.numbers["48213377"]
    assert result.stdout.splitlines() == [
        "+79048213377     (smsman, id 48213377)",
        f"code {number.codes[0]}",
    ]
    assert number.status == "closed"
    assert fake.balance == Decimal("981.50")


def test_get_refunds_on_timeout(fake: SmsManFake) -> None:
    result = smsplug(fake, *GET, "--timeout", "0.2")

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "error (no_sms_received): smsman: no SMS arrived within 0.2 s; "
        "the number was cancelled and the money refunded"
    )
    assert fake.numbers["48213377"].status == "rejected"
    assert fake.balance == Decimal("1000.00")


def _out_of_stock(fake: SmsManFake) -> None:
    fake.behaviour.out_of_stock = True


def _broke(fake: SmsManFake) -> None:
    fake.balance = Decimal("3.00")


ERRORS: list[tuple[str, Callable[[SmsManFake], None], type[errors.SmsError], str]] = [
    (
        "invalid_key",
        lambda fake: fake.fail_next("invalid_key"),
        errors.InvalidKey,
        f" ({HINT})",
    ),
    ("no_balance", _broke, errors.NoBalance, f" ({HINT})"),
    ("no_numbers", _out_of_stock, errors.NoNumbers, ""),
    (
        "country_not_supported",
        lambda fake: fake.fail_next("country_not_supported"),
        errors.CountryNotSupported,
        "",
    ),
    (
        "provider_unavailable",
        lambda fake: fake.fail_next("unavailable"),
        errors.ProviderUnavailable,
        " (HTTP 502)",
    ),
    (
        "invalid_response",
        lambda fake: fake.fail_next("garbage"),
        errors.InvalidResponse,
        " (HTTP 200, text/html, not JSON)",
    ),
]


@pytest.mark.parametrize(
    ("kind", "arrange", "error", "detail"), ERRORS, ids=[e[0] for e in ERRORS]
)
def test_get_reports_each_error_with_the_standard_wording(
    fake: SmsManFake,
    kind: str,
    arrange: Callable[[SmsManFake], None],
    error: type[errors.SmsError],
    detail: str,
) -> None:
    arrange(fake)

    result = smsplug(fake, *GET)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"error ({kind}): smsman: {error.default_message}{detail}"
    )
    assert fake.numbers == {}


def test_get_reports_a_rejected_key_from_the_server_itself(fake: SmsManFake) -> None:
    result = smsplug(fake, *GET, key="not-the-key")

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"error (invalid_key): smsman: {errors.InvalidKey.default_message} ({HINT})"
    )


def test_get_without_a_key_names_the_variable(fake: SmsManFake) -> None:
    result = smsplug(fake, *GET, key=None)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(
        "error (no_api_key): smsman: no API key is set; set SMSPLUG_SMSMAN_API_KEY"
    )
    assert fake.requests == []


def test_get_with_an_unknown_country_asks_for_an_iso_code(fake: SmsManFake) -> None:
    result = smsplug(
        fake,
        "get",
        "--provider",
        "smsman",
        "--service",
        "telegram",
        "--country",
        "atlantis",
    )

    assert result.exit_code == 1
    assert (
        "error (country_not_supported): smsman: smsplug does not know the country"
        in (result.stderr)
    )
    assert fake.requests == []


def test_max_price_without_a_rouble_rate_is_a_config_error(fake: SmsManFake) -> None:
    result = smsplug(fake, *GET, "--max-price", "0.50")

    assert result.exit_code == 2
    assert "smsman prices in RUB and no rate is configured" in result.stderr
    assert fake.count("get-number") == 0


def test_max_price_with_a_rouble_rate_is_sent_in_roubles(
    fake: SmsManFake, tmp_path: Path
) -> None:
    fake.behaviour.no_code = False
    config = tmp_path / "smsplug.toml"
    config.write_text('[rates]\nRUB = "0.011"\n', encoding="utf-8")

    result = smsplug(fake, "--config", str(config), *GET, "--max-price", "0.50")

    assert result.exit_code == 0, result.output
    assert fake.count("get-number", maxPrice="45", currency="RUB") == 1


def test_balance_and_prices_in_roubles(fake: SmsManFake) -> None:
    balance = smsplug(fake, "balance", "--provider", "smsman")
    prices = smsplug(
        fake,
        "prices",
        "--provider",
        "smsman",
        "--service",
        "whatsapp",
        "--country",
        "id",
    )

    assert balance.stdout.split() == ["smsman", "1000.00", "RUB"]
    line = prices.stdout.strip()
    assert line.startswith("smsman ")
    assert "18.50 RUB" in line
    assert "1532" in line
