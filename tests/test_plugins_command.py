"""smsplug plugins: name, version, distribution and hooks of each plugin."""

from __future__ import annotations

import json

from click.testing import CliRunner

from smsplug.cli import cli


def test_plugins_json_describes_each_installed_plugin() -> None:
    result = CliRunner().invoke(
        cli, ["plugins", "--json"], env={"SMSPLUG_LOAD_PLUGINS": "custom"}
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "plugins": [
            {
                "name": "custom",
                "version": "0.1.0",
                "distribution": "smsplug-custom",
                "hooks": [
                    "get_balance",
                    "price_list",
                    "get_number",
                    "poll_code",
                    "cancel",
                    "finish",
                ],
            }
        ],
        "failed": [],
    }


def test_plugins_lists_hooks_for_people() -> None:
    result = CliRunner().invoke(
        cli, ["plugins"], env={"SMSPLUG_LOAD_PLUGINS": "custom"}
    )

    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "custom       smsplug-custom 0.1.0",
        "  hooks: get_balance, price_list, get_number, poll_code, cancel, finish",
    ]


def test_plugins_says_how_to_install_when_there_are_none() -> None:
    result = CliRunner().invoke(cli, ["plugins"])

    assert result.exit_code == 0
    assert "pip install smsplug-<provider>" in result.output
