"""The conformance suite earns its keep: it catches every seeded contract bug."""

from __future__ import annotations

import pytest

from smsplug.testing import ReferenceServer
from smsplug.testing.conformance import CHECKS, check_plugin
from tests.conformance.seeded import MORE_BUGS, SEEDED_BUGS, Seeded


async def test_the_sample_plugin_without_bugs_conforms(
    reference: ReferenceServer,
) -> None:
    failures = await check_plugin(Seeded(), reference)

    assert failures == {}


@pytest.mark.parametrize(("bug", "rule"), [*SEEDED_BUGS.items(), *MORE_BUGS.items()])
async def test_each_bug_breaks_its_rule(
    reference: ReferenceServer, bug: str, rule: str
) -> None:
    failures = await check_plugin(Seeded(bug), reference)

    assert rule in failures, failures


def test_ten_seeded_bugs_each_break_a_different_rule() -> None:
    assert len(SEEDED_BUGS) == 10
    assert len(set(SEEDED_BUGS.values())) == 10


def test_every_check_is_shown_to_fail() -> None:
    shown = set(SEEDED_BUGS.values()) | set(MORE_BUGS.values())

    assert shown == set(CHECKS)
