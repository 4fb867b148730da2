"""Settings from smsplug.toml and the environment, and their validation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from smsplug.config import Settings, load_settings
from smsplug.errors import ConfigError
from smsplug.models import ProviderInfo, Setting

INFO = ProviderInfo(
    name="5sim",
    title="test",
    currency="RUB",
    base_url="https://example.invalid/v1",
    settings=(Setting("operator", "the operator", default="any"),),
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "smsplug.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    settings = load_settings(env={})

    assert settings.timeout == 120.0
    assert settings.poll_delay == 5.0
    assert settings.max_price is None
    assert settings.providers == ()
    assert settings.strategy == "random"


def test_file_values_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'timeout = 60\npoll_delay = 2.5\nmax_price = "0.50"\n'
        'providers = ["5sim"]\n[rates]\nRUB = "0.011"\n',
    )

    settings = load_settings(path, env={})

    assert settings.timeout == 60.0
    assert settings.poll_delay == 2.5
    assert settings.max_price == Decimal("0.50")
    assert settings.providers == ("5sim",)
    assert settings.rates == {"RUB": Decimal("0.011")}


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "timeout = 60\n")
    env = {
        "SMSPLUG_TIMEOUT": "30",
        "SMSPLUG_POLL_DELAY": "1",
        "SMSPLUG_MAX_PRICE": "0.25",
        "SMSPLUG_PROVIDERS": "5sim, herosms",
    }

    settings = load_settings(path, env=env)

    assert settings.timeout == 30.0
    assert settings.poll_delay == 1.0
    assert settings.max_price == Decimal("0.25")
    assert settings.providers == ("5sim", "herosms")


def test_default_file_is_found_in_the_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_dir = tmp_path / "config" / "smsplug"
    config_dir.mkdir(parents=True)
    (config_dir / "smsplug.toml").write_text("poll_delay = 3\n")

    assert load_settings(env={}).poll_delay == 3.0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SMSPLUG_TIMEOUT": "soon"}, "SMSPLUG_TIMEOUT"),
        ({"SMSPLUG_TIMEOUT": "-5"}, "timeout must be greater than 0"),
        ({"SMSPLUG_POLL_DELAY": "0"}, "poll_delay must be greater than 0"),
        ({"SMSPLUG_MAX_PRICE": "cheap"}, "SMSPLUG_MAX_PRICE"),
        ({"SMSPLUG_STRATEGY": "fastest"}, "strategy"),
    ],
)
def test_invalid_environment_values_name_the_variable(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env=env)


def test_invalid_file_value_names_key_and_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'poll_delay = "often"\n')

    with pytest.raises(ConfigError, match=r"poll_delay in .*smsplug.toml"):
        load_settings(path, env={})


def test_unknown_top_level_key_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "timeuot = 10\n")

    with pytest.raises(ConfigError, match="unknown settings: timeuot"):
        load_settings(path, env={})


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, "timeout = = 3\n")

    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(path, env={})


def test_missing_explicit_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})


def test_provider_settings_merge_defaults_file_and_env(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[provider.5sim]\napi_key = "file-key"\noperator = "virtual21"\n'
    )
    env = {"SMSPLUG_5SIM_API_KEY": "env-key-123456"}

    values = load_settings(path, env=env).provider_settings(INFO)

    assert values["api_key"] == "env-key-123456"
    assert values["operator"] == "virtual21"
    assert values["base_url"] == "https://example.invalid/v1"


def test_provider_base_url_override_from_env() -> None:
    env = {"SMSPLUG_5SIM_BASE_URL": "http://127.0.0.1:8600/"}

    values = load_settings(env=env).provider_settings(INFO)

    assert values["base_url"] == "http://127.0.0.1:8600"


@pytest.mark.parametrize(
    "url",
    ["http://example.com/api", "http://10.0.0.5/api", "ftp://127.0.0.1/x", "nope"],
)
def test_plain_http_only_for_loopback(url: str) -> None:
    settings = load_settings(env={"SMSPLUG_5SIM_BASE_URL": url})

    with pytest.raises(ConfigError, match="SMSPLUG_5SIM_BASE_URL"):
        settings.provider_settings(INFO)


@pytest.mark.parametrize(
    "url", ["http://[::1]:9000", "http://localhost:1", "https://x.io"]
)
def test_loopback_and_https_urls_are_accepted(url: str) -> None:
    settings = load_settings(env={"SMSPLUG_5SIM_BASE_URL": url})

    assert settings.provider_settings(INFO)["base_url"] == url


def test_unknown_provider_setting_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[provider.5sim]\noprator = "x"\n')

    with pytest.raises(
        ConfigError, match=r"\[provider.5sim\] has unknown settings: oprator"
    ):
        load_settings(path, env={}).provider_settings(INFO)


def test_choice_settings_are_checked() -> None:
    info = ProviderInfo(
        name="custom",
        title="t",
        currency="USD",
        base_url="http://127.0.0.1:1",
        settings=(Setting("protocol", "p", default="a", choices=("a", "b")),),
    )
    settings = load_settings(env={"SMSPLUG_CUSTOM_PROTOCOL": "c"})

    with pytest.raises(
        ConfigError, match="SMSPLUG_CUSTOM_PROTOCOL must be one of a, b"
    ):
        settings.provider_settings(info)


def test_provider_without_default_url_needs_one() -> None:
    info = ProviderInfo(name="custom", title="t", currency="USD", base_url="")

    with pytest.raises(ConfigError, match="SMSPLUG_CUSTOM_BASE_URL"):
        Settings().provider_settings(info)


def test_has_api_key_reads_file_and_env(tmp_path: Path) -> None:
    path = write(tmp_path, '[provider.herosms]\napi_key = "abc12345"\n')

    settings = load_settings(path, env={"SMSPLUG_5SIM_API_KEY": "k" * 20})

    assert settings.has_api_key("herosms")
    assert settings.has_api_key("5sim")
    assert not settings.has_api_key("smspool")


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SMSPLUG_TIMEOUT": "-5"}, "SMSPLUG_TIMEOUT"),
        ({"SMSPLUG_STRATEGY": "best"}, "SMSPLUG_STRATEGY"),
        ({"SMSPLUG_MAX_PRICE": "1e30"}, "SMSPLUG_MAX_PRICE"),
    ],
)
def test_out_of_range_values_name_their_variable(
    env: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError, match=f"^{variable}: "):
        load_settings(env=env)
