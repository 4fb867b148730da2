"""The contract every provider keeps, checked against the OnlineSim fake."""

from __future__ import annotations

from smsplug import Client
from smsplug.testing.conformance import CHECKS, Harness, run_checks
from smsplug_onlinesim.fake import OnlineSimFake


async def test_onlinesim_keeps_the_plugin_contract(
    client: Client, fake: OnlineSimFake
) -> None:
    fake.behaviour.no_code = True  # codes arrive only when a check delivers one
    harness = Harness(client, "onlinesim", service="telegram", country="ru", fake=fake)

    failures = await run_checks(harness)

    assert failures == {}
    assert len(CHECKS) >= 9
    assert len(fake.calls("getNum")) >= 4  # the checks really bought numbers


async def test_fake_documents_every_purchase_error_kind(fake: OnlineSimFake) -> None:
    assert fake.error_kinds() == {
        "invalid_key",
        "no_balance",
        "no_numbers",
        "banned",
        "country_not_supported",
    }
