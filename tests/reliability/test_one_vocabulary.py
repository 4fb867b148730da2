"""One command, every provider: the same names work against each protocol."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from smsplug.cli import cli
from tests.reliability.targets import TARGETS, Target, base_url


def env_for(target: Target, fake: Any) -> dict[str, str]:
    prefix = f"SMSPLUG_{target.name.upper()}"
    return {
        "SMSPLUG_LOAD_PLUGINS": target.name,
        f"{prefix}_API_KEY": fake.key,
        f"{prefix}_BASE_URL": base_url(fake),
        "SMSPLUG_POLL_DELAY": "0.05",
    }


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_amazon_in_the_us_works_unchanged_everywhere(
    target: Target, tmp_path: Any
) -> None:
    with target.fake() as fake:
        env = env_for(target, fake)
        env["SMSPLUG_DATA_DIR"] = str(tmp_path)
        runner = CliRunner()
        bought = runner.invoke(
            cli, ["number", "--service", "amazon", "--country", "us", "--json"], env=env
        )
        assert bought.exit_code == 0, bought.output
        number = json.loads(bought.output)
        fake.deliver(number["id"], "271828")

        code = runner.invoke(cli, ["code", number["id"], "--json"], env=env)
        finished = runner.invoke(cli, ["finish", number["id"]], env=env)

    assert json.loads(code.output)["code"] == "271828"
    assert finished.exit_code == 0, finished.output
