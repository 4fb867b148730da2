"""A loopback HeroSMS: the core's fake handler_api.php in HeroSMS's dialect."""

from __future__ import annotations

from typing import Any

from smsplug.testing.activate import ActivateServer, Behaviour
from smsplug_herosms import DIALECT

__all__ = ["Behaviour", "FakeHeroSMS"]


class FakeHeroSMS(ActivateServer):
    """A fake HeroSMS on loopback; see :class:`ActivateServer` for its controls."""

    def __init__(self, **options: Any) -> None:
        super().__init__(DIALECT, **options)
