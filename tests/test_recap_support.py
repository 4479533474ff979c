"""Builders for the recap tests and benchmark (no tests here).

Workbooks come from ``lketool.template.write_template``; :func:`set_cells` edits cells
of an existing .xlsx at the zip/XML level (fast, and able to store text that starts
with ``=`` as text, which openpyxl would turn into a formula)."""
from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path
from typing import Any, Mapping
from xml.sax.saxutils import escape

from lketool.rubric import Rubric, load_rubric

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def random_answers(rubric: Rubric, seed: int, *, blank: float = 0.0) -> dict[str, Any]:
    """A plausible answer set: options of each item's type, survey values 2-4, counts."""
    rng = random.Random(seed)
    out: dict[str, Any] = {}
    for eid in rubric.entry_ids():
        if rng.random() < blank:
            continue
        it = rubric.items.get(eid)
        if it is None:
            out[eid] = rng.randint(0, 20)
        elif it.type == "survey":
            out[eid] = round(rng.uniform(2.0, 4.0), 2)
        else:
            opts = list(rubric.options(it.type))
            # lean towards good answers, as units do
            out[eid] = opts[min(int(rng.expovariate(1.2)), len(opts) - 1)]
    return out


def best_answers(rubric: Rubric) -> dict[str, Any]:
    """Every item at its best value (counts all 0: nothing required, nothing outstanding)."""
    out: dict[str, Any] = {}
    for eid in rubric.entry_ids():
        it = rubric.items.get(eid)
        if it is None:
            out[eid] = 0
        elif it.type == "survey":
            out[eid] = 4
        else:
            opts = rubric.options(it.type)
            out[eid] = max(opts, key=opts.get)
    return out


def sheet_part(zf: zipfile.ZipFile, sheet: str) -> str:
    """The zip member holding the worksheet named ``sheet``."""
    wb = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    m = re.search(r'<sheet\b[^>]*\bname="%s"[^>]*\br:id="([^"]+)"' % re.escape(escape(sheet, {'"': "&quot;"})), wb)
    if not m:
        m = re.search(r'<sheet\b[^>]*\br:id="([^"]+)"[^>]*\bname="%s"' % re.escape(sheet), wb)
    rid = m.group(1)
    target = re.search(r'<Relationship\b[^>]*\bId="%s"[^>]*\bTarget="([^"]+)"' % rid, rels)
    if target is None:
        target = re.search(r'<Relationship\b[^>]*\bTarget="([^"]+)"[^>]*\bId="%s"' % rid, rels)
    t = target.group(1).lstrip("/")
    return t if t.startswith("xl/") else "xl/" + t


def _col_num(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n


def _cell_xml(ref: str, value: Any, style: str) -> str:
    if value is None:
        return f'<c r="{ref}"{style}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def set_cells(src: str | Path, dst: str | Path, sheet: str, cells: Mapping[str, Any]) -> Path:
    """Copy ``src`` to ``dst`` with ``cells`` ({"K8": "Ya", "C2": "=text"}) set on ``sheet``.
    Text is stored as an inline string (never a formula), numbers as numbers, None clears.
    Cached values of formulas are left as they were (like a file edited without recalc)."""
    src, dst = Path(src), Path(dst)
    with zipfile.ZipFile(src) as zin:
        part = sheet_part(zin, sheet)
        xml = zin.read(part).decode("utf-8")
        xml = _apply(xml, cells)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = xml.encode("utf-8") if info.filename == part else zin.read(info.filename)
                zout.writestr(info, data)
    dst.write_bytes(buf.getvalue())
    return dst


def _apply(xml: str, cells: Mapping[str, Any]) -> str:
    by_row: dict[int, dict[str, Any]] = {}
    for ref, v in cells.items():
        by_row.setdefault(int(re.search(r"\d+", ref).group(0)), {})[ref] = v
    for r, refs in sorted(by_row.items()):
        m = re.search(r'<row\b[^>]*\br="%d"[^>]*?(?:/>|>(.*?)</row>)' % r, xml, re.S)
        if m is None:  # a row that does not exist yet: insert it before the next one
            new_row = f'<row r="{r}">' + "".join(_cell_xml(k, v, "") for k, v in
                                                 sorted(refs.items(), key=lambda kv: _col_num(kv[0]))) + "</row>"
            nxt = next((mm for mm in re.finditer(r'<row\b[^>]*\br="(\d+)"', xml) if int(mm.group(1)) > r), None)
            if nxt is None:
                xml = xml.replace("</sheetData>", new_row + "</sheetData>", 1)
            else:
                xml = xml[:nxt.start()] + new_row + xml[nxt.start():]
            continue
        row_xml = m.group(0)
        if row_xml.endswith("/>"):
            row_xml = row_xml[:-2] + "></row>"
        for ref, v in refs.items():
            cm = re.search(r'<c\b[^>]*\br="%s"[^>]*?(?:/>|>.*?</c>)' % ref, row_xml, re.S)
            if cm is not None:
                st = re.search(r'\bs="\d+"', cm.group(0))
                style = f" {st.group(0)}" if st else ""
                row_xml = row_xml[:cm.start()] + _cell_xml(ref, v, style) + row_xml[cm.end():]
                continue
            col = _col_num(ref)
            later = next((cc for cc in re.finditer(r'<c\b[^>]*\br="([A-Z]+)\d+"', row_xml)
                          if _col_num(cc.group(1)) > col), None)
            new = _cell_xml(ref, v, "")
            if later is None:
                row_xml = row_xml[:-len("</row>")] + new + "</row>"
            else:
                row_xml = row_xml[:later.start()] + new + row_xml[later.start():]
        xml = xml[:m.start()] + row_xml + xml[m.end():]
    return xml


def answer_cells(path: str | Path) -> dict[str, str]:
    """entry id -> answer cell (A1, without sheet) of a workbook, from lketool itself."""
    from lketool.api import check_file

    res = check_file(path)
    return {r["item"]: r["cell"].split("!")[-1] for r in res.answer_rows() if r["cell"]}


def default_rubric() -> Rubric:
    return load_rubric()
