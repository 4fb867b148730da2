"""The ledger: a journal of every paid number, so that none is ever lost.

A row is written *before* a purchase request leaves, updated with the
provider's id once the number is bought, and closed when the number is
finished or cancelled. A process that dies in between leaves its rows open;
``smsplug recover`` finds them and settles each with its provider.

SQLite in WAL mode, one short transaction per change, so several processes can
share one ledger. Codes and keys are never stored; errors are stored by kind
and redacted message only.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import platformdirs

from smsplug._redact import redact
from smsplug.errors import ConfigError
from smsplug.models import Money, Number

__all__ = ["OPEN_STATES", "Entry", "Ledger", "default_path"]

#: A purchase was sent and its outcome is not known yet (or the process died).
BUYING = "buying"
#: The provider sold the number; it must still be finished or cancelled.
ACTIVE = "active"
#: The purchase may or may not have gone through: reconcile with the provider.
UNKNOWN = "unknown"
FINISHED = "finished"
CANCELLED = "cancelled"
#: The purchase failed before anything was spent.
FAILED = "failed"
#: The provider no longer knows the number (long expired, or a wrong id).
GONE = "gone"
OPEN_STATES = (BUYING, ACTIVE, UNKNOWN)
#: Bought to be finished or cancelled by hand (``smsplug number``): recover
#: leaves it alone unless asked to settle held numbers too.
HELD = "held"
_CODE_LIKE = re.compile(r"(?<!\d)\d{4,8}(?!\d)")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS numbers (
    row INTEGER PRIMARY KEY,
    provider TEXT NOT NULL,
    number_id TEXT,
    phone TEXT,
    service TEXT NOT NULL,
    country TEXT NOT NULL,
    price TEXT,
    currency TEXT,
    state TEXT NOT NULL,
    error TEXT,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS numbers_open ON numbers (state);
CREATE INDEX IF NOT EXISTS numbers_id ON numbers (provider, number_id);
CREATE INDEX IF NOT EXISTS numbers_finished
    ON numbers (provider, service, country, created_at) WHERE state = 'finished';
CREATE INDEX IF NOT EXISTS numbers_timeouts
    ON numbers (provider, service, country, created_at)
    WHERE substr(error, 1, 15) = 'no_sms_received';
"""


class LedgerUnavailable(ConfigError):
    """The ledger file cannot be opened or written."""


