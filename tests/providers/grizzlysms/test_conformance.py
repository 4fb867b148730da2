"""The shared plugin contract, checked against the loopback GrizzlySMS."""

from __future__ import annotations

from tests.providers.activate_suite import conformance
from tests.providers.grizzlysms import CASE


async def test_conformance_checks_pass() -> None:
    failures = await conformance(CASE)

    assert failures == {}
