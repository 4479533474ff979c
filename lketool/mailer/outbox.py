"""Dry-run output: each message as an ``.eml`` file that Outlook, Thunderbird
or Python's :mod:`email` parser can open.

Files are written to a temporary name in the same folder and moved into
place with :func:`os.replace`, so a half-written ``.eml`` never exists under
its final name even if the process is killed.
"""
from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path

from lketool.atomic import write_bytes
from lketool.mailer.errors import UnitProblem

# Names Windows refuses as file names whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def eml_filename(key: str) -> str:
    """A file name safe on Windows and POSIX for a report key."""
    stem = re.sub(r"[^\w.-]+", "_", key, flags=re.ASCII).strip("._") or "unit"
    if stem.casefold() in _RESERVED:
        stem += "_"
    return stem[:120] + ".eml"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file + ``os.replace`` (flushed to disk)."""
    write_bytes(path, data, fsync=True)

def write_eml(outbox: Path, filename: str, msg: EmailMessage) -> Path:
    """Write ``msg`` as ``outbox/filename``; a locked or unwritable file is a UnitProblem."""
    path = Path(outbox) / filename
    try:
        write_atomic(path, msg.as_bytes())
    except PermissionError as exc:
        # Typical on Windows when the previous .eml is still open in Outlook.
        raise UnitProblem("mail.unit.eml-locked", path=path, detail=str(exc)) from exc
    except OSError as exc:
        raise UnitProblem("mail.unit.eml-unwritable", path=path, detail=str(exc)) from exc
    return path
