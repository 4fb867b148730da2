"""Recording cassettes: what the live mode writes is scrubbed and replays.

Nothing here reaches a real provider: the "live" service is a loopback
server that answers like the reference provider plus the account details a
real one sends (e-mail, account id, a session cookie, a JWT), and the custom
provider, which has no default base URL, is pointed at it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import smsplug_custom
from smsplug import Balance, Money
from smsplug.testing import Behaviour, ReferenceServer
from smsplug.testing.cassettes import (
    LeakError,
    _persister,
    find_leaks,
    scrub_text,
)
from smsplug.testing.recording import (
    NOWHERE,
    Scenario,
    main,
    outcome,
    record,
    record_live,
    replay,
)
from smsplug.testing.server import LoopbackServer, Reply, Request
from smsplug.testing.settings import quick_settings

KEY = "live-key-7f3a9c2e5b1d4f6a8c0e"
EMAIL = "alice.smith@mail.example"
ACCOUNT = 48151623
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0ODE1MTYyMyJ9.c2lnbmF0dXJlLXZhbHVl"
COOKIE = "session=9b1f3e7a2c4d6e8f0a1b3c5d"


class ChattyProvider:
    """The reference provider, plus the account details real services send."""

    def __init__(self) -> None:
        self.reference = ReferenceServer(key=KEY, behaviour=Behaviour(code_delay=60))
        self.server = LoopbackServer(self.handle)

    def handle(self, request: Request) -> Reply:
        reply = self.reference.handle(request)
        body: Any = reply.body
        if isinstance(body, dict) and request.path == "/v1/balance":
            body = {**body, "email": EMAIL, "account_id": ACCOUNT, "token": JWT}
        if isinstance(body, dict) and "phone" in body:
            body = {**body, "note": f"call {body['phone']} or {EMAIL}"}
        headers = {**reply.headers, "Set-Cookie": COOKIE}
        return Reply(body, status=reply.status, headers=headers)


@pytest.fixture
def chatty() -> Any:
    provider = ChattyProvider()
    with provider.server:
        yield provider


def live_env(url: str) -> dict[str, str]:
    return {"SMSPLUG_CUSTOM_API_KEY": KEY, "SMSPLUG_CUSTOM_BASE_URL": url}


async def test_live_recording_scrubs_account_details(
    chatty: ChattyProvider, tmp_path: Path
) -> None:
    await record_live(
        smsplug_custom,
        ["balance", "cancel"],
        cassettes=tmp_path,
        env=live_env(chatty.server.url),
        spend=True,
    )

    for name in ("balance", "cancel"):
        text = (tmp_path / "live" / f"{name}.yaml").read_text()
        for secret in (KEY, EMAIL, str(ACCOUNT), JWT, COOKIE, "5550001001"):
            assert secret not in text, (name, secret)
        assert find_leaks(text, secrets=[KEY]) == []
    assert "+10000000001" in (tmp_path / "live" / "cancel.yaml").read_text()


async def test_live_cassettes_say_where_they_came_from(
    chatty: ChattyProvider, tmp_path: Path
) -> None:
    await record_live(
        smsplug_custom, ["balance"], cassettes=tmp_path, env=live_env(chatty.server.url)
    )

    first = (tmp_path / "live" / "balance.yaml").read_text().splitlines()[0]
    assert first.startswith("# Recorded on ")
    assert f"service at {chatty.server.url.removeprefix('http://')}" in first


async def test_live_cassettes_replay_with_any_key_and_no_network(
    chatty: ChattyProvider, tmp_path: Path
) -> None:
    recorded = await record_live(
        smsplug_custom,
        ["balance", "prices", "cancel"],
        cassettes=tmp_path,
        env=live_env(chatty.server.url),
        spend=True,
    )
    settings = quick_settings("custom", NOWHERE, api_key="another-key")

    balance, _ = await replay(
        Scenario("balance", lambda c: outcome(c.balance("custom"))),
        smsplug_custom,
        path=tmp_path / "live" / "balance.yaml",
        settings=settings,
    )

    assert recorded["balance"] == Balance("custom", Money("10.00"))
    assert balance == recorded["balance"]
    assert recorded["cancel"] == "1001"


async def test_record_live_needs_a_key_and_sends_nothing_without(
    chatty: ChattyProvider, tmp_path: Path
) -> None:
    env = {"SMSPLUG_CUSTOM_BASE_URL": chatty.server.url}

    with pytest.raises(ValueError, match="SMSPLUG_CUSTOM_API_KEY"):
        await record_live(smsplug_custom, ["balance"], cassettes=tmp_path, env=env)

    assert chatty.server.requests == []


async def test_record_live_buys_only_when_told_it_may_spend(
    chatty: ChattyProvider, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="--spend"):
        await record_live(
            smsplug_custom,
            ["balance", "cancel"],
            cassettes=tmp_path,
            env=live_env(chatty.server.url),
        )

    assert chatty.server.requests == []


async def test_record_live_rejects_unknown_scenarios(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no live scenario code-arrives"):
        await record_live(
            smsplug_custom,
            ["code-arrives"],
            cassettes=tmp_path,
            env=live_env("http://127.0.0.1:9"),
        )


async def test_polling_replays_in_recorded_order(tmp_path: Path) -> None:
    async def poll_three_times(client: Any) -> Any:
        number = await client.buy("telegram", "us")
        seen = [await client.poll(number) for _ in range(3)]
        return [code.code if code else None for code in seen]

    scenario = Scenario("polling", poll_three_times)
    path = tmp_path / "polling.yaml"
    with ReferenceServer(key=KEY, behaviour=Behaviour(code_delay=60)) as server:

        def deliver_on_third_poll(request: Request) -> Reply:
            if server.server.count("GET") == 3:
                server.deliver("1001", "048213")
            return server.handle(request)

        server.server.app = deliver_on_third_poll
        recorded = await record(
            scenario,
            smsplug_custom,
            path=path,
            settings=quick_settings("custom", server.url, api_key=KEY),
            note="Recorded in a test.",
        )

    replayed, cassette = await replay(
        scenario,
        smsplug_custom,
        path=path,
        settings=quick_settings("custom", NOWHERE, api_key="x"),
    )

    assert recorded == [None, None, "048213"]
    assert replayed == recorded
    assert cassette.all_played


def test_a_cassette_that_would_leak_the_key_is_not_written(tmp_path: Path) -> None:
    persister = _persister("Recorded in a test.", [KEY])
    cassette = {
        "requests": [],
        "responses": [],
    }
    path = tmp_path / "leaky.yaml"
    serializer = _EchoSerializer(f"interactions: [{{echo: {KEY}}}]\n")

    with pytest.raises(LeakError, match="the secret liv"):
        persister.save_cassette(path, cassette, serializer)

    assert not path.exists()


class _EchoSerializer:
    """A vcrpy serializer that writes a fixed text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def serialize(self, cassette_dict: Any) -> str:
        return self.text


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        (f"uri: https://x.invalid/?api_key={KEY}", "a credential: api_key"),
        (f"token {JWT}", "a JWT"),
        (f"from: {EMAIL}", "an e-mail address at mail.example"),
        ("phone: '+447700900123'", "a phone number ending in 123"),
    ],
)
def test_find_leaks_names_what_it_found(text: str, leak: str) -> None:
    assert leak in find_leaks(text)


