"""Limits on what lketool reads from a workbook, checked before any parser sees it.

A real LKE workbook inflates to well under 1 MB and its sheets span a few hundred rows
and a few dozen columns.  A hostile or broken file can claim (or hold) far more: a zip
bomb, a shared string of a gigabyte, a sheet padded with a million rows, or one stray
value in cell XFD1048576, which makes the cell reader allocate the whole rectangle up to
it (16 billion cells: the process aborts).  Each limit below is at least 50 times what a
real LKE needs; a file beyond one is refused as ``workbook-too-large`` naming the file
and the size found.

The zip members are inflated here, in chunks, from their raw compressed bytes: the
inflated size counted is the real one, whatever the zip directory declares, and memory
stays at one chunk.  The sheet scan streams the same way and records the used extent
(from the cells' references, not the declared ``<dimension>``) and the hidden rows and
columns.
"""
from __future__ import annotations

import re
import struct
import zlib
import zipfile
from dataclasses import dataclass, field

MIB = 1 << 20

#: Largest inflated size of one zip member (sheet, shared strings, styles...).
MAX_MEMBER_BYTES = 50 * MIB
#: Largest inflated size of all members together.
MAX_TOTAL_BYTES = 200 * MIB
#: Largest compression ratio of a member that inflates beyond RATIO_FLOOR_BYTES.
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1 * MIB
#: Most zip members (a real LKE has about 10-30).
MAX_MEMBERS = 10_000
#: Used extent of one sheet: rows, columns, and cells of the rectangle from A1 (a real
#: LKE sheet is about 210 x 20 = 4,200 cells).
MAX_ROWS = 50_000
MAX_COLS = 1_000
MAX_CELLS = 500_000
#: Cells of all the sheets read from one workbook together (every sheet is read while
#: looking for the LKE sheet, and each stays in memory).
MAX_WORKBOOK_CELLS = 1_000_000

_CHUNK = 1 << 16
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_R_ATTR = re.compile(rb'\br\s*=\s*["\']([A-Za-z]*)(\d*)["\']')
_HIDDEN_ATTR = re.compile(rb'\bhidden\s*=\s*["\'](?:1|true)["\']')
_MINMAX = re.compile(rb'\b(min|max)\s*=\s*["\'](\d+)["\']')


class TooLarge(Exception):
    """A limit was exceeded; ``message_id``/``message_en`` say which, with the sizes."""

    def __init__(self, message_id: str, message_en: str):
        super().__init__(message_en)
        self.message_id = message_id
        self.message_en = message_en

    @classmethod
    def worded(cls, key: str, /, **params) -> "TooLarge":
        """The error with its message in both languages from the catalogue key ``key``
        (``limits.*``)."""
        from lketool.i18n import t

        return cls(t(key, "id", **params), t(key, "en", **params))


def human(n: int) -> str:
    """Bytes in words: '1,2 MB', '3,4 GB' (decimal comma, as the Indonesian text)."""
    for unit, size in (("GB", 1 << 30), ("MB", MIB), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}".replace(".", ",")
    return f"{n} B"


def check_directory(zf: zipfile.ZipFile) -> None:
    """Refuse a zip whose directory declares too many or too large members."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise TooLarge.worded("limits.members", n=len(infos), limit=MAX_MEMBERS)
    total = 0
    for info in infos:
        _check_member_size(info.filename, info.file_size, info.compress_size)
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise TooLarge.worded("limits.total", size=human(total), limit=human(MAX_TOTAL_BYTES))


def _check_member_size(name: str, size: int, packed: int) -> None:
    if size > MAX_MEMBER_BYTES:
        raise TooLarge.worded("limits.member-size", name=name, size=human(size), limit=human(MAX_MEMBER_BYTES))
    if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(packed, 1):
        raise TooLarge.worded("limits.member-ratio", name=name, ratio=size // max(packed, 1), packed=human(packed),
                              size=human(size), limit=MAX_RATIO)


def iter_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Yield the inflated bytes of ``info`` in chunks, counting the real inflated size
    against the limits (whatever the directory says) and never holding more than a
    chunk.  Raises :class:`TooLarge`, or ``zipfile.BadZipFile``/``zlib.error`` when the
    member is damaged or uses a method other than stored/deflated."""
    fp = zf.fp
    if fp is None:
        raise zipfile.BadZipFile("archive closed")
    fp.seek(info.header_offset)
    head = fp.read(_LOCAL_HEADER.size)
    if len(head) != _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    fields = _LOCAL_HEADER.unpack(head)
    fp.seek(info.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1])
    if info.flag_bits & 0x1:
        raise zipfile.BadZipFile(f"{info.filename} is encrypted")
    left = info.compress_size
    total = 0
    if info.compress_type == zipfile.ZIP_STORED:
        inflate = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflate = zlib.decompressobj(-15)
    else:
        raise zipfile.BadZipFile(f"{info.filename}: compression method {info.compress_type}")
    while left > 0:
        raw = fp.read(min(_CHUNK, left))
        if not raw:
            raise zipfile.BadZipFile(f"{info.filename} is truncated")
        left -= len(raw)
        if inflate is None:
            total += len(raw)
            _check_member_size(info.filename, total, info.compress_size)
            yield raw
            continue
        data = raw
        while data:
            out = inflate.decompress(data, _CHUNK)
            data = inflate.unconsumed_tail
            if out:
                total += len(out)
                _check_member_size(info.filename, total, info.compress_size)
                yield out
            if inflate.eof:
                return


