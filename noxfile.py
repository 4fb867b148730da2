"""Every task of the project.

nox -s demo | tests | lint | typecheck | docs | record | bench
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
PLUGINS = sorted(
    str(p.parent.relative_to(ROOT)) for p in ROOT.glob("plugins/*/pyproject.toml")
)
TEST_DEPS = [
    "pytest>=8",
    "pytest-asyncio>=0.24",
    "vcrpy>=6",
    "hypothesis>=6.100",
    # Renders the plugin template in tests/test_plugin_template.py.
    "copier>=9",
]
DOCS_DEPS = ["mkdocs>=1.6", "mkdocs-material>=9.5"]


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
    """Re-record one provider's cassettes: nox -s record -- PROVIDER [SCENARIO...].

    Without --live, tests/providers/<name>/record.py runs the scenarios
    against a loopback server (the reference server, or the provider's fake
    of its documented protocol) and writes scrubbed cassettes.

    With --live, the key in SMSPLUG_<NAME>_API_KEY is used against the
    provider's real service (balance and prices; add --spend to also buy a
    number and cancel it at once), writing cassettes/<name>/live/*.yaml with
    keys, tokens, cookies, e-mails, account ids and phone numbers scrubbed.
    """
    args = list(session.posargs)
    if not [a for a in args if not a.startswith("--")]:
        session.error("name the provider: nox -s record -- custom [SCENARIO...]")
    install_project(session)
    session.install(*TEST_DEPS)
    if "--live" in args:
        session.run("python", "-m", "smsplug.testing.recording", *args)
        return
    provider, *scenarios = args
    package = "fivesim" if provider == "5sim" else provider.replace("-", "_")
    session.run("python", "-m", f"tests.providers.{package}.record", *scenarios)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site from docs/; any warning fails the build.

    The CLI reference is generated from the installed smsplug, so the core
    is installed too.
    """
    session.install("-e", "core", *DOCS_DEPS)
    site = ROOT / session.create_tmp() / "site"
    session.run(
        "mkdocs",
        "build",
        "--strict",
        "--config-file",
        "docs/mkdocs.yml",
        "--site-dir",
        str(site),
        env={"NO_MKDOCS_2_WARNING": "1"},
    )


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
    # The testing extra: smsplug.testing's pytest plugin imports pytest.
    session.install("-e", "core[testing]", "mypy>=1.10")
    session.run("mypy", "--strict", "core/src/smsplug")
