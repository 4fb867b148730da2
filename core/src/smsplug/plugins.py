"""Finding provider plugins and calling one provider's hooks at a time.

Plugins are found through the ``smsplug`` entry-point group and loaded one by
one: a plugin that fails to import or to describe itself is reported (with
its distribution's name) and skipped, never fatal. ``SMSPLUG_LOAD_PLUGINS``,
a comma list of entry-point names, restricts what loads; set it empty to load
none.

Each provider's hooks are called through a pluggy subset caller that leaves
out every other provider, so exactly one implementation answers, while the
core's own wrappers still see every call: they await ``async`` hooks, time
and log them, and turn anything but :class:`~smsplug.errors.SmsError` into
an error a user can act on.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Generator
from importlib import metadata
from typing import Any

import attrs
import httpx
import pluggy

from smsplug import hookspecs
from smsplug._redact import redact
from smsplug.errors import InvalidResponse, ProviderUnavailable, SmsError
from smsplug.hookspecs import hookimpl
from smsplug.models import ProviderInfo

__all__ = ["ENTRY_POINT_GROUP", "LoadedPlugin", "PluginFailure", "Plugins"]

ENTRY_POINT_GROUP = "smsplug"
LOAD_ENV = "SMSPLUG_LOAD_PLUGINS"
PROVIDER_HOOKS = (
    "get_balance",
    "price_list",
    "get_number",
    "poll_code",
    "poll_codes",
    "cancel",
    "finish",
    "active_numbers",
    "request_another_code",
    "report_number",
)

log = logging.getLogger("smsplug.plugins")


@attrs.frozen
class LoadedPlugin:
    """A provider plugin that loaded."""

    info: ProviderInfo
    plugin: object = attrs.field(repr=False)
    distribution: str | None = None
    version: str | None = None

    @property
    def hooks(self) -> list[str]:
        return [
            name
            for name in PROVIDER_HOOKS
            if callable(getattr(self.plugin, name, None))
        ]


@attrs.frozen
class PluginFailure:
    """A plugin that was found but could not be loaded."""

    entry_point: str
    distribution: str | None
    error: str


class Plugins:
    """The plugin manager, the loaded providers and their hook callers."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager("smsplug")
        self.pm.add_hookspecs(hookspecs)
        self.pm.register(_CoreWrappers, name="smsplug.core")
        self.providers: dict[str, LoadedPlugin] = {}
        self.failures: list[PluginFailure] = []
        self._callers: dict[str, ProviderHooks] = {}

    @classmethod
    def discover(cls, *, env: dict[str, str] | None = None) -> Plugins:
        """Load every installed plugin allowed by ``SMSPLUG_LOAD_PLUGINS``."""
        plugins = cls()
        allowed = _allowed(os.environ if env is None else env)
        for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
            if allowed is None or entry_point.name in allowed:
                plugins.load_entry_point(entry_point)
        plugins.pm.check_pending()
        return plugins

    def load_entry_point(self, entry_point: metadata.EntryPoint) -> None:
        dist = entry_point.dist
        dist_name = dist.name if dist else None
        try:
            plugin = entry_point.load()
            self.add(
                plugin,
                distribution=dist_name,
                version=dist.version if dist else None,
            )
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning(
                "skipping plugin %s from %s: %s",
                entry_point.name,
                dist_name or "an unknown distribution",
                error,
            )
            self.failures.append(PluginFailure(entry_point.name, dist_name, error))

    def add(
        self,
        plugin: object,
        *,
        distribution: str | None = None,
        version: str | None = None,
    ) -> ProviderInfo:
        """Register a provider plugin; returns what it says about itself."""
        describe = getattr(plugin, "provider_info", None)
        if not callable(describe):
            raise TypeError(f"{plugin!r} has no provider_info hook")
        info = describe()
        if not isinstance(info, ProviderInfo):
            raise TypeError(
                f"provider_info() returned {type(info).__name__}, not ProviderInfo"
            )
        if info.name in self.providers:
            raise ValueError(f"a provider named {info.name!r} is already loaded")

        self.pm.register(plugin, name=f"provider:{info.name}")
        self.providers[info.name] = LoadedPlugin(info, plugin, distribution, version)
        self._callers.clear()
        return info

    def remove(self, name: str) -> None:
        loaded = self.providers.pop(name)
        self.pm.unregister(loaded.plugin)
        self._callers.clear()

    def hooks(self, name: str) -> ProviderHooks:
        """The hook callers of provider ``name`` alone."""
        if name not in self._callers:
            others = [p.plugin for n, p in self.providers.items() if n != name]
            self._callers[name] = ProviderHooks(self.pm, others)
        return self._callers[name]

    def info(self, name: str) -> ProviderInfo:
        return self.providers[name].info

    def to_json(self) -> str:
        return json.dumps(
            [
                {
                    "name": p.info.name,
                    "distribution": p.distribution,
                    "version": p.version,
                    "hooks": p.hooks,
                }
                for p in self.providers.values()
            ]
        )


