"""Regenerate the 5sim cassettes: ``python -m tests.providers.fivesim.record``.

Each scenario runs against smsplug's loopback fake of 5sim's documented
protocol, never against 5sim itself; pass scenario names to record only those.
"""

from __future__ import annotations

import asyncio
import sys

from smsplug import Client
from smsplug.testing.cassettes import cassette_vcr
from smsplug_fivesim.fake import FiveSimFake
from tests.providers.fivesim.scenarios import (
    KEY,
    SCENARIOS,
    Scenario,
    note,
    outcome,
    plugins,
    settings,
)


async def record(scenario: Scenario) -> object:
    scenario.cassette.unlink(missing_ok=True)
    recorder = cassette_vcr(record_mode="all", note=note())
    with FiveSimFake(key=KEY) as fake:
        scenario.setup(fake)
        config = settings(fake.url, **scenario.settings)
        with recorder.use_cassette(str(scenario.cassette)):
            async with Client(config, plugins=plugins()) as client:
                return await outcome(scenario, client)


def main(names: list[str]) -> None:
    for name in names or list(SCENARIOS):
        result = asyncio.run(record(SCENARIOS[name]))
        print(f"{name:<28} {result!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
