"""Fixtures: the loopback 5sim fake and a Client that buys only from it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from smsplug import Client
from smsplug_fivesim.fake import FiveSimFake
from tests.providers.fivesim.scenarios import KEY, plugins, settings


@pytest.fixture
def fake() -> Iterator[FiveSimFake]:
    with FiveSimFake(key=KEY) as server:
        yield server


@pytest.fixture
async def client(fake: FiveSimFake) -> AsyncIterator[Client]:
    async with Client(settings(fake.url), plugins=plugins()) as sms:
        yield sms
