"""A loopback fake of SMS-Man's control API, for tests and trying things out.

It answers the documented calls (https://sms-man.com/api) with the documented
reply shapes, keeps a balance, sells numbers, delivers codes and refunds
rejected numbers::

    with SmsManFake(key="secret") as fake:
        ...  # SMSPLUG_SMSMAN_BASE_URL=fake.url, SMSPLUG_SMSMAN_API_KEY=secret

Where the docs are silent, its replies are assumptions, each marked
"assumed" below: the error codes for an unknown request id, for a status
change on a number that is over, for a too-early reject, and what get-sms
says about a number that is over. It binds to loopback only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from smsplug.testing.server import LoopbackServer, Reply, Request

__all__ = ["APPLICATIONS", "COUNTRIES", "FakeBehaviour", "FakeNumber", "SmsManFake"]

#: country_id -> (title, calling code). Ids where clients agree, others made up.
COUNTRIES: Mapping[str, tuple[str, str]] = {
    "1": ("Russia", "7"),
    "2": ("Kazakhstan", "7"),
    "5": ("USA", "1"),
    "6": ("Malaysia", "60"),
    "7": ("Indonesia", "62"),
    "10": ("England", "44"),
    "13": ("Germany", "49"),
    "14": ("India", "91"),
    "36": ("Canada", "1"),
    "73": ("France", "33"),
}

#: application_id -> (title, sms-activate style code).
APPLICATIONS: Mapping[str, tuple[str, str]] = {
    "1": ("VKontakte", "vk"),
    "2": ("WeChat", "wb"),
    "3": ("Telegram", "tg"),
    "6": ("WhatsApp", "wa"),
    "40": ("Facebook", "fb"),
    "41": ("Instagram", "ig"),
    "122": ("Google, Gmail, Youtube", "go"),
    "176": ("Amazon", "am"),
}

_ENDED = frozenset({"rejected", "expired", "used"})


@attrs.define
class FakeBehaviour:
    """What the fake does; change the fields at any time, even mid-test."""

    #: Seconds from purchase (or from a ``ready``) until a code arrives.
    code_delay: float = 0.0
    #: Never deliver a code by itself (``deliver`` still does).
    no_code: bool = False
    #: Sell nothing: every purchase answers no_numbers.
    out_of_stock: bool = False
    price: Decimal = Decimal("18.50")
    #: The account's currency; a get-number ``currency`` must match it.
    currency: str = "RUB"
    available: int = 1532
    #: Seconds a number lives before it expires unused (and is refunded).
    lifetime: float = 1200.0
    #: Refuse this many rejects as too early first.
    cancel_too_early: int = 0
    #: Answer this many requests with HTTP 429 first.
    rate_limited: int = 0
    #: How countries and applications are listed: ``"object"`` keyed by id
    #: (older clients read this) or ``"list"`` (newer guides show this).
    listing_shape: str = "object"
    countries: Mapping[str, tuple[str, str]] = COUNTRIES
    applications: Mapping[str, tuple[str, str]] = APPLICATIONS


@attrs.define
class FakeNumber:
    id: str
    phone: str
    country_id: str
    application_id: str
    price: Decimal
    sold_at: float
    #: waiting, closed, rejected, used or expired.
    status: str = "waiting"
    codes: list[str] = attrs.field(factory=list)
    #: When the next code arrives by itself (monotonic time), if ever.
    next_code_at: float | None = None


class _Refused(Exception):
    """Raised inside a handler to answer with an error reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def _refusal(code: str, message: object, *, status: int = 200) -> _Refused:
    body = {"success": False, "error_code": code, "error_msg": message}
    return _Refused(Reply(body, status=status))


