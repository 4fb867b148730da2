"""Fixtures for the OnlineSim tests: the loopback fake and a client aimed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from smsplug import Client
from smsplug_onlinesim.fake import Behaviour, OnlineSimFake
from tests.providers.onlinesim.scenarios import KEY, plugins, settings


@pytest.fixture
def fake() -> Iterator[OnlineSimFake]:
    # Codes come after a short while, so that a quick exit finds none yet.
    with OnlineSimFake(key=KEY, behaviour=Behaviour(code_delay=0.3)) as server:
        yield server


@pytest.fixture
async def client(fake: OnlineSimFake) -> AsyncIterator[Client]:
    async with Client(settings(fake.url, poll_delay=0.02), plugins=plugins()) as sms:
        yield sms
