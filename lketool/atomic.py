"""Write-then-rename for every output lketool writes, so an interrupted run never leaves
a half-written file and a reader (Excel, a web server, the mail command) never sees one."""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
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
    temp file replaces ``output``, on any failure it is removed.

    The temporary file lives in a private hidden folder next to ``output``; writers that
    make scratch files of their own (xlsxwriter's ``tmpdir``) put them beside it, so a
    failure anywhere (a full disk, a read-only folder, Ctrl+C) leaves nothing behind:
    the whole folder is removed."""
    output = Path(output)
    parent = output.parent if str(output.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix=f".{output.stem[:40]}.", suffix=".tmp", dir=parent)
    tmp = os.path.join(scratch, f".{output.stem[:40]}.tmp{output.suffix}")
    try:
        with open(tmp, "xb"):
            pass
        yield Path(tmp)
        with contextlib.suppress(OSError):
            os.chmod(tmp, FILE_MODE)
        os.replace(tmp, output)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def os_error_text(exc: BaseException, lang: str = "id", path: str | Path | None = None) -> str:
    """Why writing ``path`` failed, in plain words: "disk penuh" for a full disk,
    "folder tidak dapat ditulis" for a read-only or forbidden folder, "sedang dibuka di
    program lain" when the folder is writable but the file is not (Windows says
    "access denied" for a file Excel holds open), else the system's own words."""
    from lketool.i18n import t

    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return t("atomic.disk-full", lang)
    if code in (errno.EROFS, errno.EACCES, errno.EPERM):
        if code != errno.EROFS and path is not None and _folder_writable(Path(path)):
            return t("atomic.file-open", lang)
        return t("atomic.folder-read-only", lang)
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _folder_writable(path: Path) -> bool:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        probe = tempfile.TemporaryFile(dir=folder)
    except OSError:
        return False
    probe.close()
    return True


def write_bytes(output: str | Path, data: bytes, *, fsync: bool = False) -> Path:
    """Write ``data`` to ``output`` atomically; ``fsync`` flushes it to disk first."""
    with atomic_path(output) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
    return Path(output)
