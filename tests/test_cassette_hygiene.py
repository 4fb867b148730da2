"""Every cassette in the repository: scrubbed, and honest about its origin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from smsplug.testing.cassettes import (
    find_leaks,
    provenance_of,
    scrub_phone,
    scrub_text,
)

ROOT = Path(__file__).parents[1] / "cassettes"
CASSETTES = sorted(ROOT.rglob("*.yaml"))
CREDENTIAL = re.compile(
    r"(?i)(api_?key|apikey|token|authorization|bearer)[^A-Za-z0-9]{1,4}"
    r"(?!REDACTED)[A-Za-z0-9._\-]{16,}"
)


def test_there_are_cassettes() -> None:
    assert len(CASSETTES) >= 10


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: str(p.relative_to(ROOT)))
def test_cassette_holds_no_credentials(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    assert CREDENTIAL.search(text) is None


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: str(p.relative_to(ROOT)))
def test_cassette_holds_no_phone_email_token_or_key(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    assert find_leaks(text) == []


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: str(p.relative_to(ROOT)))
def test_cassette_says_where_it_came_from(path: Path) -> None:
    note = provenance_of(path) or ""

    assert note.startswith("Recorded on ") or "documentation" in note


def test_credential_pattern_catches_a_leak() -> None:
    leaked = "uri: https://x.invalid/api?api_key=0123456789abcdef0123"

    assert CREDENTIAL.search(leaked) is not None
    assert CREDENTIAL.search("api_key=REDACTED") is None


def test_scrubbing_masks_keys_and_phones() -> None:
    body = '{"phone": "+79991234567", "token": "abcdefabcdefabcdef12"}'

    assert scrub_text(body) == '{"phone": "+70000000567", "token": "REDACTED"}'
    assert scrub_text("ACCESS_NUMBER:635468024:6281234567890") == (
        "ACCESS_NUMBER:635468024:6000000000890"
    )


def test_scrub_phone_keeps_shape() -> None:
    assert scrub_phone("+1 555 010 0123") == "+1 000 000 0123"
