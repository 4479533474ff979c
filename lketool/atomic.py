"""Write-then-rename for every output lketool writes, so an interrupted run never leaves
a half-written file and a reader (Excel, a web server, the mail command) never sees one."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp makes files private (0600); outputs are ordinary documents others must read.
FILE_MODE = 0o666 & ~_umask()


@contextlib.contextmanager
def atomic_path(output: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``output`` (its folder is created); on success the
    temp file replaces ``output``, on any failure it is removed."""
    output = Path(output)
    parent = output.parent if str(output.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.stem[:40]}.", suffix=".tmp" + output.suffix, dir=parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with contextlib.suppress(OSError):
            os.chmod(tmp, FILE_MODE)
        os.replace(tmp, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes(output: str | Path, data: bytes, *, fsync: bool = False) -> Path:
    """Write ``data`` to ``output`` atomically; ``fsync`` flushes it to disk first."""
    with atomic_path(output) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
    return Path(output)
