"""Atomic writes: a temp file in the destination folder, then ``os.replace``, so a
reader (or a crash) never sees half a report."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def _default_mode() -> int:
    # mkstemp creates 0600 files; a report should get the same mode as any new file.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_MODE = _default_mode()


def atomic_write(out: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` then move the temp file onto ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.stem[:40]}.", suffix=".tmp" + out.suffix, dir=out.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, _MODE)
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return out


def atomic_write_bytes(out: Path, data: bytes) -> Path:
    """Write ``data`` to ``out`` atomically."""
    return atomic_write(out, lambda p: p.write_bytes(data))
