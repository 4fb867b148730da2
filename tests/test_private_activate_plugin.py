"""An sms-activate compatible private provider needs about fifteen lines.

tests/examples/smsplug_acme_activate.py is the plugin docs/plugins.md shows;
here it is loaded like an installed plugin and held to the whole contract
against the core's fake handler_api.php.
"""

from __future__ import annotations

from pathlib import Path

from smsplug import Client, Settings
from smsplug.plugins import Plugins
from smsplug.testing.activate import ActivateServer, Behaviour
from smsplug.testing.conformance import Harness, run_checks
from tests.examples import smsplug_acme_activate

EXAMPLE = Path(smsplug_acme_activate.__file__)


def test_the_plugin_is_about_fifteen_lines_of_code() -> None:
    lines = [
        line
        for line in EXAMPLE.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith(('"""', "#", "from "))
    ]

    assert len(lines) <= 15


async def test_the_fifteen_line_plugin_keeps_the_contract() -> None:
    plugins = Plugins()
    plugins.add(smsplug_acme_activate)
    dialect = smsplug_acme_activate.API.dialect
    with ActivateServer(
        dialect, key="acme-key-0001", behaviour=Behaviour(code_delay=600)
    ) as fake:
        settings = Settings(
            providers=("acme",),
            provider={"acme": {"api_key": "acme-key-0001", "base_url": fake.base_url}},
            poll_delay=0.02,
            retry_backoff=0.0,
            retry_max_wait=0.0,
        )
        async with Client(settings, plugins=plugins) as sms:
            failures = await run_checks(Harness(sms, "acme", "telegram", "us", fake))

    assert failures == {}


def test_the_docs_show_this_plugin() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "plugins.md").read_text()

    assert "API = ActivateAPI(" in docs
    assert 'name="acme"' in docs
