"""The only module that opens input workbooks.

Cell values come from python-calamine (fast: a few ms for a whole LKE sheet).  What
calamine does not expose - which cells hold formulas (and their text) and cell
hyperlinks - is read straight from the sheet's XML inside the .xlsx zip, which needs
no password even when sheets are protected.  openpyxl is not imported here: it costs
~300 ms to import and parse, more than the whole check should take.
"""
from __future__ import annotations

import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from lketool import limits
from lketool.errors import WorkbookError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REF_RE = re.compile(r'\br="([A-Z]{1,3})(\d+)"')
_V_RE = re.compile(r'<(?:\w+:)?v\b[^>]*>[^<]', re.S)  # a value element with content (openpyxl writes <v></v>)
_HL_RE = re.compile(r'<(?:\w+:)?hyperlink\b([^>]*?)/?>', re.S)
_ATTR_RE = re.compile(r'([\w:]+)="([^"]*)"')
_HYPERLINK_FN = re.compile(r'HYPERLINK\(\s*"([^"]+)"', re.I)


def col_index(letters: str) -> int:
    """'A' -> 1, 'Q' -> 17, 'AA' -> 27."""
    n = _COL_INDEX.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + (ord(ch) - 64)
        if len(_COL_INDEX) < 4096:  # bounded: references come from untrusted files
            _COL_INDEX[letters] = n
    return n


_COL_INDEX: dict[str, int] = {}


def col_letter(index: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


@dataclass
class Formula:
    text: str  # without the leading '=', '' for a shared-formula child we did not expand
    shared: bool = False
    has_cached_value: bool = True


@dataclass
class SheetGrid:
    """One sheet: values by 1-based (row, col), formulas and hyperlinks by the same keys."""

    name: str
    rows: list[list[Any]]
    formulas: dict[tuple[int, int], Formula] = field(default_factory=dict)
    hyperlinks: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: bool = False
    details_read: bool = False
    hidden_rows: set[int] = field(default_factory=set)  # 1-based rows marked hidden in the sheet
    hidden_cols: set[int] = field(default_factory=set)  # 1-based columns marked hidden

    @property
    def nrows(self) -> int:
        return len(self.rows)

    def value(self, row: int, col: int) -> Any:
        """The cached value ('' when empty); row and col are 1-based."""
        if 1 <= row <= len(self.rows):
            r = self.rows[row - 1]
            if 1 <= col <= len(r):
                return r[col - 1]
        return ""

    def text(self, row: int, col: int) -> str:
        v = self.value(row, col)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()


@dataclass
class WorkbookFile:
    """An opened input workbook.  Sheets are read on demand by :meth:`grid`."""

    path: Path
    sheet_names: list[str]
    _calamine: Any
    _zip_names: dict[str, str]  # sheet name -> xml path in the zip
    _hidden: set[str]
    _grids: dict[str, SheetGrid] = field(default_factory=dict)
    _cells_read: int = 0  # used-area cells of the sheets read so far (limits.MAX_WORKBOOK_CELLS)
    _all_scanned: bool = False  # every sheet part scanned (a sheet whose part was not found)
    _xml: dict[str, tuple[bytes, dict[str, str]]] = field(default_factory=dict)  # sheet -> (XML, rels) kept by the scan

    def grid(self, name: str, *, details: bool = True) -> SheetGrid:
        """Values of sheet ``name``; with ``details`` also formulas and hyperlinks."""
        grid = self._grids.get(name)
        if grid is None:
            grid = self._grids[name] = self._read_values(name)
        if details and not grid.details_read:
            self._read_xml_details(grid)
            grid.details_read = True
        return grid

    def _read_values(self, name: str) -> SheetGrid:
        # The sheet's XML is scanned first: the cell reader allocates the whole rectangle
        # up to the last used cell, so an absurd extent must be refused before it runs.
        scan = self._scan(name)
        try:
            sheet = self._calamine.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own error types for broken parts
            raise WorkbookError("file-corrupt", str(self.path), detail=_detail(exc), key="file.sheet-unreadable",
                                sheet=name) from exc
        grid = SheetGrid(name=name, rows=rows, hidden=name in self._hidden)
        if scan is not None:
            grid.hidden_rows, grid.hidden_cols = scan.hidden_rows, scan.hidden_cols
        return grid

    def _scan(self, name: str) -> limits.SheetScan | None:
        part = self._zip_names.get(name)
        try:
            with zipfile.ZipFile(self.path) as zf:
                info = _member(zf, part) if part else None
                if info is None:
                    # Where calamine will read this sheet from is unknown: every sheet
                    # part is held to the limits instead (once).
                    if not self._all_scanned:
                        for other in zf.infolist():
                            if "sheets/" in other.filename.lower() and other.filename.lower().endswith(".xml"):
                                scan = limits.scan_sheet(zf, other)
                                self._cells_read += scan.max_row * scan.max_col
                        self._all_scanned = True
                    limits.check_workbook_cells(self._cells_read)
                    return None
                scan = limits.scan_sheet(zf, info)
                if scan.data is not None:  # the formula pass reads these instead of inflating the part again
                    self._xml[name] = (scan.data, _read_rels(zf, part))
                    scan.data = None
            self._cells_read += scan.max_row * scan.max_col
            limits.check_workbook_cells(self._cells_read)
            return scan
        except limits.TooLarge as exc:
            raise _too_large(self.path, exc, sheet=name) from None
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error, ValueError) as exc:
            raise WorkbookError("file-corrupt", str(self.path), detail=_detail(exc), key="file.sheet-unreadable",
                                sheet=name) from exc

    def _read_xml_details(self, grid: SheetGrid) -> None:
        xml_path = self._zip_names.get(grid.name)
        if not xml_path:
            return
        kept = self._xml.pop(grid.name, None)
        try:
            if kept is not None:
                data, rels = kept[0].decode("utf-8", errors="replace"), kept[1]
            else:
                with zipfile.ZipFile(self.path) as zf:
                    data = zf.read(xml_path).decode("utf-8", errors="replace")
                    rels = _read_rels(zf, xml_path)
        except KeyError:
            return
        except Exception as exc:  # damaged part or rels: the values were read, the details cannot be
            raise WorkbookError("file-corrupt", str(self.path), detail=_detail(exc), key="file.sheet-unreadable",
                                sheet=grid.name) from exc
        end = _scan_cells(data, grid)
        _scan_hyperlinks(data, end, rels, grid)


