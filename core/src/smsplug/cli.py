"""The ``smsplug`` command.

Every command takes ``--json`` for scripts. Exit status: 0 on success, 1 when
a provider call failed (the error's kind is printed), 2 for invalid settings
or arguments, 130 when interrupted (after cancelling any open number).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import click

from smsplug.errors import ConfigError, SmsError

if TYPE_CHECKING:
    from smsplug.client import Activation, Client
    from smsplug.config import Settings
    from smsplug.models import Money, Number

# The rest of smsplug, asyncio and the HTTP stack are imported by the commands
# that use them, so that ``smsplug --help`` starts quickly.

T = TypeVar("T")

EXIT_ERROR = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
_CENTS = Decimal("0.0001")


class _State:
    def __init__(self, config: str | None = None) -> None:
        self.config = config
        self.as_json = False


def _json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    def remember(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
        if value:
            ctx.ensure_object(_State).as_json = True
        return value

    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        expose_value=False,
        callback=remember,
        help="Print machine-readable JSON.",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="smsplug", prog_name="smsplug")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    envvar="SMSPLUG_CONFIG",
    help="Settings file (default: smsplug.toml in the user config directory).",
)
@click.option(
    "-v", "--verbose", count=True, help="Log more: -v for INFO, -vv for DEBUG."
)
@click.pass_context
def cli(ctx: click.Context, config: str | None, verbose: int) -> None:
    """Rent phone numbers from SMS-activation providers and get the codes."""
    ctx.obj = _State(config)
    if verbose:
        import logging

        logging.basicConfig(
            level=logging.DEBUG if verbose > 1 else logging.INFO,
            format="%(asctime)s %(name)s %(levelname)s %(message)s",
            stream=sys.stderr,
        )


# -- plumbing ---------------------------------------------------------------


def _state() -> _State:
    return click.get_current_context().ensure_object(_State)


def _out(human: str, data: object) -> None:
    click.echo(json.dumps(data, default=str) if _state().as_json else human)


def _run(main: Callable[[], Coroutine[Any, Any, int | None]]) -> None:
    """Run a command's coroutine and turn its outcome into an exit status.

    Ctrl-C and SIGTERM cancel the command's task, so every open number is
    cancelled (refunded) on the way out before the process ends.
    """
    import asyncio

    try:
        status = asyncio.run(_terminable(main))
    except ConfigError as error:
        _fail(error, EXIT_CONFIG)
    except SmsError as error:
        _fail(error, EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except asyncio.CancelledError:
        click.echo("terminated", err=True)
        sys.exit(EXIT_TERMINATED)
    except Exception as error:
        # A bug, not a provider's or a setting's fault: say so in one line.
        logging.getLogger("smsplug").debug("unexpected error", exc_info=True)
        click.echo(
            f"unexpected error ({type(error).__name__}: {error}); run with -vv for "
            f"details and please report it",
            err=True,
        )
        sys.exit(EXIT_ERROR)
    sys.exit(status or 0)


async def _terminable(
    main: Callable[[], Coroutine[Any, Any, int | None]],
) -> int | None:
    import asyncio

    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if task is not None:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
    return await main()


def _fail(error: SmsError, status: int) -> None:
    if _state().as_json:
        click.echo(json.dumps({"error": error.to_dict()}))
    else:
        click.echo(f"error ({error.kind}): {error}", err=True)
    sys.exit(status)


def _settings() -> Settings:
    from smsplug.config import load_settings

    return load_settings(_state().config)


@contextlib.asynccontextmanager
async def _client(settings: Settings | None = None) -> AsyncIterator[Client]:
    from smsplug.client import Client

    async with Client(settings or _settings()) as client:
        yield client


def _providers(client: Client, chosen: Sequence[str]) -> list[str]:
    names = list(chosen) or client.configured()
    if not names:
        raise ConfigError(
            "no provider is configured; "
            "set SMSPLUG_<PROVIDER>_API_KEY or use --provider"
        )
    return names


def _one_provider(client: Client, chosen: str | None) -> str:
    if chosen:
        return chosen
    names = client.configured()
    if len(names) != 1:
        raise ConfigError(
            f"--provider is needed: {len(names)} providers are configured"
            + (f" ({', '.join(names)})" if names else "")
        )
    return names[0]


def _money(money: Money | None) -> dict[str, str] | None:
    return (
        None
        if money is None
        else {"amount": str(money.amount), "currency": money.currency}
    )


def _number_data(number: Number) -> dict[str, Any]:
    return {
        "provider": number.provider,
        "id": number.id,
        "phone": number.phone,
        "price": _money(number.price),
    }


def _number_line(number: Number) -> str:
    price = f", {number.price}" if number.price else ""
    return f"{number.phone}     ({number.provider}, id {number.id}{price})"


def _decimal(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> Decimal | None:
    from smsplug.models import to_decimal

    if value is None:
        return None
    try:
        amount = to_decimal(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an amount") from None
    if amount <= 0:
        raise click.BadParameter("must be greater than 0")
    return amount


_service = click.option(
    "--service", required=True, help="Service name or provider code, e.g. telegram."
)
_country = click.option(
    "--country", required=True, help="ISO country code (us, gb) or provider id."
)
_provider_many = click.option(
    "--provider",
    "providers",
    multiple=True,
    help="Provider to use; repeat for several.",
)
_provider_one = click.option("--provider", help="The provider the number belongs to.")


def _number_command(func: Callable[..., Any]) -> click.Command:
    """A command about one rented number: ``ID``, ``--provider``, ``--json``."""
    command: click.Command = cli.command()(
        click.argument("number_id", metavar="ID")(_provider_one(_json_option(func)))
    )
    return command


_max_price = click.option(
    "--max-price", callback=_decimal, help="The most to pay for a number, in USD."
)
_positive = click.FloatRange(min=0, min_open=True)


class _Strategies(click.Choice[str]):
    """The selection strategies, looked up only when an option needs them."""

    def __init__(self) -> None:
        self.case_sensitive = True

    @functools.cached_property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        from smsplug.selection import STRATEGIES

        return STRATEGIES


_strategy = click.option(
    "--strategy",
    type=_Strategies(),
    help="How to pick among several providers (default from settings: random).",
)


# -- commands ---------------------------------------------------------------


@cli.command()
@_json_option
def providers() -> None:
    """List installed provider plugins and whether each is configured."""

    async def main() -> int:
        import attrs

        from smsplug.client import Client
        from smsplug.plugins import Plugins

        settings = _settings()
        plugins = Plugins.discover()
        client = Client(settings, plugins=plugins)
        rows = [
            {
                "name": name,
                "distribution": loaded.distribution,
                "version": loaded.version,
                "configured": client.is_configured(name) and problem is None,
                "problem": problem,
                "currency": loaded.info.currency,
            }
            for name, loaded in sorted(plugins.providers.items())
            for problem in [_setting_problem(client, name)]
        ]
        failures = [attrs.asdict(f) for f in plugins.failures]
        nothing = (
            "no provider plugins are loaded (SMSPLUG_LOAD_PLUGINS is set)"
            if os.environ.get("SMSPLUG_LOAD_PLUGINS") is not None
            else "no provider plugins are installed; pip install smsplug-<provider>"
        )
        lines = [
            f"{r['name']:<12} {r['distribution'] or '-':<22} {r['version'] or '-':<9} "
            + (
                "configured"
                if r["configured"]
                else f"misconfigured: {r['problem']}"
                if r["problem"]
                else "no key"
            )
            for r in rows
        ] or [nothing]
        lines += [
            f"failed: {f['entry_point']} ({f['distribution']}): {f['error']}"
            for f in failures
        ]
        _out("\n".join(lines), {"providers": rows, "failed": failures})
        return 0

    _run(main)


@cli.command()
@_provider_many
@_json_option
def balance(providers: tuple[str, ...]) -> None:
    """Show the balance of each configured provider."""

    async def main() -> int:
        import asyncio

        async with _client() as client:
            names = _providers(client, providers)
            results = await asyncio.gather(
                *(client.balance(name) for name in names), return_exceptions=True
            )
        return _report(
            names, results, lambda b: str(b.money), lambda b: _money(b.money)
        )

    _run(main)


def _setting_problem(client: Client, name: str) -> str | None:
    """What is wrong with a provider's settings, for ``providers``."""
    if not client.is_configured(name):
        return None
    try:
        client.provider(name)
    except ConfigError as error:
        return error.message
    return None


