"""A fake 5sim on loopback, speaking the documented protocol.

It keeps a balance and a rating, sells numbers, delivers SMS after a number
of status checks (so recordings do not depend on timing), refunds what is
cancelled, banned or expired, and answers with 5sim's plain-text errors.
It implements the conformance suite's ``FakeControl``::

    with FiveSimFake(key="eyJ...") as fake:
        ...  # SMSPLUG_5SIM_BASE_URL=fake.url (it already ends in /v1)

What 5sim answers in the situations its documentation leaves open (the exact
body of a 429, whether a too-low maxPrice reads "no free phones") is this
fake's guess, listed in the plugin README under "What is uncertain".
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from smsplug.testing.server import LoopbackServer, Reply, Request
from smsplug_fivesim import ids

__all__ = ["FAILURES", "Behaviour", "FakeOrder", "FiveSimFake"]

UTC = dt.UTC
OPERATORS = ("virtual21", "virtual38")
#: The reply for each purchase error kind, as 5sim words it.
FAILURES: Mapping[str, Reply] = {
    "invalid_key": Reply(b"", status=401, content_type="text/plain"),
    "no_balance": Reply("not enough user balance", status=400),
    "no_numbers": Reply("no free phones", status=200),
    "banned": Reply("not enough rating", status=400),
    "country_not_supported": Reply("bad country", status=400),
}
GARBAGE = Reply(
    "<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html"
)


@attrs.define
class Behaviour:
    """What the fake does; change the fields at any time, even mid-test."""

    #: The code arrives on this status check (so the first one finds none).
    code_on_check: int = 2
    #: A second SMS arrives this many checks after the first (0 = never).
    second_code_after: int = 0
    #: Never deliver an SMS by itself (``deliver`` still does).
    no_code: bool = False
    price: Decimal = Decimal("21.5")
    available: int = 340
    #: Sell nothing: every purchase answers "no free phones".
    out_of_stock: bool = False
    #: Sell above the buyer's maxPrice (a misbehaving provider).
    ignore_max_price: bool = False
    #: 5sim's rating of the account; below 1 it cannot order.
    rating: Decimal = Decimal(96)
    #: Refuse this many cancels with "you need to wait time" first.
    cancel_too_early: int = 0
    #: Answer this many requests with HTTP 429 first.
    rate_limited: int = 0
    #: Seconds a number lives before it expires.
    lifetime: float = 900.0


@attrs.define
class FakeOrder:
    id: int
    phone: str
    product: str
    operator: str
    country: str
    price: Decimal
    created: dt.datetime
    expires: dt.datetime
    code: str
    status: str = "PENDING"
    checks: int = 0
    sms: list[dict[str, Any]] = attrs.field(factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "phone": self.phone,
            "operator": self.operator,
            "product": self.product,
            "price": float(self.price),
            "status": self.status,
            "expires": _stamp(self.expires),
            # 5sim sends null until the number is issued, then a list.
            "sms": None if self.status == "PENDING" else list(self.sms),
            "created_at": _stamp(self.created),
            "forwarding": False,
            "forwarding_number": "",
            "country": self.country,
        }


class _Refusal(Exception):
    def __init__(self, body: str, status: int = 400) -> None:
        super().__init__(body)
        self.reply = Reply(body, status=status)


class FiveSimFake:
    """A loopback 5sim with a scripted :class:`Behaviour`."""

    def __init__(
        self,
        *,
        key: str = "eyJfake.5sim.key",
        balance: Decimal | str = "87.5",
        behaviour: Behaviour | None = None,
    ) -> None:
        self.key = key
        self.balance = Decimal(balance)
        self.behaviour = behaviour or Behaviour()
        self.orders: dict[str, FakeOrder] = {}
        self._next: list[tuple[str, Reply]] = []
        self._lock = threading.Lock()
        self._next_id = 512345678
        self.server = LoopbackServer(self.handle)

    @property
    def url(self) -> str:
        """The base URL to configure: the server's address plus ``/v1``."""
        return self.server.url + "/v1"

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def __enter__(self) -> FiveSimFake:
        self.server.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.stop()

    # -- the conformance suite's controls -------------------------------------

    def error_kinds(self) -> frozenset[str]:
        return frozenset(FAILURES)

    def fail_next(self, kind: str) -> None:
        """Answer the next request with 5sim's reply for error ``kind``."""
        if kind == "garbage":
            self.answer_next(GARBAGE)
        elif kind in FAILURES:
            self.answer_next(FAILURES[kind])
        else:
            raise ValueError(f"no scripted reply for {kind!r}")

    def answer_next(self, reply: Reply, *, path: str = "") -> None:
        """Answer the next request whose path holds ``path`` with ``reply``."""
        with self._lock:
            self._next.append((path, reply))

    def deliver(self, number_id: str, code: str) -> None:
        """Make an SMS with ``code`` arrive on order ``number_id`` now."""
        with self._lock:
            self._add_sms(self.orders[number_id], code)

    # -- the protocol -----------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        with self._lock:
            for i, (fragment, reply) in enumerate(self._next):
                if fragment in request.path:
                    del self._next[i]
                    return reply
            if self.behaviour.rate_limited > 0:
                self.behaviour.rate_limited -= 1
                return Reply(b"", status=429, content_type="text/plain")
            parts = request.path.strip("/").split("/")
            if parts[:1] != ["v1"]:
                return Reply("404 page not found", status=404)
            if parts[1:2] == ["user"] and (
                request.headers.get("authorization") != f"Bearer {self.key}"
            ):
                return Reply(b"", status=401, content_type="text/plain")
            try:
                return Reply(self._route(parts[1:], request.query))
            except _Refusal as refusal:
                return refusal.reply

    def _route(self, parts: list[str], query: Mapping[str, str]) -> Any:
        match parts:
            case ["user", "profile"]:
                return self._profile()
            case ["guest", "prices"]:
                return self._prices(query.get("country"), query.get("product"))
            case ["user", "buy", "activation", country, operator, product]:
                return self._buy(country, operator, product, query.get("maxPrice"))
            case ["user", "check", order_id]:
                return self._check(self._order(order_id))
            case ["user", "cancel", order_id]:
                return self._end(self._order(order_id), "CANCELED")
            case ["user", "finish", order_id]:
                return self._finish(self._order(order_id))
            case ["user", "ban", order_id]:
                return self._end(self._order(order_id), "BANNED")
        raise _Refusal("404 page not found", status=404)

    def _profile(self) -> dict[str, Any]:
        return {
            "id": 123456,
            "email": "buyer@example.com",
            "vendor": "",
            "default_forwarding_number": "",
            "balance": float(self.balance),
            "rating": float(self.behaviour.rating),
            "default_country": {"name": "england", "iso": "gb", "prefix": "+44"},
            "default_operator": {"name": ""},
            "frozen_balance": 0,
        }

    def _prices(self, country: str | None, product: str | None) -> Any:
        if country is not None and country not in _COUNTRY_NAMES:
            raise _Refusal("bad country")
        if product is not None and product not in _PRODUCTS:
            return None
        products = [product] if product else sorted(_PRODUCTS)[:3]
        if country is None:
            return {
                p: {c: self._offers() for c in ("england", "usa")} for p in products
            }
        return {country: {p: self._offers() for p in products}}

    def _offers(self) -> dict[str, Any]:
        behaviour = self.behaviour
        count = 0 if behaviour.out_of_stock else behaviour.available
        return {
            OPERATORS[0]: {
                "cost": float(behaviour.price),
                "count": count,
                "rate": 88.2,
            },
            # 5sim leaves out the delivery rate of some operators.
            OPERATORS[1]: {"cost": float(behaviour.price - 3), "count": 0},
        }

    def _buy(
        self, country: str, operator: str, product: str, max_price: str | None
    ) -> dict[str, Any]:
        behaviour = self.behaviour
        if country != "any" and country not in _COUNTRY_NAMES:
            raise _Refusal("bad country")
        if operator != "any" and operator not in OPERATORS:
            raise _Refusal("bad operator")
        if product not in _PRODUCTS:
            raise _Refusal("no product")
        too_dear = max_price is not None and Decimal(max_price) < behaviour.price
        if behaviour.out_of_stock or (too_dear and not behaviour.ignore_max_price):
            raise _Refusal("no free phones", status=200)
        if behaviour.rating < 1:
            raise _Refusal("not enough rating")
        if self.balance < behaviour.price:
            raise _Refusal("not enough user balance")

        self.balance -= behaviour.price
        seq = self._next_id
        self._next_id += 1
        now = dt.datetime.now(UTC)
        order = FakeOrder(
            id=seq,
            phone=f"+4477009{seq % 100000:05d}",
            product=product,
            operator=OPERATORS[0] if operator == "any" else operator,
            country="england" if country == "any" else country,
            price=behaviour.price,
            created=now,
            expires=now + dt.timedelta(seconds=behaviour.lifetime),
            code=f"{(seq * 7919) % 100000:05d}",
        )
        self.orders[str(seq)] = order
        return order.to_json()

    def _order(self, order_id: str) -> FakeOrder:
        order = self.orders.get(order_id)
        if order is None:
            raise _Refusal("order not found")
        self._advance(order)
        return order

    def _advance(self, order: FakeOrder) -> None:
        if order.status not in ("PENDING", "RECEIVED"):
            return
        if dt.datetime.now(UTC) >= order.expires:
            if order.sms:
                order.status = "FINISHED"
            else:
                order.status = "TIMEOUT"
                self.balance += order.price

    def _check(self, order: FakeOrder) -> dict[str, Any]:
        behaviour = self.behaviour
        if order.status == "PENDING":
            order.status = "RECEIVED"
        if order.status == "RECEIVED":
            order.checks += 1
            due = order.checks == behaviour.code_on_check
            if due and not behaviour.no_code and not order.sms:
                self._add_sms(order, order.code)
            second = behaviour.code_on_check + behaviour.second_code_after
            if behaviour.second_code_after and order.checks == second:
                self._add_sms(order, f"{(int(order.code) * 31) % 100000:05d}")
        return order.to_json()

    def _add_sms(self, order: FakeOrder, code: str) -> None:
        now = _stamp(dt.datetime.now(UTC))
        order.sms.append(
            {
                "created_at": now,
                "date": now,
                "sender": order.product.capitalize(),
                "text": f"Your {order.product} code: {code}. Do not share it.",
                "code": code,
            }
        )

    def _end(self, order: FakeOrder, status: str) -> dict[str, Any]:
        """Cancel or ban an unused order, which refunds it."""
        if order.status == "TIMEOUT":
            raise _Refusal("order expired")
        if order.status in ("CANCELED", "BANNED"):
            return order.to_json()
        if order.sms:
            raise _Refusal("order has sms")
        if status == "CANCELED" and self.behaviour.cancel_too_early > 0:
            self.behaviour.cancel_too_early -= 1
            raise _Refusal("you need to wait time")
        order.status = status
        self.balance += order.price
        return order.to_json()

    def _finish(self, order: FakeOrder) -> dict[str, Any]:
        if order.status == "TIMEOUT":
            raise _Refusal("order expired")
        if not order.sms:
            raise _Refusal("order no sms")
        order.status = "FINISHED"
        return order.to_json()


_COUNTRY_NAMES = frozenset(ids.COUNTRIES.values())
_PRODUCTS = frozenset(ids.SERVICES.values())


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
