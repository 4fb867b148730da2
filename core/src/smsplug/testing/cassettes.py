"""Recording and replaying provider traffic with vcrpy, secrets scrubbed.

One cassette holds one scenario: ``cassettes/<provider>/<scenario>.yaml``.
Its first line is a comment saying where it came from: recorded (against
which server, when) or written from the provider's documentation.

Recording scrubs keys, tokens, cookies, e-mail addresses, account ids and
phone numbers before anything is written, and refuses to write a cassette in
which :func:`find_leaks` still sees one.

Replays run with record mode ``none``: a request the cassette does not hold
fails the test instead of reaching the network. Requests match on method,
path, query and body, with credentials left out, so a cassette replays
against any base URL and any key. Repeated identical requests (polling) are
answered by the recorded replies in order.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import vcr
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serialize import serialize

from smsplug._redact import MASK, redact, register_secret

__all__ = [
    "SECRET_FIELDS",
    "LeakError",
    "cassette_vcr",
    "find_leaks",
    "provenance_of",
    "recorded_note",
    "scrub_text",
]

#: Query parameters, form fields and headers that carry credentials.
SECRET_FIELDS = frozenset(
    {"api_key", "apikey", "key", "token", "access_token", "authorization", "x-api-key"}
)
_SECRET_HEADERS = ("authorization", "cookie", "set-cookie", "x-api-key")
_PHONE_KEYS = frozenset({"phone", "phonenumber", "phone_number", "number", "tel"})
#: JSON fields that name the account rather than a number.
_ACCOUNT_KEYS = frozenset(
    {
        "account",
        "account_id",
        "accountid",
        "customer_id",
        "email",
        "login",
        "uid",
        "user",
        "user_id",
        "userid",
        "username",
    }
)
_ACCESS_NUMBER = re.compile(r"\b(ACCESS_NUMBER:[^:\s]+:)(\+?\d{6,15})")
_PROVENANCE = re.compile(r"^#\s*(.*)$")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_SCRUBBED_EMAIL = "user@example.invalid"
# Three base64url parts, the first two starting like a JSON object: a JWT.
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+")
# A phone number in free text: a "+" and 10 to 15 digits.
_PHONE_IN_TEXT = re.compile(r"(?<![\w+])\+\d{10,15}\b")
# What a credential looks like once it should have been masked.
_CREDENTIAL_LEFT = re.compile(
    r"(?i)(api_?key|apikey|token|authorization|bearer|cookie)[^A-Za-z0-9]{1,4}"
    r"(?!REDACTED)[A-Za-z0-9._\-]{16,}"
)


def scrub_phone(phone: str) -> str:
    """Keep a phone number's shape and last three digits, zero the rest."""
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    keep = set(digits[:1] + digits[-3:])
    return "".join(
        "0" if ch.isdigit() and i not in keep else ch for i, ch in enumerate(phone)
    )


def scrub_text(text: str) -> str:
    """Mask credentials, e-mails, account ids and phone numbers in a body."""
    text = _JWT.sub(MASK, redact(text))
    text = _EMAIL.sub(_SCRUBBED_EMAIL, text)
    text = _ACCESS_NUMBER.sub(lambda m: m.group(1) + scrub_phone(m.group(2)), text)
    text = _PHONE_IN_TEXT.sub(lambda m: scrub_phone(m.group(0)), text)
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            data = json.loads(stripped)
        except ValueError:
            return text
        return json.dumps(_scrub_json(data))
    return text


def _scrub_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _scrub_field(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub_json(item) for item in value]
    if isinstance(value, str):
        return redact(value)
    return value


def _scrub_field(key: str, value: Any) -> Any:
    name = key.lower()
    if name in _PHONE_KEYS and isinstance(value, str):
        return scrub_phone(value)
    if name in _ACCOUNT_KEYS and isinstance(value, (str, int)):
        return 0 if isinstance(value, int) else MASK
    if name in SECRET_FIELDS and isinstance(value, str):
        return MASK
    return _scrub_json(value)


def _scrub_request(request: Any) -> Any:
    # Credentials outside the named fields: in the path, or in a JSON body.
    request.uri = redact(request.uri)
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body:
        request.body = scrub_text(body).encode("utf-8")
    return request


class LeakError(Exception):
    """A cassette about to be written still holds something secret."""


