"""A loopback fake of SMSPool's documented API, for tests and trying things out.

It keeps a balance, sells numbers, delivers codes after
``behaviour.code_delay``, refunds cancelled and expired orders, resends an
SMS on request, and answers any documented refusal on demand::

    with SmspoolFake(key="secret") as fake:
        ...  # SMSPLUG_SMSPOOL_BASE_URL=fake.url SMSPLUG_SMSPOOL_API_KEY=secret

Its :class:`~smsplug.testing.Behaviour` scripts delays, missing codes, an
empty stock, cancels refused as too early and rate limits; ``banned_until``
and ``cancel_retry_after`` are ignored, since SMSPool documents neither a
ban nor a time to retry a cancel. It serves the endpoints the plugin uses:
/request/balance, /request/price, /sms/stock, /purchase/sms, /sms/check,
/sms/cancel and /sms/resend.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from smsplug.testing.reference import Behaviour
from smsplug.testing.server import LoopbackServer, Reply, Request
from smsplug_smspool.ids import iso_country

__all__ = ["FAILURES", "Order", "SmspoolFake"]

WAITING, RECEIVED, REFUNDED = 1, 3, 6
POOL = 5
_CALLING_CODES = {
    "us": "1", "gb": "44", "de": "49", "fr": "33", "nl": "31", "pl": "48",
    "ua": "380", "kz": "7", "id": "62", "in": "91", "br": "55",
}  # fmt: skip
_KEY_HELP = "Your API key which can be found on your settings page at /my/settings"
_MISSING = "You are missing a required parameter for this request."
_NO_STOCK = (
    "We couldn't find an available phone number for you, please try again later!"
)


@attrs.define
class Order:
    """One number sold, as the fake remembers it."""

    order_id: str
    cc: str
    national: str
    service: str
    country: str
    price: Decimal
    sold_at: float
    code: str
    expires_at: int
    status: int = WAITING
    resends: int = 0


class SmspoolFake(LoopbackServer):
    """SMSPool on 127.0.0.1, with a scripted :class:`Behaviour`.

    Being a :class:`~smsplug.testing.server.LoopbackServer`, it logs every
    request (``requests``, ``count``) and can hang up or stall on demand.
    """

    def __init__(
        self,
        *,
        key: str = "smspool-fake-key",
        balance: Decimal | str = "10.00",
        behaviour: Behaviour | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(self.handle, host=host, port=port)
        self.key = key
        self.balance = Decimal(balance)
        self.behaviour = behaviour or Behaviour()
        self.orders: dict[str, Order] = {}
        self._state = threading.Lock()
        self._next = 1001
        self._fail_next: tuple[str, str | None] | None = None

    def __enter__(self) -> SmspoolFake:
        self.start()
        return self

    # -- the conformance suite's controls -----------------------------------

    def error_kinds(self) -> frozenset[str]:
        """The purchase refusals SMSPool documents, as smsplug error kinds."""
        return frozenset(
            {"invalid_key", "no_balance", "no_numbers", "country_not_supported"}
        )

    def fail_next(self, kind: str, *, path: str | None = None) -> None:
        """Answer the next request (to ``path``, if given) with SMSPool's reply.

        ``kind`` is an error kind from :meth:`error_kinds` or a key of
        :data:`FAILURES` (``out_of_stock``, ``not_found``, ``garbage``, ...).
        """
        if kind not in FAILURES:
            raise ValueError(f"SMSPool documents no reply for {kind!r}")
        with self._state:
            self._fail_next = (kind, path)

    def deliver(self, number_id: str, code: str | None = None) -> None:
        """Make the code of order ``number_id`` arrive now."""
        with self._state:
            order = self.orders[number_id]
            order.code = code or order.code
            if order.status == WAITING:
                order.status = RECEIVED

    # -- the protocol ------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        if self.behaviour.slow:
            time.sleep(self.behaviour.slow)
        path = request.path.rstrip("/")
        with self._state:
            failure = self._fail_next
            if failure is not None and failure[1] in (None, path):
                self._fail_next = None
                return FAILURES[failure[0]](self)
            if self.behaviour.rate_limited > 0:
                self.behaviour.rate_limited -= 1
                return FAILURES["rate_limited"](self)
            params = request.params()
            refused = self._check_key(params, request.headers)
            if refused is not None:
                return refused
            route = _ROUTES.get(path)
            if route is None:
                return Reply({"success": 0, "message": "Not found"}, status=404)
            return route(self, params)

    def _check_key(
        self, params: Mapping[str, str], headers: Mapping[str, str]
    ) -> Reply | None:
        bearer = headers.get("authorization", "").removeprefix("Bearer ").strip()
        given = params.get("key") or bearer
        if not given:
            return _missing("key", _KEY_HELP)
        if given != self.key:
            return FAILURES["invalid_key"](self)
        return None

    def _balance(self, params: Mapping[str, str]) -> Reply:
        return Reply({"balance": f"{self.balance:.2f}"})

    def _price(self, params: Mapping[str, str]) -> Reply:
        refused = self._check_where(params)
        if refused is not None:
            return refused
        price = self.behaviour.price
        return Reply(
            {
                "price": f"{price:.2f}",
                "high_price": f"{price * 2:.2f}",
                "pool": POOL,
                "success_rate": 92,
            }
        )

    def _stock(self, params: Mapping[str, str]) -> Reply:
        refused = self._check_where(params)
        if refused is not None:
            return refused
        amount = 0 if self.behaviour.out_of_stock else self.behaviour.available
        return Reply({"success": 1, "amount": amount})

    def _purchase(self, params: Mapping[str, str]) -> Reply:
        refused = self._check_where(params)
        if refused is not None:
            return refused
        behaviour = self.behaviour
        price = behaviour.price
        limit = _decimal(params.get("max_price"))
        if limit is not None and limit < price and not behaviour.ignore_max_price:
            return FAILURES["price_not_found"](self)
        if behaviour.out_of_stock:
            return FAILURES["out_of_stock"](self)
        if self.balance < price:
            return FAILURES["no_balance"](self)

        self.balance -= price
        seq = self._next
        self._next += 1
        iso = iso_country(params["country"]) or "us"
        order = Order(
            order_id=f"SP{seq:06d}",
            cc=_CALLING_CODES.get(iso, "1"),
            # 07700 900xxx is reserved for drama: never a real subscriber.
            national=f"7700900{seq % 1000:03d}",
            service=params["service"],
            country=params["country"],
            price=price,
            sold_at=time.monotonic(),
            code=_code_for(seq),
            expires_at=int(time.time() + behaviour.lifetime),
        )
        self.orders[order.order_id] = order
        return Reply(
            {
                "success": 1,
                "number": int(order.cc + order.national),
                "cc": order.cc,
                "phonenumber": order.national,
                "order_id": order.order_id,
                "country": iso.upper(),
                "service": order.service,
                "pool": POOL,
                "expires_in": int(behaviour.lifetime),
                "expiration": order.expires_at,
                "message": f"You have succesfully ordered a number from pool: "
                f"Alpha for {price:.2f}.",
                "cost": f"{price:.2f}",
                "cost_in_cents": int(price * 100),
            }
        )

    def _check(self, params: Mapping[str, str]) -> Reply:
        order = self._order(params)
        if order is None:
            return FAILURES["not_found"](self)
        self._advance(order)
        if order.status == RECEIVED:
            return Reply(
                {
                    "status": RECEIVED,
                    "sms": order.code,
                    "full_sms": f"Your verification code is {order.code}",
                    "expiration": order.expires_at,
                }
            )
        if order.status == REFUNDED:
            return Reply(
                {
                    "status": REFUNDED,
                    "message": "This order has been refunded",
                    "resend": order.resends,
                    "time_left": 0,
                    "expiration": order.expires_at,
                }
            )
        left = max(0, int(self.behaviour.lifetime - (time.monotonic() - order.sold_at)))
        return Reply(
            {
                "status": WAITING,
                "resend": order.resends,
                "time_left": left,
                "expiration": order.expires_at,
            }
        )

    def _cancel(self, params: Mapping[str, str]) -> Reply:
        order = self._order(params)
        if order is None:
            return FAILURES["not_found"](self)
        self._advance(order)
        if order.status != WAITING:
            # Limitation: SMSPool documents no reply for cancelling an
            # order that is done or refunded; this wording is made up.
            return Reply(
                {"success": 0, "message": "This order cannot be cancelled."}, status=400
            )
        if self.behaviour.cancel_too_early > 0:
            self.behaviour.cancel_too_early -= 1
            return FAILURES["cancel_too_early"](self)
        order.status = REFUNDED
        self.balance += order.price
        return Reply(
            {
                "success": 1,
                "message": "The order has been cancelled, and you have been "
                f"refunded {order.price:.2f} dollars.",
            }
        )

    def _resend(self, params: Mapping[str, str]) -> Reply:
        order = self._order(params)
        if order is None:
            return FAILURES["not_found"](self)
        self._advance(order)
        if order.status != RECEIVED:
            return Reply(
                {
                    "success": 0,
                    "message": "You can only re-send to a phonenumber that has "
                    "received a SMS",
                },
                status=400,
            )
        order.resends += 1
        order.status = WAITING
        order.sold_at = time.monotonic()
        order.code = _code_for(int(order.order_id[2:]) + 7 * order.resends)
        return Reply(
            {
                "success": 1,
                "message": "Your number has been requested again!",
                "order_id": order.order_id,
                "charge": 0,
            }
        )

    # -- helpers -------------------------------------------------------------

    def _check_where(self, params: Mapping[str, str]) -> Reply | None:
        for field in ("country", "service"):
            if not params.get(field):
                return _missing(field, f"{field.title()} name or {field} ID")
        iso = iso_country(params["country"])
        if iso is None or iso not in self.behaviour.countries:
            return FAILURES["country_not_supported"](self)
        if not params["service"].isdigit():
            return _invalid("service")
        return None

    def _order(self, params: Mapping[str, str]) -> Order | None:
        return self.orders.get(params.get("orderid", ""))

    def _advance(self, order: Order) -> None:
        if order.status != WAITING:
            return
        age = time.monotonic() - order.sold_at
        if not self.behaviour.no_code and age >= self.behaviour.code_delay:
            order.status = RECEIVED
        elif age >= self.behaviour.lifetime:
            order.status = REFUNDED
            self.balance += order.price


def _code_for(seq: int) -> str:
    return f"{(seq * 7919) % 1_000_000:06d}"


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _missing(param: str, description: str) -> Reply:
    error = {"message": _MISSING, "param": param, "description": description}
    return Reply({"success": 0, "errors": [error]}, status=400)


def _invalid(param: str) -> Reply:
    # Limitation: SMSPool documents the reply for a missing country or
    # service, not for an unknown one; the fake answers in the same shape.
    error = {
        "message": f"The {param} you have entered is not valid.",
        "param": param,
        "description": f"{param.title()} name or {param} ID which can be retrieved "
        f"at the /{param}/retrieve_all endpoint",
    }
    return Reply({"success": 0, "errors": [error]}, status=400)


def _pools(kind: str, message: str) -> dict[str, Any]:
    inner = {"success": 0, "type": kind, "message": f"<p><b>Alpha</b> {message}</p>"}
    return {
        "success": 0,
        "type": kind,
        "message": f"<p>Pool <b>Alpha</b>: {message}</p>",
        "pools": {"Alpha": inner},
    }


def _no_balance(fake: SmspoolFake) -> Reply:
    text = (
        f"Insufficient balance, the price is: {fake.behaviour.price:.2f} while "
        f"you only have: {fake.balance:.2f}"
    )
    return Reply(_pools("BALANCE_ERROR", text), status=422)


def _out_of_stock(fake: SmspoolFake) -> Reply:
    body = _pools("OUT_OF_STOCK", f"<p>{_NO_STOCK}</p>")
    body["errors"] = [{"message": _NO_STOCK}]
    return Reply(body, status=422)


def _price_not_found(fake: SmspoolFake) -> Reply:
    message = "We could not find a suitable pool below the price of: 0.01"
    return Reply(
        {"success": 0, "type": "PRICE_NOT_FOUND", "message": message}, status=422
    )


#: SMSPool's replies for each failure, by name (error kinds among them).
FAILURES: Mapping[str, Callable[[SmspoolFake], Reply]] = {
    "invalid_key": lambda fake: Reply(
        {
            "success": 0,
            "errors": [
                {"message": "Invalid API key", "param": "key", "description": _KEY_HELP}
            ],
        },
        status=403,
    ),
    "no_balance": _no_balance,
    "no_numbers": _out_of_stock,
    "out_of_stock": _out_of_stock,
    "price_not_found": _price_not_found,
    "country_not_supported": lambda fake: _invalid("country"),
    "missing_parameter": lambda fake: _missing(
        "service",
        "Service name or service ID which can be retrieved at the "
        "/service/retrieve_all endpoint",
    ),
    "not_found": lambda fake: Reply(
        {"success": 0, "message": "We could not find this order!"}, status=404
    ),
    "cancel_too_early": lambda fake: Reply(
        {
            "success": 0,
            "message": "Your order cannot be cancelled yet, please try again later.",
        },
        status=400,
    ),
    "resend_unavailable": lambda fake: Reply(
        {
            "success": 0,
            "message": "This phonenumber is not available for re-send, please keep in "
            "mind that one-time phonenumbers have no guarantee for resends.",
        },
        status=400,
    ),
    "unknown_status": lambda fake: Reply({"status": 9, "expiration": int(time.time())}),
    # Limitation: SMSPool documents no body or Retry-After for its rate
    # limit; the fake answers HTTP 429 with a JSON refusal and Retry-After: 1.
    "rate_limited": lambda fake: Reply(
        {"success": 0, "message": "Too many requests"},
        status=429,
        headers={"Retry-After": "1"},
    ),
    "server_error": lambda fake: Reply(
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
        status=502,
        content_type="text/html",
    ),
    "garbage": lambda fake: Reply(
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>",
        content_type="text/html; charset=UTF-8",
    ),
}

_ROUTES: Mapping[str, Callable[[SmspoolFake, Mapping[str, str]], Reply]] = {
    "/request/balance": SmspoolFake._balance,
    "/request/price": SmspoolFake._price,
    "/sms/stock": SmspoolFake._stock,
    "/purchase/sms": SmspoolFake._purchase,
    "/sms/check": SmspoolFake._check,
    "/sms/cancel": SmspoolFake._cancel,
    "/sms/resend": SmspoolFake._resend,
}


def main(port: int = 8601) -> None:
    """Serve the fake on 127.0.0.1 until interrupted, for trying smsplug out."""
    fake = SmspoolFake(port=port, behaviour=Behaviour(code_delay=5))
    print(f"SMSPool fake on {fake.url} (key {fake.key!r}); Ctrl-C stops it")
    print(f"  export SMSPLUG_SMSPOOL_BASE_URL={fake.url}")
    print(f"  export SMSPLUG_SMSPOOL_API_KEY={fake.key}")
    with contextlib.suppress(KeyboardInterrupt):
        fake.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8601)
