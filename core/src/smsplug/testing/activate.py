"""A fake sms-activate compatible provider: handler_api.php on loopback.

It speaks the protocol as :mod:`smsplug.protocols.activate` documents it, in
the :class:`~smsplug.protocols.activate.Dialect` it is given (which newer
actions exist, which ids it knows): it keeps a balance, sells numbers,
delivers codes after a delay, refunds cancelled and expired numbers, and
lists the open ones. :class:`Behaviour` scripts what a client must survive:
no code, a second SMS, refused early cancels, bans, channel limits, rate
limits, 5xx pages, purchases whose reply is lost or garbled, and errors
sent as text, as JSON or with a 4xx status. :meth:`ActivateServer.script`
queues any literal reply for the next matching request::

    with ActivateServer(smsplug_herosms.DIALECT, key="secret") as server:
        server.script("getStatus", "STATUS_WAIT_RETRY:111111")
        ...  # point the plugin's base_url at server.base_url

It binds to loopback only and serves from a background thread.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from smsplug.catalog import SERVICES as CATALOG
from smsplug.protocols.activate import Dialect
from smsplug.testing.server import Hangup, LoopbackServer, Reply, Request

__all__ = ["HANDLER_PATH", "ActivateServer", "Behaviour", "FakeActivation"]

UTC = dt.UTC
HANDLER_PATH = "/stubs/handler_api.php"
PURCHASES = frozenset({"getNumber", "getNumberV2"})
_TIME = "%Y-%m-%d %H:%M:%S"
# What PHP sends by default; clients must not depend on it.
_TEXT = "text/html; charset=UTF-8"
_PHONE_PREFIX = {
    "0": "7", "1": "380", "2": "7", "6": "62", "16": "44", "22": "91",
    "43": "49", "62": "90", "73": "55", "78": "33", "187": "1",
}  # fmt: skip
_HTTP_STATUS = {
    "BAD_KEY": 401,
    "NO_KEY": 401,
    "NO_BALANCE": 402,
    "BANNED": 403,
    "NO_NUMBERS": 404,
    "NO_ACTIVATION": 404,
    "WRONG_MAX_PRICE": 409,
    "EARLY_CANCEL_DENIED": 409,
    "CHANNELS_LIMIT": 429,
    "ERROR_SQL": 500,
}
GENERIC = Dialect(name="activate", title="sms-activate compatible", base_url="")


@attrs.define
class Behaviour:
    """What the fake does; change the fields at any time, even mid-test."""

    #: Seconds from purchase (or from a request for another SMS) to the code.
    code_delay: float = 0.0
    #: Never deliver a code (unless :meth:`ActivateServer.deliver` is called).
    no_code: bool = False
    #: ``STATUS_OK`` carries the whole SMS text, not just the code.
    full_text: bool = False
    #: The price of a number, and the lowest price accepted as ``maxPrice``.
    price: Decimal = Decimal("0.25")
    available: int = 42
    out_of_stock: bool = False
    #: The account is banned until then: every request answers ``BANNED:``.
    banned_until: dt.datetime | None = None
    #: The most numbers open at once before ``CHANNELS_LIMIT``.
    channels: int | None = None
    #: Seconds after a purchase during which cancels are refused.
    early_cancel: float = 0.0
    #: Refuse this many cancels with ``EARLY_CANCEL_DENIED`` first.
    cancel_too_early: int = 0
    #: Answer this many requests with 429 (and ``Retry-After``) first.
    rate_limited: int = 0
    retry_after: int = 1
    #: Answer this many requests with a 503 page first.
    server_errors: int = 0
    #: Sell, then hang up without a reply, on this many purchases.
    lost_replies: int = 0
    #: Sell, then answer with a 502 page (a proxy that gave up waiting), on
    #: this many purchases.
    sale_errors: int = 0
    #: How purchases answer: ``"text"``, ``"json"`` or ``"auto"`` (JSON for
    #: getNumberV2, text for getNumber).
    number_reply: str = "auto"
    #: How errors are sent: ``"text"`` (200), ``"json"`` (200) or ``"http"``
    #: (the token with a 4xx or 5xx status).
    error_style: str = "text"
    #: Seconds a number lives before it expires unused (and is refunded).
    lifetime: float = 1200.0
    #: Seconds to wait before every reply.
    slow: float = 0.0


@attrs.define
class FakeActivation:
    id: str
    phone: str
    service: str
    country: str
    price: Decimal
    sold_at: float
    code: str
    #: waiting, retry, received, finished, cancelled or expired.
    status: str = "waiting"
    #: When the current wait for a code began.
    since: float = 0.0
    delivered: bool = False
    previous: str | None = None

    def sms(self) -> str:
        return f"Your verification code is: {self.code}. Do not share it."


class _Token(Exception):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


_Scripted = Reply | str


class ActivateServer:
    """A loopback handler_api.php provider in one dialect."""

    def __init__(
        self,
        dialect: Dialect = GENERIC,
        *,
        key: str = "activate-key",
        balance: Decimal | str = "10.00",
        behaviour: Behaviour | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.dialect = dialect
        self.key = key
        self.balance = Decimal(balance)
        self.behaviour = behaviour or Behaviour()
        self.numbers: dict[str, FakeActivation] = {}
        self.countries = frozenset(dialect.countries.values())
        self.services = frozenset(dialect.services.values())
        self._lock = threading.Lock()
        self._sold = 0
        self._script: list[tuple[frozenset[str] | None, _Scripted]] = []
        self.server = LoopbackServer(self.handle, host=host, port=port)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def base_url(self) -> str:
        """The handler URL, what a plugin's base_url setting takes."""
        return self.server.url + HANDLER_PATH

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def calls(self, action: str | None = None) -> list[dict[str, str]]:
        """The parameters of every request for ``action`` (all when None)."""
        return [
            params
            for params in (r.params() for r in self.server.requests)
            if action is None or params.get("action") == action
        ]

    def start(self) -> ActivateServer:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> ActivateServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- scripting -------------------------------------------------------------

    def script(self, actions: str | Iterable[str] | None, *replies: _Scripted) -> None:
        """Answer the next requests for ``actions`` (None: any) with ``replies``.

        A string is sent as a 200 text reply, a :class:`Reply` as it is.
        """
        match = (
            None
            if actions is None
            else frozenset([actions] if isinstance(actions, str) else actions)
        )
        with self._lock:
            self._script.extend((match, reply) for reply in replies)

    def error_reply(self, token: str) -> Reply:
        """The reply for an error token, in the configured error style."""
        style = self.behaviour.error_style
        if style == "json":
            return Reply({"status": "error", "message": token})
        status = (
            _HTTP_STATUS.get(token.partition(":")[0], 400) if style == "http" else 200
        )
        return Reply(token, status=status, content_type=_TEXT)

    # -- the conformance suite's controls ----------------------------------------

    def error_kinds(self) -> frozenset[str]:
        return frozenset({"invalid_key", "banned", *_PURCHASE_FAILURES})

    def fail_next(self, kind: str) -> None:
        """Answer the next request that can fail so with the reply for ``kind``.

        Key and ban errors (and ``"garbage"``) answer the next request of any
        action; the others the next purchase.
        """
        if kind == "garbage":
            self.script(None, page(200, "This site has moved"))
        elif kind == "invalid_key":
            self.script(None, self.error_reply("BAD_KEY"))
        elif kind == "banned":
            until = dt.datetime.now(UTC) + dt.timedelta(hours=2)
            self.script(None, self.error_reply(f"BANNED:{until.strftime(_TIME)}"))
        elif kind in _PURCHASE_FAILURES:
            self.script(PURCHASES, self.error_reply(_PURCHASE_FAILURES[kind]))
        else:
            raise ValueError(f"no scripted reply for {kind!r}")

    def deliver(self, number_id: str, code: str | None = None) -> None:
        """Make the code of ``number_id`` arrive now."""
        with self._lock:
            number = self.numbers[number_id]
            number.code = code or number.code
            number.delivered = True
            number.since = time.monotonic() - self.behaviour.code_delay

    def request_another_sms(self, number_id: str) -> None:
        """What ``setStatus`` 3 does: wait for a second code on the number."""
        with self._lock:
            self._retry(self.numbers[number_id])

    # -- the protocol --------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """Answer one request, as a real handler_api.php would."""
        behaviour = self.behaviour
        if behaviour.slow:
            time.sleep(behaviour.slow)
        if not request.path.endswith("handler_api.php"):
            return page(404, "Not Found")
        params = request.params()
        action = params.get("action", "")
        with self._lock:
            if behaviour.rate_limited > 0:
                behaviour.rate_limited -= 1
                return Reply(
                    "Too Many Requests",
                    status=429,
                    headers={"Retry-After": str(behaviour.retry_after)},
                )
            if behaviour.server_errors > 0:
                behaviour.server_errors -= 1
                return page(503, "Service Unavailable")
            scripted = self._scripted(action)
        if scripted is not None:
            return scripted if isinstance(scripted, Reply) else _text(scripted)
        try:
            with self._lock:
                reply = self._route(action, params)
        except _Token as error:
            return self.error_reply(error.token)
        if reply is None:
            raise Hangup
        return reply

    def _scripted(self, action: str) -> _Scripted | None:
        for index, (actions, reply) in enumerate(self._script):
            if actions is None or action in actions:
                del self._script[index]
                return reply
        return None

    def _route(self, action: str, params: Mapping[str, str]) -> Reply | None:
        key = params.get("api_key")
        if not key:
            raise _Token("NO_KEY")
        if key != self.key:
            raise _Token("BAD_KEY")
        until = self.behaviour.banned_until
        if until is not None and until > dt.datetime.now(UTC):
            raise _Token(f"BANNED:{until.astimezone(UTC).strftime(_TIME)}")
        dialect = self.dialect
        handlers: dict[str, Callable[[Mapping[str, str]], Reply | None]] = {
            "getBalance": self._balance,
            "getNumber": self._buy,
            "getStatus": self._status,
            "setStatus": self._set_status,
            "getPrices": self._prices,
            "getCountries": self._countries,
            "getServicesList": self._services,
        }
        if dialect.number_v2:
            handlers["getNumberV2"] = self._buy
        if dialect.status_v2:
            handlers["getStatusV2"] = self._status_v2
        if dialect.active_activations:
            handlers["getActiveActivations"] = self._active
        handler = handlers.get(action)
        if handler is None:
            raise _Token("BAD_ACTION")
        return handler(params)

    def _balance(self, params: Mapping[str, str]) -> Reply:
        return _text(f"ACCESS_BALANCE:{self.balance.quantize(Decimal('0.01'))}")

    def _buy(self, params: Mapping[str, str]) -> Reply | None:
        behaviour = self.behaviour
        service, country = params.get("service", ""), params.get("country", "")
        if service not in self.services:
            raise _Token("BAD_SERVICE")
        if country not in self.countries:
            raise _Token("BAD_COUNTRY")
        if behaviour.out_of_stock or behaviour.available <= 0:
            raise _Token("NO_NUMBERS")
        if _below(params.get("maxPrice"), behaviour.price):
            raise _Token(f"WRONG_MAX_PRICE:{behaviour.price:.6f}")
        if self.balance < behaviour.price:
            raise _Token("NO_BALANCE")
        open_now = sum(1 for n in self.numbers.values() if _is_open(n))
        if behaviour.channels is not None and open_now >= behaviour.channels:
            raise _Token("CHANNELS_LIMIT")

        number = self._sell(service, country)
        if behaviour.lost_replies > 0:
            behaviour.lost_replies -= 1
            return None
        if behaviour.sale_errors > 0:
            behaviour.sale_errors -= 1
            return page(502, "Bad Gateway")
        as_json = behaviour.number_reply == "json" or (
            behaviour.number_reply == "auto" and params["action"] == "getNumberV2"
        )
        if not as_json:
            return _text(f"ACCESS_NUMBER:{number.id}:{number.phone}")
        now = dt.datetime.now(UTC)
        return Reply(
            {
                "activationId": int(number.id),
                "phoneNumber": number.phone,
                "activationCost": float(number.price),
                "currency": 840,
                "countryCode": number.country,
                "canGetAnotherSms": "1",
                "activationTime": now.strftime(_TIME),
                "activationEndTime": (
                    now + dt.timedelta(seconds=behaviour.lifetime)
                ).strftime(_TIME),
                "activationOperator": "any",
            }
        )

    def _sell(self, service: str, country: str) -> FakeActivation:
        self._sold += 1
        seq = self._sold
        price = self.behaviour.price
        self.balance -= price
        now = time.monotonic()
        number = FakeActivation(
            # Beyond 32 bits, as real activation ids are.
            id=str(5_000_000_000 + seq),
            phone=f"{_PHONE_PREFIX.get(country, '999')}555{seq:07d}",
            service=service,
            country=country,
            price=price,
            sold_at=now,
            since=now,
            code=f"{(seq * 7919) % 1_000_000:06d}",
        )
        self.numbers[number.id] = number
        return number

    def _number(self, params: Mapping[str, str]) -> FakeActivation:
        number = self.numbers.get(params.get("id", ""))
        if number is None:
            raise _Token("NO_ACTIVATION")
        self._advance(number)
        return number

    def _advance(self, number: FakeActivation) -> None:
        if number.status not in ("waiting", "retry"):
            return
        now = time.monotonic()
        due = now - number.since >= self.behaviour.code_delay
        if due and (number.delivered or not self.behaviour.no_code):
            number.status = "received"
        elif now - number.sold_at >= self.behaviour.lifetime:
            number.status = "expired"
            self.balance += number.price

    def _status(self, params: Mapping[str, str]) -> Reply:
        number = self._number(params)
        if number.status == "waiting":
            return _text("STATUS_WAIT_CODE")
        if number.status == "retry":
            return _text(f"STATUS_WAIT_RETRY:{number.previous}")
        if number.status in ("received", "finished"):
            shown = number.sms() if self.behaviour.full_text else number.code
            return _text(f"STATUS_OK:{shown}")
        return _text("STATUS_CANCEL")

    def _status_v2(self, params: Mapping[str, str]) -> Reply:
        number = self._number(params)
        if number.status in ("cancelled", "expired"):
            return _text("STATUS_CANCEL")
        sms = None
        if number.status in ("received", "finished"):
            sms = {
                "dateTime": dt.datetime.now(UTC).strftime(_TIME),
                "code": number.code,
                "text": number.sms(),
            }
        return Reply({"verificationType": 0, "sms": sms, "call": None})

    def _set_status(self, params: Mapping[str, str]) -> Reply:
        number = self._number(params)
        status = params.get("status")
        if status == "8":
            return self._cancel(number)
        if status == "6" and number.status in ("received", "finished"):
            number.status = "finished"
            return _text("ACCESS_ACTIVATION")
        if status == "3" and number.status in ("received", "finished", "retry"):
            self._retry(number)
            return _text("ACCESS_RETRY_GET")
        if status == "1" and _is_open(number):
            return _text("ACCESS_READY")
        raise _Token("BAD_STATUS")

    def _cancel(self, number: FakeActivation) -> Reply:
        if number.status not in ("waiting", "retry"):
            raise _Token("BAD_STATUS")
        behaviour = self.behaviour
        if behaviour.cancel_too_early > 0:
            behaviour.cancel_too_early -= 1
            raise _Token("EARLY_CANCEL_DENIED")
        if time.monotonic() - number.sold_at < behaviour.early_cancel:
            raise _Token("EARLY_CANCEL_DENIED")
        number.status = "cancelled"
        self.balance += number.price
        return _text("ACCESS_CANCEL")

    def _retry(self, number: FakeActivation) -> None:
        number.previous = number.code
        number.code = f"{(int(number.code) * 31 + 7) % 1_000_000:06d}"
        number.status = "retry"
        number.delivered = False
        number.since = time.monotonic()

    def _prices(self, params: Mapping[str, str]) -> Reply:
        service, country = params.get("service"), params.get("country")
        if service and service not in self.services:
            raise _Token("BAD_SERVICE")
        if country and country not in self.countries:
            raise _Token("BAD_COUNTRY")
        behaviour = self.behaviour
        count = 0 if behaviour.out_of_stock else behaviour.available
        entry = {
            "cost": float(behaviour.price),
            "count": count,
            "physicalCount": count,
        }
        return Reply(
            {
                c: {s: dict(entry) for s in ([service] if service else self.services)}
                for c in ([country] if country else sorted(self.countries))
            }
        )

    def _countries(self, params: Mapping[str, str]) -> Reply:
        names = {id_: iso.upper() for iso, id_ in self.dialect.countries.items()}
        return Reply(
            {
                id_: {"id": int(id_), "rus": name, "eng": name, "chn": name,
                      "visible": 1, "retry": 1}
                for id_, name in names.items()
            }
        )  # fmt: skip

    def _services(self, params: Mapping[str, str]) -> Reply:
        return Reply(
            {
                "status": "success",
                "services": [
                    {"code": code, "name": CATALOG.get(name, name)}
                    for name, code in self.dialect.services.items()
                ],
            }
        )

    def _active(self, params: Mapping[str, str]) -> Reply:
        open_numbers = [n for n in self.numbers.values() if _is_open(n)]
        if not open_numbers:
            return _text("NO_ACTIVATIONS")
        for number in open_numbers:
            self._advance(number)
        return Reply(
            {
                "status": "success",
                "activeActivations": [_active_entry(n) for n in open_numbers],
            }
        )


