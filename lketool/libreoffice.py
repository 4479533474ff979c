"""LibreOffice headless helpers: find ``soffice``, recalculate a workbook (so it carries
cached formula values, as a file saved by Excel does) and convert to PDF.

Every call uses a private, throw-away LibreOffice profile, so it neither disturbs nor
is blocked by a LibreOffice window the user has open, and the profile is told to
recalculate every formula on load (a workbook written by openpyxl has formulas but no
values)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterable

from lketool.errors import Worded

DEFAULT_TIMEOUT = 180.0
XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"
ENV_VAR = "LKETOOL_SOFFICE"  # full path of soffice, when it is somewhere unusual

_CANDIDATES_WINDOWS = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
_CANDIDATES_MAC = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",)

# Recalculate OOXML and ODF files on load ("always"), so stale or missing cached values
# are replaced by LibreOffice's own results.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


class LibreOfficeError(Worded, RuntimeError):
    """LibreOffice is missing, failed or timed out.  ``message(lang)`` is for users."""

    def __init__(self, code: str, message_id: str | None = None, message_en: str | None = None, *,
                 key: str | None = None, **params):
        self.code = code  # not-installed | failed | timeout
        self.key = key  # catalogue key (libreoffice.*); message_id/message_en for older callers
        self.params = params
        self._message_id, self._message_en = message_id, message_en
        super().__init__(self.message("en"))

    def message(self, lang: str = "id") -> str:
        if self.key is None:
            return (self._message_id if lang == "id" else self._message_en) or self._message_id or ""
        from lketool.i18n import t

        return t(self.key, lang, **self.params)

    def __reduce__(self):
        return (_rebuild_error, (self.code, self._message_id, self._message_en, self.key, self.params))


def _rebuild_error(code, message_id, message_en, key, params):
    return LibreOfficeError(code, message_id, message_en, key=key, **params)


def find_soffice() -> str | None:
    """Path of the LibreOffice ``soffice`` program, or None when it is not installed.

    Looks at ``$LKETOOL_SOFFICE``, then the PATH, then the usual install folders on
    Windows and macOS."""
    env = os.environ.get(ENV_VAR)
    if env and Path(env).is_file():
        return env
    for name in ("soffice", "libreoffice", "soffice.exe"):
        found = shutil.which(name)
        if found:
            return found
    candidates = list(_CANDIDATES_WINDOWS if sys.platform == "win32" else _CANDIDATES_MAC)
    if sys.platform == "win32":
        for var in ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432"):
            base = os.environ.get(var)
            if base:
                candidates.append(str(Path(base) / "LibreOffice" / "program" / "soffice.exe"))
    for c in candidates:
        if Path(c).is_file():
            return c
    return None


def _require() -> str:
    exe = find_soffice()
    if exe is None:
        raise LibreOfficeError("not-installed", key="libreoffice.not-installed", var=ENV_VAR)
    return exe


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    """Run soffice in its own process group so a timeout kills its children too."""
    kw = {}
    if os.name == "posix":
        kw["start_new_session"] = True
    else:  # pragma: no cover - Windows
        kw["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:  # pragma: no cover
            proc.kill()
        proc.communicate()
        raise LibreOfficeError("timeout", key="libreoffice.timeout", seconds=f"{timeout:.0f}") from None
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def _convert(srcs: list[Path], outdir: Path, target: str, timeout: float) -> None:
    exe = _require()
    with tempfile.TemporaryDirectory(prefix="lketool-lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        args = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--invisible",
                "--norestore", "--nolockcheck", "--nodefault", "--nofirststartwizard",
                "--convert-to", target, "--outdir", str(outdir), *[str(s) for s in srcs]]
        proc = _run(args, timeout)
    if proc.returncode != 0:
        err = (proc.stderr or b"").decode("utf-8", "replace").strip()[-500:]
        raise LibreOfficeError("failed", key="libreoffice.failed", detail=err or proc.returncode)


def convert_many(srcs: Iterable[str | Path], outdir: str | Path, target: str, *,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
    """Convert many files in ONE LibreOffice start: each ``src`` becomes
    ``outdir/<stem>.<ext>``.  ``target`` is a LibreOffice filter such as ``"pdf"`` or
    ``"xlsx:Calc MS Excel 2007 XML"``.  Files appear directly in ``outdir`` (use a
    private folder and move them when atomic results matter)."""
    srcs = [Path(s).resolve() for s in srcs]
    if srcs:
        Path(outdir).mkdir(parents=True, exist_ok=True)
        _convert(srcs, Path(outdir), target, timeout)


def recalc_many(srcs: Iterable[str | Path], outdir: str | Path, *, timeout: float = DEFAULT_TIMEOUT) -> list[Path]:
    """Recalculate many workbooks with ONE LibreOffice start (much faster than one call
    each).  Each ``src`` is written as ``outdir/<src stem>.xlsx``; stems must differ.
    Sources are never modified.  Raises :class:`LibreOfficeError`."""
    srcs = [Path(s).resolve() for s in srcs]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    if len({s.stem for s in srcs}) != len(srcs):
        raise ValueError("recalc_many: source file names (stems) must differ")
    if not srcs:
        return []
    # Convert into a private folder first, then move: a source inside outdir is never
    # overwritten half-way, and readers of outdir never see a partial file.
    with tempfile.TemporaryDirectory(prefix=".lketool-lo-", dir=outdir) as tmp:
        convert_many(srcs, tmp, XLSX_FILTER, timeout=timeout)
        out = []
        for s in srcs:
            produced = Path(tmp) / f"{s.stem}.xlsx"
            if not produced.is_file():
                raise LibreOfficeError("failed", key="libreoffice.no-output", file=s.name)
            dst = outdir / produced.name
            os.replace(produced, dst)
            out.append(dst)
    return out


def recalc(src: str | Path, dst: str | Path, *, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Open ``src`` in LibreOffice headless, recalculate every formula and save it as
    ``dst`` (.xlsx, written atomically; ``src`` may equal ``dst``)."""
    src, dst = Path(src).resolve(), Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".lketool-lo-", dir=dst.parent) as tmp:
        produced = recalc_many([src], tmp, timeout=timeout)[0]
        os.replace(produced, dst)
    return dst


def to_pdf(src: str | Path, outdir: str | Path, *, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Convert ``src`` (docx, xlsx, html, ...) to ``outdir/<stem>.pdf``."""
    src, outdir = Path(src).resolve(), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".lketool-lo-", dir=outdir) as tmp:
        _convert([src], Path(tmp), "pdf", timeout)
        produced = Path(tmp) / f"{src.stem}.pdf"
        if not produced.is_file():
            raise LibreOfficeError("failed", key="libreoffice.no-pdf", file=src.name)
        dst = outdir / produced.name
        os.replace(produced, dst)
    return dst
