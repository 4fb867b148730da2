"""SMSBower's cassettes, replayed through the public Client."""

from __future__ import annotations

import pytest

from tests.providers.activate_suite import Scenario, check_cassette_files, replay
from tests.providers.smsbower import CASE


@pytest.mark.parametrize("scenario", CASE.scenarios(), ids=lambda s: s.name)
async def test_cassette_replays(scenario: Scenario) -> None:
    await replay(CASE, scenario)


def test_every_cassette_is_a_scenario_and_says_where_it_came_from() -> None:
    check_cassette_files(CASE)
