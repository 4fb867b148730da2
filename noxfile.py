"""Every task of the project: nox -s demo | tests | lint | typecheck | bench."""

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
def record(session: nox.Session) -> None:
    """Re-record one provider's cassettes: nox -s record -- PROVIDER.

    Each provider's tests/providers/<name>/record.py runs its scenarios
    against a loopback server (the reference server, or the provider's fake
    of its documented protocol) and writes scrubbed cassettes.
    """
    if not session.posargs:
        session.error("name the provider: nox -s record -- custom")
    install_project(session)
    session.install(*TEST_DEPS)
    for provider in session.posargs:
        package = "fivesim" if provider == "5sim" else provider.replace("-", "_")
        session.run("python", "-m", f"tests.providers.{package}.record")


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmarks, on loopback fakes: prints one table (docs/performance.md).

    nox -s bench -- --quick for a smoke run; -- --json FILE keeps the numbers.
    """
    install_project(session)
    # The peer library the table compares with, aimed at the OnlineSim fake.
    session.install("pyonlinesim==1.1.3")
    session.run("python", "-m", "tests.bench", *session.posargs)


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
