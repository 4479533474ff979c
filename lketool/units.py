"""What the user says about each unit: a units file (CSV or XLSX) that maps an LKE file to
the name of its unit (for workbooks whose unit name cell is empty or wrong) and, optionally,
to whether the unit already holds the Menuju WBK predicate (the WBBM prerequisite).

    from lketool.units import load_units, read_units, unit_for
    names = load_units("unit.csv")          # {"lke-rsud.xlsx": "RSUD Kota Contoh", ...}
    unit_for("in/lke-rsud.xlsx", names)     # "RSUD Kota Contoh"
    table = read_units("unit.csv")
    table.has_wbk_for("in/lke-rsud.xlsx", default=None)   # True / False / the default

The file has a header row; the file column is called ``file``/``berkas``/``nama_berkas``,
the name column ``unit``/``nama_unit``/``unit_kerja``/``nama``, the optional WBK column
``sudah_wbk``/``sudah wbk``/``predikat_wbk`` (values ``ya``/``tidak``, ``yes``/``no``,
``1``/``0``, any case; blank: not declared).  Without a recognised header the first two
columns are taken as (file, unit).  A file is matched by its name (without folders,
case-insensitive), with or without its extension.

The WBK column works like ``--sudah-wbk``/``--belum-wbk`` for one unit: a unit's own value
wins over the command-line flag, which stays the default for units left blank or not
listed.  Shared by every command that takes ``--units`` (report and recap)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lketool.errors import Keyed

FILE_COLUMNS = ("file", "berkas", "nama_berkas", "nama berkas", "filename")
UNIT_COLUMNS = ("unit", "nama_unit", "nama unit", "unit_kerja", "unit kerja", "nama")
WBK_COLUMNS = ("sudah_wbk", "sudah wbk", "predikat_wbk", "predikat wbk")
# The values of the WBK column (casefolded); a blank cell declares nothing.
WBK_VALUES = {"ya": True, "yes": True, "1": True, "1.0": True, "true": True,
              "tidak": False, "no": False, "0": False, "0.0": False, "false": False}


class UnitsFileError(Keyed, ValueError):
    """The units file cannot be used.  ``code`` names the fault (``not-found``,
    ``unreadable``, ``not-xlsx``, ``empty``, ``two-columns``, ``bad-wbk``, ``two-names``,
    ``two-wbk``, ``no-pairs``); ``message(lang)`` words it from the catalogue (keys
    ``units.<code>``), naming the file (and the row and value where one is at fault).
    ``str()`` is the Indonesian message."""

    def __init__(self, code: str, /, **params: Any):
        super().__init__(code if code.startswith("units.") else f"units.{code}", **params)

    @property
    def code(self) -> str:
        return self.key[len("units."):]


def _key(name: str) -> str:
    return Path(str(name).strip().replace("\\", "/")).name.casefold()


def _stem_key(name: str) -> str:
    k = _key(name)
    return k.rsplit(".", 1)[0] if k.endswith((".xlsx", ".xlsm", ".xls", ".ods")) else k


def _rows_csv(path: Path) -> list[list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnitsFileError("unreadable", path=path, reason=exc.strerror or str(exc)) from None
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
        raise UnitsFileError("not-xlsx", path=path, kind=type(exc).__name__) from None
    try:
        ws = wb.worksheets[0]
        return [["" if v is None else str(v).strip() for v in row]
                for row in ws.iter_rows(max_col=20, values_only=True)]
    finally:
        wb.close()


@dataclass(frozen=True)
class Units:
    """A units file read: ``names`` (file key -> unit name) and ``wbk`` (file key -> whether
    the unit already holds Menuju WBK), each file findable by its name with and without its
    extension (casefolded, without folders)."""

    names: dict[str, str] = field(default_factory=dict)
    wbk: dict[str, bool] = field(default_factory=dict)

    def name_for(self, path: str | Path) -> str | None:
        """The unit name given for the LKE file ``path``, or ``None``."""
        return unit_for(path, self.names)

    def has_wbk_for(self, path: str | Path, default: bool | None = None) -> bool | None:
        """Whether the unit of ``path`` holds Menuju WBK: its own value in the file, else
        ``default`` (the ``--sudah-wbk``/``--belum-wbk`` of the command line, or None)."""
        found = _lookup(path, self.wbk)
        return default if found is None else found

    def entries(self) -> tuple[tuple[str, str | None, bool | None], ...]:
        """``(file key, name, has_wbk)`` for every key: a plain, picklable, JSON-able form
        (for options that travel to worker processes and into cache keys)."""
        keys = sorted(set(self.names) | set(self.wbk))
        return tuple((k, self.names.get(k), self.wbk.get(k)) for k in keys)

    @classmethod
    def from_entries(cls, entries) -> "Units":
        """The inverse of :meth:`entries` (remembered for the last tuple given: a recap asks
        once per workbook, and rebuilding the table each time would cost O(units²))."""
        cached = _FROM_ENTRIES.get(id(entries))
        if cached is not None and cached[0] is entries:
            return cached[1]
        out = cls(names={k: n for k, n, _ in entries if n}, wbk={k: w for k, _, w in entries if w is not None})
        _FROM_ENTRIES.clear()
        _FROM_ENTRIES[id(entries)] = (entries, out)  # holding ``entries`` keeps its id from being reused
        return out


_FROM_ENTRIES: dict[int, tuple[tuple, Units]] = {}


def wbk_value(text: str) -> bool | None:
    """The WBK column's value: True/False, None for blank; ValueError for anything else."""
    t = str(text).strip().casefold()
    if not t:
        return None
    if t in WBK_VALUES:
        return WBK_VALUES[t]
    raise ValueError(text)


