"""Project templates that ship with smsplug.

``PLUGIN`` is a copier template for a new provider plugin package::

    pip install copier
    copier copy "$(python -m smsplug.templates)" smsplug-acme
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PLUGIN"]

#: The provider plugin template (copier).
PLUGIN = Path(__file__).parent / "plugin"
