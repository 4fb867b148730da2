"""Tests of the herosms provider (HeroSMS, sms-activate protocol)."""

from __future__ import annotations

import smsplug_herosms
from smsplug_herosms.fake import FakeHeroSMS
from tests.providers.activate_suite import ROOT, Case

CASE = Case(
    name="herosms",
    plugin=smsplug_herosms,
    dialect=smsplug_herosms.DIALECT,
    make_fake=FakeHeroSMS,
    cassette_dir=ROOT / "cassettes" / "herosms",
)