def load_units(path: str | Path) -> dict[str, str]:
    """``{file name (casefolded): unit name}`` from a CSV or XLSX units file; each file
    is also findable by its name without extension.  Raises :class:`UnitsFileError`."""
    return read_units(path).names


def read_units(path: str | Path) -> Units:
    """The whole units file (names and the optional ``sudah_wbk`` column).  Raises
    :class:`UnitsFileError` naming the file (and the row and value for a bad WBK value)."""
    p = Path(path)
    if not p.is_file():
        raise UnitsFileError("not-found", path=p)
    rows = _rows_xlsx(p) if p.suffix.lower() in (".xlsx", ".xlsm") else _rows_csv(p)
    numbered = [(n, r) for n, r in enumerate(rows, start=1) if any(r)]
    if not numbered:
        raise UnitsFileError("empty", path=p)
    head = [c.casefold() for c in numbered[0][1]]
    fcol = next((head.index(c) for c in FILE_COLUMNS if c in head), None)
    ucol = next((head.index(c) for c in UNIT_COLUMNS if c in head), None)
    wcol = next((head.index(c) for c in WBK_COLUMNS if c in head), None)
    if fcol is None or (ucol is None and wcol is None):
        fcol, ucol, wcol = 0, 1, None
        if len(numbered[0][1]) < 2:
            raise UnitsFileError("two-columns", path=p)
    else:
        numbered = numbered[1:]
    names: dict[str, str] = {}
    wbk: dict[str, bool] = {}
    for n, r in numbered:  # n: the row number as a spreadsheet shows it
        f = r[fcol] if fcol < len(r) else ""
        u = r[ucol] if ucol is not None and ucol < len(r) else ""
        w = r[wcol] if wcol is not None and wcol < len(r) else ""
        if not f:
            continue
        try:
            has = wbk_value(w)
        except ValueError:
            raise UnitsFileError("bad-wbk", path=p, row=n, column=head[wcol], value=repr(w), file=f) from None
        for k in {_key(f), _stem_key(f)}:
            if u:
                if k in names and names[k] != u:
                    raise UnitsFileError("two-names", path=p, file=f, first=repr(names[k]), second=repr(u))
                names[k] = u
            if has is not None:
                if k in wbk and wbk[k] != has:
                    raise UnitsFileError("two-wbk", path=p, row=n, file=f, column=head[wcol])
                wbk[k] = has
    if not names and not wbk:
        raise UnitsFileError("no-pairs", path=p)
    return Units(names=names, wbk=wbk)


def _lookup(path: str | Path, table: dict):
    if not table:
        return None
    found = table.get(_key(str(path)))
    return found if found is not None else table.get(_stem_key(str(path)))


def unit_for(path: str | Path, units: dict[str, str] | None) -> str | None:
    """The unit name ``units`` gives for the LKE file ``path``, or ``None``."""
    return _lookup(path, units) or None