class ProviderHooks:
    """Awaitable hook callers bound to one provider."""

    def __init__(self, pm: pluggy.PluginManager, others: list[object]) -> None:
        for name in PROVIDER_HOOKS:
            setattr(self, name, pm.subset_hook_caller(name, remove_plugins=others))

    get_balance: Callable[..., Awaitable[Any]]
    price_list: Callable[..., Awaitable[Any]]
    get_number: Callable[..., Awaitable[Any]]
    poll_code: Callable[..., Awaitable[Any]]
    poll_codes: Callable[..., Awaitable[Any]]
    cancel: Callable[..., Awaitable[Any]]
    finish: Callable[..., Awaitable[Any]]
    active_numbers: Callable[..., Awaitable[Any]]
    request_another_code: Callable[..., Awaitable[Any]]
    report_number: Callable[..., Awaitable[Any]]


def _allowed(env: dict[str, str] | os._Environ[str]) -> set[str] | None:
    value = env.get(LOAD_ENV)
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def _observed(hook: str) -> Callable[..., Generator[None, Any, Awaitable[Any]]]:
    """A core wrapper for ``hook``: its result is always one awaitable."""

    @hookimpl(wrapper=True)
    def wrapper(provider: Any) -> Generator[None, Any, Awaitable[Any]]:
        try:
            result = yield
        except BaseException as exc:  # the implementation raised before awaiting
            return _observe(hook, provider, _reraise(exc))
        return _observe(hook, provider, result)

    wrapper.__name__ = hook
    return wrapper


# The core's wrappers around every provider hook call, one per hook.
_CoreWrappers = type(
    "_CoreWrappers",
    (),
    {hook: staticmethod(_observed(hook)) for hook in PROVIDER_HOOKS},
)


async def _reraise(exc: BaseException) -> Any:
    raise exc


async def _observe(hook: str, provider: Any, result: Any) -> Any:
    name = getattr(provider, "name", "?")
    plog = getattr(provider, "log", log)
    started = time.perf_counter()
    try:
        value = await result if inspect.isawaitable(result) else result
    except SmsError as exc:
        if exc.provider is None:
            exc.provider = name
        plog.debug("%s failed: %s", hook, exc.kind)
        raise
    except (httpx.TimeoutException, httpx.TransportError) as exc:
        raise ProviderUnavailable(
            f"could not reach the provider ({type(exc).__name__})", provider=name
        ) from exc
    except Exception as exc:
        # The plugin let a parsing error escape: the reply was not what it expected.
        raise InvalidResponse(
            f"could not understand the provider's reply "
            f"({type(exc).__name__}: {redact(str(exc))[:200]})",
            provider=name,
        ) from exc
    plog.debug("%s done in %.1f ms", hook, (time.perf_counter() - started) * 1000)
    return value
