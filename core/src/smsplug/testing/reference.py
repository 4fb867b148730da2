"""The reference smsplug-v1 server: a fake provider on loopback.

It speaks smsplug's own JSON protocol (docs/custom-provider.md) exactly as a
real private provider should, keeps a balance, sells numbers, delivers codes
after a delay and refunds cancelled numbers. Its :class:`Behaviour` scripts
the failures a client must survive: no code, out of stock, a bad key, a ban,
a cancel refused as too early, rate limits and slow replies.

```python
with ReferenceServer(key="secret") as server:
    ...  # point the custom provider at server.url
```

It binds to 127.0.0.1 only and serves from a background thread, so sync
tests, async tests and the demo can all use it.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from smsplug.testing.server import LoopbackServer, Reply, Request

__all__ = ["Behaviour", "ReferenceServer", "SoldNumber"]

UTC = dt.UTC
DEFAULT_COUNTRIES = frozenset(
    {"us", "gb", "de", "fr", "nl", "pl", "ua", "kz", "id", "in", "br"}
)


@attrs.define
class Behaviour:
    """What the server does; change the fields at any time, even mid-test."""

    #: Seconds from purchase until the code arrives.
    code_delay: float = 0.0
    #: Never deliver a code.
    no_code: bool = False
    #: Sell above the buyer's max price (a misbehaving provider).
    ignore_max_price: bool = False
    #: Sell nothing: every purchase answers no_numbers.
    out_of_stock: bool = False
    price: Decimal = Decimal("0.25")
    currency: str = "USD"
    available: int = 42
    #: The account is banned until then (every call answers banned).
    banned_until: dt.datetime | None = None
    #: Refuse this many cancels with cancel_too_early first.
    cancel_too_early: int = 0
    #: The retry_after a too-early cancel asks for, in seconds.
    cancel_retry_after: int = 1
    #: Answer this many requests with 429 first.
    rate_limited: int = 0
    #: Seconds to wait before every reply.
    slow: float = 0.0
    #: Seconds a number lives before it expires unused.
    lifetime: float = 1200.0
    countries: frozenset[str] = DEFAULT_COUNTRIES


@attrs.define
class SoldNumber:
    id: str
    phone: str
    service: str
    country: str
    price: Decimal
    currency: str
    sold_at: float
    code: str
    status: str = "waiting"
    delivered: bool = False


class _Error(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": {"code": code, "message": message, **extra}}
        self.headers: dict[str, str] = {}


class ReferenceServer:
    """A loopback smsplug-v1 provider with a scripted :class:`Behaviour`."""

    def __init__(
        self,
        *,
        key: str = "reference-key",
        balance: Decimal | str = "10.00",
        behaviour: Behaviour | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.key = key
        self.balance = Decimal(balance)
        self.behaviour = behaviour or Behaviour()
        self.numbers: dict[str, SoldNumber] = {}
        self._lock = threading.Lock()
        self._next_id = 1001
        self._fail_next: str | None = None
        self.server = LoopbackServer(self.handle, host=host, port=port)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def start(self) -> ReferenceServer:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        self.server.serve_forever()

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- the conformance suite's controls -----------------------------------

    def error_kinds(self) -> frozenset[str]:
        return frozenset(_FAILURES)

    def fail_next(self, kind: str) -> None:
        """Answer the next request with the documented reply for ``kind``."""
        if kind not in _FAILURES and kind != "garbage":
            raise ValueError(f"no scripted reply for {kind!r}")
        self._fail_next = kind

    def deliver(self, number_id: str, code: str | None = None) -> None:
        """Make the code of ``number_id`` arrive now."""
        with self._lock:
            number = self.numbers[number_id]
            number.code = code or number.code
            number.sold_at = time.monotonic() - self.behaviour.code_delay
            number.delivered = True

    # -- the protocol ------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """Answer one request, as a real smsplug-v1 provider would."""
        if self.behaviour.slow:
            time.sleep(self.behaviour.slow)
        path = request.path.rstrip("/")
        with self._lock:
            failure, self._fail_next = self._fail_next, None
        if failure == "garbage":
            page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
            return Reply(page, status=200, content_type="text/html")
        try:
            if failure is not None:
                raise _FAILURES[failure]()
            with self._lock:
                self._check_access(request.headers)
                payload = self._route(request.method, path, request.query, request.body)
        except _Error as error:
            return Reply(error.body, status=error.status, headers=error.headers)
        created = request.method == "POST" and path == "/v1/numbers"
        return Reply(payload, status=201 if created else 200)

    def _check_access(self, headers: Mapping[str, str]) -> None:
        behaviour = self.behaviour
        if behaviour.rate_limited > 0:
            behaviour.rate_limited -= 1
            error = _Error(429, "rate_limited", "too many requests; slow down")
            error.headers["Retry-After"] = "1"
            raise error
        if headers.get("authorization", "") != f"Bearer {self.key}":
            raise _Error(401, "invalid_key", "the API key is missing or wrong")
        until = behaviour.banned_until
        if until is not None and until > dt.datetime.now(UTC):
            raise _Error(
                403, "banned", "this account is banned", banned_until=until.isoformat()
            )

    def _route(
        self, method: str, path: str, query: Mapping[str, str], body: bytes
    ) -> Any:
        parts = path.strip("/").split("/")
        if parts[:1] != ["v1"]:
            raise _Error(404, "not_found", f"no such endpoint: {path}")
        match method, parts[1:]:
            case "GET", ["balance"]:
                return {
                    "balance": str(self.balance),
                    "currency": self.behaviour.currency,
                }
            case "GET", ["prices"]:
                return self._prices(query)
            case "POST", ["numbers"]:
                return self._buy(_json(body))
            case "GET", ["numbers", number_id]:
                return self._status(self._number(number_id))
            case "POST", ["numbers", number_id, "cancel"]:
                return self._cancel(self._number(number_id))
            case "POST", ["numbers", number_id, "finish"]:
                return self._finish(self._number(number_id))
        raise _Error(404, "not_found", f"no such endpoint: {method} {path}")

    def _prices(self, query: Mapping[str, str]) -> dict[str, Any]:
        behaviour = self.behaviour
        service = query.get("service", "")
        country = query.get("country", "")
        if country and country not in behaviour.countries:
            raise _Error(
                422, "country_not_supported", f"no numbers for country {country!r}"
            )
        countries = [country] if country else sorted(behaviour.countries)
        available = 0 if behaviour.out_of_stock else behaviour.available
        return {
            "prices": [
                {
                    "service": service or "any",
                    "country": c,
                    "price": str(behaviour.price),
                    "currency": behaviour.currency,
                    "available": available,
                }
                for c in countries
            ]
        }

    def _buy(self, request: Any) -> dict[str, Any]:
        behaviour = self.behaviour
        if not isinstance(request, dict) or not isinstance(request.get("service"), str):
            raise _Error(400, "bad_request", "service and country are required")
        country = request.get("country")
        if country not in behaviour.countries:
            raise _Error(
                422, "country_not_supported", f"no numbers for country {country!r}"
            )
        max_price = request.get("max_price")
        too_dear = max_price is not None and Decimal(str(max_price)) < behaviour.price
        if behaviour.out_of_stock or (too_dear and not behaviour.ignore_max_price):
            raise _Error(409, "no_numbers", "no numbers available within the max price")
        if self.balance < behaviour.price:
            raise _Error(
                402, "no_balance", "the balance is too low; top up the account"
            )

        self.balance -= behaviour.price
        seq = self._next_id
        self._next_id += 1
        number = SoldNumber(
            id=str(seq),
            phone=f"+1555{seq:07d}",
            service=request["service"],
            country=country,
            price=behaviour.price,
            currency=behaviour.currency,
            sold_at=time.monotonic(),
            code=f"{(seq * 7919) % 1_000_000:06d}",
        )
        self.numbers[number.id] = number
        expires = dt.datetime.now(UTC) + dt.timedelta(seconds=behaviour.lifetime)
        return {
            "id": number.id,
            "phone": number.phone,
            "price": str(number.price),
            "currency": number.currency,
            "expires_at": expires.isoformat(timespec="seconds"),
        }

    def _number(self, number_id: str) -> SoldNumber:
        number = self.numbers.get(number_id)
        if number is None:
            raise _Error(404, "not_found", f"no number with id {number_id!r}")
        self._advance(number)
        return number

    def _advance(self, number: SoldNumber) -> None:
        age = time.monotonic() - number.sold_at
        if number.status != "waiting":
            return
        if (
            number.delivered or not self.behaviour.no_code
        ) and age >= self.behaviour.code_delay:
            number.status = "received"
        elif age >= self.behaviour.lifetime:
            number.status = "expired"
            self.balance += number.price

    def _status(self, number: SoldNumber) -> dict[str, Any]:
        received = number.status in ("received", "finished")
        return {
            "id": number.id,
            "status": number.status,
            "code": number.code if received else None,
            "text": f"Your verification code is {number.code}" if received else None,
        }

    def _cancel(self, number: SoldNumber) -> dict[str, Any]:
        if number.status in ("cancelled", "expired"):
            return {"id": number.id, "status": "cancelled"}
        if self.behaviour.cancel_too_early > 0:
            self.behaviour.cancel_too_early -= 1
            retry_after = self.behaviour.cancel_retry_after
            raise _Error(
                409,
                "cancel_too_early",
                f"this number cannot be cancelled yet; try again in {retry_after} s",
                retry_after=retry_after,
            )
        if number.status == "waiting":
            self.balance += number.price
        number.status = "cancelled"
        return {"id": number.id, "status": "cancelled"}

    def _finish(self, number: SoldNumber) -> dict[str, Any]:
        number.status = "finished"
        return {"id": number.id, "status": "finished"}


def _banned() -> _Error:
    until = dt.datetime.now(UTC) + dt.timedelta(hours=2)
    return _Error(
        403, "banned", "this account is banned", banned_until=until.isoformat()
    )


_FAILURES: dict[str, Callable[[], _Error]] = {
    "invalid_key": lambda: _Error(
        401, "invalid_key", "the API key is missing or wrong"
    ),
    "no_balance": lambda: _Error(402, "no_balance", "the balance is too low"),
    "no_numbers": lambda: _Error(409, "no_numbers", "no numbers within the max price"),
    "banned": _banned,
    "country_not_supported": lambda: _Error(
        422, "country_not_supported", "no numbers for that country"
    ),
}


def _json(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError:
        raise _Error(400, "bad_request", "the body is not JSON") from None
