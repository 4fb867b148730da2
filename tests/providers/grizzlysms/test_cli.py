"""``smsplug get --provider grizzlysms`` against the loopback GrizzlySMS."""

from __future__ import annotations

from tests.providers.activate_suite import CliChecks
from tests.providers.grizzlysms import CASE


class TestCli(CliChecks):
    case = CASE
