"""Serve one protocol's loopback fake from a child process, for the benchmarks.

``python -m tests.bench.serve NAME [--code-delay S] [--no-code]`` prints one
JSON line, ``{"url": ..., "key": ...}``, then serves until its standard
input closes (or for at most ``--lifetime`` seconds). Keeping the fake in
its own process keeps its threads off the measured process's interpreter.

Besides the protocol, the server answers two benchmark calls under
``/_bench/``: ``deliver?id=&code=`` makes a code arrive now and answers the
moment it did (``time.monotonic``, which is one clock for every process on
the machine), and ``requests?since=`` counts the protocol requests served
since then by method and path.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import threading
import time
from decimal import Decimal
from typing import Any

from smsplug.testing.server import App, LoopbackServer, Reply, Request
from tests.bench.protocols import PROTOCOLS

CONTROL = "/_bench/"


def serve(
    name: str, *, code_delay: float, no_code: bool, reply_delay: float, lifetime: float
) -> None:
    fake = PROTOCOLS[name].make_fake()
    fake.balance = Decimal(10) ** 9
    behaviour = fake.behaviour
    behaviour.no_code = no_code
    if hasattr(behaviour, "code_delay"):
        behaviour.code_delay = code_delay
    if hasattr(behaviour, "lifetime"):
        behaviour.lifetime = 3600.0
    server = fake if isinstance(fake, LoopbackServer) else fake.server
    server.app = _with_controls(fake, server, server.app)
    server.delay = reply_delay
    # http.server listens with a backlog of 5; a client opening a hundred
    # connections at once would see SYNs dropped and retried a second later.
    server._httpd.socket.listen(1024)
    # It also writes a reply's head and body in two sends; with Nagle's
    # algorithm on, the body then waits for the client's delayed ACK (40 ms
    # on Linux), which would drown every other cost measured here.
    server._httpd.RequestHandlerClass.disable_nagle_algorithm = True

    server.start()
    print(json.dumps({"url": fake.url, "key": fake.key}), flush=True)
    closed = threading.Event()

    def wait_for_the_pipe() -> None:
        sys.stdin.read()
        closed.set()

    threading.Thread(target=wait_for_the_pipe, daemon=True).start()
    closed.wait(lifetime)
    server.stop()


def _with_controls(fake: Any, server: LoopbackServer, app: App) -> App:
    def answer(request: Request) -> Reply:
        if not request.path.startswith(CONTROL):
            return app(request)
        action = request.path[len(CONTROL) :]
        if action == "deliver":
            fake.deliver(request.query["id"], request.query.get("code") or "246810")
            return Reply({"at": time.monotonic()})
        if action == "requests":
            since = int(request.query.get("since", "0"))
            served = [
                r for r in server.requests[since:] if not r.path.startswith(CONTROL)
            ]
            counts = collections.Counter(f"{r.method} {r.path}" for r in served)
            return Reply({"total": len(server.requests), "counts": dict(counts)})
        return Reply({"error": f"no benchmark call {action!r}"}, status=404)

    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", choices=sorted(PROTOCOLS))
    parser.add_argument("--code-delay", type=float, default=0.0)
    parser.add_argument("--no-code", action="store_true")
    parser.add_argument(
        "--reply-delay", type=float, default=0.0, help="seconds before each reply"
    )
    parser.add_argument("--lifetime", type=float, default=900.0)
    options = parser.parse_args()
    serve(
        options.name,
        code_delay=options.code_delay,
        no_code=options.no_code,
        reply_delay=options.reply_delay,
        lifetime=options.lifetime,
    )


if __name__ == "__main__":
    main()
