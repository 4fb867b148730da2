"""Fixtures for the SMSPool tests: the loopback fake and a client bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from smsplug import Client
from smsplug.testing import Behaviour
from smsplug_smspool.fake import SmspoolFake
from tests.providers.smspool.record import KEY, plugins, settings


@pytest.fixture
def fake() -> Iterator[SmspoolFake]:
    # Codes take a while unless a test delivers one, so waiting can be seen.
    with SmspoolFake(key=KEY, behaviour=Behaviour(code_delay=30)) as server:
        yield server


@pytest.fixture
async def client(fake: SmspoolFake) -> AsyncIterator[Client]:
    async with Client(settings(fake.url), plugins=plugins()) as sms:
        yield sms
