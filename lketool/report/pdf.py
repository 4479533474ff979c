"""Word -> PDF through LibreOffice headless (:mod:`lketool.libreoffice`).

Many documents are converted in ONE LibreOffice start (starting it costs about a
second and a half; converting a report a fraction of that)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lketool.errors import Keyed
from lketool.i18n import t

NOT_INSTALLED_KEY = "report.pdf.not-installed"
NOT_INSTALLED = t(NOT_INSTALLED_KEY, "id")  # the Indonesian words, for callers that want a plain text


class PdfUnavailable(Keyed, RuntimeError):
    """LibreOffice is not installed (``message(lang)``; ``str()`` is Indonesian)."""


def pdf_available() -> bool:
    """True when LibreOffice (soffice) can be found."""
    from lketool.libreoffice import find_soffice

    return find_soffice() is not None


def docx_to_pdf_many(docs: list[Path], timeout: float = 600.0, lang: str = "id") -> dict[Path, Path | str]:
    """Convert each ``.docx`` to a ``.pdf`` beside it.  Returns ``{docx: pdf path}`` or
    ``{docx: error message in lang}`` per document; raises :class:`PdfUnavailable` when
    LibreOffice is missing.  Each PDF is moved into place atomically."""
    from lketool import libreoffice as lo

    if lo.find_soffice() is None:
        raise PdfUnavailable(NOT_INSTALLED_KEY)
    out: dict[Path, Path | str] = {}
    by_dir: dict[Path, list[Path]] = {}
    for d in docs:
        by_dir.setdefault(Path(d).resolve().parent, []).append(Path(d).resolve())
    for folder, group in by_dir.items():
        with tempfile.TemporaryDirectory(prefix=".lketool-pdf-", dir=folder) as tmp:
            try:
                _convert_many(group, Path(tmp), timeout)
            except lo.LibreOfficeError as exc:
                for d in group:
                    out[d] = exc.message(lang)
                continue
            for d in group:
                produced = Path(tmp) / f"{d.stem}.pdf"
                if produced.is_file() and produced.stat().st_size > 0:
                    dst = d.with_suffix(".pdf")
                    os.replace(produced, dst)
                    out[d] = dst
                else:
                    out[d] = t("libreoffice.no-pdf", lang, file=d.name)
    return out


def _convert_many(srcs: list[Path], outdir: Path, timeout: float) -> None:
    from lketool import libreoffice as lo

    lo.convert_many(srcs, outdir, "pdf", timeout=timeout)
