"""A tiny loopback HTTP server for fake providers.

A fake provider is a function from :class:`Request` to :class:`Reply`;
:class:`LoopbackServer` serves it from a background thread on 127.0.0.1 (or
::1), logs every request, and injects transport faults on demand::

    def app(request: Request) -> Reply:
        return Reply(body="ACCESS_BALANCE:12.34")

    with LoopbackServer(app) as server:
        ...  # point a plugin's base_url at server.url

It refuses to bind anywhere but loopback.
"""

from __future__ import annotations

import http.server
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import attrs

from smsplug.http import is_loopback

log = logging.getLogger("smsplug.testing")

__all__ = ["Hangup", "LoopbackServer", "Reply", "Request"]


@attrs.frozen
class Request:
    """One request as a fake provider sees it."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        """The body as an url-encoded form (what ``data=`` sends)."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace")))

    def params(self) -> dict[str, str]:
        """Query and form fields together, the form winning."""
        return {**self.query, **self.form()}


@attrs.frozen
class Reply:
    """What a fake provider answers. Dicts and lists are sent as JSON."""

    body: str | bytes | Mapping[str, Any] | list[Any] = b""
    status: int = 200
    headers: Mapping[str, str] = attrs.field(factory=dict)
    content_type: str | None = None

    def encode(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, self.content_type or "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode(), self.content_type or "text/plain; charset=utf-8"
        return json.dumps(self.body).encode(), self.content_type or "application/json"


class Hangup(Exception):
    """Raise from an app to close the connection without any reply."""


App = Callable[[Request], Reply]


class LoopbackServer:
    """Serve a fake provider app on loopback, in a background thread."""

    def __init__(self, app: App, *, host: str = "127.0.0.1", port: int = 0) -> None:
        if not is_loopback(host):
            raise ValueError(f"fake providers bind to loopback only, not {host!r}")
        self.app = app
        #: Every request served, in order.
        self.requests: list[Request] = []
        #: Seconds to wait before every reply (to exceed a client's timeout).
        self.delay = 0.0
        #: Close the connection without replying to this many requests.
        self.hangups = 0
        self._lock = threading.Lock()
        server_class = _IPv6Server if ":" in host else _Server
        self._httpd = server_class((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def start(self) -> LoopbackServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="smsplug-fake",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def count(self, method: str | None = None, path: str | None = None) -> int:
        """How many requests matched ``method`` and ``path``."""
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method)
                and (path is None or r.path == path)
            )

    def _answer(self, request: Request) -> Reply | None:
        with self._lock:
            self.requests.append(request)
            hangup = self.hangups > 0
            if hangup:
                self.hangups -= 1
        if self.delay:
            time.sleep(self.delay)
        if hangup:
            return None
        try:
            return self.app(request)
        except Hangup:
            return None


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-reply (a timeout, a cancelled task) is
        # normal for a fake provider; do not print a traceback for it.
        log.debug(
            "fake provider: request from %s failed", client_address, exc_info=True
        )


class _IPv6Server(_Server):
    address_family = socket.AF_INET6


def _handler_for(server: LoopbackServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "smsplug-fake"
        # Headers and body go out in two writes; without this, Nagle's
        # algorithm holds the body back for a delayed ACK (~40 ms a reply).
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            reply = server._answer(request)
            if reply is None:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            data, content_type = reply.encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean; ``server.requests`` is the log

    return Handler