def measure(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The real inflated size of ``info`` (limits enforced).  For the shared-strings
    part, also the entry count it declares (see :data:`MAX_SHARED_STRINGS`)."""
    total = 0
    for chunk in iter_member(zf, info):
        if not total:  # whatever the part is called: the rels decide which one calamine reads
            _check_sst_counts(chunk[:4096], info.filename)
        total += len(chunk)
    return total


#: Entries a shared-strings table may declare.  calamine reserves memory for the
#: declared count before reading: uniqueCount="4000000000" aborts the process.  Fifty
#: megabytes cannot hold more than about four million entries.
MAX_SHARED_STRINGS = 5_000_000
_SST_COUNT = re.compile(rb'\b(count|uniqueCount)\s*=\s*["\'](\d+)["\']')


def _check_sst_counts(head: bytes, name: str) -> None:
    start = head.find(b"<sst")
    if start < 0:
        start = head.find(b":sst")
    end = head.find(b">", start)
    if start < 0 or end < 0:
        return
    for attr, value in _SST_COUNT.findall(head[start:end]):
        # uniqueCount is what calamine reserves; count (references) is only held absurd
        limit = MAX_SHARED_STRINGS * (1 if attr == b"uniqueCount" else 20)
        if int(value) > limit:
            raise TooLarge.worded("limits.shared-strings", name=name, n=int(value), attr=attr.decode(), limit=limit)


@dataclass
class SheetScan:
    """What the streaming scan of a sheet's XML found."""

    max_row: int = 0
    max_col: int = 0
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    data: bytes | None = None  # the inflated XML, kept when at most KEEP_BYTES (read once, not twice)


# A sheet part this small is kept after the scan so the reader's formula pass need not
# inflate it again (a real LKE sheet is 0.5-3 MB); larger parts are streamed only.
KEEP_BYTES = 16 * 1024 * 1024


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> SheetScan:
    """Stream a sheet's XML: its used extent and hidden rows/columns.  Raises
    :class:`TooLarge` as soon as the extent passes a limit, before any cell is stored.

    The extent is that of the cells the cell reader keeps: cells with a value, an
    inline string or a formula.  Empty styled cells (``<c r="X9" s="1"/>``) and empty
    rows cost it nothing and are not counted, so a sheet formatted far beyond its
    content is still read."""
    scan = SheetScan()
    state = [0, 0]  # current row, current column (for cells and rows without r=)
    pending = bytearray()
    kept: list[bytes] | None = []
    size = 0
    for chunk in iter_member(zf, info):
        size += len(chunk)
        if kept is not None:
            if size <= KEEP_BYTES:
                kept.append(chunk)
            else:
                kept = None
        start = len(pending)
        pending += chunk
        # Scan whole rows only: cut after the chunk's last </row> (only the new bytes are
        # searched, so a long row costs no rescans).
        at = chunk.rfind(b"</row>")
        if at < 0:
            at = chunk.rfind(b"row>")  # a namespaced </x:row>
            if at < 0:
                continue
            cut = start + at + 4
        else:
            cut = start + at + 6
        _scan_fast(bytes(pending[:cut]), scan, state)
        del pending[:cut]
    _scan_fast(bytes(pending), scan, state)
    if kept is not None:
        scan.data = b"".join(kept)
    return scan


# Cells with a reference and a body that is not empty (<v></v> and <v/> are empty).
_REF_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Za-z]+)(\d+)"[^>]*(?<!/)>'
                       rb'(?!\s*(?:</(?:\w+:)?c>|<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>\s*</(?:\w+:)?c>))')
