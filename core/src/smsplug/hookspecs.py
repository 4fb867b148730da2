"""The plugin contract: one provider per plugin, seven hooks and two optional ones.

A provider plugin is a module (or object) with functions named after the
hooks below, decorated with :data:`smsplug.hookimpl`, and an entry point in
the ``smsplug`` group that names it. Every hook but :func:`provider_info`
takes the :class:`~smsplug.provider.Provider` context as ``provider``, which
carries the provider's settings, an HTTP session bound to its base URL, and a
logger. Implementations may be ``async def``; the core awaits them.

The core calls exactly one provider's implementation per call, so a plugin
never sees another provider's numbers. Hooks raise only
:class:`smsplug.SmsError` subclasses; anything else that escapes is turned
into :class:`~smsplug.errors.InvalidResponse` by the core.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeAlias, TypeVar, Union

import pluggy

if TYPE_CHECKING:
    from smsplug.models import Balance, Code, Money, Number, Price, ProviderInfo
    from smsplug.provider import Provider

hookspec = pluggy.HookspecMarker("smsplug")
hookimpl = pluggy.HookimplMarker("smsplug")

T = TypeVar("T")
#: A hook may answer directly or with an awaitable.
MaybeAwaitable: TypeAlias = Union[T, Awaitable[T]]  # noqa: UP007


@hookspec(firstresult=True)
def provider_info() -> ProviderInfo:  # type: ignore[empty-body]
    """Describe the provider: its name, currency, default base URL, settings.

    Called once when the plugin loads; must not touch the network.
    """


@hookspec(firstresult=True)
def get_balance(provider: Provider) -> MaybeAwaitable[Balance]:  # type: ignore[empty-body]
    """Return the account balance in the provider's own currency.

    Raises ``invalid_key``, ``no_api_key``, ``banned``, ``provider_unavailable``.
    """


@hookspec(firstresult=True)
def price_list(  # type: ignore[empty-body]
    provider: Provider, service: str, country: str
) -> MaybeAwaitable[list[Price]]:
    """Return the current prices for ``service`` in ``country``.

    ``service`` and ``country`` are the user's words (a service name, a
    lower-case ISO 3166-1 alpha-2 code) or the provider's raw ids. An empty
    list means nothing is on offer. Raises ``country_not_supported`` when the
    provider does not know the service or country.
    """


@hookspec(firstresult=True)
def get_number(  # type: ignore[empty-body]
    provider: Provider, service: str, country: str, max_price: Money | None
) -> MaybeAwaitable[Number]:
    """Rent one number for ``service`` in ``country``; this spends money.

    ``max_price`` is already in the provider's currency; pass it to the
    provider so it never sells above it. The returned :class:`Number`
    carries the price actually charged, when the provider tells it.

    Raises ``no_numbers`` (none within max price), ``no_balance``,
    ``country_not_supported``, ``banned``, ``invalid_key``.
    Send the purchase request once: never retry it after a timeout, since the
    provider may have sold the number already.
    """


@hookspec(firstresult=True)
def poll_code(provider: Provider, number: Number) -> MaybeAwaitable[Code | None]:
    """Return the code received on ``number``, or ``None`` while waiting.

    Waiting is never an error. Raises ``no_sms_received`` when the provider
    has ended the number without a code (expired or cancelled on its side).
    """


@hookspec(firstresult=True)
def poll_codes(
    provider: Provider, numbers: Sequence[Number]
) -> MaybeAwaitable[Mapping[str, Code | None] | None]:
    """Return the codes of many numbers at once, by number id; optional.

    For providers that list every active number of the account in one call:
    the core then asks once per poll for all the numbers it waits on, rather
    than once per number. Map each listed number's id to its code, or to
    ``None`` while it waits. Leave out numbers the list does not show or
    that cannot be read: the core asks :func:`poll_code` about those, which
    says why. Return ``None`` when no list can be had; every number is then
    polled on its own.

    Raises ``provider_unavailable`` when the provider cannot answer now.
    """


@hookspec(firstresult=True)
def cancel(provider: Provider, number: Number) -> MaybeAwaitable[None]:
    """End ``number`` without using it, so that the provider refunds it.

    Must succeed quietly when the number is already cancelled or expired.
    When the provider refuses for now ("too early"), raise
    ``provider_unavailable`` with ``retry_after`` set; the core retries.
    """


@hookspec(firstresult=True)
def finish(provider: Provider, number: Number) -> MaybeAwaitable[None]:
    """Mark ``number`` as used after its code arrived.

    Providers without such a call do nothing here.
    """


@hookspec(firstresult=True)
def active_numbers(provider: Provider) -> MaybeAwaitable[list[Number] | None]:
    """Return the numbers the account has open now, or ``None`` if unknown.

    Optional. Where the provider can list active numbers, ``recover`` uses it
    to settle a purchase whose outcome was lost (a timeout, a crash) instead
    of guessing; without it such purchases are reported for a manual check.
    """


@hookspec(firstresult=True)
def request_another_code(  # type: ignore[empty-body]
    provider: Provider, number: Number
) -> MaybeAwaitable[Number]:
    """Ask the provider to send one more SMS to ``number``; returns what to poll.

    Optional. For a second code on a number that already received one (a
    resent code, a second verification step). The returned number may carry
    a new id or new ``extra`` values; polling it yields only the new code.
    Raises ``no_sms_received`` when the provider will not resend.
    """


@hookspec(firstresult=True)
def report_number(provider: Provider, number: Number) -> MaybeAwaitable[None]:
    """Report ``number`` as bad (already used on the service) and end it.

    Optional. Where the provider has a "ban" or "bad number" call, it usually
    refunds the number and stops selling it to others.
    """