def _report(
    names: Sequence[str],
    results: Sequence[Any],
    show: Callable[[Any], str],
    data: Callable[[Any], Any],
) -> int:
    """Print one result or error per provider; status 1 if any failed."""
    for result in results:
        if isinstance(result, ConfigError) or (
            isinstance(result, BaseException) and not isinstance(result, SmsError)
        ):
            raise result
    rows = {
        name: ({"error": r.to_dict()} if isinstance(r, SmsError) else data(r))
        for name, r in zip(names, results, strict=True)
    }
    lines = [
        f"{name:<12} "
        + (f"error ({r.kind}): {r.message}" if isinstance(r, SmsError) else show(r))
        for name, r in zip(names, results, strict=True)
    ]
    _out("\n".join(lines), rows)
    return EXIT_ERROR if any(isinstance(r, SmsError) for r in results) else 0


@cli.command()
@_service
@_country
@_provider_many
@_json_option
def prices(service: str, country: str, providers: tuple[str, ...]) -> None:
    """Compare what every provider asks, in USD, cheapest first.

    Prices in a currency without a configured rate are shown in that
    currency and flagged.
    """

    async def main() -> int:
        import asyncio

        async with _client() as client:
            names = _providers(client, providers)
            results = await asyncio.gather(
                *(client.prices(service, country, provider=n) for n in names),
                return_exceptions=True,
            )
            rows, failures = _price_table(client, names, results)
        lines = [
            f"{r['provider']:<12} {r['usd'] or '?':>9} USD  {r['native']:<16} "
            f"{r['available'] if r['available'] is not None else '?':>7} in stock"
            + ("  (no rate for its currency)" if r["usd"] is None else "")
            for r in rows
        ]
        lines += [
            f"{name:<12} error ({e['kind']}): {e['message']}"
            for name, e in failures.items()
        ]
        _out(
            "\n".join(lines) or "nothing on offer", {"prices": rows, "errors": failures}
        )
        return EXIT_ERROR if failures and not rows else 0

    _run(main)


