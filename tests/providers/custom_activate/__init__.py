"""Tests of the custom provider in its ``activate`` mode (SMSPLUG_CUSTOM_PROTOCOL)."""

from __future__ import annotations

from typing import Any

import smsplug_custom
from smsplug.testing.activate import ActivateServer
from tests.providers.activate_suite import ROOT, Case


def _fake(**options: Any) -> ActivateServer:
    return ActivateServer(smsplug_custom.ACTIVATE.dialect, **options)


CASE = Case(
    name="custom",
    plugin=smsplug_custom,
    dialect=smsplug_custom.ACTIVATE.dialect,
    make_fake=_fake,
    cassette_dir=ROOT / "cassettes" / "custom",
    prefix="activate-",
    settings={"protocol": "activate"},
)
