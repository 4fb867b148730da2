"""Client side of smsplug-v1, smsplug's own JSON protocol for private providers.

The protocol is specified in docs/custom-provider.md and docs/smsplug-v1.openapi.yaml:
bearer-key auth, JSON bodies, money as decimal strings, errors as
``{"error": {"code", "message", "retry_after"?, "banned_until"?}}``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from smsplug import errors
from smsplug.models import Balance, Code, Money, Number, Price
from smsplug.provider import Provider

__all__ = ["cancel", "finish", "get_balance", "get_number", "poll_code", "price_list"]

_ERRORS: Mapping[str, type[errors.SmsError]] = {
    "invalid_key": errors.InvalidKey,
    "no_balance": errors.NoBalance,
    "no_numbers": errors.NoNumbers,
    "country_not_supported": errors.CountryNotSupported,
    "not_found": errors.NotFound,
}


async def get_balance(provider: Provider) -> Balance:
    body = await _call(provider, "GET", "/v1/balance")
    return Balance(provider.name, _money(body, "balance"))


async def price_list(provider: Provider, service: str, country: str) -> list[Price]:
    params = {"service": service, "country": country.lower()}
    body = await _call(provider, "GET", "/v1/prices", params=params)
    rows = body["prices"]
    if not isinstance(rows, list):
        raise TypeError("prices is not a list")
    return [
        Price(
            provider=provider.name,
            service=str(row["service"]),
            country=str(row["country"]),
            price=_money(row, "price"),
            available=_count(row.get("available")),
        )
        for row in rows
    ]


async def get_number(
    provider: Provider, service: str, country: str, max_price: Money | None
) -> Number:
    request = {
        "service": service,
        "country": country.lower(),
        "max_price": str(max_price.amount) if max_price is not None else None,
    }
    body = await _call(provider, "POST", "/v1/numbers", json=request, idempotent=False)
    number_id = _text(body, "id")
    try:
        return Number(
            provider=provider.name,
            id=number_id,
            phone=_text(body, "phone"),
            price=_money(body, "price"),
            service=service,
            country=country,
            expires_at=_timestamp(body.get("expires_at")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise errors.InvalidResponse(
            f"the number was sold but its details could not be read ({exc})",
            provider=provider.name,
            raw=json.dumps(body),
            number=Number(provider=provider.name, id=number_id, phone=""),
        ) from exc


async def poll_code(provider: Provider, number: Number) -> Code | None:
    body = await _call(provider, "GET", f"/v1/numbers/{_segment(number.id)}")
    status = body["status"]
    if status == "waiting":
        return None
    if status in ("received", "finished") and body.get("code"):
        text = body.get("text")
        return Code(_text(body, "code"), text if isinstance(text, str) else None)
    if status in ("cancelled", "expired"):
        raise errors.NoSmsReceived(
            f"the provider ended the number ({status}) before a code arrived",
            provider=provider.name,
            number_id=number.id,
        )
    raise errors.InvalidResponse(
        f"unknown number status {status!r}",
        provider=provider.name,
        raw=json.dumps(body),
    )


async def cancel(provider: Provider, number: Number) -> None:
    try:
        await _call(provider, "POST", f"/v1/numbers/{_segment(number.id)}/cancel")
    except errors.NotFound:
        # Long expired numbers are forgotten by the provider: nothing to refund.
        provider.log.info(
            "number %s is unknown to the provider; nothing to cancel", number.id
        )


async def finish(provider: Provider, number: Number) -> None:
    await _call(provider, "POST", f"/v1/numbers/{_segment(number.id)}/finish")


async def _call(
    provider: Provider,
    method: str,
    path: str,
    *,
    params: Mapping[str, str] | None = None,
    json: Any = None,
    idempotent: bool = True,
) -> dict[str, Any]:
    response = await provider.http.request(
        method,
        path,
        params=params,
        json=json,
        headers={"Authorization": f"Bearer {provider.api_key}"},
        idempotent=idempotent,
    )
    body = _decode(provider, response)
    if response.is_success:
        return body
    raise _error(provider, response, body)


def _decode(provider: Provider, response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        if response.status_code >= 500:
            raise errors.ProviderUnavailable(
                f"the provider answered HTTP {response.status_code}",
                provider=provider.name,
                raw=response.content,
            )
        raise errors.InvalidResponse(
            f"expected a JSON object, got HTTP {response.status_code} "
            f"{response.headers.get('content-type', 'without a content type')}",
            provider=provider.name,
            raw=response.content,
        )
    return body


def _error(
    provider: Provider, response: httpx.Response, body: dict[str, Any]
) -> errors.SmsError:
    detail = body.get("error")
    if not isinstance(detail, dict) or not isinstance(detail.get("code"), str):
        return errors.InvalidResponse(
            f"HTTP {response.status_code} without an error object",
            provider=provider.name,
            raw=response.content,
        )
    code = detail["code"]
    raw = response.content
    # The standard wording of each kind, as for every provider; the server's
    # own message stays in ``raw``.
    if code == "banned":
        until = _timestamp(detail.get("banned_until"))
        return errors.Banned(provider=provider.name, raw=raw, until=until)
    if code in ("cancel_too_early", "rate_limited") or response.status_code >= 500:
        retry_after = detail.get("retry_after") or response.headers.get("Retry-After")
        return errors.ProviderUnavailable(
            provider=provider.name, raw=raw, retry_after=_seconds(retry_after)
        )
    kind = _ERRORS.get(code)
    if kind is None:
        return errors.InvalidResponse(
            f"unknown error code {code!r}", provider=provider.name, raw=raw
        )
    return kind(provider=provider.name, raw=raw)


def _money(body: Mapping[str, Any], field: str) -> Money:
    amount = body[field]
    if not isinstance(amount, str):
        raise TypeError(
            f"{field} must be a decimal string, got {type(amount).__name__}"
        )
    return Money(amount, _text(body, "currency"))


def _text(body: Mapping[str, Any], field: str) -> str:
    value = body[field]
    if not isinstance(value, str) or not value:
        raise TypeError(f"{field} must be a non-empty string, got {value!r}")
    return value


def _count(value: object) -> int | None:
    return (
        value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0
        else None
    )


def _seconds(value: object) -> float | None:
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return seconds if 0 <= seconds < 86_400 else None


def _timestamp(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _segment(number_id: str) -> str:
    # Ids are opaque: quote them so that no id can change the path.
    return quote(number_id, safe="")
