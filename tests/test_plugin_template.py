"""The plugin template renders a package whose own tests pass, offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import copier
import pytest

from smsplug.templates import PLUGIN

ANSWERS = {
    "name": "acme-sms",
    "title": "Acme SMS",
    "base_url": "https://api.acme-sms.example",
    "currency": "EUR",
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("template") / "smsplug-acme-sms"
    copier.run_copy(str(PLUGIN), str(target), data=ANSWERS, defaults=True, quiet=True)
    return target


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_package_has_the_shape_of_every_plugin(rendered: Path) -> None:
    files = {str(p.relative_to(rendered)) for p in rendered.rglob("*") if p.is_file()}

    assert {
        "pyproject.toml",
        "README.md",
        "src/smsplug_acme_sms/__init__.py",
        "src/smsplug_acme_sms/wire.py",
        "src/smsplug_acme_sms/ids.py",
        "src/smsplug_acme_sms/fake.py",
        "src/smsplug_acme_sms/py.typed",
        "tests/test_conformance.py",
        "tests/test_wire.py",
        "tests/test_cassettes.py",
        "tests/record.py",
        "cassettes/acme-sms/balance.yaml",
        "cassettes/acme-sms/timeout-then-cancel.yaml",
    } <= files
    assert not [f for f in files if f.endswith(".jinja")]


def test_the_entry_point_names_the_provider(rendered: Path) -> None:
    pyproject = (rendered / "pyproject.toml").read_text()

    assert '[project.entry-points.smsplug]\nacme-sms = "smsplug_acme_sms"' in pyproject


def test_the_generated_tests_pass_conformance_included(rendered: Path) -> None:
    result = run_pytest(rendered, "-v")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "tests/test_conformance.py::test_conformance PASSED" in result.stdout
    assert "test_replay[timeout-then-cancel] PASSED" in result.stdout


def test_the_generated_plugin_prices_in_the_chosen_currency(rendered: Path) -> None:
    init = (rendered / "src/smsplug_acme_sms/__init__.py").read_text()

    assert 'currency="EUR"' in init
    assert 'base_url="https://api.acme-sms.example"' in init


def test_a_broken_generated_plugin_fails_its_own_conformance_test(
    rendered: Path, tmp_path: Path
) -> None:
    wire = rendered / "src/smsplug_acme_sms/wire.py"
    original = wire.read_text()
    # A classic slip: the provider's numeric order id passed on as it is.
    broken = original.replace("number_id = str(order_id)", "number_id = order_id")
    assert broken != original
    wire.write_text(broken)
    try:
        result = run_pytest(rendered, "tests/test_conformance.py")
    finally:
        wire.write_text(original)

    assert result.returncode == 1
    assert "number_id_is_string" in result.stdout
