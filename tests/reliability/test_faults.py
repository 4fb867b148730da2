"""The fault matrix: each fault, against each provider protocol's fake.

Faults are injected at the HTTP level into the loopback fake, so every
protocol meets exactly the same ones. docs/reliability.md lists each fault,
what smsplug does about it, and the test here that proves it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from smsplug import (
    Banned,
    Client,
    InvalidResponse,
    ProviderUnavailable,
    SmsError,
)
from smsplug.testing.server import Hangup, LoopbackServer, Reply, Request
from tests.reliability.targets import TARGETS, Target, http_server, running

Fault = Callable[[Request], Reply]

HTML = Reply(
    "<html><head><title>502</title></head><body>Bad gateway</body></html>",
    content_type="text/html",
)


def status(code: int, **headers: str) -> Fault:
    return lambda request: Reply(f"error {code}", status=code, headers=headers)


def hangup(request: Request) -> Reply:
    raise Hangup


def inject(server: LoopbackServer, fault: Fault, times: int = 1) -> list[Request]:
    """Answer the next ``times`` requests with ``fault``; returns those hit."""
    original = server.app
    hit: list[Request] = []

    def app(request: Request) -> Reply:
        if len(hit) < times:
            hit.append(request)
            return fault(request)
        return original(request)

    server.app = app
    return hit


def sold(fake: Any) -> int:
    return len(fake.numbers) if hasattr(fake, "numbers") else len(fake.orders)


TRANSIENT = {
    "500": status(500),
    "502": status(502),
    "503": status(503),
    "429-retry-after": status(429, **{"Retry-After": "0"}),
    "429-bare": status(429),
    "reset-mid-reply": hangup,
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
@pytest.mark.parametrize("fault", TRANSIENT.values(), ids=TRANSIENT.keys())
async def test_transient_fault_on_a_read_is_retried(
    target: Target, fault: Fault
) -> None:
    with running(target) as (fake, client):
        hit = inject(http_server(fake), fault, times=2)
        async with client:
            balance = await client.balance(target.name)

    assert len(hit) == 2
    assert balance.provider == target.name


@pytest.mark.parametrize("target", TARGETS, ids=str)
async def test_persistent_5xx_is_provider_unavailable(target: Target) -> None:
    with running(target) as (fake, client):
        hit = inject(http_server(fake), status(503), times=100)
        async with client:
            with pytest.raises(ProviderUnavailable):
                await client.balance(target.name)

    assert len(hit) == 3


@pytest.mark.parametrize("target", TARGETS, ids=str)
async def test_slow_reply_past_the_timeout_is_provider_unavailable(
    target: Target,
) -> None:
    with running(target, http_timeout=0.1, retries=2) as (fake, client):
        http_server(fake).delay = 0.4
        async with client:
            with pytest.raises(ProviderUnavailable, match="did not answer in time"):
                await client.balance(target.name)


GARBLED = {
    "html-page": lambda request: HTML,
    "truncated-json": lambda request: Reply(
        b'{"balance": "12.', content_type="application/json"
    ),
    "empty": lambda request: Reply(b""),
    "binary": lambda request: Reply(b"\x00\xff\xfe garbage \x89PNG"),
}


@pytest.mark.parametrize("target", TARGETS, ids=str)
@pytest.mark.parametrize("fault", GARBLED.values(), ids=GARBLED.keys())
async def test_garbled_reply_is_invalid_response(target: Target, fault: Fault) -> None:
    with running(target) as (fake, client):
        inject(http_server(fake), fault, times=100)
        async with client:
            with pytest.raises(InvalidResponse) as caught:
                await client.balance(target.name)

    assert caught.value.provider == target.name


@pytest.mark.parametrize("target", TARGETS, ids=str)
@pytest.mark.parametrize(
    "fault",
    [status(500), status(502), hangup, lambda r: HTML],
    ids=["500", "502", "reset", "html"],
)
async def test_fault_during_a_purchase_never_buys_twice_nor_loses_the_number(
    target: Target, fault: Fault
) -> None:
    with running(target) as (fake, client):
        server = http_server(fake)
        original = server.app
        hits: list[Request] = []

        def app(request: Request) -> Reply:
            if _is_purchase(target, request) and not hits:
                hits.append(request)
                original(request)  # the provider sells...
                return fault(request)  # ...but its answer is lost
            return original(request)

        server.app = app
        async with client:
            try:
                number = await client.buy(target.service, target.country)
            except SmsError as error:
                number = None
                failure = error
            entries = client.ledger.entries()

    assert sold(fake) <= 1
    if number is None:
        assert failure.kind in ("provider_unavailable", "invalid_response")
        assert entries[0].state in ("unknown", "active", "cancelled")
    purchases = [r for r in server.requests if _is_purchase(target, r)]
    assert len(purchases) == 1


def _is_purchase(target: Target, request: Request) -> bool:
    if target.name == "custom":
        return request.method == "POST" and request.path == "/v1/numbers"
    if target.name in ("herosms", "smsbower", "grizzlysms"):
        return request.query.get("action", "").startswith("getNumber")
    marker = {
        "5sim": "/buy/activation/",
        "smspool": "/purchase/sms",
        "smsman": "/get-number",
        "onlinesim": "getNum",
    }[target.name]
    return marker in request.path


@pytest.mark.parametrize("target", TARGETS, ids=str)
async def test_fault_while_waiting_does_not_end_the_wait(target: Target) -> None:
    with running(target) as (fake, client):
        server = http_server(fake)
        async with client, client.activation(target.service, target.country) as number:
            inject(server, status(502), times=6)
            waiting = await _poll_through_faults(client, number)
            fake.deliver(number.number.id, "135790")
            code = await number.wait_code()

    assert waiting is None
    assert code.code == "135790"


async def _poll_through_faults(client: Client, activation: Any) -> Any:
    try:
        return await client.poll(activation.number)
    except ProviderUnavailable:
        return None


@pytest.mark.parametrize("target", TARGETS, ids=str)
async def test_fault_on_cancel_is_retried_until_refunded(target: Target) -> None:
    with running(target) as (fake, client):
        server = http_server(fake)
        async with client:
            number = await client.buy(target.service, target.country)
            inject(server, status(503), times=4)
            await client.cancel(number)
            state = client.ledger.entries()[0].state

    assert state == "cancelled"


@pytest.mark.parametrize(
    "target",
    [t for t in TARGETS if t.name != "smspool" and t.name != "smsman"],
    ids=str,
)
async def test_ban_while_waiting_cancels_the_number(target: Target) -> None:
    with running(target) as (fake, client):
        async with client:
            with pytest.raises(Banned):  # noqa: PT012 - the ban must leave the block
                async with client.activation(target.service, target.country) as number:
                    fake.fail_next("banned")
                    await number.wait_code()
            entry = client.ledger.entries()[0]

    assert entry.state == "cancelled"
    assert client.cooldowns.error(target.name) is not None
