"""Settings for tests: one provider at a URL, short waits, no backoff."""

from __future__ import annotations

from typing import Any

from smsplug.config import Settings

__all__ = ["quick_settings"]


def quick_settings(
    provider: str, base_url: str, *, api_key: str, **overrides: Any
) -> Settings:
    """Settings that use ``provider`` at ``base_url`` and never wait long.

    ``overrides`` are any other :class:`~smsplug.Settings` fields; give
    ``data_dir`` to keep the ledger out of the user's data directory.
    """
    values: dict[str, Any] = {
        "providers": (provider,),
        "provider": {provider: {"api_key": api_key, "base_url": base_url}},
        "poll_delay": 0.02,
        "timeout": 2.0,
        "http_timeout": 5.0,
        "retry_backoff": 0.0,
        "retry_max_wait": 0.0,
        "cancel_patience": 3.0,
    }
    values.update(overrides)
    return Settings(**values)