# The same for the usual spelling (no prefix, r first): a literal start the regex engine
# finds fast.
_REF_CELL_PLAIN = re.compile(rb'<c r="([A-Za-z]+)(\d+)"[^>]*(?<!/)>(?!</c>|<v\s*/>|<v></v></c>)')
# A cell tag the plain pattern above cannot place: <c>, <c/>, and a cell whose first
# attribute is not r="A1" after one space (<c s="1" r="A1">, <c\nr="A1">, <c r="1A">).
# One search: finding none (what Excel, LibreOffice and openpyxl write) proves every
# unprefixed cell carries its reference.
_NOT_PLAIN = re.compile(rb'<c(?:[>/]|(?! r="[A-Za-z]+\d+")\s)')
# A namespace prefix on a cell or row (<x:c>, <x:row>), or on anything named like one:
# such parts are counted by the prefix-aware patterns below.
_PREFIXED = re.compile(rb':(?:c|row)\b')
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_CELL_WITH_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="[A-Za-z]+\d+"')
# hidden="1"/"true" without the leading \b, so the regex engine can jump to the literal
# (a pattern that starts with \b visits every byte of the part: 1.4 ms on a real LKE)
_HIDDEN_VALUE = re.compile(rb'hidden\s*=\s*["\'](?:1|true)["\']')
_ROW_OR_COL = re.compile(rb'<(?:\w+:)?(row|col)\b')


def _all_cells_referenced(part: bytes) -> tuple[bool, bool]:
    """(every cell of ``part`` carries its reference, and the plain pattern
    :data:`_REF_CELL_PLAIN` reads them all)."""
    if _PREFIXED.search(part) is None:
        # Rows need no reference here: every cell is placed by its own.  Otherwise some
        # cell lacks r="A1" in first place (missing, later, odd whitespace or value).
        return (True, True) if _NOT_PLAIN.search(part) is None else (False, False)
    if b"<row>" in part or b"<c>" in part or b"<c/>" in part:
        return False, False
    return len(_ANY_CELL.findall(part)) == len(_CELL_WITH_REF.findall(part)), False


def _hidden_rows_cols(part: bytes, scan: SheetScan) -> None:
    """Rows and columns marked hidden="1" (or "true").  Each such attribute is found by
    a literal search (a part with none costs one fast pass; LibreOffice's hidden="false"
    on every row costs nothing more) and its enclosing tag is found backwards, looking
    no further back than the previous hit: linear even for a tag or a text made of a
    million hidden="1"."""
    prev, start, done = 0, -1, False  # start: '<' of the tag the last hit was in (-1: text)
    for m in _HIDDEN_VALUE.finditer(part):
        at = m.start()
        lt, gt = part.rfind(b"<", prev, at), part.rfind(b">", prev, at)
        prev = m.end()
        if lt > gt:
            start, done = lt, False  # a tag opened since the previous hit
        elif gt > lt:
            start = -1  # a tag closed since: this hit is in text
        # (neither: the same tag or text as the previous hit)
        if start < 0 or done or not _HIDDEN_ATTR.match(part, at):  # \b: not e.g. 'xhidden'
            continue
        done = True
        tag = _ROW_OR_COL.match(part, start)
        end = part.find(b">", prev)
        if tag is None or end < 0:
            continue
        attrs = part[tag.end():end]
        if tag.group(1) == b"row":
            ref = _R_ATTR.search(attrs)
            if ref and ref.group(2) and len(scan.hidden_rows) < MAX_ROWS:
                scan.hidden_rows.add(int(ref.group(2)))
        else:
            bounds = dict(_MINMAX.findall(attrs))
            lo = int(bounds.get(b"min", b"0") or 0)
            hi = min(int(bounds.get(b"max", lo) or lo), lo + MAX_COLS)
            scan.hidden_cols.update(range(lo, hi + 1))