def _price_table(
    client: Client, names: Sequence[str], results: Sequence[Any]
) -> tuple[list[dict[str, Any]], dict[str, dict[str, object]]]:
    """One row per offer, in USD where a rate is known, cheapest first."""
    rows: list[dict[str, Any]] = []
    failures: dict[str, dict[str, object]] = {}
    for name, result in zip(names, results, strict=True):
        if isinstance(result, SmsError):
            failures[name] = result.to_dict()
            continue
        if isinstance(result, BaseException):
            raise result
        for price in result:
            usd = client.rates.to_usd(price.price)
            rows.append(
                {
                    "provider": name,
                    "service": price.service,
                    "country": price.country,
                    "usd": None if usd is None else str(usd.amount.quantize(_CENTS)),
                    "native": f"{price.price.amount} {price.price.currency}",
                    "price": _money(price.price),
                    "available": price.available,
                }
            )
    rows.sort(key=lambda r: (r["usd"] is None, Decimal(r["usd"] or 0)))
    return rows, failures


@cli.command()
@_json_option
def services() -> None:
    """List the service names every provider understands."""
    from smsplug.catalog import SERVICES

    _out(
        "\n".join(f"{name:<12} {title}" for name, title in SERVICES.items()),
        dict(SERVICES),
    )


@cli.command()
@click.option("--search", help="Only countries whose name or code contains this.")
@_json_option
def countries(search: str | None) -> None:
    """List the country codes to use with --country."""
    import attrs

    from smsplug.catalog import countries as all_countries

    word = (search or "").strip().lower()
    found = [
        c
        for c in all_countries().values()
        if not word or word in c.code or word in c.name.lower()
    ]
    _out(
        "\n".join(f"{c.code}  +{c.calling_code:<4} {c.name}" for c in found)
        or f"no country matches {search!r}",
        [attrs.asdict(c) for c in found],
    )


@cli.command()
@_service
@_country
@_provider_many
@_max_price
@click.option(
    "--timeout", type=_positive, help="Seconds to wait for the code (default 120)."
)
@click.option(
    "--poll-delay",
    type=click.FloatRange(min=0.5),
    help="Seconds between checks (default 5, at least 0.5).",
)
@_strategy
@_json_option
def get(
    service: str,
    country: str,
    providers: tuple[str, ...],
    max_price: Decimal | None,
    timeout: float | None,
    poll_delay: float | None,
    strategy: str | None,
) -> None:
    """Rent a number, wait for its code and print it.

    Without a code before the timeout the number is cancelled and refunded.
    """

    async def main() -> int:
        from smsplug.client import UNSET

        async with _client() as client:
            activation = client.activation(
                service,
                country,
                providers=providers or None,
                max_price=UNSET if max_price is None else max_price,
                timeout=timeout,
                poll_delay=poll_delay,
                strategy=strategy,
            )
            await _get(activation)
        return 0

    _run(main)


async def _get(activation: Activation) -> None:
    as_json = _state().as_json
    try:
        async with activation as number:
            if not as_json:
                click.echo(_number_line(number.number))
            with _countdown(activation.timeout, enabled=not as_json):
                code = await number.wait_code()
    except SmsError as error:
        if as_json and activation.bought is not None:
            click.echo(
                json.dumps(
                    {**_number_data(activation.bought), "error": error.to_dict()}
                )
            )
            sys.exit(EXIT_CONFIG if isinstance(error, ConfigError) else EXIT_ERROR)
        raise
    if as_json:
        click.echo(json.dumps({**_number_data(activation.number), "code": code.code}))
    else:
        click.echo(f"code {code.code}")


