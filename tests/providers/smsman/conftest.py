"""Fixtures for the SMS-Man tests: the loopback fake and a client bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from smsplug import Client
from smsplug_smsman.fake import FakeBehaviour, SmsManFake
from tests.providers.smsman.scenarios import KEY, smsman_plugins, smsman_settings


@pytest.fixture
def fake() -> Iterator[SmsManFake]:
    # Codes come only when a test delivers them.
    with SmsManFake(key=KEY, behaviour=FakeBehaviour(no_code=True)) as server:
        yield server


@pytest.fixture
async def client(fake: SmsManFake) -> AsyncIterator[Client]:
    async with Client(smsman_settings(fake.url), plugins=smsman_plugins()) as sms:
        yield sms
