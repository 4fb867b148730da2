"""Record the custom provider's cassettes from the reference server.

    python -m tests.providers.custom.record [SCENARIO...]

Runs every scenario against a fresh loopback reference server and writes
cassettes/custom/<scenario>.yaml, scrubbed. No other host is contacted.
"""

from __future__ import annotations

import asyncio
import sys

import smsplug_custom
from smsplug import Client
from smsplug.plugins import Plugins
from smsplug.testing import Behaviour, ReferenceServer
from smsplug.testing.cassettes import cassette_vcr, recorded_note
from tests.helpers import KEY, custom_settings
from tests.providers.custom.scenarios import CASSETTES, SCENARIOS, Scenario

NOTE = recorded_note("smsplug's reference smsplug-v1 server on loopback")


async def record(scenario: Scenario) -> object:
    path = CASSETTES / f"{scenario.name}.yaml"
    path.unlink(missing_ok=True)
    with ReferenceServer(key=KEY, behaviour=Behaviour(code_delay=0.3)) as server:
        scenario.setup(server)
        plugins = Plugins()
        plugins.add(smsplug_custom)
        settings = custom_settings(server.url, **scenario.settings)
        with cassette_vcr(record_mode="all", note=NOTE).use_cassette(str(path)):
            async with Client(settings, plugins=plugins) as client:
                return await scenario.run(client)


def main(names: list[str]) -> None:
    unknown = set(names) - {s.name for s in SCENARIOS}
    if unknown:
        sys.exit(f"no scenario {', '.join(sorted(unknown))}")
    for scenario in SCENARIOS:
        if not names or scenario.name in names:
            outcome = asyncio.run(record(scenario))
            print(f"{scenario.name}: {outcome!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