_SHEETDATA_RE = re.compile(r'<(\w+:)?sheetData\b')


def _scan_cells(data: str, grid: SheetGrid) -> int:
    """Formulas of the sheet XML ``data`` into ``grid.formulas``; returns where the cell
    data ends.

    Only formula-bearing cells are looked at: ``str.find`` jumps from one ``<f`` to the
    next and the enclosing ``<c`` is found backwards, instead of a regex visiting all
    ~3,600 cells of an LKE sheet (5x faster; the same formulas and attributes)."""
    m = _SHEETDATA_RE.search(data)
    if m is None:
        return 0
    p = m.group(1) or ""  # the namespace prefix the file uses ('' almost always)
    end = data.find(f"</{p}sheetData>", m.end())
    if end < 0:
        end = len(data)
    f_open, f_close, c_open, c_close = f"<{p}f", f"</{p}f>", f"<{p}c", f"</{p}c>"
    nf, nc = len(f_open), len(c_open)
    formulas, links = grid.formulas, grid.hyperlinks
    i = data.find(f_open, m.end(), end)
    while i >= 0:
        nxt = i + nf
        if data[nxt:nxt + 1] not in (" ", ">", "/"):  # e.g. <formula> outside cells
            i = data.find(f_open, nxt, end)
            continue
        start = data.rfind(c_open, 0, i)
        if start >= 0 and data[start + nc:start + nc + 1] not in _TAG_END:  # <col>, <cfRule>...: further back
            start = _cell_start(data, c_open, start)
        close = data.find(c_close, i, end)
        if start < 0 or close < 0:
            break
        gt = data.find(">", nxt, close)
        ref = _REF_RE.search(data, start, data.find(">", start))
        if gt >= 0 and ref is not None:
            key = (int(ref.group(2)), col_index(ref.group(1)))
            fattrs = data[nxt:gt]
            if fattrs.endswith("/"):  # <f t="shared" si="0"/>: a shared-formula child
                text, after = "", gt + 1
            else:
                after = data.find(f_close, gt, close)
                text = data[gt + 1:after] if after >= 0 else ""
                if "&" in text:
                    text = _unescape(text)
            formulas[key] = Formula(text, not text and 't="shared"' in fattrs,
                                    _V_RE.search(data, after, close) is not None)
            if text and "HYPERLINK" in text.upper():
                hl = _HYPERLINK_FN.search(text)
                if hl:
                    links.setdefault(key, hl.group(1))
        i = data.find(f_open, close, end)
    return end