class SmsManFake:
    """A loopback SMS-Man control API with a scripted :class:`FakeBehaviour`."""

    def __init__(
        self,
        *,
        key: str = "fake-key",
        balance: Decimal | str = "1000.00",
        behaviour: FakeBehaviour | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.key = key
        self.balance = Decimal(balance)
        self.behaviour = behaviour or FakeBehaviour()
        self.numbers: dict[str, FakeNumber] = {}
        self._lock = threading.Lock()
        self._next_id = 48213377
        self._scripted: list[Callable[[str], Reply]] = []
        self.server = LoopbackServer(self.handle, host=host, port=port)

    @property
    def url(self) -> str:
        """The base URL to configure: the server's ``/control`` path."""
        return f"{self.server.url}/control"

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def count(self, path: str, **params: str) -> int:
        """How many requests went to ``path`` with these parameters."""
        return sum(
            1
            for r in self.requests
            if r.path.rstrip("/") == f"/control/{path}"
            and all(r.params().get(k) == v for k, v in params.items())
        )

    def start(self) -> SmsManFake:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> SmsManFake:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- the conformance suite's controls -------------------------------------

    def error_kinds(self) -> frozenset[str]:
        """The purchase errors SMS-Man has a reply for."""
        return frozenset(_FAILURES) - {"garbage", "unavailable", "rate_limited"}

    def fail_next(self, kind: str) -> None:
        """Answer the next request with SMS-Man's reply for error ``kind``.

        Besides the error kinds: ``garbage`` (an HTML page with status 200),
        ``unavailable`` (an HTML 502) and ``rate_limited`` (a 429).
        """
        if kind not in _FAILURES:
            raise ValueError(f"no scripted reply for {kind!r}")
        with self._lock:
            self._scripted.append(_FAILURES[kind])

    def reply_next(self, body: Mapping[str, Any] | str, *, status: int = 200) -> None:
        """Answer the next request with ``body`` as is (other spellings, say)."""
        reply = Reply(body if isinstance(body, str) else dict(body), status=status)
        with self._lock:
            self._scripted.append(lambda _path: reply)

    def deliver(self, number_id: str, code: str) -> None:
        """Make ``code`` arrive on number ``number_id`` now."""
        with self._lock:
            number = self.numbers[number_id]
            number.codes.append(code)
            number.next_code_at = None

    # -- the protocol ----------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """Answer one request as SMS-Man's control API does."""
        path = request.path.rstrip("/").removeprefix("/control/")
        params = request.params()
        with self._lock:
            scripted = self._scripted.pop(0) if self._scripted else None
            if scripted is not None:
                return scripted(path)
            try:
                self._check_access(path, params)
                return Reply(self._route(path, params))
            except _Refused as refused:
                return refused.reply

    def _check_access(self, path: str, params: Mapping[str, str]) -> None:
        if self.behaviour.rate_limited > 0:
            self.behaviour.rate_limited -= 1
            raise _Refused(_rate_limited(path))
        if params.get("token") != self.key:
            raise _Refused(Reply(_wrong_token(path)))

    def _route(self, path: str, params: Mapping[str, str]) -> Any:
        match path:
            case "get-balance":
                return {"balance": f"{self.balance:.2f}"}
            case "limits":
                return self._limits(params)
            case "get-prices":
                return self._prices(params)
            case "countries":
                return self._listing(self.behaviour.countries, "title")
            case "applications":
                return self._listing(self.behaviour.applications, "name")
            case "get-number":
                return self._buy(params)
            case "get-sms":
                return self._sms(self._number(params))
            case "set-status":
                return self._set_status(self._number(params), params.get("status", ""))
        # Assumed: the docs do not say what an unknown path answers.
        raise _refusal("not_found", "Unknown method", status=404)

    def _limits(self, params: Mapping[str, str]) -> list[dict[str, str]]:
        available = 0 if self.behaviour.out_of_stock else self.behaviour.available
        return [
            {"application_id": aid, "country_id": cid, "numbers": str(available)}
            for cid in self._country_ids(params)
            for aid in self.behaviour.applications
            if params.get("application_id") in (None, "", aid)
        ]

    def _prices(self, params: Mapping[str, str]) -> dict[str, Any]:
        available = 0 if self.behaviour.out_of_stock else self.behaviour.available
        row = {"cost": f"{self.behaviour.price}", "count": available}
        return {
            cid: {aid: dict(row) for aid in self.behaviour.applications}
            for cid in self._country_ids(params)
        }

    def _country_ids(self, params: Mapping[str, str]) -> list[str]:
        wanted = params.get("country_id")
        if not wanted:
            return list(self.behaviour.countries)
        if wanted not in self.behaviour.countries:
            raise _wrong_country()
        return [wanted]

    def _listing(self, entries: Mapping[str, tuple[str, str]], name_key: str) -> Any:
        if self.behaviour.listing_shape == "list":
            return [
                {"id": int(eid), name_key: title, "code": code}
                for eid, (title, code) in entries.items()
            ]
        return {
            eid: {"id": eid, "title": title, "code": code}
            for eid, (title, code) in entries.items()
        }

    def _buy(self, params: Mapping[str, str]) -> dict[str, Any]:
        behaviour = self.behaviour
        country_id = params.get("country_id", "0")
        if country_id == "0":  # the docs: 0 picks a random country
            country_id = next(iter(behaviour.countries))
        if country_id not in behaviour.countries:
            raise _wrong_country()
        application_id = params.get("application_id", "")
        if application_id not in behaviour.applications:
            raise _refusal(
                "wrong_application_id", {"application_id": "Wrong application"}
            )
        currency = params.get("currency", behaviour.currency).upper()
        if currency != behaviour.currency:
            # Assumed: the fake does not convert between currencies.
            raise _refusal("wrong_currency", f"Use {behaviour.currency}")
        if behaviour.out_of_stock or self._too_dear(params.get("maxPrice")):
            raise _no_numbers()
        if self.balance < behaviour.price:
            raise _no_balance()

        self.balance -= behaviour.price
        seq = self._next_id
        self._next_id += 1
        calling_code = behaviour.countries[country_id][1]
        now = time.monotonic()
        number = FakeNumber(
            id=str(seq),
            phone=f"{calling_code}{9_000_000_000 + seq}"[: len(calling_code) + 10],
            country_id=country_id,
            application_id=application_id,
            price=behaviour.price,
            sold_at=now,
            next_code_at=None if behaviour.no_code else now + behaviour.code_delay,
        )
        self.numbers[number.id] = number
        return {
            "request_id": seq,
            "country_id": int(country_id),
            "application_id": int(application_id),
            "number": number.phone,
        }

    def _too_dear(self, max_price: str | None) -> bool:
        if max_price is None:
            return False
        try:
            return self.behaviour.price > Decimal(max_price)
        except InvalidOperation:
            raise _refusal("wrong_max_price", {"maxPrice": "Wrong value"}) from None

    def _number(self, params: Mapping[str, str]) -> FakeNumber:
        number = self.numbers.get(params.get("request_id", ""))
        if number is None:
            # Assumed spelling, after the wrong_*_id errors clients handle.
            raise _refusal("wrong_request_id", {"request_id": "Wrong request"})
        self._advance(number)
        return number

    def _advance(self, number: FakeNumber) -> None:
        now = time.monotonic()
        if number.status in _ENDED:
            return
        if number.next_code_at is not None and now >= number.next_code_at:
            number.codes.append(
                f"{(int(number.id) * 7919 + len(number.codes)) % 100000:05d}"
            )
            number.next_code_at = None
        if (
            number.status == "waiting"
            and not number.codes
            and now - number.sold_at >= self.behaviour.lifetime
        ):
            number.status = "expired"
            self.balance += number.price

    def _sms(self, number: FakeNumber) -> dict[str, Any]:
        body: dict[str, Any] = {
            "request_id": int(number.id),
            "country_id": int(number.country_id),
            "application_id": int(number.application_id),
            "number": number.phone,
        }
        if number.codes:
            return {**body, "sms_code": number.codes[-1]}
        if number.status in _ENDED:
            # Assumed: what get-sms says about a number that is over.
            raise _refusal("wrong_status", "The request is closed")
        return {**body, "error_code": "wait_sms", "error_msg": "Still waiting..."}

    def _set_status(self, number: FakeNumber, status: str) -> dict[str, Any]:
        # Assumed: a change the number's state does not allow is wrong_status.
        closed = _refusal("wrong_status", {"status": "Wrong status"})
        if (
            status not in ("ready", "close", "reject", "used")
            or number.status in _ENDED
        ):
            raise closed
        if status == "reject":
            if number.codes or number.status == "closed":
                raise closed
            if self.behaviour.cancel_too_early > 0:
                self.behaviour.cancel_too_early -= 1
                # Assumed: SMS-Man's wording for a reject it refuses for now.
                raise _refusal("too_early", "Too early to reject, try again later")
            number.status = "rejected"
            self.balance += number.price
        elif status == "used":
            # Assumed: a number used elsewhere is refunded like a rejected one.
            number.status = "used"
            if not number.codes:
                self.balance += number.price
        elif status == "close":
            number.status = "closed"
        elif number.codes and not self.behaviour.no_code:
            number.next_code_at = time.monotonic() + self.behaviour.code_delay
        return {"request_id": int(number.id), "success": True}


def _wrong_token(path: str) -> dict[str, Any]:
    # The docs show a string for get-balance and an object everywhere else.
    message: object = (
        "Wrong token!" if path == "get-balance" else {"token": "Wrong token!"}
    )
    return {"success": False, "error_code": "wrong_token", "error_msg": message}


def _no_balance() -> _Refused:
    # The code is what client libraries read; the message text is assumed.
    return _refusal("balance", "Not enough balance")


def _no_numbers() -> _Refused:
    # As seen in the wild: no "success" key, an extra "error_id".
    body = {
        "error_code": "no_numbers",
        "error_id": 0,
        "error_msg": "No numbers, try again...",
    }
    return _Refused(Reply(body))


def _wrong_country() -> _Refused:
    return _refusal("wrong_country_id", {"country_id": "Wrong country"})


def _rate_limited(_path: str) -> Reply:
    # Assumed: SMS-Man documents no rate limit; this is the HTTP convention.
    body = {
        "success": False,
        "error_code": "too_many_requests",
        "error_msg": "Slow down",
    }
    return Reply(body, status=429, headers={"Retry-After": "1"})


_FAILURES: dict[str, Callable[[str], Reply]] = {
    "invalid_key": lambda path: Reply(_wrong_token(path)),
    "no_balance": lambda _path: _no_balance().reply,
    "no_numbers": lambda _path: _no_numbers().reply,
    "country_not_supported": lambda _path: _wrong_country().reply,
    "garbage": lambda _path: Reply(
        "<html><body><h1>Welcome to nginx!</h1></body></html>", content_type="text/html"
    ),
    "unavailable": lambda _path: Reply(
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
        status=502,
        content_type="text/html",
    ),
    "rate_limited": _rate_limited,
}
