"""The shared plugin contract, checked against the 5sim fake."""

from __future__ import annotations

from smsplug import Client
from smsplug.testing.conformance import CHECKS, Harness, run_checks
from smsplug_fivesim.fake import FiveSimFake


async def test_5sim_keeps_the_plugin_contract(
    client: Client, fake: FiveSimFake
) -> None:
    harness = Harness(client, "5sim", service="telegram", country="gb", fake=fake)

    failures = await run_checks(harness)

    assert failures == {}
    assert len(CHECKS) >= 9


async def test_fake_documents_every_purchase_error(fake: FiveSimFake) -> None:
    assert fake.error_kinds() == {
        "invalid_key",
        "no_balance",
        "no_numbers",
        "banned",
        "country_not_supported",
    }
