"""One rule, one place: text that came from a workbook goes into any output we write
(xlsx via xlsxwriter or openpyxl, CSV) as text, never as a formula.

Unit names, messages and answers come from workbooks we do not control.  In xlsx they
are written as strings (never a formula).  In CSV, which Excel and other tools re-open
and re-export, a leading ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which
some tools strip before parsing) is neutralised with a leading apostrophe, the OWASP
"CSV injection" advice also used by tablib.  Every writer calls these helpers."""
from __future__ import annotations

import re

EXCEL_MAX_CHARS = 32767
EXCEL_MAX_ROWS = 1_048_576
_SHEET_BAD = re.compile(r"[\\*?:/\[\]]")
# Characters XML 1.0 forbids; Excel refuses a file that holds them.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A legal, unique Excel sheet name: at most 31 characters, none of ``\\ * ? : / [ ]``,
    not starting or ending with an apostrophe, not empty."""
    s = _SHEET_BAD.sub("_", _XML_BAD.sub("", name)).strip().strip("'") or "Sheet"
    s = s[:31]
    if taken is None:
        return s
    base, n = s, 2
    while s.lower() in {x.lower() for x in taken}:
        suffix = f" ({n})"
        s = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(s)
    return s


def cell_text(value) -> str:
    """Text fit for an xlsx cell: at most Excel's 32,767 characters (longer text is cut
    with an ellipsis).  xlsxwriter itself escapes control characters."""
    s = value if type(value) is str else ("" if value is None else str(value))
    if len(s) > EXCEL_MAX_CHARS:
        s = s[:EXCEL_MAX_CHARS - 1] + "\u2026"
    return s


def csv_text(value: str) -> str:
    """A CSV field that a spreadsheet will not evaluate: a leading ``= + - @`` (or tab,
    CR) gets an apostrophe in front."""
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def openpyxl_text(cell, value) -> None:
    """Put ``value`` into an openpyxl ``cell`` as text, whatever it starts with.

    openpyxl turns any string starting with ``=`` into a formula; setting the data type
    after the value keeps it a string.  Characters XML 1.0 forbids are dropped (openpyxl
    would raise ``IllegalCharacterError``)."""
    s = _XML_BAD.sub("", cell_text(value))
    cell.value = s
    cell.data_type = "s"


def xlsxwriter_text(ws, row: int, col: int, value, fmt=None) -> None:
    """Write ``value`` with xlsxwriter as a string cell (``write_string``, never ``write``,
    which would turn '=...' into a formula)."""
    ws.write_string(row, col, cell_text(value), fmt)
