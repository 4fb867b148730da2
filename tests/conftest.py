"""Shared fixtures: an isolated environment, the reference server, a client.

No test sees the developer's smsplug.toml, SMSPLUG_* variables or installed
third-party plugins: each registers the plugins it uses itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

import smsplug_custom
from smsplug import Client
from smsplug.plugins import Plugins
from smsplug.testing import Behaviour, ReferenceServer
from tests.helpers import KEY, custom_settings

# pytester runs small test suites in-process, to test smsplug's pytest plugin.
pytest_plugins = ["pytester"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="run the slow property tests")


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    skip_slow = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords and not config.getoption("--slow"):
            item.add_marker(skip_slow)


@pytest.fixture(autouse=True)
def isolated_env(
    smsplug_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    # smsplug's own fixture clears SMSPLUG_* and loads no installed plugin;
    # tests that build Settings without data_dir use the default data
    # directory, which is kept out of the user's too.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def reference() -> Iterator[ReferenceServer]:
    # Codes come after a short while, so that a quick exit finds none yet.
    with ReferenceServer(key=KEY, behaviour=Behaviour(code_delay=0.3)) as server:
        yield server


@pytest.fixture
def plugins() -> Plugins:
    registry = Plugins()
    registry.add(smsplug_custom, distribution="smsplug-custom")
    return registry


@pytest.fixture
async def client(reference: ReferenceServer, plugins: Plugins) -> AsyncIterator[Client]:
    async with Client(custom_settings(reference.url), plugins=plugins) as sms:
        yield sms
