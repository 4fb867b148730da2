"""Cold start: ``smsplug --help`` and ``smsplug providers`` against ``python -c pass``.

Each command runs in a fresh process, many times over, in turns, with a
settings file and data folder of its own; the median wall time counts.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "smsplug --help": ["smsplug", "--help"],
    "smsplug providers": ["smsplug", "providers"],
}


def measure(*, runs: int) -> dict[str, float]:
    """The median seconds of each command in :data:`COMMANDS`."""
    smsplug = shutil.which("smsplug", path=str(Path(sys.executable).parent))
    if smsplug is None:
        raise RuntimeError("the smsplug command is not installed next to python")
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SMSPLUG_")}
        env |= {"XDG_CONFIG_HOME": home, "XDG_DATA_HOME": home}
        for _ in range(runs):
            for name, command in COMMANDS.items():
                args = [smsplug, *command[1:]] if command[0] == "smsplug" else command
                started = time.perf_counter()
                subprocess.run(args, env=env, stdout=subprocess.DEVNULL, check=True)
                times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}
