"""The async client: choose a provider, buy, wait for the code, finish or cancel."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from decimal import Decimal
from types import TracebackType
from typing import Any, Final, TypeVar

import attrs
import httpx

from smsplug import catalog
from smsplug._polling import CLOCK_SLACK, PollDelays, SharedPoller
from smsplug._redact import mask_phone
from smsplug.config import Settings, check_max_price, load_settings
from smsplug.errors import (
    Banned,
    ConfigError,
    CountryNotSupported,
    InvalidResponse,
    NoApiKey,
    NoNumbers,
    NoSmsReceived,
    NotFound,
    ProviderUnavailable,
    SmsError,
)
from smsplug.http import ProviderHTTP
from smsplug.ledger import (
    CANCELLED,
    FINISHED,
    GONE,
    Entry,
    Ledger,
    LedgerUnavailable,
    default_path,
)
from smsplug.models import (
    Balance,
    Code,
    Money,
    Number,
    Price,
    ProviderInfo,
    Rates,
    to_decimal,
)
from smsplug.plugins import Plugins
from smsplug.provider import Provider, env_name
from smsplug.selection import STRATEGIES, Cooldowns, falls_back, order_providers

__all__ = ["Activation", "Client", "Recovery"]

log = logging.getLogger("smsplug.client")
T = TypeVar("T")


class _Unset:
    def __repr__(self) -> str:
        return "<from settings>"


UNSET: Final = _Unset()
#: How long a provider's price list is reused by the ``cheapest`` strategy.
PRICE_CACHE_SECONDS = 60.0
#: Requests in flight at once, across providers; more wait their turn.
# Limitation: not a setting yet; with providers 200 ms away it caps one
# client at about 100 requests a second.
MAX_CONNECTIONS = 20
MaxPrice = Decimal | str | float | int | None


class Client:
    """Rents numbers from the configured providers and waits for their codes.

    Use it as an async context manager so that its HTTP connections close::

        async with Client.from_config() as sms:
            async with sms.activation(service="amazon", country="us") as number:
                fill_in_form(number.phone)
                code = await number.wait_code()
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        plugins: Plugins | None = None,
        http_client: httpx.AsyncClient | None = None,
        ledger: Ledger | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings()
        self.plugins = plugins if plugins is not None else Plugins.discover()
        self.rates = Rates(self.settings.rates)
        self._http = http_client
        self._owns_http = http_client is None
        self._rng = rng or random.Random()
        self._contexts: dict[str, Provider] = {}
        self._ledger = ledger
        self._owns_ledger = ledger is None
        self._price_cache: dict[tuple[str, str, str], tuple[float, Decimal | None]] = {}
        self._pollers: dict[str, SharedPoller] = {}
        self._slots = asyncio.Semaphore(MAX_CONNECTIONS)
        # Purchases beyond what can be in flight wait at the door, before
        # the ledger notes them and before their calls pile up in memory.
        self._buying = asyncio.Semaphore(MAX_CONNECTIONS)
        #: Providers set aside after a ban or a concurrency limit.
        self.cooldowns = Cooldowns()

    @classmethod
    def from_config(
        cls,
        path: str | None = None,
        *,
        env: dict[str, str] | None = None,
        plugins: Plugins | None = None,
    ) -> Client:
        """A client with settings from smsplug.toml and the environment."""
        return cls(load_settings(path, env=env), plugins=plugins)

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for poller in self._pollers.values():
            await poller.aclose()
        self._pollers.clear()
        if self._http is not None and self._owns_http:
            await self._http.aclose()
            self._http = None
        if self._ledger is not None and self._owns_ledger:
            self._ledger.close()
            self._ledger = None

    @property
    def ledger(self) -> Ledger:
        """The journal of paid numbers (opened on first use)."""
        if self._ledger is None:
            self._ledger = Ledger(default_path(self.settings.data_dir))
        return self._ledger

    # -- providers ---------------------------------------------------------

    def installed(self) -> list[str]:
        return sorted(self.plugins.providers)

    def is_configured(self, name: str) -> bool:
        """Whether provider ``name`` has what it needs to be used (a key)."""
        info = self.plugins.info(name)
        return not info.needs_key or self.settings.has_api_key(name)

    def configured(self) -> list[str]:
        """The providers numbers are bought from, in configured order."""
        if self.settings.providers:
            for name in self.settings.providers:
                self._check_installed(name)
            return list(self.settings.providers)
        return [name for name in self.installed() if self.is_configured(name)]

    def provider(self, name: str) -> Provider:
        """The context of provider ``name``, as its hooks receive it."""
        if name not in self._contexts:
            info = self._check_installed(name)
            settings = self.settings.provider_settings(info)
            plog = logging.getLogger(f"smsplug.provider.{name}")
            http = ProviderHTTP(
                name,
                settings["base_url"],
                self._client(),
                retry=self.settings.retry,
                log=plog,
                slots=self._slots,
            )
            self._contexts[name] = Provider(info, settings, http, plog)
        return self._contexts[name]

    def _check_installed(self, name: str) -> ProviderInfo:
        if name not in self.plugins.providers:
            installed = ", ".join(self.installed()) or "none"
            raise ConfigError(
                f"provider {name!r} is not installed (installed: {installed}); "
                f"pip install smsplug-{name}"
            )
        return self.plugins.info(name)

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            from smsplug import __version__

            self._http = httpx.AsyncClient(
                timeout=self.settings.http_timeout,
                headers={"User-Agent": f"smsplug/{__version__}"},
                follow_redirects=False,
                # Many live numbers poll at once: keep their connections open.
                limits=httpx.Limits(
                    max_connections=MAX_CONNECTIONS,
                    max_keepalive_connections=MAX_CONNECTIONS,
                ),
                http2=_HTTP2,
            )
        return self._http

    # -- single calls ------------------------------------------------------

    async def balance(self, provider: str) -> Balance:
        """The balance of one provider's account, in its own currency."""
        context = self.provider(provider)
        result = await self.plugins.hooks(provider).get_balance(provider=context)
        return _expect(result, Balance, provider, "get_balance")

    async def prices(self, service: str, country: str, *, provider: str) -> list[Price]:
        """What one provider asks for ``service`` in ``country``."""
        context = self.provider(provider)
        result = await self.plugins.hooks(provider).price_list(
            provider=context, service=service, country=country
        )
        prices = _expect(result, list, provider, "price_list")
        return [_expect(p, Price, provider, "price_list") for p in prices]

    async def buy(
        self,
        service: str,
        country: str,
        *,
        providers: Sequence[str] | None = None,
        max_price: MaxPrice | _Unset = UNSET,
        strategy: str | None = None,
        hold: bool = False,
    ) -> Number:
        """Rent one number; you must :meth:`finish` or :meth:`cancel` it.

        With ``hold=True`` the number is yours to settle by hand: ``recover``
        leaves it alone (unless told to settle held numbers too).

        Prefer :meth:`activation`, which does both for you. Providers are
        tried in the configured strategy's order among ``providers`` (default:
        all configured), moving on only after failures that spent nothing.
        ``max_price`` is in USD.
        """
        limit = self._max_price(max_price)
        async with self._buying:
            order = await self._plan(service, country, providers, strategy)
            if limit is not None:
                # Every candidate must be able to honour the limit, so that the
                # outcome does not depend on which provider the strategy picks.
                for name in order:
                    self._limit_in(self.provider(name), limit)
            try:
                number = await self._buy_in_order(order, service, country, limit)
            except CountryNotSupported as error:
                error.message += catalog.hint(service, country)
                raise
        if hold:
            self._journal(self.ledger.hold, number)
        return number

    async def _buy_in_order(
        self, order: list[str], service: str, country: str, limit: Decimal | None
    ) -> Number:
        failures: list[tuple[str, SmsError]] = []
        for name in order:
            set_aside = self.cooldowns.error(name)
            if set_aside is not None:
                failures.append((name, set_aside))
                continue
            try:
                return await self._buy_from(name, service, country, limit)
            except SmsError as error:
                self.cooldowns.note(name, error)
                if not falls_back(error):
                    raise
                failures.append((name, error))
                log.info("%s could not rent a number (%s)", name, error.kind)
        raise _summary(failures)

    async def _plan(
        self,
        service: str,
        country: str,
        providers: Sequence[str] | None,
        strategy: str | None,
    ) -> list[str]:
        candidates = list(providers) if providers else self.configured()
        for name in candidates:
            self._check_installed(name)
        if not candidates:
            installed = self.installed()
            hint = (
                f"set SMSPLUG_{env_name(installed[0])}_API_KEY or choose providers"
                if installed
                else "install a provider plugin, e.g. pip install smsplug-5sim"
            )
            raise NoApiKey(f"no provider is configured; {hint}")
        strategy = strategy or self.settings.strategy
        if strategy not in STRATEGIES:
            raise ConfigError(
                f"strategy must be one of {', '.join(STRATEGIES)}, got {strategy!r}"
            )
        prices = (
            await self._cheapest_usd(service, country, candidates)
            if (strategy == "cheapest" and len(candidates) > 1)
            else None
        )
        demoted = frozenset(
            name
            for name in candidates
            if self.ledger.keeps_timing_out(name, service, country)
        )
        return order_providers(
            strategy, candidates, rng=self._rng, prices=prices, demoted=demoted
        )

    async def _cheapest_usd(
        self, service: str, country: str, names: Sequence[str]
    ) -> dict[str, Decimal | None]:
        """Each provider's lowest price in USD now (``None`` when unknown)."""

        async def lowest(name: str) -> Decimal | None:
            key = (name, service, country)
            cached = self._price_cache.get(key)
            if cached is not None and cached[0] > time.monotonic():
                return cached[1]
            try:
                prices = await self.prices(service, country, provider=name)
            except SmsError:
                return None
            in_usd = [self.rates.to_usd(p.price) for p in prices if p.available != 0]
            best = min((m.amount for m in in_usd if m is not None), default=None)
            self._price_cache[key] = (time.monotonic() + PRICE_CACHE_SECONDS, best)
            return best

        found = await asyncio.gather(*(lowest(name) for name in names))
        return dict(zip(names, found, strict=True))

    async def _buy_from(
        self, name: str, service: str, country: str, limit: Decimal | None
    ) -> Number:
        context = self.provider(name)
        provider_limit = self._limit_in(context, limit)

        row = self.ledger.begin(name, service, country, endpoint=context.http.base_url)
        try:
            result = await self.plugins.hooks(name).get_number(
                provider=context,
                service=service,
                country=country,
                max_price=provider_limit,
            )
            number = _expect(result, Number, name, "get_number")
        except SmsError as error:
            if error.number is not None:
                # Sold, but unusable (a garbled reply, the wrong country): do
                # not pay for it.
                self._journal(self.ledger.bought, row, error.number)
                error.message += await self._give_back(error.number)
                raise
            self._note_failed_purchase(row, error)
            raise
        except BaseException as error:
            # Cancelled or interrupted mid-purchase: the outcome is unknown.
            self._journal(self.ledger.unknown, row, error)
            raise
        self._journal(self.ledger.bought, row, number)
        log.info(
            "bought number %s from %s for %s (id %s)",
            mask_phone(number.phone),
            name,
            number.price or "an unknown price",
            number.id,
        )
        if limit is not None and number.price is not None:
            await self._check_price(number, limit)
        return number

    async def _give_back(self, number: Number) -> str:
        """Cancel a number sold by a failed purchase; says how that went."""
        try:
            await _shielded(self.cancel(number))
        except SmsError as failure:
            return (
                f"; cancelling number {number.id} failed ({failure.kind}), so it stays "
                f"in the ledger for 'smsplug recover'"
            )
        return f"; number {number.id} was cancelled"

    def _journal(self, write: Callable[..., None], *args: Any) -> None:
        """Write to the ledger once money may have moved.

        A ledger that cannot be written then must not cost the caller the
        number in hand: the failure is logged loudly, naming the number.
        """
        try:
            write(*args)
        except LedgerUnavailable as error:
            named = [f"{a.provider} {a.id}" for a in args if isinstance(a, Number)]
            log.error("%s; not journalled: %s", error, ", ".join(named) or "a purchase")

    def _note_failed_purchase(self, row: int, error: SmsError) -> None:
        if isinstance(error, InvalidResponse) or (
            isinstance(error, ProviderUnavailable) and error.maybe_sent
        ):
            # It may have been sold: recover finds out, never buying again.
            self._journal(self.ledger.unknown, row, error)
        else:
            self._journal(self.ledger.failed, row, error)

    async def poll(self, number: Number) -> Code | None:
        """The code received on ``number`` so far, or ``None``."""
        try:
            result = await self.plugins.hooks(number.provider).poll_code(
                provider=self.provider(number.provider), number=number
            )
        except Banned as error:
            self.cooldowns.note(number.provider, error)
            raise
        if result is None:
            return None
        code = _expect(result, Code, number.provider, "poll_code")
        log.info("code received on %s (id %s)", number.provider, number.id)
        return code

    async def _poll_listed(
        self, name: str, numbers: Sequence[Number]
    ) -> Mapping[str, Code | None] | None:
        """The codes of ``numbers`` from one list request (``poll_codes``)."""
        result = await self.plugins.hooks(name).poll_codes(
            provider=self.provider(name), numbers=numbers
        )
        if result is None:
            return None
        if not isinstance(result, Mapping):
            raise InvalidResponse(
                f"the plugin's poll_codes returned {type(result).__name__}, "
                "not a mapping",
                provider=name,
            )
        for number_id, code in result.items():
            if code is not None:
                _expect(code, Code, name, "poll_codes")
                log.info("code received on %s (id %s)", name, number_id)
        return result

    def _shared_poller(self, name: str) -> SharedPoller | None:
        """The poller of provider ``name``, if it can poll many numbers at once."""
        if "poll_codes" not in self.plugins.providers[name].hooks:
            return None
        poller = self._pollers.get(name)
        if poller is None:
            poller = self._pollers[name] = SharedPoller(
                name,
                lambda number: self.poll(number),
                lambda numbers: self._poll_listed(name, numbers),
            )
        return poller

    async def cancel(self, number: Number) -> None:
        """Cancel ``number`` so the provider refunds it.

        A cancel the provider refuses for now ("too early") is retried for up
        to ``cancel_patience`` seconds before the error is raised.
        """
        hooks = self.plugins.hooks(number.provider)
        context = self.provider(number.provider)
        deadline = time.monotonic() + self.settings.cancel_patience
        while True:
            try:
                await hooks.cancel(provider=context, number=number)
            except ProviderUnavailable as exc:
                wait = (
                    exc.retry_after
                    if exc.retry_after is not None
                    else self.settings.poll_delay
                )
                if time.monotonic() + wait > deadline:
                    self._journal(self.ledger.remark, number, exc)
                    raise ProviderUnavailable(
                        f"could not cancel number {number.id}: {exc.message}; "
                        f"it stays in the ledger for 'smsplug recover'",
                        provider=number.provider,
                        raw=exc.raw,
                        retry_after=exc.retry_after,
                    ) from exc
                log.warning(
                    "%s refused to cancel %s for now; retrying in %.1f s",
                    number.provider,
                    number.id,
                    wait,
                )
                await asyncio.sleep(wait)
            except SmsError as exc:
                self._journal(self.ledger.remark, number, exc)
                raise
            else:
                self._journal(self.ledger.closed, number, CANCELLED)
                log.info("cancelled number %s on %s", number.id, number.provider)
                return

    async def finish(self, number: Number) -> None:
        """Tell the provider ``number`` was used (where the provider has that)."""
        await self.plugins.hooks(number.provider).finish(
            provider=self.provider(number.provider), number=number
        )
        self._journal(self.ledger.closed, number, FINISHED)
        log.info("finished number %s on %s", number.id, number.provider)

    async def recover(self, *, include_held: bool = False) -> list[Recovery]:
        """Settle every number a dead process left open in the ledger.

        A number that received a code is finished and its code reported; the
        others are cancelled so the provider refunds them. A purchase whose
        outcome was lost is looked up in the provider's list of active numbers
        where it has one, never bought again.
        """
        outcomes = []
        for entry in self.ledger.open_entries(include_held=include_held):
            if entry.provider not in self.plugins.providers:
                outcomes.append(
                    Recovery(entry, "skipped", "its provider plugin is not installed")
                )
                continue
            moved = self._moved(entry)
            if moved:
                outcomes.append(Recovery(entry, "skipped", moved))
                continue
            try:
                outcomes.append(await self._recover(entry))
            except SmsError as error:
                self._journal(self.ledger.note, entry.row, error)
                outcomes.append(
                    Recovery(entry, "failed", f"{error.kind}: {error.message}")
                )
        return outcomes

    def _moved(self, entry: Entry) -> str | None:
        """Why ``entry`` cannot be settled with the current settings, if so."""
        try:
            now = self.provider(entry.provider).http.base_url
        except ConfigError as error:
            return f"{entry.provider} is not configured ({error.message})"
        if entry.endpoint and entry.endpoint != now:
            return (
                f"bought at {entry.endpoint}, but {entry.provider} now points at "
                f"{now}; point it back there to settle this number"
            )
        return None

    async def _recover(self, entry: Entry) -> Recovery:
        number = entry.number
        if number is None:
            found = await self._find_lost_purchase(entry)
            if isinstance(found, str):
                if found == _NOTHING_SOLD:
                    self._journal(
                        self.ledger.failed,
                        entry.row,
                        RuntimeError("the provider sold nothing"),
                    )
                    return Recovery(
                        entry, "nothing_bought", "the provider sold nothing"
                    )
                return Recovery(entry, "unknown", found)
            number = found
            self._journal(self.ledger.adopt, entry.row, number)

        try:
            code = await self.poll(number)
        except NoSmsReceived:
            code = None  # the provider ended it; cancelling below is harmless
        except NotFound:
            self._journal(self.ledger.closed, number, GONE)
            return Recovery(entry, "gone", "the provider no longer knows this number")
        if code is not None:
            await self.finish(number)
            return Recovery(entry, "finished", "a code had arrived", code=code)
        await self.cancel(number)
        return Recovery(entry, "cancelled", "cancelled, so the provider refunds it")

    async def _find_lost_purchase(self, entry: Entry) -> Number | str:
        """The number a lost purchase bought, or why none can be named.

        Only a number the ledger does not know, for the same service and
        country, counts; with several candidates nothing is guessed.
        """
        listed = await self.plugins.hooks(entry.provider).active_numbers(
            provider=self.provider(entry.provider)
        )
        if listed is None:
            return "the provider cannot list active numbers; check its dashboard"
        candidates = [
            n
            for n in _expect(listed, list, entry.provider, "active_numbers")
            if isinstance(n, Number)
            and self.ledger.find(n.id, n.provider) is None
            and n.service in (None, entry.service)
            and n.country in (None, entry.country)
        ]
        if not candidates:
            return _NOTHING_SOLD
        if len(candidates) > 1:
            ids = ", ".join(n.id for n in candidates)
            return f"several active numbers could be this purchase ({ids}); check them"
        return candidates[0]

    async def request_another_code(self, number: Number) -> Number:
        """Ask for one more SMS on ``number``; poll the number returned.

        Raises ``config`` when the provider has no such call.
        """
        hooks = self.plugins.hooks(number.provider)
        self._require(number.provider, "request_another_code")
        result = await hooks.request_another_code(
            provider=self.provider(number.provider), number=number
        )
        log.info("asked %s for another code on %s", number.provider, number.id)
        return _expect(result, Number, number.provider, "request_another_code")

    async def report(self, number: Number) -> None:
        """Report ``number`` as bad (already used on the service) and end it."""
        self._require(number.provider, "report_number")
        await self.plugins.hooks(number.provider).report_number(
            provider=self.provider(number.provider), number=number
        )
        self._journal(self.ledger.closed, number, CANCELLED)
        log.info("reported number %s on %s", number.id, number.provider)

    def _require(self, provider: str, hook: str) -> None:
        self._check_installed(provider)
        if hook not in self.plugins.providers[provider].hooks:
            raise ConfigError(f"{provider} has no {hook.replace('_', ' ')} call")

    def activation(
        self,
        service: str,
        country: str,
        *,
        providers: Sequence[str] | None = None,
        max_price: MaxPrice | _Unset = UNSET,
        timeout: float | None = None,
        poll_delay: float | None = None,
        strategy: str | None = None,
    ) -> Activation:
        """Rent a number for the length of an ``async with`` block.

        Leaving the block after a code arrived finishes the number; leaving it
        any other way (timeout, exception, cancellation) cancels it, so the
        provider refunds it. ``max_price`` is in USD.
        """
        return Activation(
            self,
            service,
            country,
            providers=providers,
            max_price=max_price,
            strategy=strategy,
            timeout=self.settings.timeout
            if timeout is None
            else _positive("timeout", timeout),
            poll_delay=(
                self.settings.poll_delay
                if poll_delay is None
                else _positive("poll_delay", poll_delay)
            ),
        )

    # -- helpers -----------------------------------------------------------

    def _max_price(self, value: MaxPrice | _Unset) -> Decimal | None:
        if isinstance(value, _Unset):
            return self.settings.max_price
        if value is None:
            return None
        try:
            limit = to_decimal(value)
        except ValueError:
            raise ConfigError(
                f"max price must be an amount in USD, got {value!r}"
            ) from None
        return check_max_price(limit, setting="max price")

    def _limit_in(self, provider: Provider, limit: Decimal | None) -> Money | None:
        if limit is None:
            return None
        currency = provider.currency
        converted = self.rates.from_usd(limit, currency)
        if converted is None:
            raise ConfigError(
                f"{provider.name} prices in {currency} and no rate is configured, so a "
                f"max price in USD cannot be honoured; set {currency} in [rates] "
                f"(USD per 1 {currency}) or drop the max price"
            )
        return converted

    async def _check_price(self, number: Number, limit: Decimal) -> None:
        assert number.price is not None
        usd = self.rates.to_usd(number.price)
        if usd is not None and usd.amount <= limit:
            return
        await _shielded(self.cancel(number))
        shown = usd if usd is not None else number.price
        raise NoNumbers(
            f"the number was sold at {shown}, above the max price ${limit}; "
            f"it was cancelled and refunded",
            provider=number.provider,
        )