def page(status: int, title: str) -> Reply:
    """An HTML error page, as a CDN or a parked domain answers."""
    html = f"<!DOCTYPE html><html><head><title>{status} {title}</title></head>"
    html += f"<body><h1>{title}</h1></body></html>"
    return Reply(html, status=status, content_type="text/html")


_PURCHASE_FAILURES = {
    "no_balance": "NO_BALANCE",
    "no_numbers": "NO_NUMBERS",
    "country_not_supported": "BAD_SERVICE",
}


def _text(body: str) -> Reply:
    return Reply(body, content_type=_TEXT)


def _is_open(number: FakeActivation) -> bool:
    return number.status in ("waiting", "retry", "received")


def _below(max_price: str | None, price: Decimal) -> bool:
    if not max_price:
        return False
    try:
        return Decimal(max_price) < price
    except InvalidOperation:
        return True


def _active_entry(number: FakeActivation) -> dict[str, Any]:
    received = number.status == "received"
    return {
        "activationId": number.id,
        "serviceCode": number.service,
        "phoneNumber": number.phone,
        "activationCost": float(number.price),
        "activationStatus": "2" if received else "1",
        "smsCode": number.code if received else None,
        "smsText": number.sms() if received else None,
        "activationTime": dt.datetime.now(UTC).strftime(_TIME),
        "discount": "0.00",
        "repeated": "0",
        "countryCode": number.country,
        "countryName": "",
        "canGetAnotherSms": "1",
        "currency": 840,
    }
