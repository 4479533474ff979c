"""Safe, unique output file names from unit names.

A unit name comes from a workbook cell, so it may hold anything: path separators,
``..``, characters Windows refuses (``<>:"/\\|?*``), control characters, a
Windows-reserved device name (``CON``, ``NUL``, ``COM1`` ...), or 300 characters.
The key keeps the name readable (letters, digits, ``-``) and is unique within a run."""
from __future__ import annotations

import re
import unicodedata

MAX_LEN = 60
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def safe_key(name: str | None, fallback: str = "unit") -> str:
    """``"Dinas Kesehatan / UPT <Puskesmas>"`` -> ``"dinas-kesehatan-upt-puskesmas"``.

    Accents are folded to ASCII, everything but ``a-z0-9`` becomes ``-``, the result
    is cut to :data:`MAX_LEN` at a word boundary where possible and never empty, never
    ``.``/``..`` and never a Windows device name."""
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode("ascii")
    key = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(key) > MAX_LEN:
        cut = key[:MAX_LEN]
        key = (cut.rsplit("-", 1)[0] if "-" in cut[MAX_LEN // 2:] else cut).strip("-")
    if not key:
        key = safe_key(fallback, "unit") if fallback and fallback != name else "unit"
    if key in _RESERVED:
        key = f"{key}-unit"
    return key


def unique_keys(names: list[tuple[str | None, str]], reserved: tuple[str, ...] = ()) -> list[str]:
    """Keys for ``[(unit name, fallback)]`` in order; a repeated key gets ``-2``, ``-3``...
    Comparison ignores case, because Windows file names do.  ``reserved`` keys (the
    summary report, the manifest) are never given to a unit."""
    used: set[str] = {r.lower() for r in reserved}
    out = []
    for name, fallback in names:
        base = safe_key(name, fallback)
        key, n = base, 2
        while key.lower() in used:
            suffix = f"-{n}"
            key = base[:MAX_LEN - len(suffix)] + suffix
            n += 1
        used.add(key.lower())
        out.append(key)
    return out
