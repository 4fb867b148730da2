"""Tests of the grizzlysms provider (GrizzlySMS, sms-activate protocol)."""

from __future__ import annotations

import smsplug_grizzlysms
from smsplug_grizzlysms.fake import FakeGrizzlySMS
from tests.providers.activate_suite import ROOT, Case

CASE = Case(
    name="grizzlysms",
    plugin=smsplug_grizzlysms,
    dialect=smsplug_grizzlysms.DIALECT,
    make_fake=FakeGrizzlySMS,
    cassette_dir=ROOT / "cassettes" / "grizzlysms",
)
