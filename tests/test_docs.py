"""The documentation stays in step with the code it describes."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import attrs
import pytest
import yaml

from smsplug import Settings, errors
from smsplug.cli import cli

DOCS = Path(__file__).parents[1] / "docs"
KINDS = [
    errors.NoSmsReceived,
    errors.NoBalance,
    errors.NoNumbers,
    errors.InvalidKey,
    errors.NoApiKey,
    errors.Banned,
    errors.CountryNotSupported,
    errors.InvalidResponse,
    errors.ProviderUnavailable,
    errors.NotFound,
    errors.ConfigError,
]


def load_hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "smsplug_docs", DOCS / "hooks" / "smsplug_docs.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_command_table(name: str) -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")

    assert f"| `smsplug {name}" in index


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_the_cli_reference_holds_each_commands_help(name: str) -> None:
    reference = load_hooks().cli_reference()
    summary = (cli.commands[name].help or "").splitlines()[0]

    assert f"## smsplug {name}\n" in reference
    assert summary in reference


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.kind)
def test_errors_page_has_each_standard_message(kind: type[errors.SmsError]) -> None:
    page = (DOCS / "errors.md").read_text(encoding="utf-8")

    assert f"| `{kind.kind}` | {kind.default_message} |" in page


@pytest.mark.parametrize(
    "field",
    [f.name for f in attrs.fields(Settings) if f.name not in ("env", "origin")],
)
def test_configuration_page_names_every_setting(field: str) -> None:
    page = (DOCS / "configuration.md").read_text(encoding="utf-8")
    shown = {"provider": "[provider.NAME]", "rates": "[rates]"}.get(field, field)

    assert f"`{shown}" in page


def test_every_page_is_in_the_navigation() -> None:
    config = yaml.safe_load((DOCS / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = set(re.findall(r"[\w/.-]+\.md", str(config["nav"])))
    pages = {
        str(p.relative_to(DOCS))
        for p in DOCS.rglob("*.md")
        if not str(p.relative_to(DOCS)).startswith("providers/")
    }

    assert pages <= listed


def test_provider_pages_join_the_navigation_by_themselves(tmp_path: Path) -> None:
    hooks = load_hooks()
    (tmp_path / "providers").mkdir()
    (tmp_path / "providers" / "index.md").write_text("# Providers\n")
    (tmp_path / "providers" / "5sim.md").write_text("# 5sim\n\nSetup.\n")
    (tmp_path / "providers" / "herosms.md").write_text("# HeroSMS\n")

    assert hooks.provider_pages(tmp_path) == [
        "providers/5sim.md",
        "providers/herosms.md",
    ]
    assert (
        hooks.providers_list(tmp_path) == "- [5sim](5sim.md)\n- [HeroSMS](herosms.md)"
    )


LINK = re.compile(r"\]\((?!https?://|mailto:|#)([^)#\s]+)")


@pytest.mark.parametrize(
    "page", sorted(DOCS.rglob("*.md")), ids=lambda p: str(p.relative_to(DOCS))
)
def test_relative_links_stay_inside_the_docs(page: Path) -> None:
    targets = LINK.findall(page.read_text(encoding="utf-8"))

    broken = [
        t
        for t in targets
        if not (page.parent / t).resolve().is_relative_to(DOCS.resolve())
        or not (page.parent / t).resolve().exists()
    ]

    assert broken == []
