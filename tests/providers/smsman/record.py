"""Regenerate the SMS-Man cassettes: ``python -m tests.providers.smsman.record``.

Each scenario in scenarios.py runs against the loopback fake of SMS-Man's
documented protocol, and its traffic is written, scrubbed, to
cassettes/smsman/<scenario>.yaml. Pass scenario names to record only those.
Nothing here talks to SMS-Man itself.
"""

from __future__ import annotations

import asyncio
import sys

from tests.providers.smsman.scenarios import SCENARIOS, cassette_path, record


async def main(names: list[str]) -> None:
    for name in names or list(SCENARIOS):
        await record(name)
        print(f"recorded {cassette_path(name)}")


if __name__ == "__main__":
    unknown = sorted(set(sys.argv[1:]) - set(SCENARIOS))
    if unknown:
        sys.exit(f"no such scenario: {', '.join(unknown)}")
    asyncio.run(main(sys.argv[1:]))
