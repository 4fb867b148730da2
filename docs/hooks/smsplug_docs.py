"""mkdocs hooks: provider pages join the navigation, the CLI reference is generated.

- Every ``providers/*.md`` page is added under "Providers" in name order, and
  listed on ``providers/index.md`` where it says ``<!-- provider pages -->``.
- ``<!-- cli reference -->`` in ``cli.md`` becomes the ``--help`` of every
  ``smsplug`` command, taken from the installed click application, so the
  reference cannot drift from the CLI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

DOCS = Path(__file__).parents[1]
PROVIDERS_MARK = "<!-- provider pages -->"
CLI_MARK = "<!-- cli reference -->"
WIDTH = 88


def provider_pages(docs: Path = DOCS) -> list[str]:
    """The provider pages, as paths relative to the docs directory."""
    return sorted(
        f"providers/{page.name}"
        for page in (docs / "providers").glob("*.md")
        if page.name != "index.md"
    )


def page_title(path: Path) -> str:
    """A page's first level-one heading, or its file name."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def providers_list(docs: Path = DOCS) -> str:
    pages = provider_pages(docs)
    if not pages:
        return "No provider page is published yet."
    return "\n".join(
        f"- [{page_title(docs / page)}]({page.removeprefix('providers/')})"
        for page in pages
    )


def cli_reference(command: click.Group | None = None) -> str:
    """Markdown with the ``--help`` of ``smsplug`` and of each subcommand."""
    if command is None:
        from smsplug.cli import cli as command
    root = click.Context(
        command, info_name="smsplug", terminal_width=WIDTH, max_content_width=WIDTH
    )
    sections = [f"## smsplug\n\n```text\n{command.get_help(root)}\n```"]
    for name in sorted(command.commands):
        sub = command.commands[name]
        context = click.Context(sub, info_name=name, parent=root)
        sections.append(f"## smsplug {name}\n\n```text\n{sub.get_help(context)}\n```")
    return "\n\n".join(sections)


def on_config(config: Any) -> Any:
    for entry in config["nav"]:
        if isinstance(entry, dict) and "Providers" in entry:
            entry["Providers"] = ["providers/index.md", *provider_pages()]
    return config


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if PROVIDERS_MARK in markdown:
        markdown = markdown.replace(PROVIDERS_MARK, providers_list())
    if CLI_MARK in markdown:
        markdown = markdown.replace(CLI_MARK, cli_reference())
    return markdown
