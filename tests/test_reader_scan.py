"""The sheet-XML scan (formulas, hyperlinks) against a plain ElementTree reading of the
same XML: the fast scan must find exactly the same cells, texts and flags."""
from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from lketool.reader import SheetGrid, _scan_cells, _scan_hyperlinks, col_index, open_workbook

ROOT = Path(__file__).resolve().parents[1]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def reference(xml: str) -> dict:
    """(row, col) -> (text, shared, has cached value), read with ElementTree."""
    out = {}
    for c in ET.fromstring(xml).iter(f"{{{MAIN}}}c"):
        f = c.find(f"{{{MAIN}}}f")
        if f is None or not c.get("r"):
            continue
        ref = c.get("r")
        letters = "".join(ch for ch in ref if ch.isalpha())
        key = (int(ref[len(letters):]), col_index(letters))
        v = c.find(f"{{{MAIN}}}v")
        text = f.text or ""
        out[key] = (text, f.get("t") == "shared" and not text, v is not None and bool(v.text))
    return out


def scanned(xml: str, rels: dict | None = None) -> tuple[dict, dict]:
    grid = SheetGrid("s", [])
    end = _scan_cells(xml, grid)
    _scan_hyperlinks(xml, end, rels or {}, grid)
    return {k: (f.text, f.shared, f.has_cached_value) for k, f in grid.formulas.items()}, grid.hyperlinks


TRICKY = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}" xmlns:r="{REL}">
<cols><col min="1" max="3" width="9"/></cols>
<sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><f>SUM(A2:A3)&amp;"&lt;x&gt;"</f><v>3</v></c>
<c r="C1" s="2"/><c r="D1"><f t="shared" ref="D1:D3" si="0">A1*2</f><v>2</v></c></row>
<row r="2"><c r="A2"><v>1</v></c><c r="D2"><f t="shared" si="0"/><v>4</v></c>
<c r="E2" t="str"><f>HYPERLINK("https://contoh.go.id/bukti","lihat")</f><v>lihat</v></c></row>
<row r="3"><c r="D3"><f t="shared" si="0"/></c><c r="F3"><f>A1</f><v></v></c>
<c r="AA10" t="inlineStr"><is><t>&lt;f&gt; is text</t></is></c></row>
</sheetData>
<conditionalFormatting sqref="A1"><cfRule type="expression" priority="1"><formula>A1&gt;0</formula></cfRule>
</conditionalFormatting>
<hyperlinks><hyperlink ref="A2" r:id="rId1"/><hyperlink ref="A3" location="'LKE ZI'!A1"/>
<hyperlink ref="B4:B5" r:id="rId2"/></hyperlinks>
</worksheet>"""


def test_tricky_sheet_matches_elementtree():
    rels = {"rId1": "https://drive.example/a?x=1&amp;y=2", "rId2": "file.pdf"}
    formulas, links = scanned(TRICKY, rels)
    assert formulas == reference(TRICKY)
    assert formulas[(2, 4)] == ("", True, True)      # shared child
    assert formulas[(3, 4)] == ("", True, False)     # shared child without a cached value
    assert formulas[(3, 6)] == ("A1", False, False)  # <v></v> is no cached value
    assert formulas[(1, 2)][0] == 'SUM(A2:A3)&"<x>"'
    assert links == {(2, 5): "https://contoh.go.id/bukti", (2, 1): "https://drive.example/a?x=1&y=2",
                     (4, 2): "file.pdf", (5, 2): "file.pdf"}


def test_prefixed_namespace():
    xml = TRICKY.replace(f'<worksheet xmlns="{MAIN}"', f'<x:worksheet xmlns:x="{MAIN}"')
    xml = xml.replace("</worksheet>", "</x:worksheet>")
    for tag in ("sheetData", "row", "c", "f", "v", "is", "t", "cols", "col", "conditionalFormatting",
                "cfRule", "formula", "hyperlinks", "hyperlink"):
        xml = xml.replace(f"<{tag} ", f"<x:{tag} ").replace(f"<{tag}>", f"<x:{tag}>")
        xml = xml.replace(f"</{tag}>", f"</x:{tag}>").replace(f"<{tag}/>", f"<x:{tag}/>")
    formulas, _ = scanned(xml)
    assert formulas == reference(xml) and len(formulas) == 6


def _sheets(path: Path):
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                yield name, zf.read(name).decode("utf-8")


@pytest.mark.parametrize("path", sorted((ROOT / "samples").glob("*.xlsx")) + sorted((ROOT / "templates_xlsx").glob("*.xlsx")),
                         ids=lambda p: p.name)
def test_real_files_match_elementtree(path):
    for name, xml in _sheets(path):
        formulas, _ = scanned(xml)
        assert formulas == reference(xml), name


def test_real_workbook_formulas(real_workbook):
    (name, xml), = [(n, x) for n, x in _sheets(real_workbook) if n.endswith("sheet3.xml")]
    formulas, _ = scanned(xml)
    assert formulas == reference(xml) and len(formulas) == 271
    grid = open_workbook(real_workbook).grid("LKE ZI")
    assert len(grid.formulas) == 271 and len(grid.hyperlinks) > 0
