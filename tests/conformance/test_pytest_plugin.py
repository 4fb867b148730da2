"""smsplug's pytest plugin, as a plugin author's test suite meets it.

Each small suite runs in a subprocess: an in-process run would unload the
modules it imported (httpcore among them) when it ends, and leave httpx
unable to recognise its transport errors in the tests that follow.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture(autouse=True)
def inner_settings(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")


CONFORMANCE_SUITE = """
from tests.conformance.seeded import Seeded

def test_conformance(smsplug_conformance, smsplug_reference):
    smsplug_conformance(Seeded({bug!r}), smsplug_reference)
"""


def test_one_line_conformance_passes_a_correct_plugin(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(CONFORMANCE_SUITE.format(bug=None))

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)


def test_one_line_conformance_names_the_broken_rules(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(CONFORMANCE_SUITE.format(bug="cancel_does_not_refund"))

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*conformance check(s) failed:*", "*cancel_refunds: cancel must end*"]
    )


def test_conformance_can_be_awaited_in_async_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from tests.conformance.seeded import Seeded

        @pytest.mark.asyncio
        async def test_conformance(smsplug_conformance, smsplug_reference):
            await smsplug_conformance.check(
                Seeded("waiting_raises"), smsplug_reference, only=["waiting_is_none"]
            )
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*waiting_is_none: poll_code must return None*"])


def test_server_fixture_serves_an_app_on_loopback_and_stops_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import httpx
        from smsplug.testing.server import Reply

        SEEN = []

        def test_serve(smsplug_server):
            server = smsplug_server(lambda request: Reply("ACCESS_BALANCE:1.50"))
            SEEN.append(server)
            reply = httpx.get(server.url + "/stubs/handler_api.php")
            assert server.url.startswith("http://127.0.0.1:")
            assert reply.text == "ACCESS_BALANCE:1.50"

        def test_stopped():
            assert SEEN[0]._thread is not None
            assert not SEEN[0]._thread.is_alive()
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2)


def test_env_fixture_hides_the_developers_settings(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMSPLUG_5SIM_API_KEY", "a-real-key-from-the-shell")
    pytester.makepyfile(
        """
        import os

        def test_env(smsplug_env):
            assert "SMSPLUG_5SIM_API_KEY" not in os.environ
            assert os.environ["SMSPLUG_LOAD_PLUGINS"] == ""
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)
    assert os.environ["SMSPLUG_5SIM_API_KEY"] == "a-real-key-from-the-shell"
