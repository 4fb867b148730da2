"""A sample provider plugin with contract bugs that can be switched on one by one.

``Seeded()`` is a correct smsplug-v1 plugin (it reuses the custom provider's
wire code); ``Seeded(bug)`` breaks one rule of the plugin contract the way
plugin authors really do. The conformance suite must catch every one.
"""

from __future__ import annotations

from typing import Any

import attrs

from smsplug import errors, hookimpl
from smsplug.models import Balance, Code, Money, Number, Price, ProviderInfo
from smsplug.provider import Provider
from smsplug_custom import v1

#: The ten seeded contract bugs, each with the check that must catch it.
SEEDED_BUGS = {
    "int_id": "number_id_is_string",
    "float_balance": "balance_is_money",
    "waiting_raises": "waiting_is_none",
    "code_drops_zeros": "code_arrives",
    "cancel_twice_fails": "cancel_is_idempotent",
    "cancel_does_not_refund": "cancel_refunds",
    "ended_is_waiting": "ended_number_is_no_sms_received",
    "no_balance_as_no_numbers": "purchase_errors",
    "ban_as_invalid_key": "account_errors",
    "parse_error_escapes": "only_sms_errors_escape",
}
#: More bugs, so that every check is shown to fail on something.
MORE_BUGS = {
    "upper_case_name": "provider_info",
    "wrong_currency": "balance_is_money",
    "prices_name_title": "prices_are_prices",
    "garbage_is_zero": "garbage_is_invalid_response",
}


@attrs.frozen
class Seeded:
    bug: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.bug is not None and self.bug not in {**SEEDED_BUGS, **MORE_BUGS}:
            raise ValueError(f"no such bug: {self.bug}")

    @hookimpl
    def provider_info(self) -> ProviderInfo:
        name = "Seeded" if self.bug == "upper_case_name" else "seeded"
        return ProviderInfo(
            name=name,
            title="Seeded",
            currency="USD",
            base_url="",
            capabilities=frozenset({"price_list", "finish"}),
        )

    @hookimpl
    async def get_balance(self, provider: Provider) -> Balance:
        if self.bug == "parse_error_escapes":
            # Reads the reply without asking whether it is JSON at all.
            response = await provider.http.request(
                "GET", "/v1/balance", headers=_auth(provider)
            )
            body = response.json()
            return Balance(provider.name, Money(body["balance"], body["currency"]))
        try:
            balance = await v1.get_balance(provider)
        except errors.Banned as error:
            if self.bug == "ban_as_invalid_key":
                raise errors.InvalidKey(raw=error.raw) from error
            raise
        except errors.InvalidResponse:
            if self.bug == "garbage_is_zero":
                return Balance(provider.name, Money(0, "USD"))
            raise
        amount: Any = balance.money
        if self.bug == "float_balance":
            amount = float(balance.money.amount)
        elif self.bug == "wrong_currency":
            amount = Money(balance.money.amount, "EUR")
        return Balance(provider.name, amount)

    @hookimpl
    async def price_list(
        self, provider: Provider, service: str, country: str
    ) -> list[Price]:
        prices = await v1.price_list(provider, service, country)
        if self.bug == "prices_name_title":
            return [attrs.evolve(p, provider=provider.info.title) for p in prices]
        return prices

    @hookimpl
    async def get_number(
        self, provider: Provider, service: str, country: str, max_price: Money | None
    ) -> Number:
        try:
            number = await v1.get_number(provider, service, country, max_price)
        except errors.NoBalance as error:
            if self.bug == "no_balance_as_no_numbers":
                raise errors.NoNumbers(raw=error.raw) from error
            raise
        if self.bug == "int_id":
            # The provider's JSON has the id as a number; passed on as it is.
            return attrs.evolve(number, id=int(number.id))
        return number

    @hookimpl
    async def poll_code(self, provider: Provider, number: Number) -> Code | None:
        try:
            code = await v1.poll_code(provider, number)
        except errors.NoSmsReceived:
            if self.bug == "ended_is_waiting":
                return None
            raise
        if code is None and self.bug == "waiting_raises":
            raise errors.NoSmsReceived(provider=provider.name, number_id=number.id)
        if code is not None and self.bug == "code_drops_zeros":
            return Code(str(int(code.code)), code.text)
        return code

    @hookimpl
    async def cancel(self, provider: Provider, number: Number) -> None:
        if self.bug == "cancel_twice_fails":
            # Checks the status first and lets "already ended" escape.
            await v1.poll_code(provider, number)
        if self.bug == "cancel_does_not_refund":
            await v1.finish(provider, number)
            return
        await v1.cancel(provider, number)

    @hookimpl
    async def finish(self, provider: Provider, number: Number) -> None:
        await v1.finish(provider, number)


def _auth(provider: Provider) -> dict[str, str]:
    return {"Authorization": f"Bearer {provider.api_key}"}
