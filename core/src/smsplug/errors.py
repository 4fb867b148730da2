"""The errors smsplug raises to its users.

Every failure a user can meet is one of the classes below, all under
:class:`SmsError`. Each has a stable ``kind`` string (for scripts and the
CLI's ``--json`` output), the name of the provider involved, and a message a
person can act on. Provider plugins map their replies onto these classes;
the core turns anything else a plugin lets escape into
:class:`InvalidResponse` or :class:`ProviderUnavailable`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from smsplug._redact import redact

if TYPE_CHECKING:
    from smsplug.models import Number

__all__ = [
    "Banned",
    "ConfigError",
    "CountryNotSupported",
    "InvalidKey",
    "InvalidResponse",
    "NoApiKey",
    "NoBalance",
    "NoNumbers",
    "NoSmsReceived",
    "NotFound",
    "ProviderUnavailable",
    "SmsError",
    "sold",
]

#: How much of a raw provider reply an error keeps.
RAW_LIMIT = 500


class SmsError(Exception):
    """Base class of every error smsplug raises."""

    kind: ClassVar[str] = "error"
    #: The message used when a plugin gives none: what happened, what to do.
    default_message: ClassVar[str] = "something went wrong"
    #: Whether money may have been spent when this error was raised.
    spent: ClassVar[bool] = False
    #: A number the provider sold although the purchase then failed (its
    #: reply was garbled, the number unusable): the client cancels it.
    number: Number | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        provider: str | None = None,
        raw: str | bytes | None = None,
    ) -> None:
        message = message or self.default_message
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.raw = _clip(raw)

    def __str__(self) -> str:
        prefix = f"{self.provider}: " if self.provider else ""
        return prefix + self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, provider={self.provider!r})"

    def to_dict(self) -> dict[str, object]:
        """The error as plain data, as the CLI prints it with ``--json``."""
        return {"kind": self.kind, "message": self.message, "provider": self.provider}


class NoSmsReceived(SmsError):
    """No code arrived before the timeout; the number was cancelled."""

    kind = "no_sms_received"
    default_message = (
        "no SMS arrived before the timeout; the number was cancelled and the "
        "money refunded"
    )

    def __init__(
        self,
        message: str | None = None,
        *,
        provider: str | None = None,
        number_id: str | None = None,
        refunded: bool = True,
    ) -> None:
        super().__init__(message, provider=provider)
        self.number_id = number_id
        self.refunded = refunded


class NoBalance(SmsError):
    """The account's balance is too low for the purchase."""

    kind = "no_balance"
    default_message = "the balance is too low for this number; top up the account"


class NoNumbers(SmsError):
    """No number is available within the max price (or at all)."""

    kind = "no_numbers"
    default_message = (
        "no numbers are available within the max price; raise the max price, "
        "try another country, or try again later"
    )

    def __init__(
        self,
        message: str | None = None,
        *,
        provider: str | None = None,
        raw: str | bytes | None = None,
        min_price: Decimal | None = None,
    ) -> None:
        super().__init__(message, provider=provider, raw=raw)
        self.min_price = min_price


class InvalidKey(SmsError):
    """The provider rejected the API key: wrong, revoked or expired."""

    kind = "invalid_key"
    default_message = (
        "the provider rejected the API key; check that it is copied whole and "
        "still valid"
    )


class NoApiKey(SmsError):
    """No API key is configured for the provider."""

    kind = "no_api_key"
    default_message = "no API key is set for this provider"


class Banned(SmsError):
    """The provider has banned the account, until ``until`` when known."""

    kind = "banned"
    default_message = (
        "the provider has banned this account; wait for the ban to end or "
        "contact the provider"
    )

    def __init__(
        self,
        message: str | None = None,
        *,
        provider: str | None = None,
        raw: str | bytes | None = None,
        until: dt.datetime | None = None,
    ) -> None:
        if until is not None:
            if until.tzinfo is None:
                until = until.replace(tzinfo=dt.UTC)
            message = f"{message or self.default_message} ({_time_left(until)})"
        super().__init__(message, provider=provider, raw=raw)
        self.until = until

    def to_dict(self) -> dict[str, object]:
        data = super().to_dict()
        data["until"] = self.until.isoformat() if self.until else None
        return data


class CountryNotSupported(SmsError):
    """The provider does not offer this service in this country."""

    kind = "country_not_supported"
    default_message = (
        "the provider does not offer this service in this country; check the "
        "service and country names"
    )


class InvalidResponse(SmsError):
    """The provider's reply could not be understood.

    ``raw`` holds the start of the reply, with secrets redacted.
    """

    kind = "invalid_response"
    default_message = (
        "the provider's reply could not be understood; if it persists, report "
        "it with the reply attached"
    )
    spent = True

    def __init__(
        self,
        message: str | None = None,
        *,
        provider: str | None = None,
        raw: str | bytes | None = None,
        number: Number | None = None,
    ) -> None:
        super().__init__(message, provider=provider, raw=raw)
        #: A number the provider sold although the rest of its reply was
        #: garbled; the client cancels it so that it is not paid for.
        self.number = number


class ProviderUnavailable(SmsError):
    """The provider could not be reached, timed out, or failed (5xx, 429)."""

    kind = "provider_unavailable"
    default_message = (
        "the provider could not be reached or did not answer in time; try again later"
    )
    spent = True

    def __init__(
        self,
        message: str | None = None,
        *,
        provider: str | None = None,
        raw: str | bytes | None = None,
        retry_after: float | None = None,
        maybe_sent: bool = True,
    ) -> None:
        super().__init__(message, provider=provider, raw=raw)
        self.retry_after = retry_after
        #: False when the request certainly never reached the provider
        #: (connection refused, rate limited), so a purchase spent nothing.
        self.maybe_sent = maybe_sent


class NotFound(SmsError):
    """The provider does not know this number (wrong id, or long expired)."""

    kind = "not_found"
    default_message = "the provider does not know this number; check the id"


class ConfigError(SmsError):
    """The configuration is invalid; the message names the setting."""

    kind = "config"
    default_message = "the configuration is invalid"


@contextlib.contextmanager
def sold(provider: str, number_id: str) -> Iterator[None]:
    """Keep a sold number from being lost while the rest of a reply is read.

    Wrap the parsing that follows reading a purchase's id: if it fails, the
    error raised carries the number, so the client cancels it instead of
    leaving it paid for and unknown::

        order_id = read_id(body)
        with errors.sold(provider.name, order_id):
            phone = read_phone(body)
    """
    from smsplug.models import Number

    try:
        yield
    except SmsError as error:
        if error.number is None:
            error.number = Number(provider=provider, id=number_id, phone="")
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidResponse(
            f"the number was sold but its details could not be read ({error})",
            provider=provider,
            number=Number(provider=provider, id=number_id, phone=""),
        ) from error


def _time_left(until: dt.datetime) -> str:
    left = until - dt.datetime.now(dt.UTC)
    when = until.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if left.total_seconds() <= 0:
        return f"the ban ended at {when}"
    minutes = int(left.total_seconds() // 60) + 1
    hours, minutes = divmod(minutes, 60)
    span = f"{hours} h {minutes} min" if hours else f"{minutes} min"
    return f"until {when}, {span} left"


def _clip(raw: str | bytes | None) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, bytes):
        raw = raw[: RAW_LIMIT * 4].decode("utf-8", "replace")
    text = redact(raw)
    if len(text) > RAW_LIMIT:
        text = text[:RAW_LIMIT] + "…"
    return text
