"""Unit names given by the user: a units file (CSV or XLSX) that maps an LKE file to the
name of its unit, for workbooks whose unit name cell is empty or wrong.

    from lketool.units import load_units, unit_for
    names = load_units("unit.csv")          # {"lke-rsud.xlsx": "RSUD Kota Contoh", ...}
    unit_for("in/lke-rsud.xlsx", names)     # "RSUD Kota Contoh"

The file has a header row; the file column is called ``file``/``berkas``/``nama_berkas``,
the name column ``unit``/``nama_unit``/``unit_kerja``/``nama``.  Without a recognised
header the first two columns are taken as (file, unit).  A file is matched by its name
(without folders, case-insensitive), with or without its extension.  Shared by every
command that takes ``--units`` (report today; check/score/recap may reuse it)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

FILE_COLUMNS = ("file", "berkas", "nama_berkas", "nama berkas", "filename")
UNIT_COLUMNS = ("unit", "nama_unit", "nama unit", "unit_kerja", "unit kerja", "nama")


class UnitsFileError(ValueError):
    """The units file cannot be used; the message names the file (Indonesian)."""


def _key(name: str) -> str:
    return Path(str(name).strip().replace("\\", "/")).name.casefold()


def _stem_key(name: str) -> str:
    k = _key(name)
    return k.rsplit(".", 1)[0] if k.endswith((".xlsx", ".xlsm", ".xls", ".ods")) else k


def _rows_csv(path: Path) -> list[list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnitsFileError(f"Berkas unit {path} tidak dapat dibaca: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # saved by Excel on Windows in the ANSI code page
        text = raw.decode("cp1252", errors="replace")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _rows_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any damage: one message naming the file
        raise UnitsFileError(f"Berkas unit {path} tidak dapat dibaca sebagai XLSX ({type(exc).__name__}).") from None
    try:
        ws = wb.worksheets[0]
        return [["" if v is None else str(v).strip() for v in row]
                for row in ws.iter_rows(max_col=20, values_only=True)]
    finally:
        wb.close()


def load_units(path: str | Path) -> dict[str, str]:
    """``{file name (casefolded): unit name}`` from a CSV or XLSX units file; each file
    is also findable by its name without extension.  Raises :class:`UnitsFileError`."""
    p = Path(path)
    if not p.is_file():
        raise UnitsFileError(f"Berkas unit {p} tidak ditemukan.")
    rows = _rows_xlsx(p) if p.suffix.lower() in (".xlsx", ".xlsm") else _rows_csv(p)
    rows = [r for r in rows if any(r)]
    if not rows:
        raise UnitsFileError(f"Berkas unit {p} kosong.")
    head = [c.casefold() for c in rows[0]]
    fcol = next((head.index(c) for c in FILE_COLUMNS if c in head), None)
    ucol = next((head.index(c) for c in UNIT_COLUMNS if c in head), None)
    if fcol is None or ucol is None:
        fcol, ucol = 0, 1
        if len(rows[0]) < 2:
            raise UnitsFileError(f"Berkas unit {p} harus berisi dua kolom: berkas dan nama unit.")
    else:
        rows = rows[1:]
    out: dict[str, str] = {}
    for n, r in enumerate(rows, start=2):
        f = r[fcol] if fcol < len(r) else ""
        u = r[ucol] if ucol < len(r) else ""
        if not f or not u:
            continue
        for k in {_key(f), _stem_key(f)}:
            if k in out and out[k] != u:
                raise UnitsFileError(f"Berkas unit {p}: {f} diberi dua nama unit ({out[k]!r} dan {u!r}).")
            out[k] = u
    if not out:
        raise UnitsFileError(f"Berkas unit {p} tidak berisi pasangan berkas dan nama unit.")
    return out


def unit_for(path: str | Path, units: dict[str, str] | None) -> str | None:
    """The unit name ``units`` gives for the LKE file ``path``, or ``None``."""
    if not units:
        return None
    return units.get(_key(str(path))) or units.get(_stem_key(str(path)))
