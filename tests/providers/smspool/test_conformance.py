"""The plugin keeps the contract every provider keeps, against the fake."""

from __future__ import annotations

from smsplug import Client
from smsplug.testing.conformance import Harness, run_checks
from smsplug_smspool.fake import SmspoolFake


async def test_conformance_checks_pass(client: Client, fake: SmspoolFake) -> None:
    harness = Harness(client, "smspool", service="telegram", country="gb", fake=fake)

    failures = await run_checks(harness)

    assert failures == {}
    # The checks bought numbers and met every documented refusal on the way.
    assert fake.count("POST", "/purchase/sms") >= 4 + len(fake.error_kinds())
    assert all(order.status in (3, 6) for order in fake.orders.values())