@attrs.frozen
class Recovery:
    """What ``recover`` did with one open ledger entry."""

    entry: Entry
    #: finished, cancelled, nothing_bought, unknown, skipped or failed.
    outcome: str
    detail: str
    code: Code | None = None


_NOTHING_SOLD = "nothing sold"


class Activation:
    """A number rented for the length of an ``async with`` block."""

    def __init__(
        self,
        client: Client,
        service: str,
        country: str,
        *,
        providers: Sequence[str] | None,
        max_price: MaxPrice | _Unset,
        timeout: float,
        poll_delay: float,
        strategy: str | None = None,
    ) -> None:
        self.client = client
        self.service = service
        self.country = country
        self.timeout = timeout
        self.poll_delay = poll_delay
        self._providers = providers
        self._max_price = max_price
        self._strategy = strategy
        self._number: Number | None = None
        self.code: Code | None = None
        self.closed = False

    @property
    def bought(self) -> Number | None:
        """The number, once bought; ``None`` before (or if buying failed)."""
        return self._number

    @property
    def number(self) -> Number:
        if self._number is None:
            raise RuntimeError("no number yet: use the activation with 'async with'")
        return self._number

    @property
    def phone(self) -> str:
        return self.number.phone

    @property
    def provider(self) -> str:
        return self.number.provider

    async def __aenter__(self) -> Activation:
        self._number = await self.client.buy(
            self.service,
            self.country,
            providers=self._providers,
            max_price=self._max_price,
            strategy=self._strategy,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._number is None or self.closed:
            return
        self.closed = True
        if exc_type is None and self.code is not None:
            try:
                await _shielded(self.client.finish(self._number))
            except SmsError as error:
                # The code was delivered; a provider that cannot record that
                # closes the number itself when it expires.
                log.warning("could not finish number %s: %s", self._number.id, error)
            return
        await _shielded(self.client.cancel(self._number))

    async def wait_code(self) -> Code:
        """Poll until a code arrives; after ``timeout`` seconds cancel and raise.

        Raises :class:`~smsplug.errors.NoSmsReceived` once the number has been
        cancelled (so the money is refunded).
        """
        if self.code is not None:
            return self.code
        number = self.number
        deadline = time.monotonic() + self.timeout
        poller = self.client._shared_poller(number.provider)
        if poller is not None:
            code = await poller.wait(
                number, deadline=deadline, poll_delay=self.poll_delay
            )
        else:
            code = await self._poll_until(number, deadline)
        if code is not None:
            self.code = code
            return code

        self.closed = True
        try:
            await _shielded(self.client.cancel(number))
        except SmsError as error:
            raise NoSmsReceived(
                f"no SMS arrived within {self.timeout:g} s, and cancelling the number "
                f"failed ({error.message}); run 'smsplug recover' later",
                provider=number.provider,
                number_id=number.id,
                refunded=False,
            ) from error
        timed_out = NoSmsReceived(
            f"no SMS arrived within {self.timeout:g} s; the number was cancelled "
            f"and the money refunded",
            provider=number.provider,
            number_id=number.id,
        )
        self.client._journal(self.client.ledger.remark, number, timed_out)
        raise timed_out

    async def _poll_until(self, number: Number, deadline: float) -> Code | None:
        """Poll ``number`` on its own until a code comes or ``deadline`` passes."""
        delays = PollDelays(self.poll_delay)
        while True:
            asked = time.monotonic()
            code = await self._poll(number, delays)
            if code is not None:
                return code
            now = time.monotonic()
            remaining = deadline - now
            if remaining <= CLOCK_SLACK:
                break
            # Counted from when the last poll was sent, so that a slow reply
            # does not stretch the time between two looks.
            await asyncio.sleep(max(0.0, min(asked + delays.next() - now, remaining)))

        # One last look, so that a code that arrived just now is not thrown away.
        return await self._poll(number, delays)

    async def _poll(self, number: Number, delays: PollDelays) -> Code | None:
        try:
            return await self.client.poll(number)
        except ProviderUnavailable as error:
            # A passing outage must not end the wait: the code may still come.
            log.warning("polling %s failed, will try again: %s", number.id, error)
            delays.slow_down(error.retry_after)
            return None


def _has_h2() -> bool:
    import importlib.util

    return importlib.util.find_spec("h2") is not None


#: HTTP/2 is offered to providers that speak it when the h2 package is
#: installed (pip install h2); otherwise, and on plain-http loopback URLs,
#: requests go over HTTP/1.1.
_HTTP2: Final = _has_h2()


async def _shielded(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to the end even if the calling task is cancelled meanwhile.

    Used for cancel and finish: a Ctrl-C or task cancellation must not leave a
    paid number open. The cancellation is passed on once ``coro`` is done.
    """
    task = asyncio.ensure_future(coro)
    interrupted = False
    while not task.done():
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:
            interrupted = True
    if interrupted:
        if not task.cancelled() and task.exception() is not None:
            log.warning("while cancelling the task: %s", task.exception())
        raise asyncio.CancelledError
    return task.result()


def _summary(failures: list[tuple[str, SmsError]]) -> SmsError:
    """One error naming every provider tried and why each failed."""
    if len(failures) == 1:
        return failures[0][1]
    kinds = {type(error) for _, error in failures}
    kind = kinds.pop() if len(kinds) == 1 else type(failures[-1][1])
    reasons = "; ".join(
        f"{name}: {error.kind} ({error.message})" for name, error in failures
    )
    summary = kind.__new__(kind)
    SmsError.__init__(summary, f"no provider could rent a number: {reasons}")
    summary.attempts = failures  # type: ignore[attr-defined]
    return summary


def _expect(value: object, kind: type[T], provider: str, hook: str) -> T:
    if not isinstance(value, kind):
        raise InvalidResponse(
            f"the plugin's {hook} returned {type(value).__name__}, not {kind.__name__}",
            provider=provider,
        )
    return value


def _positive(name: str, value: Any) -> Any:
    if not value > 0:
        raise ConfigError(f"{name} must be greater than 0, got {value}")
    return value
