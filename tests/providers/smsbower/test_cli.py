"""``smsplug get --provider smsbower`` against the loopback SMSBower."""

from __future__ import annotations

from tests.providers.activate_suite import CliChecks
from tests.providers.smsbower import CASE


class TestCli(CliChecks):
    case = CASE
