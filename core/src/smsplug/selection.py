"""Which provider rents the next number, and which to try after it.

A strategy orders the candidate providers; the client tries them in that
order and moves on only for failures that spent nothing (see
:data:`FALLBACK_KINDS`).

- ``random`` (the default): shuffled anew for every number, so several
  providers share the load, as users of such tools expect.
- ``ordered``: as configured, the first that works.
- ``cheapest``: by current price in USD, from price lists cached briefly;
  providers whose price is unknown go last.

Whatever the strategy, a provider on cooldown (banned, or at its concurrency
limit) is skipped until the cooldown ends, and one whose numbers keep timing
out without a code for this service and country is tried last for a while.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from smsplug.errors import Banned, ProviderUnavailable, SmsError

__all__ = ["FALLBACK_KINDS", "STRATEGIES", "Cooldowns", "order_providers"]

log = logging.getLogger("smsplug.selection")

STRATEGIES = ("random", "ordered", "cheapest")

#: Failures after which the next provider is tried: nothing was spent.
FALLBACK_KINDS = frozenset(
    {
        "no_numbers",
        "no_balance",
        "country_not_supported",
        "banned",
        "provider_unavailable",
    }
)

#: How long a ban without a known end keeps a provider aside, in seconds.
DEFAULT_BAN_COOLDOWN = 600.0


def falls_back(error: SmsError) -> bool:
    """Whether the next provider may be tried after ``error``."""
    if isinstance(error, ProviderUnavailable) and error.maybe_sent:
        return False  # the purchase may have gone through: never buy twice
    return error.kind in FALLBACK_KINDS


@attrs.define
class Cooldowns:
    """Providers set aside until a moment, with the reason."""

    clock: Callable[[], float] = time.time
    _until: dict[str, tuple[float, SmsError]] = attrs.field(factory=dict)

    def note(self, provider: str, error: SmsError) -> None:
        """Set ``provider`` aside if ``error`` asks for it."""
        if isinstance(error, Banned):
            now = self.clock()
            end = error.until.timestamp() if error.until else now + DEFAULT_BAN_COOLDOWN
            self._set(provider, end, error)
        elif isinstance(error, ProviderUnavailable) and error.retry_after:
            self._set(provider, self.clock() + error.retry_after, error)

    def _set(self, provider: str, until: float, error: SmsError) -> None:
        left = until - self.clock()
        if left > 0:
            self._until[provider] = (until, error)
            log.warning("%s set aside for %.0f s (%s)", provider, left, error.kind)

    def clear(self) -> None:
        """Forget every cooldown."""
        self._until.clear()

    def error(self, provider: str) -> SmsError | None:
        """The error that set ``provider`` aside, while it still does."""
        entry = self._until.get(provider)
        if entry is None:
            return None
        until, error = entry
        if until <= self.clock():
            del self._until[provider]
            return None
        return error


def order_providers(
    strategy: str,
    candidates: Sequence[str],
    *,
    rng: random.Random,
    prices: Mapping[str, Decimal | None] | None = None,
    demoted: frozenset[str] = frozenset(),
) -> list[str]:
    """The candidates in the order ``strategy`` wants them tried.

    ``prices`` (USD, ``None`` when unknown) drive ``cheapest``; ``demoted``
    providers go after the others, in the same strategy order.
    """
    ordered = list(candidates)
    if strategy == "random":
        rng.shuffle(ordered)
    elif strategy == "cheapest":
        known = prices or {}
        position = {name: i for i, name in enumerate(ordered)}

        def key(name: str) -> tuple[bool, Decimal, int]:
            price = known.get(name)
            return (price is None, price or Decimal(0), position[name])

        ordered.sort(key=key)
    return [n for n in ordered if n not in demoted] + [
        n for n in ordered if n in demoted
    ]