_TAG_END = (" ", ">", "\t", "\n", "\r")


def _cell_start(data: str, c_open: str, before: int) -> int:
    """Index of the ``<c`` tag (not ``<col``, ``<cfRule`` ...) that encloses ``before``."""
    k = data.rfind(c_open, 0, before)
    while k >= 0 and data[k + len(c_open):k + len(c_open) + 1] not in _TAG_END:
        k = data.rfind(c_open, 0, k)
    return k


def _scan_hyperlinks(data: str, start: int, rels: dict[str, str], grid: SheetGrid) -> None:
    """Cell hyperlinks (``<hyperlink ref= r:id=>``) into ``grid.hyperlinks``; they follow
    the cell data, so the search starts there."""
    k = data.find("hyperlink", start)
    if k < 0:
        return
    links = grid.hyperlinks
    for m in _HL_RE.finditer(data, max(0, k - 40)):
        attrs = dict(_ATTR_RE.findall(m.group(1)))
        rid = None
        for name, v in attrs.items():
            if name.endswith(":id"):
                rid = v
                break
        target = rels.get(rid, "") if rid else ""
        if not target:
            continue  # no target, or a link to a place inside the workbook: not evidence
        if "&" in target:
            target = _unescape(target)
        for key in _expand_ref(attrs.get("ref", "")):
            links[key] = target


def _member(zf: zipfile.ZipFile, part: str) -> zipfile.ZipInfo | None:
    try:
        return zf.getinfo(part)
    except KeyError:
        lower = part.lower()  # Excel matches part names without regard to case
        return next((i for i in zf.infolist() if i.filename.lower() == lower), None)


