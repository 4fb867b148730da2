"""``smsplug get --provider 5sim`` against the loopback fake, as a user runs it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from smsplug import errors
from smsplug.cli import cli
from smsplug.testing.server import Reply
from smsplug_fivesim.__main__ import main as fivesim_main
from smsplug_fivesim.fake import FiveSimFake
from tests.providers.fivesim.scenarios import KEY

GET = ["get", "--provider", "5sim", "--service", "telegram", "--country", "gb"]


def run(fake: FiveSimFake, args: list[str], **env: str) -> Result:
    base = {
        "SMSPLUG_LOAD_PLUGINS": "5sim",
        "SMSPLUG_5SIM_API_KEY": KEY,
        "SMSPLUG_5SIM_BASE_URL": fake.url,
        "SMSPLUG_POLL_DELAY": "0.02",
        "SMSPLUG_TIMEOUT": "3",
        "SMSPLUG_RETRY_BACKOFF": "0",
        "SMSPLUG_RETRY_MAX_WAIT": "0",
    }
    return CliRunner().invoke(cli, args, env={**base, **env})


def test_providers_lists_5sim(fake: FiveSimFake) -> None:
    result = run(fake, ["providers", "--json"])

    rows = json.loads(result.output)["providers"]
    assert result.exit_code == 0
    assert [(r["name"], r["distribution"], r["currency"]) for r in rows] == [
        ("5sim", "smsplug-5sim", "RUB")
    ]


def test_get_prints_the_number_and_the_code(fake: FiveSimFake) -> None:
    result = run(fake, GET)

    order = fake.orders["512345678"]
    assert result.exit_code == 0, result.output
    assert "+447700945678     (5sim, id 512345678, 21.5 RUB)" in result.output
    assert f"code {order.code}" in result.output
    assert order.status == "FINISHED"


def test_get_refunds_on_timeout(fake: FiveSimFake) -> None:
    fake.behaviour.no_code = True

    result = run(fake, [*GET, "--timeout", "0.2"])

    assert result.exit_code == 1
    assert (
        "error (no_sms_received): 5sim: no SMS arrived within 0.2 s; the number "
        "was cancelled and the money refunded"
    ) in result.output
    assert fake.orders["512345678"].status == "CANCELED"
    assert fake.balance == Decimal("87.5")


@pytest.mark.parametrize(
    "kind",
    ["invalid_key", "no_balance", "no_numbers", "banned", "country_not_supported"],
)
def test_get_reports_each_purchase_error_in_the_standard_wording(
    fake: FiveSimFake, kind: str
) -> None:
    fake.fail_next(kind)

    result = run(fake, GET)

    error = next(e for e in vars(errors).values() if getattr(e, "kind", None) == kind)
    assert result.exit_code == 1
    assert f"error ({kind}): 5sim: {error.default_message}" in result.output
    assert fake.orders == {}


def test_get_reports_a_garbled_reply(fake: FiveSimFake) -> None:
    fake.fail_next("garbage")

    result = run(fake, GET)

    assert result.exit_code == 1
    assert (
        f"error (invalid_response): 5sim: {errors.InvalidResponse.default_message}"
        in result.output
    )


def test_get_reports_an_overloaded_provider(fake: FiveSimFake) -> None:
    fake.answer_next(Reply(b"", status=503, content_type="text/plain"))

    result = run(fake, GET)

    assert result.exit_code == 1
    assert (
        f"error (provider_unavailable): 5sim: "
        f"{errors.ProviderUnavailable.default_message}" in result.output
    )


def test_get_reports_rate_limiting(fake: FiveSimFake) -> None:
    fake.behaviour.rate_limited = 3

    result = run(fake, GET)

    assert result.exit_code == 1
    assert (
        "error (provider_unavailable): 5sim: the provider answered HTTP 429; "
        "try again later" in result.output
    )
    assert fake.orders == {}


def test_get_without_a_key_names_the_variable(fake: FiveSimFake) -> None:
    result = run(fake, GET, SMSPLUG_5SIM_API_KEY="")

    assert result.exit_code == 1
    assert "error (no_api_key): 5sim: no API key is set; set SMSPLUG_5SIM_API_KEY" in (
        result.output
    )


def test_get_with_max_price_and_no_rouble_rate_is_a_config_error(
    fake: FiveSimFake,
) -> None:
    result = run(fake, [*GET, "--max-price", "0.50"])

    assert result.exit_code == 2
    assert "5sim prices in RUB and no rate is configured" in result.output
    assert fake.requests == []


def test_get_with_max_price_and_a_rate_sends_roubles(
    fake: FiveSimFake, tmp_path: Path
) -> None:
    config = tmp_path / "smsplug.toml"
    config.write_text('[rates]\nRUB = "0.011"\n', encoding="utf-8")

    result = run(fake, [*GET, "--max-price", "0.50"], SMSPLUG_CONFIG=str(config))

    assert result.exit_code == 0, result.output
    assert fake.requests[0].query == {"maxPrice": "45.4545"}


def test_ban_command_reports_the_number(fake: FiveSimFake) -> None:
    run(
        fake,
        ["number", "--provider", "5sim", "--service", "telegram", "--country", "gb"],
    )

    result = CliRunner().invoke(
        fivesim_main,
        ["ban", "512345678"],
        env={"SMSPLUG_5SIM_API_KEY": KEY, "SMSPLUG_5SIM_BASE_URL": fake.url},
    )

    assert result.exit_code == 0, result.output
    assert result.output == "banned 512345678\n"
    assert fake.orders["512345678"].status == "BANNED"


def test_ban_command_reports_an_unknown_number(fake: FiveSimFake) -> None:
    result = CliRunner().invoke(
        fivesim_main,
        ["ban", "404404", "--json"],
        env={"SMSPLUG_5SIM_API_KEY": KEY, "SMSPLUG_5SIM_BASE_URL": fake.url},
    )

    assert result.exit_code == 1
    assert json.loads(result.output)["error"]["kind"] == "not_found"


def test_report_bans_the_number_through_the_core_cli(
    fake: FiveSimFake, tmp_path: Path
) -> None:
    data = {"SMSPLUG_DATA_DIR": str(tmp_path)}
    buy = ["number", "--service", "telegram", "--country", "gb", "--json"]
    bought = json.loads(run(fake, buy, **data).output)

    result = run(fake, ["report", bought["id"], "--json"], **data)

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"id": bought["id"], "status": "reported"}
    assert fake.orders[bought["id"]].status == "BANNED"
