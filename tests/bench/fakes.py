"""Starting a protocol's fake in a child process, and its benchmark calls."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.bench.protocols import Target

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def running(
    name: str,
    *,
    code_delay: float = 0.0,
    no_code: bool = False,
    reply_delay: float = 0.0,
) -> Iterator[Target]:
    """The fake of protocol ``name``, serving on loopback until the block ends.

    ``reply_delay`` holds every reply back, as a provider far away would.
    """
    args = [sys.executable, "-m", "tests.bench.serve", name]
    args += ["--code-delay", str(code_delay), "--reply-delay", str(reply_delay)]
    args += ["--no-code"] if no_code else []
    child = subprocess.Popen(
        args, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line:
            raise RuntimeError(f"the {name} fake did not start")
        yield Target(**json.loads(line))
    finally:
        assert child.stdin is not None
        child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _control_url(target: Target, action: str) -> str:
    # The fake's base URL may carry a path (5sim's /v1); controls sit at the root.
    scheme, _, rest = target.url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/_bench/{action}"


async def deliver(http: httpx.AsyncClient, target: Target, number_id: str) -> float:
    """Make a code arrive on ``number_id`` now; when it did (monotonic)."""
    reply = await http.post(_control_url(target, "deliver"), params={"id": number_id})
    reply.raise_for_status()
    return float(reply.json()["at"])


def served(target: Target, since: int = 0) -> tuple[int, dict[str, int]]:
    """How many requests the fake has logged, and those since ``since`` by path."""
    reply = httpx.get(_control_url(target, "requests"), params={"since": since})
    reply.raise_for_status()
    body = reply.json()
    return int(body["total"]), dict(body["counts"])