def _detail(exc: BaseException) -> str:
    """The parser's own words, for ``detail`` (JSON, --verbose), never the message."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _too_large(path: Path, exc: limits.TooLarge, sheet: str | None = None) -> WorkbookError:
    # the limit's own words are per language (reason / reason_en)
    return WorkbookError("workbook-too-large", str(path), key="file.too-large-sheet" if sheet else "file.too-large",
                         sheet=sheet or "", reason=exc.message_id, reason_en=exc.message_en)


def _check_container(zf: zipfile.ZipFile) -> None:
    """Hold the zip to :mod:`lketool.limits`: the directory's declared sizes, then the
    real inflated size of every part the cell reader loads when the workbook is opened
    (sheets are scanned when they are read)."""
    limits.check_directory(zf)
    for info in zf.infolist():
        name = info.filename.lower()
        if name.endswith((".rels", ".bin")) or (name.endswith(".xml") and "sheets/" not in name):
            limits.measure(zf, info)


def _require_xlsx(zf: zipfile.ZipFile, path: Path) -> None:
    """Only Office Open XML workbooks are read.  An OpenDocument file (.ods) would be read
    by calamine without its formulas (every formula cell would look typed over) and
    without the sheet scan of :mod:`lketool.limits`."""
    names = {n.lower() for n in zf.namelist()}
    if "xl/workbook.xml" in names:
        return
    if "content.xml" in names or "mimetype" in names:
        raise WorkbookError("file-not-xlsx", str(path), key="file.ods")
    raise WorkbookError("file-corrupt", str(path), detail="xl/workbook.xml missing", key="file.corrupt")


_A1 = re.compile(r"([A-Z]+)(\d+)")


def _expand_ref(ref: str):
    parts = ref.split(":")
    m1 = _A1.match(parts[0])
    if not m1:
        return []
    if len(parts) == 1:
        return [(int(m1.group(2)), col_index(m1.group(1)))]
    m2 = _A1.match(parts[-1]) or m1
    c1, r1, c2, r2 = col_index(m1.group(1)), int(m1.group(2)), col_index(m2.group(1)), int(m2.group(2))
    if (r2 - r1 + 1) * (c2 - c1 + 1) > 10000:
        return [(r1, c1)]
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


_ATTR_ANY_RE = re.compile(r'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def _elements(data: bytes, local: str) -> list[dict[str, str]]:
    """Attributes of every ``local`` element (any namespace prefix) of an XML part,
    found by a regular expression: no tree and no parser stack, so a million nested
    elements cost nothing (an ElementTree of them cost 700 MB, expat's stack 430 MB).
    Prefixed attributes keep their prefix (``r:id``); values are unescaped."""
    import html

    text = data.decode("utf-8", errors="replace")
    tag = re.compile(r"<(?:[\w.-]+:)?%s\b([^>]*)>" % re.escape(local))
    return [{k: html.unescape(v if v or not v2 else v2) for k, v, v2 in _ATTR_ANY_RE.findall(m.group(1))}
            for m in tag.finditer(text)]


def _rel_id(attrs: dict[str, str]) -> str | None:
    """The relationship id of a <sheet>: the prefixed ``id`` attribute (``r:id``)."""
    return next((v for k, v in attrs.items() if ":" in k and k.rsplit(":", 1)[1] == "id"), None)


def _read_rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    p = PurePosixPath(part)
    rel_path = str(p.parent / "_rels" / (p.name + ".rels"))
    try:
        data = zf.read(rel_path)
    except KeyError:
        return {}
    return {el.get("Id"): el.get("Target", "") for el in _elements(data, "Relationship")}


def _sheet_parts(zf: zipfile.ZipFile) -> tuple[dict[str, str], set[str]]:
    """Map sheet names to their XML part paths (via workbook.xml and its rels)."""
    try:
        data = zf.read("xl/workbook.xml")
    except KeyError:
        return {}, set()
    sheets = _elements(data, "sheet")
    rels = _read_rels(zf, "xl/workbook.xml")
    out, hidden = {}, set()
    for el in sheets:
        rid = _rel_id(el)
        target = rels.get(rid, "")
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = str(PurePosixPath("xl") / target)
        out[el.get("name")] = path
        if el.get("state") in ("hidden", "veryHidden"):
            hidden.add(el.get("name"))
    return out, hidden


def open_workbook(path: str | Path) -> WorkbookFile:
    """Open an .xlsx/.xlsm file for reading; raise :class:`WorkbookError` with a plain
    message (naming the file) when it cannot be read.  The file is never written."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        st = None
    if st is None:
        raise WorkbookError("file-not-found", str(path), key="file.not-found")
    if not stat.S_ISREG(st.st_mode):
        # A folder, a pipe, a device such as /dev/zero: opening it could block or never end.
        raise WorkbookError("file-not-regular", str(path), key="file.not-regular")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WorkbookError("file-unreadable", str(path), detail=_detail(exc), key="file.unreadable") from exc
    if head.startswith(OLE_MAGIC):
        if st.st_size > limits.MAX_TOTAL_BYTES:
            raise WorkbookError("file-not-xlsx", str(path), key="file.xls")
        raw = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in raw or b"EncryptedPackage" in raw \
                or "EncryptedPackage".encode("utf-16-le") in raw:
            raise WorkbookError("file-encrypted", str(path), key="file.encrypted")
        raise WorkbookError("file-not-xlsx", str(path), key="file.xls")
    if not head.startswith(ZIP_MAGIC):
        raise WorkbookError("file-not-xlsx", str(path), key="file.not-zip")
    try:
        with zipfile.ZipFile(path) as zf:
            _check_container(zf)
            _require_xlsx(zf, path)
            parts, hidden = _sheet_parts(zf)
        cwb = CalamineWorkbook.from_path(str(path))
        names = list(cwb.sheet_names)
    except WorkbookError:
        raise
    except limits.TooLarge as exc:
        raise _too_large(path, exc) from None
    except Exception as exc:
        # no exception class name in the message: users cannot act on 'CalamineError' (JSON detail has it)
        raise WorkbookError("file-corrupt", str(path), detail=_detail(exc), key="file.corrupt") from exc
    if not names:
        raise WorkbookError("workbook-empty", str(path), key="file.no-sheets")
    return WorkbookFile(path=path, sheet_names=names, _calamine=cwb, _zip_names=parts, _hidden=hidden)
