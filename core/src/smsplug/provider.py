"""The context every provider hook receives."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import attrs

from smsplug.errors import NoApiKey
from smsplug.http import ProviderHTTP
from smsplug.models import ProviderInfo

__all__ = ["Provider"]


@attrs.frozen
class Provider:
    """One configured provider, as its plugin sees it.

    ``settings`` holds the values of the settings the plugin declared in its
    :class:`~smsplug.models.ProviderInfo` (defaults filled in), plus
    ``api_key`` and ``base_url``.
    """

    info: ProviderInfo
    settings: Mapping[str, str] = attrs.field(repr=False)
    http: ProviderHTTP = attrs.field(repr=False)
    log: logging.Logger = attrs.field(repr=False)

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def api_key(self) -> str:
        """The API key; raises ``no_api_key`` when none is configured."""
        key = self.settings.get("api_key")
        if not key:
            env = f"SMSPLUG_{env_name(self.name)}_API_KEY"
            raise NoApiKey(
                f"no API key is set; set {env} or api_key in "
                f"[provider.{self.name}] of smsplug.toml",
                provider=self.name,
            )
        return key

    @property
    def currency(self) -> str:
        """The currency the provider prices in (a ``currency`` setting wins)."""
        return (self.settings.get("currency") or self.info.currency).upper()

    def setting(self, name: str) -> str | None:
        """The value of one of the plugin's declared settings."""
        return self.settings.get(name)


def env_name(provider: str) -> str:
    """The provider's part of environment variable names: ``5sim`` → ``5SIM``."""
    return "".join(ch if ch.isalnum() else "_" for ch in provider.upper())
