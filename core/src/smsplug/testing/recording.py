"""Cassette scenarios: record them from a fake or the live service, replay them.

A :class:`Scenario` is one thing a user does through the public
:class:`~smsplug.Client`, plus how to script a fake server for it. The same
scenario records a cassette (:func:`record`) and replays it offline
(:func:`replay`), so a replay checks exactly what was recorded.

Recording from the live service needs a real key and is never run by the
test suite::

    SMSPLUG_ACME_API_KEY=... python -m smsplug.testing.recording --live acme

It records the :data:`LIVE` scenarios (``balance``, ``prices``; ``cancel``
buys a number and cancels it at once, so it runs only with ``--spend``) into
``cassettes/<provider>/live/``. Keys, tokens, cookies, e-mail addresses,
account ids and phone numbers are scrubbed before anything is written, and a
cassette that still holds the key is not written at all.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs

from smsplug.client import Client
from smsplug.config import Settings
from smsplug.errors import SmsError
from smsplug.plugins import Plugins
from smsplug.provider import env_name
from smsplug.testing.cassettes import cassette_vcr, recorded_note

__all__ = [
    "LIVE",
    "NOWHERE",
    "Scenario",
    "live_scenarios",
    "outcome",
    "record",
    "record_live",
    "replay",
]

#: A closed loopback port: a replay that tries the network fails at once.
NOWHERE = "http://127.0.0.1:9"
#: The scenarios ``--live`` can record; ``cancel`` spends (and is refunded).
LIVE = ("balance", "prices", "cancel")
_SPENDING = frozenset({"cancel"})


def _unscripted(fake: Any) -> None:
    """Leave the fake as it is."""


@attrs.frozen
class Scenario:
    """One cassette: what to do through the client, and how to set it up."""

    name: str
    run: Callable[[Client], Awaitable[Any]]
    #: Scripts the fake before recording (``fake.fail_next(...)``, ...).
    setup: Callable[[Any], None] = _unscripted
    #: Settings the client needs for this scenario, beyond the defaults.
    settings: Mapping[str, Any] = attrs.field(factory=dict)


async def outcome(action: Awaitable[Any]) -> Any:
    """The action's result, or the kind of the error it raised."""
    try:
        return await action
    except SmsError as error:
        return error.kind


async def record(
    scenario: Scenario,
    plugin: object,
    *,
    path: Path,
    settings: Settings,
    note: str,
    fake: Any = None,
    secrets: Sequence[str] = (),
) -> Any:
    """Run ``scenario`` against the server in ``settings``; write ``path``.

    ``fake`` is scripted with the scenario's setup first, when given.
    """
    if fake is not None:
        scenario.setup(fake)
    await asyncio.to_thread(path.unlink, missing_ok=True)
    recorder = cassette_vcr(record_mode="all", note=note, secrets=secrets)
    with recorder.use_cassette(str(path)):
        return await _run(scenario, plugin, settings)


async def replay(
    scenario: Scenario, plugin: object, *, path: Path, settings: Settings
) -> tuple[Any, Any]:
    """Replay ``path`` through the client; returns (outcome, the cassette).

    Point ``settings`` at :data:`NOWHERE`: a request the cassette does not
    hold then fails instead of reaching any server.
    """
    with cassette_vcr().use_cassette(str(path)) as cassette:
        result = await _run(scenario, plugin, settings)
    return result, cassette


async def _run(scenario: Scenario, plugin: object, settings: Settings) -> Any:
    plugins = Plugins()
    plugins.add(plugin)
    with tempfile.TemporaryDirectory(prefix="smsplug-cassette-") as data_dir:
        if settings.data_dir is None:
            settings = attrs.evolve(settings, data_dir=data_dir)
        settings = attrs.evolve(settings, **scenario.settings)
        async with Client(settings, plugins=plugins) as client:
            return await scenario.run(client)


