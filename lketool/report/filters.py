"""Indonesian number and date formatting, and the one Jinja environment every report
template (HTML and Word) is rendered with.

Indonesian writes ``95,58`` (decimal comma, ``.`` between thousands), percentages as
``95,6%`` and dates as ``21 November 2026``."""
from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from lketool import display as show

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")
DASH = "–"  # shown for a value that does not exist (no TPI score, no survey value)


def angka(value: Any, digits: int = 2) -> str:
    """``95.5833`` -> ``"95,58"``; ``1234.5`` -> ``"1.234,50"``; ``None`` -> ``"–"``."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x) or math.isinf(x):
        return DASH
    # Half up on the shortest decimal form (19.875 -> 19,88), as a reader rounds by hand.
    return show.number(x, int(digits), "id", thousands=True)


def persen(share: Any, digits: int = 1) -> str:
    """A 0..1 share as a percentage: ``0.9558`` -> ``"95,6%"``."""
    if share is None or share == "":
        return DASH
    return angka(float(share) * 100, digits) + "%"


def tanggal(value: Any) -> str:
    """A date (or ISO string) as ``21 November 2026``."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        value = _dt.date.fromisoformat(value[:10])
    if isinstance(value, _dt.datetime):
        value = value.date()
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def selisih(value: Any, digits: int = 2) -> str:
    """A signed difference: ``+3,25`` / ``-1,50``."""
    if value is None:
        return DASH
    return show.number(float(value), int(digits), "id", thousands=True, signed=True)


def ya_tidak(value: Any) -> str:
    """``True`` -> ``"Ya"``, ``False`` -> ``"Tidak"``."""
    return "Ya" if value else "Tidak"


FILTERS = {"angka": angka, "persen": persen, "tanggal": tanggal, "selisih": selisih, "ya_tidak": ya_tidak}


def make_environment():
    """The Jinja environment for every report template.

    ``StrictUndefined`` so that a misspelt variable in a user-edited template fails
    loudly instead of printing nothing; autoescape on, so text from a workbook (unit
    names, notes) is always text, in HTML and in Word's XML alike."""
    import jinja2

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env


_ENV = None


def environment():
    """The process-wide environment made by :func:`make_environment` (compiled
    templates are cached by the caller, keyed on path and mtime)."""
    global _ENV
    if _ENV is None:
        _ENV = make_environment()
    return _ENV
