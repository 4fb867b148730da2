"""A loopback SMSBower: the core's fake handler_api.php in SMSBower's dialect."""

from __future__ import annotations

from typing import Any

from smsplug.testing.activate import ActivateServer, Behaviour
from smsplug_smsbower import DIALECT

__all__ = ["Behaviour", "FakeSMSBower"]


class FakeSMSBower(ActivateServer):
    """A fake SMSBower on loopback; see :class:`ActivateServer` for its controls."""

    def __init__(self, **options: Any) -> None:
        super().__init__(DIALECT, **options)
