"""The shared plugin contract, for the custom provider in activate mode."""

from __future__ import annotations

from tests.providers.activate_suite import conformance
from tests.providers.custom_activate import CASE


async def test_conformance_checks_pass() -> None:
    failures = await conformance(CASE)

    assert failures == {}
