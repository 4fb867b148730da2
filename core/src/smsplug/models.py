"""The values that flow between the core, its plugins and its users.

All are frozen attrs classes. Money is always a :class:`~decimal.Decimal`
with an ISO 4217 currency code; provider ids for numbers are opaque strings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal, InvalidOperation

import attrs

__all__ = [
    "Balance",
    "Code",
    "Money",
    "Number",
    "Price",
    "ProviderInfo",
    "Rates",
    "Setting",
    "to_decimal",
]

_CONVERTED = Decimal("0.0001")


def to_decimal(value: object) -> Decimal:
    """Read an amount from a provider reply or a setting.

    Floats go through ``repr`` so that ``0.1`` becomes ``Decimal("0.1")``.
    Raises :class:`ValueError` for anything that is not a finite number.
    """
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = value.strip()
    if not isinstance(value, (str, int, Decimal)):
        raise ValueError(f"not an amount: {value!r}")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount


def _currency(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError(f"not an ISO 4217 currency code: {value!r}")
    return code


@attrs.frozen(order=True)
class Money:
    """An amount of money in one currency."""

    amount: Decimal = attrs.field(converter=to_decimal)
    currency: str = attrs.field(default="USD", converter=_currency)

    def __str__(self) -> str:
        if self.currency == "USD":
            return f"${self.amount:.2f}" if self._cents else f"${self.amount}"
        return f"{self.amount} {self.currency}"

    @property
    def _cents(self) -> bool:
        exponent = self.amount.as_tuple().exponent
        return isinstance(exponent, int) and exponent >= -2


@attrs.frozen
class Balance:
    """What is left on a provider account."""

    provider: str
    money: Money


@attrs.frozen
class Price:
    """What one number for a service in a country costs at a provider."""

    provider: str
    service: str
    country: str
    price: Money
    #: How many numbers are in stock, when the provider says.
    available: int | None = None


@attrs.frozen
class Number:
    """A rented phone number, named by the provider's own id for it."""

    provider: str
    id: str = attrs.field(validator=attrs.validators.min_len(1))
    phone: str
    price: Money | None = None
    service: str | None = None
    country: str | None = None
    expires_at: dt.datetime | None = None
    #: Provider-specific values a later hook call needs (never secrets).
    extra: Mapping[str, str] = attrs.field(factory=dict, repr=False)

    @property
    def key(self) -> str:
        """``provider:id``, unique across providers."""
        return f"{self.provider}:{self.id}"


@attrs.frozen
class Code:
    """A one-time code received on a number."""

    code: str
    #: The whole message, when the provider passes it on.
    text: str | None = attrs.field(default=None, repr=False)

    def __str__(self) -> str:
        return self.code


@attrs.frozen
class Setting:
    """A setting a provider needs, read from smsplug.toml or the environment.

    A provider named ``5sim`` with a setting ``operator`` reads
    ``SMSPLUG_5SIM_OPERATOR`` or ``operator`` in ``[provider.5sim]``.
    """

    name: str
    help: str
    default: str | None = None
    required: bool = False
    secret: bool = False
    #: The allowed values, when the setting is a choice.
    choices: tuple[str, ...] = ()


@attrs.frozen
class ProviderInfo:
    """What a provider plugin says about itself."""

    name: str
    title: str
    currency: str = attrs.field(converter=_currency)
    base_url: str
    settings: tuple[Setting, ...] = ()
    #: Optional abilities, such as ``"finish"``, ``"price_list"``.
    capabilities: frozenset[str] = frozenset()
    homepage: str | None = None
    #: Whether the provider works without an API key.
    needs_key: bool = True

    def setting(self, name: str) -> Setting | None:
        return next((s for s in self.settings if s.name == name), None)


@attrs.frozen
class Rates:
    """Exchange rates to USD: how many dollars one unit of a currency is worth."""

    usd_per_unit: Mapping[str, Decimal] = attrs.field(factory=dict)

    def rate(self, currency: str) -> Decimal | None:
        if currency == "USD":
            return Decimal(1)
        return self.usd_per_unit.get(currency.upper())

    def to_usd(self, money: Money) -> Money | None:
        """``money`` in USD, or ``None`` when the rate is unknown."""
        rate = self.rate(money.currency)
        return None if rate is None else Money(money.amount * rate, "USD")

    def from_usd(self, amount: Decimal, currency: str) -> Money | None:
        """``amount`` USD in ``currency``, or ``None`` when the rate is unknown."""
        rate = self.rate(currency)
        if rate is None:
            return None
        # Round down: a converted limit must never allow more than the user's.
        return Money(
            (amount / rate).quantize(_CONVERTED, rounding=ROUND_DOWN), currency
        )
