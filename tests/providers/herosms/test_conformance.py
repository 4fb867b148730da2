"""The shared plugin contract, checked against the loopback HeroSMS."""

from __future__ import annotations

from tests.providers.activate_suite import conformance
from tests.providers.herosms import CASE


async def test_conformance_checks_pass() -> None:
    failures = await conformance(CASE)

    assert failures == {}
