"""``smsplug get --provider smspool`` against the loopback fake.

The CLI finds the plugin through its entry point, as an installed one.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner, Result

from smsplug import errors
from smsplug.cli import cli
from smsplug_smspool.fake import REFUNDED, SmspoolFake
from tests.providers.smspool.record import KEY

GET = ["get", "--provider", "smspool", "--service", "telegram", "--country", "gb"]


def smsplug(fake: SmspoolFake, *args: str, key: str | None = KEY) -> Result:
    env = {
        "SMSPLUG_LOAD_PLUGINS": "smspool",
        "SMSPLUG_SMSPOOL_BASE_URL": fake.url,
        "SMSPLUG_SMSPOOL_API_KEY": key or "",
        "SMSPLUG_POLL_DELAY": "0.05",
        "SMSPLUG_RETRIES": "2",
        "SMSPLUG_RETRY_BACKOFF": "0",
        "SMSPLUG_RETRY_MAX_WAIT": "0",
    }
    return CliRunner().invoke(cli, list(args), env=env)


def test_providers_lists_smspool(fake: SmspoolFake) -> None:
    result = smsplug(fake, "providers")

    assert result.exit_code == 0
    assert result.stdout.startswith("smspool ")
    assert "smsplug-smspool" in result.stdout
    assert "configured" in result.stdout


def test_get_prints_the_number_then_the_code(fake: SmspoolFake) -> None:
    fake.behaviour.code_delay = 0.2

    result = smsplug(fake, *GET)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("+447700900001 ")
    assert "(smspool, id SP001001, $0.25)" in lines[0]
    assert lines[-1] == "code 926919"
    assert fake.orders["SP001001"].status == 3
    assert fake.balance == Decimal("9.75")


def test_get_with_max_price_sends_it(fake: SmspoolFake) -> None:
    fake.behaviour.code_delay = 0

    result = smsplug(fake, *GET, "--max-price", "0.40")

    assert result.exit_code == 0, result.output
    purchase = next(r for r in fake.requests if r.path == "/purchase/sms")
    assert purchase.form()["max_price"] == "0.40"


def test_get_times_out_cancels_and_refunds(fake: SmspoolFake) -> None:
    fake.behaviour.no_code = True

    result = smsplug(fake, *GET, "--timeout", "0.3")

    assert result.exit_code == 1
    assert result.stderr.strip().endswith(
        "error (no_sms_received): smspool: no SMS arrived within 0.3 s; the number "
        "was cancelled and the money refunded"
    )
    assert fake.orders["SP001001"].status == REFUNDED
    assert fake.balance == Decimal("10.00")
    assert fake.count("POST", "/sms/cancel") == 1


@pytest.mark.parametrize(
    "kind",
    [
        errors.InvalidKey,
        errors.NoBalance,
        errors.NoNumbers,
        errors.CountryNotSupported,
    ],
)
def test_get_reports_refusals_in_the_standard_wording(
    fake: SmspoolFake, kind: type[errors.SmsError]
) -> None:
    fake.fail_next(kind.kind)

    result = smsplug(fake, *GET)

    assert result.exit_code == 1
    assert result.stderr == f"error ({kind.kind}): smspool: {kind.default_message}\n"
    assert fake.orders == {}


def test_get_reports_a_page_that_is_not_json(fake: SmspoolFake) -> None:
    fake.fail_next("garbage")

    result = smsplug(fake, *GET)

    assert result.exit_code == 1
    message = errors.InvalidResponse.default_message
    assert result.stderr == f"error (invalid_response): smspool: {message}\n"


def test_get_reports_a_rate_limit_after_retrying(fake: SmspoolFake) -> None:
    fake.behaviour.rate_limited = 5

    result = smsplug(fake, *GET)

    assert result.exit_code == 1
    assert result.stderr == (
        "error (provider_unavailable): smspool: the provider answered HTTP 429; "
        "try again later\n"
    )
    assert fake.count("POST", "/purchase/sms") == 2


def test_get_without_a_key_names_the_variable(fake: SmspoolFake) -> None:
    result = smsplug(fake, *GET, key=None)

    assert result.exit_code == 1
    assert result.stderr.startswith("error (no_api_key): smspool: no API key is set")
    assert "SMSPLUG_SMSPOOL_API_KEY" in result.stderr
    assert fake.requests == []


def test_get_with_an_unknown_country_sends_nothing(fake: SmspoolFake) -> None:
    result = smsplug(
        fake,
        "get",
        "--provider",
        "smspool",
        "--service",
        "telegram",
        "--country",
        "narnia",
    )

    assert result.exit_code == 1
    assert result.stderr.startswith("error (country_not_supported): smspool: unknown")
    assert fake.requests == []