def _scan_fast(part: bytes, scan: SheetScan, state: list[int]) -> None:
    """:func:`_scan_part` done by a few C-level regex passes: the common case, where
    every cell carries its reference (Excel and LibreOffice always write one)."""
    referenced, plain = _all_cells_referenced(part)
    if not referenced:
        _scan_part(part, scan, state)  # cells or rows placed implicitly: follow them one by one
        return
    _hidden_rows_cols(part, scan)
    refs = (_REF_CELL_PLAIN if plain else _REF_CELL).findall(part)
    if not refs:
        return
    letters = {c for c, _ in refs}
    rows = max(map(int, {r for _, r in refs}))
    cols = max(_col_number(c) for c in letters)
    if rows > scan.max_row or cols > scan.max_col:
        scan.max_row, scan.max_col = max(scan.max_row, rows), max(scan.max_col, cols)
        if _exceeds(scan):
            # name a cell that set the extent
            if scan.max_row > MAX_ROWS:
                hit = lambda c, r: int(r) == rows  # noqa: E731
            elif scan.max_col > MAX_COLS:
                hit = lambda c, r: _col_number(c) == cols  # noqa: E731
            else:
                hit = lambda c, r: int(r) == rows or _col_number(c) == cols  # noqa: E731
            cell = next((c + r for c, r in refs if hit(c, r)), b"")
            _check_extent(scan, cell.decode("ascii"))
    last = refs[-1]
    state[0], state[1] = int(last[1]), _col_number(last[0])


_TAG_RE = re.compile(rb"<(?:\w+:)?(row|c|col)\b([^>]*)>")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_CONTENT = re.compile(rb"<(?:\w+:)?(?:v\b[^>]*>[^<]|is\b|f\b)")


def _scan_part(part: bytes, scan: SheetScan, state: list[int]) -> None:
    row, col = state
    pos = 0
    while True:
        m = _TAG_RE.search(part, pos)
        if m is None:
            break
        pos = m.end()
        kind, attrs = m.group(1), m.group(2)
        closed = attrs.endswith(b"/")
        if kind == b"col":
            if _HIDDEN_ATTR.search(attrs):
                bounds = dict(_MINMAX.findall(attrs))
                lo = int(bounds.get(b"min", b"0") or 0)
                hi = min(int(bounds.get(b"max", lo) or lo), lo + MAX_COLS)
                scan.hidden_cols.update(range(lo, hi + 1))
            continue
        ref = _R_ATTR.search(attrs)
        if kind == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            col = 0
            if _HIDDEN_ATTR.search(attrs) and len(scan.hidden_rows) < MAX_ROWS:
                scan.hidden_rows.add(row)
            continue
        if ref and ref.group(1):
            col = _col_number(ref.group(1))
            r = int(ref.group(2)) if ref.group(2) else row
        else:
            col += 1  # a cell without a reference follows the previous one
            r = row
        if closed:
            continue  # <c .../>: no value, the reader keeps nothing
        end = _CELL_END.search(part, pos)
        body = part[pos:end.start() if end else len(part)]
        if end is not None:
            pos = end.end()
        if not _CONTENT.search(body):
            continue
        if r > scan.max_row or col > scan.max_col:
            scan.max_row = max(scan.max_row, r)
            scan.max_col = max(scan.max_col, col)
            _check_extent(scan, f"{_col_letter(col)}{r}")
    state[0], state[1] = row, col


def _col_letter(col: int) -> str:
    # lketool.reader imports this module, so its column-letter helper is fetched when needed
    from lketool.reader import col_letter

    return col_letter(col)


def check_workbook_cells(total: int) -> None:
    """Refuse reading another sheet once the sheets read hold ``total`` cells."""
    if total > MAX_WORKBOOK_CELLS:
        raise TooLarge.worded("limits.workbook-cells", n=total, limit=MAX_WORKBOOK_CELLS)


def _exceeds(scan: SheetScan) -> bool:
    rows, cols = max(scan.max_row, 1), max(scan.max_col, 1)
    return rows > MAX_ROWS or cols > MAX_COLS or rows * cols > MAX_CELLS


def _check_extent(scan: SheetScan, cell: str) -> None:
    rows, cols = max(scan.max_row, 1), max(scan.max_col, 1)
    if _exceeds(scan):
        raise TooLarge.worded("limits.extent", cell=cell, rows=rows, cols=cols, max_rows=MAX_ROWS, max_cols=MAX_COLS,
                              max_cells=MAX_CELLS)
