"""The shared HTTP layer: retries, Retry-After, timeouts, caps, no double buys."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from smsplug.errors import InvalidResponse, ProviderUnavailable
from smsplug.http import MAX_BODY, ProviderHTTP, RetryPolicy
from smsplug.testing.server import Hangup, LoopbackServer, Reply, Request

FAST = RetryPolicy(attempts=3, backoff=0.0, max_wait=0.05)


class Script:
    """Answer requests from a list of replies, then repeat the last one."""

    def __init__(self, *replies: Reply | type[Hangup]) -> None:
        self.replies = list(replies)

    def __call__(self, request: Request) -> Reply:
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if reply is Hangup:
            raise Hangup
        assert isinstance(reply, Reply)
        return reply


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(Script(Reply("ok"))) as fake:
        yield fake


async def call(
    server: LoopbackServer, *, idempotent: bool = True, http_timeout: float = 2.0
) -> httpx.Response:
    async with httpx.AsyncClient(timeout=http_timeout) as client:
        http = ProviderHTTP("fake", server.url, client, retry=FAST)
        return await http.request("GET", "/x", idempotent=idempotent)


async def test_5xx_is_retried_then_succeeds(server: LoopbackServer) -> None:
    server.app = Script(Reply("down", status=503), Reply("ok"))

    response = await call(server)

    assert response.text == "ok"
    assert server.count() == 2


async def test_persistent_5xx_becomes_provider_unavailable(
    server: LoopbackServer,
) -> None:
    server.app = Script(Reply("<h1>502</h1>", status=502))

    with pytest.raises(ProviderUnavailable, match="HTTP 502") as caught:
        await call(server)

    assert server.count() == 3
    assert caught.value.raw == "<h1>502</h1>"


async def test_429_retry_after_is_honoured_and_reported(server: LoopbackServer) -> None:
    server.app = Script(Reply("slow down", status=429, headers={"Retry-After": "7"}))

    with pytest.raises(ProviderUnavailable) as caught:
        await call(server)

    assert caught.value.retry_after == 7.0
    assert server.count() == 3


async def test_4xx_is_returned_for_the_plugin_to_read(server: LoopbackServer) -> None:
    server.app = Script(Reply({"error": "bad"}, status=422))

    response = await call(server)

    assert response.status_code == 422
    assert server.count() == 1


async def test_dropped_connection_is_retried(server: LoopbackServer) -> None:
    server.app = Script(Hangup, Reply("ok"))

    response = await call(server)

    assert response.text == "ok"
    assert server.count() == 2


async def test_purchase_is_not_resent_after_a_5xx(server: LoopbackServer) -> None:
    server.app = Script(Reply("oops", status=500), Reply("ok"))

    response = await call(server, idempotent=False)

    assert response.status_code == 500
    assert server.count() == 1


async def test_purchase_is_not_resent_after_a_dropped_reply(
    server: LoopbackServer,
) -> None:
    server.app = Script(Hangup, Reply("ok"))

    with pytest.raises(ProviderUnavailable):
        await call(server, idempotent=False)

    assert server.count() == 1


async def test_purchase_refused_with_429_is_retried(server: LoopbackServer) -> None:
    server.app = Script(
        Reply("later", status=429, headers={"Retry-After": "0"}), Reply("ok")
    )

    response = await call(server, idempotent=False)

    assert response.text == "ok"
    assert server.count() == 2


async def test_slow_reply_past_timeout_is_provider_unavailable(
    server: LoopbackServer,
) -> None:
    server.delay = 0.3

    with pytest.raises(ProviderUnavailable, match="did not answer in time"):
        await call(server, http_timeout=0.1)


async def test_connection_refused_is_provider_unavailable() -> None:
    async with httpx.AsyncClient() as client:
        http = ProviderHTTP("fake", "http://127.0.0.1:9", client, retry=FAST)
        with pytest.raises(ProviderUnavailable, match="could not reach"):
            await http.request("GET", "/x")


async def test_oversized_reply_is_refused(server: LoopbackServer) -> None:
    server.app = Script(Reply(b"x" * (MAX_BODY + 1)))

    with pytest.raises(InvalidResponse, match="larger than"):
        await call(server)


async def test_key_never_reaches_the_log(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="smsplug")
    async with httpx.AsyncClient() as client:
        http = ProviderHTTP("fake", server.url, client, retry=FAST)
        await http.request(
            "GET", "/x", params={"api_key": "sekret-value-123", "a": "1"}
        )

    assert "sekret-value-123" not in caplog.text
    assert "api_key=REDACTED" in caplog.text