def default_path(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """``ledger.sqlite3`` in ``data_dir``, ``SMSPLUG_DATA_DIR`` or the user data dir."""
    base = data_dir or os.environ.get("SMSPLUG_DATA_DIR")
    folder = Path(base) if base else Path(platformdirs.user_data_dir("smsplug"))
    return folder / "ledger.sqlite3"


@attrs.frozen
class Entry:
    """One row of the ledger."""

    row: int
    provider: str
    number_id: str | None
    phone: str | None
    service: str
    country: str
    price: Money | None
    state: str
    error: str | None
    pid: int
    host: str
    created_at: float
    updated_at: float
    #: The base URL the number was bought at, so recover asks the same place.
    endpoint: str | None = None

    @property
    def number(self) -> Number | None:
        """The number, for the provider's hooks; ``None`` before it was sold."""
        if self.number_id is None:
            return None
        return Number(
            provider=self.provider,
            id=self.number_id,
            phone=self.phone or "",
            price=self.price,
            service=self.service,
            country=self.country,
        )

    @property
    def owner_alive(self) -> bool:
        """Whether the process that wrote the row still runs (on this host)."""
        if self.host != socket.gethostname():
            return False
        if self.pid == os.getpid():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


class Ledger:
    """The journal of paid numbers, in one SQLite file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=10000")
            with self._lock:
                self._db.executescript(_SCHEMA)
                columns = {
                    row[1] for row in self._db.execute("PRAGMA table_info(numbers)")
                }
                if (
                    "endpoint" not in columns
                ):  # a ledger from before endpoints were kept
                    self._db.execute("ALTER TABLE numbers ADD COLUMN endpoint TEXT")
        except (OSError, sqlite3.Error) as error:
            raise LedgerUnavailable(
                f"the ledger at {self.path} cannot be used ({error}); set "
                f"SMSPLUG_DATA_DIR or data_dir to a writable folder"
            ) from error

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as error:
                raise LedgerUnavailable(
                    f"the ledger at {self.path} could not be written ({error})"
                ) from error

    # -- writing -----------------------------------------------------------

    def begin(
        self, provider: str, service: str, country: str, *, endpoint: str | None = None
    ) -> int:
        """Note a purchase about to be sent to ``endpoint``; returns its row."""
        now = time.time()
        host = socket.gethostname()
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO numbers (provider, service, country, state, pid, host,"
                " created_at, updated_at, endpoint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    provider,
                    service,
                    country,
                    BUYING,
                    os.getpid(),
                    host,
                    now,
                    now,
                    endpoint,
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def bought(self, row: int, number: Number) -> None:
        """The provider sold ``number`` for the purchase noted in ``row``."""
        price = number.price
        self._update(
            row,
            number_id=number.id,
            phone=number.phone,
            price=str(price.amount) if price else None,
            currency=price.currency if price else None,
            state=ACTIVE,
        )

    def failed(self, row: int, error: BaseException) -> None:
        """The purchase failed and nothing was spent."""
        self._update(row, state=FAILED, error=_describe(error))

    def unknown(self, row: int, error: BaseException) -> None:
        """The purchase may have gone through: ``recover`` must reconcile it."""
        self._update(row, state=UNKNOWN, error=_describe(error))

    def adopt(self, row: int, number: Number) -> None:
        """A number found at the provider for an unknown purchase."""
        self.bought(row, number)

    def note(self, row: int, error: BaseException) -> None:
        """Note why settling ``row`` failed; it stays as it was."""
        self._update(row, error=_describe(error))

    def closed(self, number: Number, state: str) -> None:
        """``number`` was finished or cancelled."""
        self._update_number(number, state=state, error=None)

    def remark(self, number: Number, error: BaseException) -> None:
        """Note why ``number`` could not be closed; it stays open for recover."""
        self._update_number(number, error=_describe(error))

    def _update(self, row: int, **values: object) -> None:
        names = ", ".join(f"{name} = ?" for name in values)
        with self._transaction() as db:
            db.execute(
                f"UPDATE numbers SET {names}, updated_at = ? WHERE row = ?",
                (*values.values(), time.time(), row),
            )

    def _update_number(self, number: Number, **values: object) -> None:
        names = ", ".join(f"{name} = ?" for name in values)
        with self._transaction() as db:
            # A provider may reuse an id long after: the newest row is this number.
            cursor = db.execute(
                f"UPDATE numbers SET {names}, updated_at = ? WHERE row = ("
                "SELECT max(row) FROM numbers WHERE provider = ? AND number_id = ?)",
                (*values.values(), time.time(), number.provider, number.id),
            )
            if cursor.rowcount == 0:
                # A number this ledger never saw bought (e.g. given by id on
                # the command line): record what happened to it.
                now = time.time()
                db.execute(
                    "INSERT INTO numbers (provider, number_id, phone, service, country,"
                    " state, error, pid, host, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        number.provider,
                        number.id,
                        number.phone or None,
                        number.service or "",
                        number.country or "",
                        values.get("state", ACTIVE),
                        values.get("error"),
                        os.getpid(),
                        socket.gethostname(),
                        now,
                        now,
                    ),
                )

    # -- reading -----------------------------------------------------------

    def _read(self, query: str, params: Any) -> sqlite3.Cursor:
        try:
            return self._db.execute(query, params)
        except sqlite3.Error as error:
            raise LedgerUnavailable(
                f"the ledger at {self.path} could not be read ({error})"
            ) from error

    def entries(
        self, *, states: tuple[str, ...] | None = None, limit: int = 50
    ) -> list[Entry]:
        """The newest rows first, optionally only those in ``states``."""
        query = "SELECT * FROM numbers"
        params: list[object] = []
        if states:
            query += f" WHERE state IN ({', '.join('?' * len(states))})"
            params += states
        query += " ORDER BY row DESC LIMIT ?"
        params.append(limit)
        with self._lock:
            rows = self._read(query, params).fetchall()
        return [_entry(row) for row in rows]

    def open_entries(self, *, include_held: bool = False) -> list[Entry]:
        """Rows still open whose process is gone: what ``recover`` settles."""
        states = (*OPEN_STATES, HELD) if include_held else OPEN_STATES
        # A held number's buyer has finished with it; its process may live on.
        return [
            e
            for e in self.entries(states=states, limit=10_000)
            if e.state == HELD or not e.owner_alive
        ]

    def hold(self, number: Number) -> None:
        """``number`` will be finished or cancelled by hand, not by recover."""
        self._update_number(number, state=HELD)

    def keeps_timing_out(
        self, provider: str, service: str, country: str, *, window: float = 3600.0
    ) -> bool:
        """Whether ``provider``'s recent numbers here all ended without a code.

        Three timeouts and no success within ``window`` seconds rank the
        provider down for this service and country.
        """
        # Asked of SQLite so that it stops at the first success or the third
        # timeout, each found through a partial index: a busy ledger holds
        # thousands of rows, and this runs before every purchase. The
        # literals must match those of the indexes for SQLite to use them.
        recent = (
            "FROM numbers WHERE provider = ? AND service = ? AND country = ?"
            " AND created_at >= ?"
        )
        where = (provider, service, country, time.time() - window)
        with self._lock:
            (timeouts,) = self._read(
                f"SELECT CASE WHEN EXISTS (SELECT 1 {recent} AND state = 'finished')"
                f" THEN 0 ELSE (SELECT COUNT(*) FROM (SELECT 1 {recent}"
                " AND state IN ('finished', 'cancelled')"
                " AND substr(error, 1, 15) = 'no_sms_received' LIMIT 3)) END",
                (*where, *where),
            ).fetchone()
        return bool(timeouts >= 3)

    def find(self, number_id: str, provider: str | None = None) -> Entry | None:
        """The newest row for ``number_id`` (at ``provider``, when given)."""
        query = "SELECT * FROM numbers WHERE number_id = ?"
        params: list[object] = [number_id]
        if provider:
            query += " AND provider = ?"
            params.append(provider)
        with self._lock:
            row = self._read(query + " ORDER BY row DESC LIMIT 1", params).fetchone()
        return _entry(row) if row else None


def _entry(row: tuple[object, ...]) -> Entry:
    (rowid, provider, number_id, phone, service, country, price, currency, state,
     error, pid, host, created_at, updated_at, endpoint) = row  # fmt: skip
    money = Money(str(price), str(currency)) if price is not None and currency else None
    return Entry(
        row=int(rowid),  # type: ignore[call-overload]
        provider=str(provider),
        number_id=None if number_id is None else str(number_id),
        phone=None if phone is None else str(phone),
        service=str(service),
        country=str(country),
        price=money,
        state=str(state),
        error=None if error is None else str(error),
        pid=int(pid),  # type: ignore[call-overload]
        host=str(host),
        created_at=float(created_at),  # type: ignore[arg-type]
        updated_at=float(updated_at),  # type: ignore[arg-type]
        endpoint=None if endpoint is None else str(endpoint),
    )


def _describe(error: BaseException) -> str:
    kind = getattr(error, "kind", type(error).__name__)
    message = getattr(error, "message", str(error))
    # Codes are runs of 4 to 8 digits; none may end up in the ledger.
    return _CODE_LIKE.sub("****", redact(f"{kind}: {message}"))[:300]