def find_leaks(text: str, *, secrets: Collection[str] = ()) -> list[str]:
    """What in ``text`` looks like a secret; an empty list when it is clean.

    Finds ``secrets`` (the real key used to record), unmasked credentials,
    JWTs, e-mail addresses and phone numbers that were not scrubbed (a
    scrubbed one keeps only its first and last three digits).
    """
    leaks = [f"the secret {s[:3]}…" for s in secrets if s and s in text]
    leaks += [f"a credential: {m.group(1)}" for m in _CREDENTIAL_LEFT.finditer(text)]
    leaks += ["a JWT" for _ in _JWT.finditer(text)]
    leaks += [
        f"an e-mail address at {m.group(0).split('@')[1]}"
        for m in _EMAIL.finditer(text)
        if m.group(0) != _SCRUBBED_EMAIL
    ]
    for match in _PHONE_IN_TEXT.finditer(text):
        digits = match.group(0)[1:]
        if digits[1:-3].strip("0"):
            leaks.append(f"a phone number ending in {digits[-3:]}")
    return leaks


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    # vcrpy runs this on every reply it loads for playback too, where bodies
    # are bytes and must stay bytes.
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        scrubbed = scrub_text(body.decode("utf-8", "replace"))
        response["body"]["string"] = scrubbed.encode("utf-8")
    elif isinstance(body, str):
        response["body"]["string"] = scrub_text(body)
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in _SECRET_HEADERS:
            headers[name] = [MASK]
    return response


def _without_secrets(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in pairs if k.lower() not in SECRET_FIELDS)


def _query_matcher(r1: Any, r2: Any) -> None:
    q1 = _without_secrets(parse_qsl(urlsplit(r1.uri).query, keep_blank_values=True))
    q2 = _without_secrets(parse_qsl(urlsplit(r2.uri).query, keep_blank_values=True))
    assert q1 == q2, f"query {q1} != {q2}"


def _body_fields(request: Any) -> Any:
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if not body:
        return None
    # Compare what recording keeps: a recorded body was scrubbed.
    body = scrub_text(body)
    try:
        data = json.loads(body)
    except ValueError:
        return _without_secrets(parse_qsl(body, keep_blank_values=True)) or body
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if k.lower() not in SECRET_FIELDS}
    return data


def _body_matcher(r1: Any, r2: Any) -> None:
    b1, b2 = _body_fields(r1), _body_fields(r2)
    assert b1 == b2, f"body {b1!r} != {b2!r}"


def _path_matcher(r1: Any, r2: Any) -> None:
    # Compare the path below the base URL's own prefix, whatever that is.
    assert r1.path.rstrip("/") == r2.path.rstrip("/"), f"path {r1.path} != {r2.path}"


def recorded_note(server: str) -> str:
    """The first line of a cassette recorded now from ``server``."""
    today = dt.date.today().isoformat()
    return f"Recorded on {today} from {server}; secrets and phone numbers scrubbed."


def provenance_of(path: Path) -> str | None:
    """The comment on a cassette's first line, or ``None``."""
    with path.open(encoding="utf-8") as file:
        match = _PROVENANCE.match(file.readline().strip())
    return match.group(1) if match else None


def _persister(note: str | None, secrets: Collection[str]) -> type[FilesystemPersister]:
    class Persister(FilesystemPersister):  # type: ignore[misc]
        @staticmethod
        def save_cassette(
            cassette_path: str | Path, cassette_dict: Mapping[str, Any], serializer: Any
        ) -> None:
            path = Path(cassette_path)
            header = f"# {note}\n" if note else ""
            text = header + serialize(cassette_dict, serializer)
            leaks = find_leaks(text, secrets=secrets)
            if leaks:
                raise LeakError(
                    f"not writing {path.name}: it would hold {', '.join(leaks)}"
                )
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    return Persister


def cassette_vcr(
    *,
    record_mode: str = "none",
    note: str | None = None,
    secrets: Collection[str] = (),
) -> vcr.VCR:
    """A VCR that scrubs what it records and replays without the network.

    ``note`` becomes the cassette's first-line comment when recording.
    ``secrets`` (the key used to record) are masked wherever they appear, and
    a cassette that would still hold one, or anything else
    :func:`find_leaks` finds, is not written: :class:`LeakError` is raised.
    """
    for secret in secrets:
        register_secret(secret)
    recorder = vcr.VCR(
        record_mode=record_mode,
        match_on=["method", "smsplug_path", "smsplug_query", "smsplug_body"],
        filter_headers=[(name, MASK) for name in _SECRET_HEADERS],
        filter_query_parameters=[(name, MASK) for name in sorted(SECRET_FIELDS)],
        filter_post_data_parameters=[(name, MASK) for name in sorted(SECRET_FIELDS)],
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("smsplug_path", _path_matcher)
    recorder.register_matcher("smsplug_query", _query_matcher)
    recorder.register_matcher("smsplug_body", _body_matcher)
    recorder.register_persister(_persister(note, tuple(secrets)))
    return recorder