@contextlib.contextmanager
def _countdown(timeout: float, *, enabled: bool) -> Iterator[None]:
    """Show the time left while waiting, on a terminal; a plain line elsewhere."""
    if not enabled:
        yield
        return
    if not sys.stderr.isatty():
        click.echo(f"waiting for code (up to {timeout:g} s) ...", err=True)
        yield
        return

    import asyncio

    deadline = time.monotonic() + timeout

    async def tick() -> None:
        while True:
            left = max(0, int(deadline - time.monotonic()))
            click.echo(
                f"\rwaiting for code ... {left // 60}:{left % 60:02d} ",
                err=True,
                nl=False,
            )
            await asyncio.sleep(1)

    task = asyncio.get_running_loop().create_task(tick())
    try:
        yield
    finally:
        task.cancel()
        click.echo("\r" + " " * 32 + "\r", err=True, nl=False)


@cli.command()
@_service
@_country
@_provider_many
@_max_price
@_strategy
@_json_option
def number(
    service: str,
    country: str,
    providers: tuple[str, ...],
    max_price: Decimal | None,
    strategy: str | None,
) -> None:
    """Rent a number and print it, without waiting for a code.

    You pay for it: follow up with 'code', then 'finish' or 'cancel'.
    """

    async def main() -> int:
        from smsplug.client import UNSET

        async with _client() as client:
            bought = await client.buy(
                service,
                country,
                providers=providers or None,
                max_price=UNSET if max_price is None else max_price,
                strategy=strategy,
                hold=True,
            )
        _out(
            _number_line(bought)
            + f"\nnext: smsplug code {bought.id} --provider {bought.provider}",
            _number_data(bought),
        )
        return 0

    _run(main)


def _known_number(client: Client, number_id: str, provider: str | None) -> Number:
    """The number with ``number_id``: from the ledger, or as the user names it."""
    from smsplug.models import Number

    if not number_id.strip():
        raise ConfigError("a number id is needed, e.g. smsplug code 1001")
    entry = client.ledger.find(number_id, provider)
    if entry is not None and entry.number is not None:
        return entry.number
    return Number(provider=_one_provider(client, provider), id=number_id, phone="")


@_number_command
def code(number_id: str, provider: str | None) -> None:
    """Check once whether the code of number ID has arrived."""

    async def main() -> int:
        async with _client() as client:
            got = await client.poll(_known_number(client, number_id, provider))
        _out(
            f"code {got.code}" if got else "no code yet",
            {
                "id": number_id,
                "code": got.code if got else None,
                "text": got.text if got else None,
            },
        )
        return 0

    _run(main)


@_number_command
def cancel(number_id: str, provider: str | None) -> None:
    """Cancel number ID so the provider refunds it."""
    _close(number_id, provider, "cancelled")


@_number_command
def finish(number_id: str, provider: str | None) -> None:
    """Mark number ID as used."""
    _close(number_id, provider, "finished")


@_number_command
def again(number_id: str, provider: str | None) -> None:
    """Ask for one more SMS on number ID (a second code); then use 'code ID'."""

    async def main() -> int:
        async with _client() as client:
            number = await client.request_another_code(
                _known_number(client, number_id, provider)
            )
        _out(
            f"asked for another code on {number.id}; "
            f"check with: smsplug code {number.id}",
            {"id": number.id, "provider": number.provider},
        )
        return 0

    _run(main)


@_number_command
def report(number_id: str, provider: str | None) -> None:
    """Report number ID as bad (already used on the service) and end it."""

    async def main() -> int:
        async with _client() as client:
            await client.report(_known_number(client, number_id, provider))
        _out(f"reported {number_id}", {"id": number_id, "status": "reported"})
        return 0

    _run(main)


def _close(number_id: str, provider: str | None, outcome: str) -> None:
    async def main() -> int:
        async with _client() as client:
            number = _known_number(client, number_id, provider)
            if outcome == "cancelled":
                await client.cancel(number)
            else:
                await client.finish(number)
        _out(f"{outcome} {number_id}", {"id": number_id, "status": outcome})
        return 0

    _run(main)


