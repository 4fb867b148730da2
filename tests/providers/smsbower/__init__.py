"""Tests of the smsbower provider (SMSBower, sms-activate protocol)."""

from __future__ import annotations

import smsplug_smsbower
from smsplug_smsbower.fake import FakeSMSBower
from tests.providers.activate_suite import ROOT, Case

CASE = Case(
    name="smsbower",
    plugin=smsplug_smsbower,
    dialect=smsplug_smsbower.DIALECT,
    make_fake=FakeSMSBower,
    cassette_dir=ROOT / "cassettes" / "smsbower",
)
