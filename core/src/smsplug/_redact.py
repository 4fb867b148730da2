"""Keep secrets out of logs, errors and cassettes.

Two layers: every API key the configuration loads is registered here and
replaced wherever it appears, and anything shaped like a credential (a bearer
token, an ``api_key=`` parameter) is masked even when it was never registered.
"""

from __future__ import annotations

import re
import threading

MASK = "REDACTED"

_lock = threading.Lock()
_secrets: set[str] = set()

# Query parameters, form fields and JSON keys that carry credentials.
_CREDENTIAL = re.compile(
    r"""(?ix)
    (?P<name>\b(?:api_?key|apikey|token|access_token|key|password|secret)\b
       ["']?\s*[=:]\s*["']?)
    (?P<value>[^\s&"',;}]+)
    """
)
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+")


def register_secret(value: str | None) -> None:
    """Mask ``value`` wherever smsplug shows or stores text from now on."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Return ``text`` with every known secret and credential masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    return _CREDENTIAL.sub(lambda m: m.group("name") + MASK, text)


def mask_phone(phone: str) -> str:
    """Show only the last three digits of a phone number, for logs."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) <= 4:
        return "***"
    return "***" + digits[-3:]