@cli.command()
@click.option(
    "--all",
    "include_held",
    is_flag=True,
    help="Also settle numbers bought with 'smsplug number' and not closed yet.",
)
@_json_option
def recover(include_held: bool) -> None:
    """Settle numbers a killed process left open: use arrived codes, cancel the rest."""

    async def main() -> int:
        async with _client() as client:
            outcomes = await client.recover(include_held=include_held)
        rows = [
            {
                "provider": r.entry.provider,
                "id": r.entry.number_id,
                "outcome": r.outcome,
                "detail": r.detail,
                "code": r.code.code if r.code else None,
            }
            for r in outcomes
        ]
        lines = [
            f"{r['provider']:<12} {r['id'] or '(purchase)':<14} {r['outcome']:<15} "
            + (f"code {r['code']}" if r["code"] else str(r["detail"]))
            for r in rows
        ] or ["nothing to recover: every number is finished or cancelled"]
        _out("\n".join(lines), rows)
        settled = ("finished", "cancelled", "nothing_bought", "gone")
        return 0 if all(r.outcome in settled for r in outcomes) else EXIT_ERROR

    _run(main)


@cli.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@_json_option
def history(limit: int) -> None:
    """Show the numbers bought, what they cost and how each ended."""

    async def main() -> int:
        async with _client() as client:
            entries = client.ledger.entries(limit=limit)
        rows = [
            {
                "provider": e.provider,
                "id": e.number_id,
                "phone": e.phone,
                "service": e.service,
                "country": e.country,
                "price": _money(e.price),
                "state": e.state,
                "error": e.error,
                "bought_at": dt.datetime.fromtimestamp(e.created_at, dt.UTC).isoformat(
                    timespec="seconds"
                ),
            }
            for e in entries
        ]
        lines = [
            f"{r['bought_at']}  {r['provider']:<10} {r['id'] or '-':<12} "
            f"{r['service']}/{r['country']:<4} {e.price or '-'!s:<10} {r['state']}"
            + (f"  ({r['error']})" if r["error"] else "")
            for r, e in zip(rows, entries, strict=True)
        ] or ["no numbers bought yet"]
        _out("\n".join(lines), rows)
        return 0

    _run(main)


@cli.command("serve-reference")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Loopback address to bind."
)
@click.option("--port", default=8600, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--key", default="reference-key", show_default=True, help="The API key it accepts."
)
@click.option(
    "--balance", "start_balance", default="10.00", show_default=True, callback=_decimal
)
@click.option("--price", default="0.25", show_default=True, callback=_decimal)
@click.option(
    "--code-delay", default=5.0, show_default=True, type=click.FloatRange(min=0)
)
@click.option("--no-code", is_flag=True, help="Never deliver a code.")
@_json_option
def serve_reference(
    host: str,
    port: int,
    key: str,
    start_balance: Decimal,
    price: Decimal,
    code_delay: float,
    no_code: bool,
) -> None:
    """Run the reference smsplug-v1 provider on loopback, for trying things out."""
    from smsplug.http import is_loopback
    from smsplug.testing.reference import Behaviour, ReferenceServer

    if not is_loopback(host):
        raise click.BadParameter(
            "the reference server binds to loopback only", param_hint="--host"
        )
    if not key.strip():
        raise click.BadParameter("the key must not be empty", param_hint="--key")
    try:
        server = ReferenceServer(
            key=key,
            balance=start_balance,
            behaviour=Behaviour(code_delay=code_delay, no_code=no_code, price=price),
            host=host,
            port=port,
        )
    except OSError as error:
        message = f"cannot listen on {host}:{port}: {error.strerror}"
        raise click.ClickException(message) from None
    _out(
        f"reference provider on {server.url} (key {key!r}); Ctrl-C stops it\n"
        f"  export SMSPLUG_CUSTOM_BASE_URL={server.url} SMSPLUG_CUSTOM_API_KEY={key}",
        {"url": server.url},
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


@cli.command()
@click.option(
    "--code-delay", default=2.0, show_default=True, type=click.FloatRange(min=0)
)
@click.option("--timeout", default=3.0, show_default=True, type=_positive)
@_json_option
def demo(code_delay: float, timeout: float) -> None:
    """Run the whole flow offline against the bundled reference provider.

    Buys a number and receives its code, then lets a second number time out
    and shows that it was cancelled and refunded.
    """
    from smsplug.demo import run_demo

    def say(line: str) -> None:
        if not _state().as_json:
            click.echo(line)

    async def main() -> int:
        summary = await run_demo(say, code_delay=code_delay, wait=timeout)
        if _state().as_json:
            click.echo(json.dumps(summary))
        return 0 if summary["ok"] else EXIT_ERROR

    _run(main)


from smsplug._plugins_command import plugins_command  # noqa: E402

cli.add_command(plugins_command)


def main() -> None:
    cli(prog_name="smsplug")


if __name__ == "__main__":
    main()
