"""The one CSV writer of ``check``, ``score``, ``diff`` and ``links`` (``--format csv``).

Two dialects, chosen by the output language:

* ``id`` (Indonesian Excel): ``;`` between fields, UTF-8 with a byte-order mark (without
  it Excel reads UTF-8 as ANSI and breaks every accented unit name), decimal comma and
  Indonesian column headers.  Excel in an Indonesian locale uses ``,`` as its decimal
  separator and ``;`` as its list separator, so a double-click opens such a file with
  numbers as numbers.
* ``en``: ``,`` between fields, a decimal point, English headers, no BOM (what
  pipelines and an English-locale Excel expect).

Every text field goes through :func:`lketool.cells.csv_text`, so a unit name such as
``=HYPERLINK(...)`` is never evaluated by the spreadsheet that opens the file (issue 15.3).
Numbers are written at full precision (``repr``), never rounded for display."""
from __future__ import annotations

import csv
import io
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from lketool.cells import csv_text
from lketool.i18n import t


@dataclass(frozen=True)
class Column:
    """One CSV column: a stable key and its header, worded by the catalogue key ``label``
    (``column.<table>.<key>``); a header that comes from data (a rubric label) is given
    per language in ``texts`` instead (see :func:`data_col`)."""

    key: str
    label: str = ""
    texts: tuple[tuple[str, str], ...] = ()

    def header(self, lang: str) -> str:
        """The header in ``lang``."""
        if self.texts:
            given = dict(self.texts)
            # like the catalogue: a language without its own text falls back to English, then Indonesian
            return given.get(lang) or given.get("en") or given.get("id", self.key)
        return t(self.label, lang)


def separator(lang: str) -> str:
    """Field separator: ``;`` for Indonesian Excel, ``,`` in English."""
    return "," if lang == "en" else ";"


def number_text(x: float | int, lang: str) -> str:
    """A number at full precision in the dialect's notation: ``80.1`` -> ``80,1`` in
    Indonesian.  No thousands separator and no exponent, which Excel may misread."""
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        return ""
    s = repr(float(x))
    if "e" in s or "E" in s:  # 1e-05: written out, Excel reads '0,00001' in every locale
        s = f"{x:.20f}".rstrip("0").rstrip(".")
    return s if lang == "en" else s.replace(".", ",")


def field(value: Any, lang: str) -> str:
    """One CSV field: None empty, booleans as words, numbers in the dialect's notation,
    text neutralised against formula injection."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("csv.true" if value else "csv.false", lang)
    if isinstance(value, (int, float)):
        return number_text(value, lang)
    return csv_text(str(value))


def render(columns: Sequence[Column], rows: Iterable[dict[str, Any] | Sequence[Any]], lang: str) -> str:
    """The CSV text (header first) of ``rows`` (dicts keyed by column key, or sequences
    in column order), without the byte-order mark."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=separator(lang), lineterminator="\r\n" if lang != "en" else "\n")
    w.writerow([csv_text(c.header(lang)) for c in columns])
    for row in rows:
        values = [row.get(c.key) for c in columns] if isinstance(row, dict) else list(row)
        w.writerow([field(v, lang) for v in values])
    return buf.getvalue()


def encode(text: str, lang: str) -> bytes:
    """The bytes to write: UTF-8, with a BOM for Indonesian Excel."""
    return text.encode("utf-8-sig" if lang != "en" else "utf-8")


def write(columns: Sequence[Column], rows, lang: str, output: str | Path | None = None) -> None:
    """Write the CSV to ``output`` atomically, or to standard output as bytes (so a
    Windows console code page never mangles the UTF-8)."""
    data = encode(render(columns, rows, lang), lang)
    if output is None or str(output) == "-":
        out = getattr(sys.stdout, "buffer", None)
        if out is None:  # a text-only stream (some test harnesses)
            sys.stdout.write(data.decode("utf-8"))
        else:
            sys.stdout.flush()
            out.write(data)
            out.flush()
        return
    from lketool.atomic import write_bytes

    write_bytes(output, data)


def cols(table: str, *keys: str) -> list[Column]:
    """``cols("findings", "file", "unit")``: columns whose headers are the catalogue keys
    ``column.<table>.<key>``."""
    return [Column(k, f"column.{table}.{k}") for k in keys]


def data_col(key: str, **texts: str) -> Column:
    """A column whose header comes from data, given per language: ``data_col("total",
    id="Nilai total", en="Total score")``."""
    return Column(key, texts=tuple(texts.items()))
