"""Keys, tokens and codes never show: not in logs, reprs, errors or the ledger."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from smsplug import SmsError
from tests.reliability.targets import TARGETS, Target, running

CODE = "864209"


@pytest.mark.parametrize("target", TARGETS, ids=str)
async def test_no_secret_leaks_anywhere(
    target: Target, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="smsplug")
    shown: list[str] = []
    with running(target) as (fake, client):
        key = fake.key
        async with client:
            await client.balance(target.name)
            async with client.activation(target.service, target.country) as number:
                fake.deliver(number.number.id, CODE)
                code = await number.wait_code()
                phone = number.phone
                shown += [repr(number.number), repr(client.provider(target.name))]
            for kind in sorted(fake.error_kinds()):
                client.cooldowns.clear()
                fake.fail_next(kind)
                try:
                    await client.buy(target.service, target.country)
                except SmsError as error:
                    shown += [str(error), repr(error), error.raw or ""]
            shown.append(repr(client.settings))
            ledger = Path(client.ledger.path)
            stored = b"".join(
                p.read_bytes() for p in (ledger, Path(f"{ledger}-wal")) if p.exists()
            )

    everything = "\n".join([caplog.text, *shown])
    assert code.code == CODE
    assert key not in everything
    assert key.encode() not in stored
    assert CODE not in caplog.text
    assert CODE.encode() not in stored
    info_and_above = "\n".join(
        r.getMessage() for r in caplog.records if r.levelno >= logging.INFO
    )
    assert phone.lstrip("+") not in info_and_above
