"""smsplug's pytest plugin: fixtures for testing provider plugins.

Installed with smsplug (entry point ``pytest11``), so any test suite can ask
for these fixtures by name. None of them is autouse: a project that merely
has smsplug installed sees no change.

- ``smsplug_env``: no ``SMSPLUG_*`` variable, config file or installed
  plugin of the developer's leaks into the test.
- ``smsplug_reference``: the reference smsplug-v1 provider on loopback.
- ``smsplug_server``: serve a fake provider (an app function, or an object
  with ``start``/``stop``) on loopback for the length of the test.
- ``smsplug_conformance``: run the conformance checks on a plugin in one
  line; fails the test with one sentence per broken rule.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pytest

from smsplug.testing.conformance import FakeControl, check_plugin
from smsplug.testing.reference import Behaviour, ReferenceServer
from smsplug.testing.server import App, LoopbackServer

__all__ = ["Conformance"]


@runtime_checkable
class _Servable(Protocol):
    def start(self) -> object: ...

    def stop(self) -> None: ...


@pytest.fixture
def smsplug_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Clear ``SMSPLUG_*``, load no installed plugin, keep files in tmp_path."""
    for name in list(os.environ):
        if name.startswith("SMSPLUG_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SMSPLUG_LOAD_PLUGINS", "")
    monkeypatch.setenv("SMSPLUG_DATA_DIR", str(tmp_path / "smsplug-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def smsplug_reference() -> Iterator[ReferenceServer]:
    """The reference smsplug-v1 provider, serving on 127.0.0.1.

    A code arrives 30 s after a purchase, or at once with ``deliver(id)``;
    change ``behaviour`` to script anything else.
    """
    with ReferenceServer(behaviour=Behaviour(code_delay=30.0)) as server:
        yield server


@pytest.fixture
def smsplug_server() -> Iterator[Callable[..., Any]]:
    """Serve fakes on loopback; every one is stopped when the test ends.

    ``smsplug_server(app)`` wraps an app function in a
    :class:`~smsplug.testing.server.LoopbackServer`; ``smsplug_server(fake)``
    starts any object with ``start()`` and ``stop()`` (a plugin's fake built
    on ``LoopbackServer``, a ``ReferenceServer``). Either way it returns the
    running server.
    """
    running: list[_Servable] = []

    def serve(fake: App | _Servable) -> Any:
        server = fake if isinstance(fake, _Servable) else LoopbackServer(fake)
        server.start()
        running.append(server)
        return server

    yield serve
    for server in reversed(running):
        server.stop()


class Conformance:
    """The ``smsplug_conformance`` fixture: check a plugin in one call."""

    def __call__(self, plugin: object, fake: FakeControl, **options: Any) -> None:
        """Fail the test with every broken rule; for a plain ``def`` test.

        In an ``async def`` test, ``await smsplug_conformance.check(...)``
        instead. The options are those of :meth:`check`.
        """
        asyncio.run(self.check(plugin, fake, **options))

    async def check(self, plugin: object, fake: FakeControl, **options: Any) -> None:
        """Fail the test with every broken rule, from an ``async def`` test.

        The options are those of :func:`~smsplug.testing.conformance.check_plugin`
        (``base_url``, ``api_key``, ``service``, ``country``, ``settings``,
        ``only``, ``skip``).
        """
        failures = await check_plugin(plugin, fake, **options)
        if failures:
            lines = [f"  {name}: {rule}" for name, rule in failures.items()]
            pytest.fail(
                f"{len(failures)} conformance check(s) failed:\n" + "\n".join(lines),
                pytrace=False,
            )


@pytest.fixture
def smsplug_conformance() -> Conformance:
    """Run smsplug's conformance checks on a plugin against its fake."""
    return Conformance()
