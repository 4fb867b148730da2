"""Regenerate the OnlineSim cassettes against the loopback fake.

    python -m tests.providers.onlinesim.record            # every scenario
    python -m tests.providers.onlinesim.record balance    # some of them

Nothing leaves this machine: each scenario runs against a fresh
:class:`~smsplug_onlinesim.fake.OnlineSimFake` on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import sys

from tests.providers.onlinesim.scenarios import SCENARIOS, cassette_path, record


def main(names: list[str]) -> int:
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        print(f"unknown scenarios: {', '.join(unknown)}", file=sys.stderr)
        return 2
    for name in names or list(SCENARIOS):
        asyncio.run(record(name))
        print(f"recorded {cassette_path(name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
