"""Discovering plugins and calling exactly one provider's hooks."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from smsplug import Balance, Client, InvalidResponse, Money, ProviderInfo, hookimpl
from smsplug.cli import cli
from smsplug.errors import NoBalance, ProviderUnavailable
from smsplug.plugins import Plugins


def fake_provider(name: str, *, amount: str = "1.00", **hooks: Any) -> ModuleType:
    """A provider plugin object whose get_balance answers ``amount``."""

    @hookimpl
    def provider_info() -> ProviderInfo:
        return ProviderInfo(
            name=name, title=name, currency="USD", base_url="https://example.invalid"
        )

    @hookimpl
    async def get_balance(provider: Any) -> Balance:
        return Balance(provider.name, Money(amount))

    plugin = ModuleType(f"smsplug_{name}")
    plugin.provider_info = provider_info  # type: ignore[attr-defined]
    plugin.get_balance = hooks.pop("get_balance", get_balance)  # type: ignore[attr-defined]
    for hook, impl in hooks.items():
        setattr(plugin, hook, impl)
    return plugin


def client_with(*providers: ModuleType) -> Client:
    plugins = Plugins()
    for provider in providers:
        plugins.add(provider)
    return Client(plugins=plugins)


def install_distribution(root: Path, name: str, module: str, source: str) -> None:
    """Lay out a package the way pip installs it: code plus a .dist-info."""
    (root / f"{module}.py").write_text(textwrap.dedent(source))
    info = root / f"{name.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2.3\n"
    )
    (info / "entry_points.txt").write_text(f"[smsplug]\n{module} = {module}\n")


PLUGIN_SOURCE = """
from smsplug import ProviderInfo, hookimpl

@hookimpl
def provider_info():
    return ProviderInfo(name="acme", title="Acme SMS", currency="USD",
                        base_url="https://acme.invalid")
"""


async def test_only_the_chosen_provider_answers() -> None:
    async with client_with(
        fake_provider("one", amount="1"), fake_provider("two", amount="2")
    ) as sms:
        first = await sms.balance("one")
        second = await sms.balance("two")

    assert first == Balance("one", Money("1"))
    assert second == Balance("two", Money("2"))


async def test_sync_hooks_are_accepted() -> None:
    @hookimpl
    def get_balance(provider: Any) -> Balance:
        return Balance(provider.name, Money("3.50"))

    async with client_with(fake_provider("plain", get_balance=get_balance)) as sms:
        balance = await sms.balance("plain")

    assert balance.money.amount == Decimal("3.50")


@pytest.mark.parametrize(
    "exc", [KeyError("balance"), ValueError("bad"), TypeError("x")]
)
async def test_parsing_errors_become_invalid_response(exc: Exception) -> None:
    @hookimpl
    async def get_balance(provider: Any) -> Balance:
        raise exc

    async with client_with(fake_provider("broken", get_balance=get_balance)) as sms:
        with pytest.raises(InvalidResponse) as caught:
            await sms.balance("broken")

    assert caught.value.provider == "broken"
    assert type(exc).__name__ in caught.value.message


async def test_sync_hook_raising_is_wrapped_too() -> None:
    @hookimpl
    def get_balance(provider: Any) -> Balance:
        raise KeyError("balance")

    async with client_with(fake_provider("syncbroken", get_balance=get_balance)) as sms:
        with pytest.raises(InvalidResponse, match="KeyError"):
            await sms.balance("syncbroken")


async def test_sms_errors_pass_through_with_provider_named() -> None:
    @hookimpl
    async def get_balance(provider: Any) -> Balance:
        raise NoBalance()

    async with client_with(fake_provider("poor", get_balance=get_balance)) as sms:
        with pytest.raises(NoBalance) as caught:
            await sms.balance("poor")

    assert caught.value.provider == "poor"
    assert str(caught.value) == "poor: " + NoBalance.default_message


async def test_wrong_return_type_is_invalid_response() -> None:
    @hookimpl
    async def get_balance(provider: Any) -> str:
        return "12.00"

    async with client_with(fake_provider("sloppy", get_balance=get_balance)) as sms:
        with pytest.raises(InvalidResponse, match="returned str, not Balance"):
            await sms.balance("sloppy")


async def test_connection_errors_become_provider_unavailable() -> None:
    @hookimpl
    async def get_balance(provider: Any) -> Balance:
        return await provider.http.request("GET", "/balance")  # type: ignore[no-any-return]

    plugins = Plugins()
    plugins.add(fake_provider("down", get_balance=get_balance))
    from smsplug import Settings

    settings = Settings(
        provider={"down": {"base_url": "http://127.0.0.1:9"}}, retry_backoff=0.0
    )
    async with Client(settings, plugins=plugins) as sms:
        with pytest.raises(ProviderUnavailable, match="could not reach the provider"):
            await sms.balance("down")


def test_two_plugins_with_one_name_are_refused() -> None:
    plugins = Plugins()
    plugins.add(fake_provider("twin"))

    with pytest.raises(ValueError, match="already loaded"):
        plugins.add(fake_provider("twin"))


def test_misspelled_hook_is_caught() -> None:
    plugin = fake_provider("typo")
    plugin.get_balanse = hookimpl(lambda provider: None)  # type: ignore[attr-defined]
    plugins = Plugins()
    plugins.add(plugin)

    with pytest.raises(Exception, match="get_balanse"):
        plugins.pm.check_pending()


def test_installed_distribution_is_discovered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_distribution(tmp_path, "smsplug-acme", "smsplug_acme", PLUGIN_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))

    plugins = Plugins.discover(env={})

    loaded = plugins.providers["acme"]
    assert (loaded.distribution, loaded.version) == ("smsplug-acme", "1.2.3")


def test_broken_plugin_is_skipped_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_distribution(
        tmp_path, "smsplug-bad", "smsplug_bad", "raise ImportError('boom')\n"
    )
    install_distribution(tmp_path, "smsplug-acme", "smsplug_acme", PLUGIN_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))

    plugins = Plugins.discover(env={})

    assert "acme" in plugins.providers
    failure = next(f for f in plugins.failures if f.entry_point == "smsplug_bad")
    assert failure.distribution == "smsplug-bad"
    assert failure.error == "ImportError: boom"


def test_load_plugins_variable_restricts_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_distribution(tmp_path, "smsplug-acme", "smsplug_acme", PLUGIN_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))

    assert "acme" not in Plugins.discover(env={"SMSPLUG_LOAD_PLUGINS": ""}).providers
    assert (
        "acme"
        in Plugins.discover(env={"SMSPLUG_LOAD_PLUGINS": "smsplug_acme"}).providers
    )


def test_installed_plugin_shows_in_cli_providers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_distribution(tmp_path, "smsplug-acme", "smsplug_acme", PLUGIN_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("SMSPLUG_LOAD_PLUGINS", "smsplug_acme")
    monkeypatch.setenv("SMSPLUG_ACME_API_KEY", "acme-key-1234")

    result = CliRunner().invoke(cli, ["providers", "--json"])

    assert result.exit_code == 0, result.output
    assert '"name": "acme"' in result.output
    assert '"distribution": "smsplug-acme"' in result.output
    assert '"configured": true' in result.output


def test_plugins_json_lists_hooks() -> None:
    plugins = Plugins()
    plugins.add(fake_provider("listed"), distribution="smsplug-listed", version="0.1")

    assert plugins.to_json() == (
        '[{"name": "listed", "distribution": "smsplug-listed", "version": "0.1", '
        '"hooks": ["get_balance"]}]'
    )
