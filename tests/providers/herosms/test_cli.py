"""``smsplug get --provider herosms`` against the loopback HeroSMS."""

from __future__ import annotations

from tests.providers.activate_suite import CliChecks
from tests.providers.herosms import CASE


class TestCli(CliChecks):
    case = CASE
