"""``smsplug get --provider custom`` in activate mode against a loopback clone."""

from __future__ import annotations

from tests.providers.activate_suite import CliChecks
from tests.providers.custom_activate import CASE


class TestCli(CliChecks):
    case = CASE