def test_find_leaks_passes_scrubbed_text() -> None:
    body = json.dumps(
        {"phone": "+447700900123", "email": EMAIL, "account_id": ACCOUNT, "jwt": JWT}
    )

    scrubbed = scrub_text(body)

    assert find_leaks(scrubbed) == []
    assert json.loads(scrubbed) == {
        "phone": "+400000000123",
        "email": "REDACTED",
        "account_id": 0,
        "jwt": "REDACTED",
    }


def test_phone_numbers_in_free_text_are_scrubbed() -> None:
    assert scrub_text("STATUS_OK:sent from +79991234567") == (
        "STATUS_OK:sent from +70000000567"
    )


def test_the_recorder_command_insists_on_live(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["custom", "balance"])

    assert exited.value.code == 2
    assert "--live" in capsys.readouterr().err


def test_the_recorder_command_stops_without_a_key(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    chatty: ChattyProvider,
) -> None:
    monkeypatch.setenv("SMSPLUG_LOAD_PLUGINS", "custom")
    monkeypatch.setenv("SMSPLUG_CUSTOM_BASE_URL", chatty.server.url)

    with pytest.raises(SystemExit) as exited:
        main(["--live", "custom"])

    assert exited.value.code == 2
    assert "set SMSPLUG_CUSTOM_API_KEY" in capsys.readouterr().err
    assert chatty.server.requests == []
