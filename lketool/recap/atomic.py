"""Write-then-rename, so an interrupted run never leaves a half-written recap."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def atomic_path(output: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``output``; on success it replaces ``output``
    (with the permissions a new file would get), on failure it is removed."""
    output = Path(output)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.stem}.", suffix=output.suffix + ".tmp",
                               dir=output.parent if str(output.parent) else ".")
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp makes the file private (0600); a recap is an ordinary document.
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
