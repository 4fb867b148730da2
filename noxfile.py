"""Every task of the project: nox -s demo | tests | lint | typecheck."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
PLUGINS = sorted(
    str(p.parent.relative_to(ROOT)) for p in ROOT.glob("plugins/*/pyproject.toml")
)
TEST_DEPS = ["pytest>=8", "pytest-asyncio>=0.24", "vcrpy>=6", "hypothesis>=6.100"]


def install_project(session: nox.Session) -> None:
    """The core and every plugin in this repository, editable."""
    args = ["-e", "core"]
    for plugin in PLUGINS:
        args += ["-e", plugin]
    session.install(*args)


@nox.session
def demo(session: nox.Session) -> None:
    """The main job, offline: buy, receive a code, time out and get refunded."""
    session.install("-e", "core", "-e", "plugins/smsplug-custom")
    session.run("smsplug", "demo", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite (pass --slow for the long property runs)."""
    install_project(session)
    session.install(*TEST_DEPS)
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the core."""
    session.install("-e", "core", "mypy>=1.10")
    session.run("mypy", "--strict", "core/src/smsplug")
