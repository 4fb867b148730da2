"""Which provider rents the next number.

A strategy orders the candidate providers; the client tries the first and,
where the strategy allows, the next ones. ``random`` (the default) shuffles
them anew for every number, so several configured providers share the load.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

__all__ = ["order_providers"]


def order_providers(
    strategy: str, candidates: Sequence[str], *, rng: random.Random
) -> list[str]:
    """The candidates in the order ``strategy`` wants them tried."""
    ordered = list(candidates)
    if strategy == "random":
        rng.shuffle(ordered)
    return ordered
