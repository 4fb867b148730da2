"""A loopback OnlineSim: the documented native API, for tests and cassettes.

It keeps a balance in the account currency, sells numbers (``getNum``),
reports operations (``getState``), delivers codes after a delay or on
demand, closes and refunds (``setOperationOk``), asks for another SMS
(``setOperationRevise``) and lists prices (``getNumbersStats``). Errors come
as OnlineSim sends them: ``{"response": "CODE"}`` with HTTP 200.
:class:`Behaviour` scripts what a client must survive: no code, out of
stock, a blocked account, a close refused during the guard interval, a busy
service, a number that is assigned late.

```python
with OnlineSimFake(key="secret") as fake:
    ...  # SMSPLUG_ONLINESIM_BASE_URL=fake.url
```

It implements the conformance suite's ``FakeControl``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from smsplug.testing.server import LoopbackServer, Reply, Request

__all__ = ["Behaviour", "OnlineSimFake", "Order"]

#: The documented reply for each error kind a purchase can fail with.
KIND_CODES: Mapping[str, str] = {
    "invalid_key": "ERROR_WRONG_KEY",
    "no_balance": "WARNING_LOW_BALANCE",
    "no_numbers": "NO_NUMBER",
    "banned": "ACCOUNT_BLOCKED",
    "country_not_supported": "UNDEFINED_COUNTRY",
}
#: Further scriptable kinds, not part of the purchase checks.
EXTRA_KIND_CODES: Mapping[str, str] = {"provider_unavailable": "TRY_AGAIN_LATER"}

COUNTRIES: Mapping[int, str] = {
    1: "USA",
    7: "Russia",
    44: "United Kingdom",
    48: "Poland",
    49: "Germany",
    62: "Indonesia",
    77: "Kazakhstan",
    91: "India",
    380: "Ukraine",
}
SERVICES: Mapping[str, str] = {
    "telegram": "Telegram",
    "whatsapp": "WhatsApp",
    "vkcom": "VK",
    "google": "Google",
    "amazon": "Amazon",
    "other": "Other",
}
_PREFIXES: Mapping[int, str] = {77: "7"}
_RAW_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_GARBAGE = "<html><body><h1>502 Bad Gateway</h1></body></html>"


@attrs.define
class Behaviour:
    """What the fake does; change the fields at any time, even mid-test."""

    #: Seconds from purchase (or from asking for the next SMS) to the code.
    code_delay: float = 0.0
    #: Never deliver a code by itself (``deliver`` still does).
    no_code: bool = False
    #: Sell nothing: every purchase answers NO_NUMBER.
    out_of_stock: bool = False
    price: Decimal = Decimal("12")
    available: int = 154
    #: Every call answers ACCOUNT_BLOCKED.
    blocked: bool = False
    #: Seconds after purchase during which closing a number without an SMS
    #: answers NO_COMPLETE_TZID.
    close_guard: float = 0.0
    #: Answer this many calls with TRY_AGAIN_LATER first.
    busy: int = 0
    #: Seconds an operation lives; unused it ends as TZ_OVER_EMPTY, refunded.
    lifetime: float = 900.0
    #: Whether getNum sends the number along when asked to.
    send_number: bool = True
    #: How many getState calls show a new operation as TZ_INPOOL, unassigned.
    assign_after: int = 0
    #: Whether numbers are written with a leading "+".
    plus: bool = True
    countries: Mapping[int, str] = attrs.field(factory=lambda: dict(COUNTRIES))
    services: Mapping[str, str] = attrs.field(factory=lambda: dict(SERVICES))


@attrs.define
class Order:
    """One operation the fake has sold."""

    tzid: int
    service: str
    country: int
    phone: str
    price: Decimal
    bought_at: float
    waiting_since: float
    messages: list[str] = attrs.field(factory=list)
    state: str = "TZ_NUM_WAIT"
    #: How many times the next SMS was asked for.
    revisions: int = 0
    polls: int = 0
    closed: bool = False
    refunded: bool = False


class OnlineSimFake(LoopbackServer):
    """OnlineSim's native API on loopback, with a scripted :class:`Behaviour`.

    Being a :class:`LoopbackServer`, it logs ``requests`` and can hang up or
    answer slowly (``hangups``, ``delay``) as well.
    """

    def __init__(
        self,
        *,
        key: str = "onlinesim-fake-key",
        balance: Decimal | str = "230.25",
        behaviour: Behaviour | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(self.handle, host=host, port=port)
        self.key = key
        self.balance = Decimal(balance)
        self.behaviour = behaviour or Behaviour()
        self.orders: dict[str, Order] = {}
        self._state_lock = threading.Lock()
        self._next_tzid = 87654321
        self._scripted: str | None = None

    def __enter__(self) -> OnlineSimFake:
        self.start()
        return self

    def calls(self, method: str) -> list[dict[str, str]]:
        """The parameters of every call of ``method`` (``getNum``), in order."""
        return [r.params() for r in self.requests if r.path == f"/api/{method}.php"]

    # -- the conformance suite's controls -----------------------------------

    def error_kinds(self) -> frozenset[str]:
        return frozenset(KIND_CODES)

    def fail_next(self, kind: str) -> None:
        """Answer the next call with the documented reply for ``kind``.

        ``kind`` is an error kind, ``"garbage"``, or an OnlineSim response
        code such as ``"NO_COMPLETE_TZID"``.
        """
        code = KIND_CODES.get(kind) or EXTRA_KIND_CODES.get(kind)
        if code is None and kind != "garbage" and not _RAW_CODE.match(kind):
            raise ValueError(f"no scripted reply for {kind!r}")
        with self._state_lock:
            self._scripted = code or kind

    def deliver(self, number_id: str, code: str | None = None) -> None:
        """Make an SMS with ``code`` arrive on operation ``number_id`` now."""
        with self._state_lock:
            order = self.orders[number_id]
            order.messages.append(code or self._code_for(order))
            order.state = "TZ_NUM_ANSWER"

    # -- the protocol ------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """Answer one request as OnlineSim documents it."""
        with self._state_lock:
            scripted, self._scripted = self._scripted, None
            if scripted == "garbage":
                return Reply(_GARBAGE, content_type="text/html")
            if scripted is not None:
                return Reply({"response": scripted})
            return Reply(self._route(request))

    def _route(self, request: Request) -> Any:
        match = re.fullmatch(r"/api/(\w+)\.php", request.path)
        if match is None:
            return _error("REQUEST_NOT_FOUND")
        params = request.params()
        if not params.get("apikey"):
            return _error("ERROR_NO_KEY")
        if params["apikey"] != self.key:
            return _error("ERROR_WRONG_KEY")
        behaviour = self.behaviour
        if behaviour.blocked:
            return _error("ACCOUNT_BLOCKED")
        if behaviour.busy > 0:
            behaviour.busy -= 1
            return _error("TRY_AGAIN_LATER")

        method = match.group(1)
        if method == "getBalance":
            return self._balance()
        if method == "getNumbersStats":
            return self._stats(params)
        if method == "getNum":
            return self._buy(params)
        if method == "getState":
            return self._state(params)
        if method in ("setOperationOk", "setOperationRevise"):
            order = self.orders.get(params.get("tzid", ""))
            if not params.get("tzid"):
                return _error("ERROR_NO_TZID")
            if order is None or order.closed:
                return _error("ERROR_WRONG_TZID")
            if method == "setOperationOk":
                return self._close(order)
            return self._revise(order)
        return _error("REQUEST_NOT_FOUND")

    def _balance(self) -> dict[str, Any]:
        for order in self.orders.values():
            self._advance(order)
        frozen = sum(
            (o.price for o in self.orders.values() if not o.closed and not o.refunded),
            Decimal(0),
        )
        return {
            "response": 1,
            "balance": f"{self.balance:.2f}",
            "zbalance": _num(frozen),
        }

    def _stats(self, params: Mapping[str, str]) -> dict[str, Any]:
        country = _int(params.get("country", "7"))
        behaviour = self.behaviour
        if country not in behaviour.countries:
            return _error("UNDEFINED_COUNTRY")
        count = 0 if behaviour.out_of_stock else behaviour.available
        return {
            "name": behaviour.countries[country],
            "position": 1,
            "code": country,
            "new": False,
            "enabled": True,
            "services": {
                f"service_{slug}": {
                    "count": count,
                    "popular": True,
                    "code": country,
                    "price": _num(behaviour.price),
                    "id": index + 1,
                    "service": name,
                    "slug": slug,
                }
                for index, (slug, name) in enumerate(behaviour.services.items())
            },
        }

    def _buy(self, params: Mapping[str, str]) -> dict[str, Any]:
        behaviour = self.behaviour
        service = params.get("service", "")
        if not service:
            return _error("ERROR_NO_SERVICE")
        country = _int(params.get("country", "7"))
        if country not in behaviour.countries:
            return _error("UNDEFINED_COUNTRY")
        known = {s.lower() for s in behaviour.services}
        if behaviour.out_of_stock or service.lower() not in known:
            return _error("NO_NUMBER")
        if self.balance < behaviour.price:
            return _error("WARNING_LOW_BALANCE")

        self.balance -= behaviour.price
        tzid = self._next_tzid
        self._next_tzid += 1
        national = f"9{tzid % 10**9:09d}"
        digits = (_PREFIXES.get(country, str(country)) + national)[:15]
        now = time.monotonic()
        order = Order(
            tzid=tzid,
            service=service,
            country=country,
            phone=("+" if behaviour.plus else "") + digits,
            price=behaviour.price,
            bought_at=now,
            waiting_since=now,
        )
        self.orders[str(tzid)] = order
        reply: dict[str, Any] = {"response": 1, "tzid": tzid}
        if params.get("number") not in (None, "", "0", "false") and (
            behaviour.send_number
        ):
            reply["number"] = order.phone
        return reply

    def _state(self, params: Mapping[str, str]) -> Any:
        wanted = params.get("tzid")
        orders = [
            o
            for key, o in self.orders.items()
            if not o.closed and (not wanted or key == wanted)
        ]
        if not orders:
            return _error("ERROR_NO_OPERATIONS")
        as_code = params.get("message_to_code", "1") != "0"
        as_list = params.get("msg_list", "1") != "0"
        return [self._describe(o, as_code=as_code, as_list=as_list) for o in orders]

    def _describe(
        self, order: Order, *, as_code: bool, as_list: bool
    ) -> dict[str, Any]:
        self._advance(order)
        order.polls += 1
        in_pool = order.polls <= self.behaviour.assign_after
        left = self.behaviour.lifetime - (time.monotonic() - order.bought_at)
        item: dict[str, Any] = {
            "country": order.country,
            "sum": _num(order.price),
            "service": order.service,
            "response": "TZ_INPOOL" if in_pool else order.state,
            "tzid": order.tzid,
            "time": max(0, int(left)),
            "form": "index",
        }
        if not in_pool:
            item["number"] = order.phone
        if order.messages:
            texts = [
                code if as_code else f"Your {order.service} code is {code}"
                for code in order.messages
            ]
            item["msg"] = (
                [{"service": order.service, "msg": t} for t in texts]
                if as_list
                else texts[-1]
            )
        return item

    def _close(self, order: Order) -> dict[str, Any]:
        self._advance(order)
        age = time.monotonic() - order.bought_at
        if (
            not order.messages
            and order.state != "TZ_OVER_EMPTY"
            and (age < self.behaviour.close_guard)
        ):
            return {"response": "NO_COMPLETE_TZID", "tzid": order.tzid}
        if not order.messages:
            self._refund(order)
        order.closed = True
        order.state = "TZ_OVER_OK"
        return {"response": 1, "tzid": order.tzid}

    def _revise(self, order: Order) -> dict[str, Any]:
        order.revisions += 1
        order.waiting_since = time.monotonic()
        order.state = "TZ_NUM_WAIT"
        return {"response": 1, "tzid": order.tzid}

    def _advance(self, order: Order) -> None:
        if order.closed or order.state == "TZ_OVER_EMPTY":
            return
        now = time.monotonic()
        behaviour = self.behaviour
        due = now - order.waiting_since >= behaviour.code_delay
        if due and not behaviour.no_code and len(order.messages) <= order.revisions:
            order.messages.append(self._code_for(order))
            order.state = "TZ_NUM_ANSWER"
        elif not order.messages and now - order.bought_at >= behaviour.lifetime:
            order.state = "TZ_OVER_EMPTY"
            self._refund(order)

    def _refund(self, order: Order) -> None:
        if not order.refunded:
            order.refunded = True
            self.balance += order.price

    @staticmethod
    def _code_for(order: Order) -> str:
        return f"{(order.tzid * 7919 + len(order.messages) * 104729) % 1_000_000:06d}"


def _error(code: str) -> dict[str, Any]:
    return {"response": code}


def _num(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _int(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() else -1
