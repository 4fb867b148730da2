"""Helpers the tests share."""

from __future__ import annotations

from typing import Any

from smsplug import Settings

KEY = "test-key-0123456789abcdef"


def custom_settings(base_url: str, *, key: str = KEY, **overrides: Any) -> Settings:
    """Fast settings for the custom provider at ``base_url``."""
    values: dict[str, Any] = {
        "providers": ("custom",),
        "provider": {"custom": {"api_key": key, "base_url": base_url}},
        "poll_delay": 0.02,
        "timeout": 2.0,
        "retry_backoff": 0.0,
        "retry_max_wait": 0.0,
        "http_timeout": 2.0,
    }
    values.update(overrides)
    return Settings(**values)
