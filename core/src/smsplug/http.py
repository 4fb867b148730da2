"""HTTP for provider plugins: one shared client, timeouts, retries, redaction.

Plugins never build their own HTTP client. Each gets a :class:`ProviderHTTP`
bound to its base URL, which

- sends through the process's one ``httpx.AsyncClient`` (keep-alive),
- retries idempotent calls on connection errors, timeouts, 5xx and 429 with
  exponential backoff and jitter, honouring ``Retry-After``,
- never retries a non-idempotent call (a purchase) once it may have reached
  the provider,
- turns transport failures into :class:`~smsplug.errors.ProviderUnavailable`,
- logs each exchange at DEBUG with credentials masked.

Any other HTTP status is returned to the plugin, which reads the body: many
providers report errors with 200 or 4xx bodies.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import ipaddress
import logging
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs
import httpx
import tenacity

from smsplug._redact import redact
from smsplug.errors import ConfigError, InvalidResponse, ProviderUnavailable

__all__ = ["ProviderHTTP", "RetryPolicy", "check_base_url", "is_loopback"]

_UNLIMITED = contextlib.nullcontext()
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: The largest reply body read from a provider; larger ones are refused.
MAX_BODY = 1024 * 1024
_ENCODING_HEADERS = frozenset(
    {"content-encoding", "content-length", "transfer-encoding"}
)


@attrs.frozen
class RetryPolicy:
    """How hard to retry an idempotent call before giving up."""

    attempts: int = 3
    #: First backoff in seconds; doubles each time, with jitter.
    backoff: float = 0.5
    #: The longest single wait, including a provider's ``Retry-After``.
    max_wait: float = 10.0


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (127.0.0.0/8, ::1, localhost)."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, *, setting: str) -> str:
    """Validate a base URL: https, or plain http to a loopback address only."""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises for a port out of range
    except ValueError:
        raise ConfigError(f"{setting} has an invalid port, got {url!r}") from None
    if url != url.strip() or any(ch.isspace() for ch in url):
        raise ConfigError(f"{setting} must not contain spaces, got {url!r}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{setting} must be an http(s) URL, got {url!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(
            f"{setting} must use https (plain http is allowed only for "
            f"loopback addresses), got {url!r}"
        )
    return url.rstrip("/")


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class ProviderHTTP:
    """A provider's view of the shared HTTP client, bound to its base URL."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        client: httpx.AsyncClient,
        *,
        retry: RetryPolicy | None = None,
        log: logging.Logger | None = None,
        slots: asyncio.Semaphore | None = None,
    ) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.retry = retry or RetryPolicy()
        self.log = log or logging.getLogger(f"smsplug.provider.{provider}")
        #: Shared by every provider of a client: how many requests may be in
        #: flight at once. The rest wait here, in a cheap queue, rather than
        #: in httpx's connection pool, whose bookkeeping grows with the
        #: square of the requests waiting in it.
        self.slots = slots

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` under the base URL."""
        if not path:
            return self.base_url
        return f"{self.base_url}/{path.lstrip('/')}"

    async def request(
        self,
        method: str,
        path: str = "",
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool = True,
    ) -> httpx.Response:
        """Send one request and return the provider's response, whatever its status.

        Set ``idempotent=False`` for calls that spend money: they are sent at
        most once unless the connection was never established.
        """
        request = self.client.build_request(
            method, self.url(path), params=params, json=json, data=data, headers=headers
        )
        retrying = tenacity.AsyncRetrying(
            stop=tenacity.stop_after_attempt(self.retry.attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception(
                _retryable if idempotent else _never_sent
            ),
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            return await retrying(self._send, request, idempotent)
        except _RetryableStatus as exc:
            response = exc.response
            raise ProviderUnavailable(
                f"the provider answered HTTP {response.status_code}; try again later",
                provider=self.provider,
                raw=response.content,
                retry_after=_retry_after(response),
                maybe_sent=idempotent or response.status_code != 429,
            ) from None
        except httpx.TransportError as exc:
            sent = not _never_sent(exc)
            message = (
                "the provider did not answer in time"
                if isinstance(exc, httpx.TimeoutException)
                else f"could not reach the provider ({type(exc).__name__})"
            )
            if sent and not idempotent:
                message += (
                    "; the purchase may have gone through, so run 'smsplug recover' "
                    "to settle it"
                )
            raise ProviderUnavailable(
                message, provider=self.provider, maybe_sent=sent
            ) from None

    async def _send(self, request: httpx.Request, idempotent: bool) -> httpx.Response:
        started = time.perf_counter()
        async with self.slots or _UNLIMITED:
            streamed = await self.client.send(request, stream=True)
            try:
                body = await _read_capped(streamed, self.provider)
            finally:
                await streamed.aclose()
        response = httpx.Response(
            streamed.status_code,
            # The body is already decoded: drop what described its encoding.
            headers=[
                (name, value)
                for name, value in streamed.headers.multi_items()
                if name.lower() not in _ENCODING_HEADERS
            ],
            content=body,
            request=request,
        )
        self.log.debug(
            "%s %s -> %s (%.1f ms)",
            request.method,
            redact(str(request.url)),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        if response.status_code in _RETRY_STATUSES and (
            idempotent or response.status_code == 429
        ):
            raise _RetryableStatus(response)
        return response

    def _wait(self, state: tenacity.RetryCallState) -> float:
        # Full jitter: a random wait up to backoff * 2**attempt, capped.
        backoff = tenacity.wait_random_exponential(
            multiplier=self.retry.backoff, max=self.retry.max_wait
        )(state)
        outcome = state.outcome
        exc = outcome.exception() if outcome else None
        if isinstance(exc, _RetryableStatus):
            retry_after = _retry_after(exc.response)
            if retry_after is not None:
                return min(retry_after, self.retry.max_wait)
        return backoff if self.retry.backoff else 0.0

    def _log_retry(self, state: tenacity.RetryCallState) -> None:
        outcome = state.outcome
        exc = outcome.exception() if outcome else None
        reason = (
            f"HTTP {exc.response.status_code}"
            if isinstance(exc, _RetryableStatus)
            else type(exc).__name__
        )
        self.log.warning(
            "%s: %s, retry %d of %d",
            self.provider,
            reason,
            state.attempt_number,
            self.retry.attempts - 1,
        )


async def _read_capped(response: httpx.Response, provider: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_BODY:
            raise InvalidResponse(
                f"the provider's reply is larger than {MAX_BODY} bytes",
                provider=provider,
                raw=b"".join(chunks)[:200],
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, (_RetryableStatus, httpx.TransportError))


def _never_sent(exc: BaseException) -> bool:
    # A 429 means the provider refused the call outright, and a failed
    # connect means it never left: retrying either cannot buy twice.
    if isinstance(exc, _RetryableStatus):
        return exc.response.status_code == 429
    return isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
