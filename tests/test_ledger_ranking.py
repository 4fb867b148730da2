"""The ledger's question before each purchase: does this provider keep timing out?"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from smsplug.errors import NoSmsReceived
from smsplug.ledger import CANCELLED, FINISHED, Ledger
from smsplug.models import Number


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / "ledger.sqlite3")


def settle(ledger: Ledger, state: str, *, timed_out: bool = False) -> None:
    row = ledger.begin("custom", "telegram", "us")
    number = Number(provider="custom", id=str(row), phone="+15550000000")
    ledger.bought(row, number)
    ledger.closed(number, state)
    if timed_out:
        ledger.remark(number, NoSmsReceived("no SMS arrived", provider="custom"))


def test_three_timeouts_without_a_success_rank_the_provider_down(
    ledger: Ledger,
) -> None:
    for _ in range(3):
        settle(ledger, CANCELLED, timed_out=True)

    assert ledger.keeps_timing_out("custom", "telegram", "us")
    assert not ledger.keeps_timing_out("custom", "telegram", "gb")


def test_two_timeouts_are_not_enough(ledger: Ledger) -> None:
    for _ in range(2):
        settle(ledger, CANCELLED, timed_out=True)
    settle(ledger, CANCELLED)

    assert not ledger.keeps_timing_out("custom", "telegram", "us")


def test_one_success_among_timeouts_keeps_the_provider_up(ledger: Ledger) -> None:
    for _ in range(5):
        settle(ledger, CANCELLED, timed_out=True)
    settle(ledger, FINISHED)

    assert not ledger.keeps_timing_out("custom", "telegram", "us")


def test_timeouts_older_than_the_window_do_not_count(ledger: Ledger) -> None:
    for _ in range(3):
        settle(ledger, CANCELLED, timed_out=True)
    time.sleep(0.05)

    assert not ledger.keeps_timing_out("custom", "telegram", "us", window=0.04)