def live_scenarios(provider: str, *, service: str, country: str) -> list[Scenario]:
    """What can be recorded from a real account without scripting it."""

    async def buy_and_cancel(client: Client) -> Any:
        async def run() -> str:
            number = await client.buy(service, country, providers=[provider])
            await client.cancel(number)
            return number.id

        return await outcome(run())

    return [
        Scenario("balance", lambda c: outcome(c.balance(provider))),
        Scenario(
            "prices", lambda c: outcome(c.prices(service, country, provider=provider))
        ),
        Scenario("cancel", buy_and_cancel),
    ]


async def record_live(
    plugin: object,
    names: Sequence[str],
    *,
    cassettes: Path,
    env: Mapping[str, str],
    spend: bool = False,
    service: str = "telegram",
    country: str = "us",
) -> dict[str, Any]:
    """Record ``names`` from the provider's real service with the key in ``env``.

    The base URL is the plugin's own (or ``SMSPLUG_<NAME>_BASE_URL``).
    Returns each scenario's outcome; raises ``ValueError`` before sending
    anything when the key is missing or a scenario would spend without
    ``spend``.
    """
    info = plugin.provider_info()  # type: ignore[attr-defined]
    prefix = f"SMSPLUG_{env_name(info.name)}_"
    key = env.get(prefix + "API_KEY", "")
    if not key:
        raise ValueError(f"set {prefix}API_KEY to record from the live service")
    unknown = set(names) - set(LIVE)
    if unknown:
        raise ValueError(
            f"no live scenario {', '.join(sorted(unknown))}; known: {', '.join(LIVE)}"
        )
    spending = sorted(set(names) & _SPENDING)
    if spending and not spend:
        raise ValueError(
            f"{', '.join(spending)} buys a number (cancelled at once, so refunded); "
            f"pass --spend to record it"
        )
    base_url = env.get(prefix + "BASE_URL") or info.base_url
    note = recorded_note(
        f"the live {info.title} service at {urlsplit(base_url).netloc}"
    )
    # Real-world pacing: the provider's own timeouts and the default retries.
    settings = Settings(
        providers=(info.name,),
        provider={info.name: {"api_key": key, "base_url": base_url}},
    )
    outcomes = {}
    for scenario in live_scenarios(info.name, service=service, country=country):
        if scenario.name in names:
            path = cassettes / "live" / f"{scenario.name}.yaml"
            outcomes[scenario.name] = await record(
                scenario, plugin, path=path, settings=settings, note=note, secrets=[key]
            )
    return outcomes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m smsplug.testing.recording",
        description="Record a provider's cassettes from its live service, scrubbed.",
    )
    parser.add_argument("provider")
    parser.add_argument("scenarios", nargs="*", help=f"default: {' '.join(LIVE[:2])}")
    parser.add_argument(
        "--live", action="store_true", required=True, help="talk to the real service"
    )
    parser.add_argument("--spend", action="store_true", help="allow buying a number")
    parser.add_argument("--service", default="telegram")
    parser.add_argument("--country", default="us")
    parser.add_argument("--cassettes", type=Path, help="default: cassettes/PROVIDER")
    args = parser.parse_args(argv)

    plugins = Plugins.discover(env={"SMSPLUG_LOAD_PLUGINS": args.provider})
    if args.provider not in plugins.providers:
        parser.error(f"provider {args.provider!r} is not installed")
    plugin = plugins.providers[args.provider].plugin
    cassettes = args.cassettes or Path("cassettes") / args.provider
    try:
        outcomes = asyncio.run(
            record_live(
                plugin,
                args.scenarios or LIVE[:2],
                cassettes=cassettes,
                env=os.environ,
                spend=args.spend,
                service=args.service,
                country=args.country,
            )
        )
    except ValueError as error:
        parser.error(str(error))
    for name, result in outcomes.items():
        print(f"{name}: {result!r} -> {cassettes / 'live' / name}.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
