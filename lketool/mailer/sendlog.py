"""The send log: one JSON object per line in ``OUTDIR/sendlog.jsonl``.

Every line is appended, flushed and ``os.fsync``-ed before the program moves
on, so after a crash the log says exactly how far the batch got.

Line format (fields always present: ``time``, ``key``, ``unit``, ``state``)::

    {"time": "2026-11-21T10:05:00+07:00", "key": "<sha256>", "unit": "Dinas Contoh",
     "state": "queued", "to": [...], "cc": [...], "envelope": [...],
     "subject": "...", "message_id": "<...>", "attachments": ["a.pdf"]}
    {"time": ..., "key": ..., "unit": ..., "state": "sent",
     "accepted": ["a@x.go.id"], "refused": {}, "reason": null}

``state`` is one of:

* ``queued``  - written just before the SMTP transaction starts;
* ``sent``    - the server accepted every address in ``envelope``;
* ``partial`` - the server accepted some addresses and refused others
  (``refused`` maps address -> server reply);
* ``failed``  - nothing was accepted (``reason`` says why). Units that could
  not even be composed (no address, missing attachment) are logged as
  ``failed`` with ``key: null``.

A rerun reads the log: addresses already accepted are never sent again, the
rest are retried. A ``queued`` line with no result after it means the program
stopped *during* the transaction; the server may or may not have taken the
message, so it is reported as uncertain and only resent with
``--retry-uncertain`` (nothing is lost, and nothing is sent twice unasked).
The password is never part of any line.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from lketool.mailer.errors import MailConfigError

STATES = ("queued", "sent", "partial", "failed")


@dataclass
class KeyStatus:
    """What the log says about one message key."""

    accepted: set[str] = field(default_factory=set)  # casefolded addresses
    last_state: str | None = None
    last_reason: str | None = None
    refused: dict[str, str] = field(default_factory=dict)

    def remaining(self, recipients: Iterable[str]) -> list[str]:
        """Recipients the server has not accepted yet, in the given order."""
        return [r for r in recipients if r.casefold() not in self.accepted]

    @property
    def uncertain(self) -> bool:
        """True if the last attempt was cut off in the middle of the transaction."""
        return self.last_state == "queued"


@dataclass
class SendLogState:
    """The log folded per key; ``bad_lines`` counts unreadable (torn) lines."""

    keys: dict[str, KeyStatus] = field(default_factory=dict)
    bad_lines: int = 0

    def get(self, key: str) -> KeyStatus:
        return self.keys.get(key) or KeyStatus()


def read_sendlog(path: Path) -> SendLogState:
    """Fold the log at ``path`` (missing file = empty log).

    A line that is not valid JSON - normally the last line, torn by a crash
    or power loss while it was written - is counted and skipped.
    """
    state = SendLogState()
    path = Path(path)
    if not path.exists():
        return state
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MailConfigError("mail.sendlog.unreadable", path=path, detail=str(exc)) from exc
    for line in raw.splitlines():
        if not line.strip():
            continue
        try:
            entry = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            state.bad_lines += 1
            continue
        if not isinstance(entry, dict) or entry.get("state") not in STATES or not entry.get("key"):
            continue
        status = state.keys.setdefault(str(entry["key"]), KeyStatus())
        kind = entry["state"]
        status.last_state = kind
        status.last_reason = entry.get("reason")
        if kind in ("sent", "partial"):
            status.accepted.update(str(a).casefold() for a in entry.get("accepted") or [])
        if kind in ("partial", "failed"):
            refused = entry.get("refused") or {}
            if isinstance(refused, dict):
                status.refused = {str(k): str(v) for k, v in refused.items()}
    return state


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class SendLogWriter:
    """Appends durable lines to the send log while holding an exclusive lock.

    The lock (an OS lock on ``<log>.lock``, released by the OS if the process
    dies) stops two ``lketool mail --send`` runs on the same OUTDIR from
    mailing the same units at the same time.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fh = None
        self._lock_fh = None

    def __enter__(self) -> "SendLogWriter":
        self.open()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def open(self) -> None:
        """Take the lock and open the log for appending."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_fh = open(lock_path, "a+b")
        except OSError as exc:
            raise MailConfigError("mail.sendlog.create", path=self.path, detail=str(exc)) from exc
        if not _try_lock(self._lock_fh):
            self._lock_fh.close()
            self._lock_fh = None
            raise MailConfigError("mail.sendlog.locked", path=self.path)
        try:
            self._fh = open(self.path, "ab")
        except OSError as exc:
            self.close()
            raise MailConfigError("mail.sendlog.write", path=self.path, detail=str(exc)) from exc
        # If a crash tore the last line, start on a fresh line so the next
        # record stays readable.
        if self._fh.tell() > 0:
            with open(self.path, "rb") as rd:
                rd.seek(-1, os.SEEK_END)
                if rd.read(1) != b"\n":
                    self._write(b"\n")

    def record(self, state: str, key: str | None, unit: str, **fields: Any) -> dict[str, Any]:
        """Append one line and force it to disk before returning it."""
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        if self._fh is None:
            raise RuntimeError("SendLogWriter is not open")
        entry = {"time": _now(), "key": key, "unit": unit, "state": state, **fields}
        line = json.dumps(entry, ensure_ascii=False, sort_keys=False) + "\n"
        self._write(line.encode("utf-8"))
        return entry

    def _write(self, data: bytes) -> None:
        assert self._fh is not None
        self._fh.write(data)
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        """Close the log and release the lock."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._lock_fh is not None:
            _unlock(self._lock_fh)
            self._lock_fh.close()
            self._lock_fh = None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fh: Any) -> bool:
        fh.seek(0)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fh: Any) -> None:
        fh.seek(0)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

else:
    import fcntl

    def _try_lock(fh: Any) -> bool:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fh: Any) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
