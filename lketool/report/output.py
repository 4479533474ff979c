"""Atomic writes for reports (see :mod:`lketool.atomic`): a reader, or a crash, never
sees half a report."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from lketool.atomic import atomic_path, write_bytes


def atomic_write(out: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` then move the temp file onto ``out``."""
    with atomic_path(out) as tmp:
        write(tmp)
    return Path(out)


def atomic_write_bytes(out: Path, data: bytes) -> Path:
    """Write ``data`` to ``out`` atomically."""
    return write_bytes(out, data)
