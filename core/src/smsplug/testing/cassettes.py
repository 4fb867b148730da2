"""Recording and replaying provider traffic with vcrpy, secrets scrubbed.

One cassette holds one scenario: ``cassettes/<provider>/<scenario>.yaml``.
Its first line is a comment saying where it came from: recorded (against
which server, when) or written from the provider's documentation.

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
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import vcr
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serialize import serialize

from smsplug._redact import MASK, redact

__all__ = [
    "SECRET_FIELDS",
    "cassette_vcr",
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
_ACCESS_NUMBER = re.compile(r"\b(ACCESS_NUMBER:[^:\s]+:)(\+?\d{6,15})")
_PROVENANCE = re.compile(r"^#\s*(.*)$")


def scrub_phone(phone: str) -> str:
    """Keep a phone number's shape and last three digits, zero the rest."""
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    keep = set(digits[:1] + digits[-3:])
    return "".join(
        "0" if ch.isdigit() and i not in keep else ch for i, ch in enumerate(phone)
    )


def scrub_text(text: str) -> str:
    """Mask credentials and phone numbers in a reply or request body."""
    text = redact(text)
    text = _ACCESS_NUMBER.sub(lambda m: m.group(1) + scrub_phone(m.group(2)), text)
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
        return {
            key: (
                scrub_phone(item)
                if isinstance(item, str) and key.lower() in _PHONE_KEYS
                else _scrub_json(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub_json(item) for item in value]
    if isinstance(value, str):
        return redact(value)
    return value


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
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


def _persister(note: str | None) -> type[FilesystemPersister]:
    class Persister(FilesystemPersister):  # type: ignore[misc]
        @staticmethod
        def save_cassette(
            cassette_path: str | Path, cassette_dict: Mapping[str, Any], serializer: Any
        ) -> None:
            path = Path(cassette_path)
            path.parent.mkdir(parents=True, exist_ok=True)
            header = f"# {note}\n" if note else ""
            path.write_text(
                header + serialize(cassette_dict, serializer), encoding="utf-8"
            )

    return Persister


def cassette_vcr(*, record_mode: str = "none", note: str | None = None) -> vcr.VCR:
    """A VCR that scrubs what it records and replays without the network.

    ``note`` becomes the cassette's first-line comment when recording.
    """
    recorder = vcr.VCR(
        record_mode=record_mode,
        match_on=["method", "smsplug_path", "smsplug_query", "smsplug_body"],
        filter_headers=[(name, MASK) for name in _SECRET_HEADERS],
        filter_query_parameters=[(name, MASK) for name in sorted(SECRET_FIELDS)],
        filter_post_data_parameters=[(name, MASK) for name in sorted(SECRET_FIELDS)],
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("smsplug_path", _path_matcher)
    recorder.register_matcher("smsplug_query", _query_matcher)
    recorder.register_matcher("smsplug_body", _body_matcher)
    recorder.register_persister(_persister(note))
    return recorder
