"""A loopback GrizzlySMS: the core's fake handler_api.php in GrizzlySMS's dialect."""

from __future__ import annotations

from typing import Any

from smsplug.testing.activate import ActivateServer, Behaviour
from smsplug_grizzlysms import DIALECT

__all__ = ["Behaviour", "FakeGrizzlySMS"]


class FakeGrizzlySMS(ActivateServer):
    """A fake GrizzlySMS on loopback; see :class:`ActivateServer` for its controls."""

    def __init__(self, **options: Any) -> None:
        super().__init__(DIALECT, **options)
