"""Issue 16 goal 1 (check within 2x of the parse floor): the fast paths taken for speed
must give what the exact paths give, and must not open holes in the limits."""
from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import pytest

from hostile_corpus import edit, lke_part
from lketool import limits
from lketool.api import check_file

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
BASE = SAMPLES / "02-wbk-dinas-dukcapil-kabupaten-sampel.xlsx"


def _sheet_xml(path: Path = BASE) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(lke_part(path))


def _both(data: bytes):
    fast, exact = limits.SheetScan(), limits.SheetScan()
    limits._scan_fast(data, fast, [0, 0])
    limits._scan_part(data, exact, [0, 0])
    return ((fast.max_row, fast.max_col, fast.hidden_rows, fast.hidden_cols),
            (exact.max_row, exact.max_col, exact.hidden_rows, exact.hidden_cols))


# ------------------------------------------------------------------ limits: the sheet scan

@pytest.mark.parametrize("space", [b"\n", b"\t", b"\r\n", b"  "])
def test_a_cell_reference_after_odd_whitespace_is_held_to_the_limits(tmp_path, space):
    # <c\nr="..."> is well-formed XML and calamine places the cell by it; the plain fast
    # scan used to look for '<c r="' only and let such a cell through (XFD60000 made
    # calamine allocate 31 GB and abort the process).
    part = lke_part(BASE)
    cell = b'<row r="60000"><c' + space + b'r="A60000"><v>1</v></c></row></sheetData>'
    p = edit(BASE, tmp_path / "ws.xlsx", lambda n, d: d.replace(b"</sheetData>", cell) if n == part else d)
    res = check_file(p)
    assert res.error is not None and res.error.code == "workbook-too-large", res.error
    assert "A60000" in res.error.message("en")


def _variants() -> dict[str, bytes]:
    d = _sheet_xml()
    first_row = int(re.search(rb'<row r="(\d+)"', d).group(1))
    hide = lambda r, extra=b'hidden="1"': re.sub(rb'(<row r="%d")' % r, rb"\1 " + extra, d, count=1)  # noqa: E731
    end = b"</sheetData>"
    return {
        "as-is": d,
        "hidden-row": hide(first_row + 3),
        "hidden-true-spaced": hide(first_row + 3, b"hidden = 'true'"),
        "hidden-false-everywhere": re.sub(rb"<row ", b'<row hidden="false" ', d),
        "xhidden-is-not-hidden": hide(first_row + 3, b'xhidden="1"'),
        "two-hidden-in-one-tag": hide(first_row + 3, b'xhidden="1" hidden="1"'),
        "hidden-in-text": d.replace(end, b'<row r="999"><c r="A999" t="inlineStr"><is><t>hidden="1"</t>'
                                           b'</is></c></row>' + end),
        "hidden-cols": d.replace(b"<sheetData>", b'<cols><col min="3" max="5" hidden="1"/>'
                                                 b'<col min="9" max="9" hidden="true" width="2"/></cols><sheetData>')
        if b"<cols>" not in d else d.replace(b"<cols>", b'<cols><col min="3" max="5" hidden="1"/>'),
        "far-cell": d.replace(end, b'<row r="900"><c r="AB900"><v>1</v></c></row>' + end),
        "styled-empty-far": d.replace(end, b'<row r="900"><c r="Z900" s="1"/><c r="AA900" s="1"><v></v></c>'
                                           b'</row>' + end),
        "r-not-first": d.replace(end, b'<row r="901"><c s="1" r="AC901"><v>1</v></c></row>' + end),
        "no-ref": d.replace(end, b'<row r="902"><c r="A902"><v>1</v></c><c><v>2</v></c></row>' + end),
        "newline-ref": d.replace(end, b'<row r="903"><c\nr="AD903"><v>1</v></c></row>' + end),
        "row-without-ref": d.replace(end, b'<row><c r="B904"><v>1</v></c></row>' + end),
        "prefixed": re.sub(rb"<(/?)(c|row|v|f|is|t|sheetData)\b", rb"<\1x:\2", d),
        "cfrule-prefix": d.replace(end, end + b'<extLst><x14:cfRule type="x"/></extLst>'),
    }


@pytest.mark.parametrize("name", sorted(_variants()))
def test_fast_scan_agrees_with_the_exact_walk_on_odd_spellings(name):
    fast, exact = _both(_variants()[name])
    assert fast == exact


def test_the_variants_do_say_something():
    # guard the test above: the variants are not all read alike
    v = _variants()
    base = _both(v["as-is"])[1]
    assert _both(v["hidden-row"])[1][2] - base[2]
    assert _both(v["hidden-cols"])[1][3] >= {3, 4, 5}
    assert _both(v["xhidden-is-not-hidden"])[1][2] == base[2]
    assert _both(v["hidden-in-text"])[1][2] == base[2]
    assert _both(v["newline-ref"])[1][1] == 30  # AD


def test_many_hidden_attributes_cost_linear_time():
    # A tag, and a text, made of 200,000 hidden="1": each hit must not look back to the
    # start of its tag (that was quadratic: minutes).
    tag = b'<sheetData><row r="1" ' + b'hidden="1" ' * 200_000 + b'><c r="A1"><v>1</v></c></row>'
    text = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b'hidden="1"' * 200_000 + b"</t></is></c></row></sheetData>"
    t = time.perf_counter()
    scan = limits.SheetScan()
    limits._scan_fast(tag + text, scan, [0, 0])
    assert time.perf_counter() - t < 2.0
    assert scan.hidden_rows == {1} and (scan.max_row, scan.max_col) == (2, 1)


# ------------------------------------------------------------------ evidence links

@pytest.mark.parametrize("text", [
    "SK Kepala OPD\nTim Satgas", "lihat WWW.contoh.go.id/bukti.", "HTTPS://Drive.google.com/x?id=1",
    "ftp://arsip/a.pdf dan http://b.go.id", "wWw.x.id", "drive.google.com/file/d/abc", "tanpa tautan: www",
    "dinas.go.id/bukti", "https:/salah", "",
])
def test_find_urls_quick_reject_changes_nothing(text):
    from lketool.evidence import _BARE_HOST, URL_RE, find_urls

    urls = [u.rstrip(".,;)") for u in URL_RE.findall(text)]
    if not urls and text and _BARE_HOST.match(text.strip()):
        urls = [text.strip()]
    assert find_urls(text) == urls


# ------------------------------------------------------------------ checks

def test_referenced_rows_memo_is_bounded_by_formula_and_rows():
    from lketool.checks import formulas

    formulas._REFERENCED.clear()
    assert formulas.referenced_rows("AVERAGE(L13:L15)*H12+$L$20", "L") == {13, 14, 15, 20}
    assert ("AVERAGE(L13:L15)*H12+$L$20", "L") in formulas._REFERENCED
    # a range over a million rows is computed each time, never kept (a batch of hostile
    # files would otherwise fill memory with them)
    big = formulas.referenced_rows("SUM(L1:L1048576)", "L")
    assert len(big) == 1_048_576 and ("SUM(L1:L1048576)", "L") not in formulas._REFERENCED
    long = "+".join(f"L{i}" for i in range(1, 200))
    assert formulas.referenced_rows(long, "L") == frozenset(range(1, 200))
    assert (long, "L") not in formulas._REFERENCED


def test_check_file_scores_equal_a_fresh_computation():
    # check_file takes the unit's scores from the formula check; strict scores are
    # computed on their own (blanks count 0)
    from lketool.score import compute_scores

    for sample in sorted(SAMPLES.glob("*.xlsx")):
        for strict in (False, True):
            res = check_file(sample, strict=strict)
            assert res.scores == compute_scores(res.rubric, res.values, strict=strict), (sample.name, strict)


# ------------------------------------------------------------------ reader: formulas

def test_formula_scan_looks_past_tags_that_start_like_a_cell():
    # the enclosing <c> is found backwards; a nearer <cx..>/<cm> inside the cell, or a
    # formula-like tag before any cell, must not be taken for it
    from test_reader_scan import MAIN, reference, scanned

    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><sheetPr><f>not a cell</f></sheetPr><sheetData>
<row r="1"><c r="A1"><v>1</v></c><c r="B1" cm="1"><cx/><f>A1*2</f><v>2</v></c></row>
<row r="2"><c r="C2"><cfx/><f t="shared" ref="C2:C3" si="0">B1+1</f><v>3</v></c>
<c r="D2"><f>SUM(A1:C2)</f></c></row>
</sheetData></worksheet>"""
    formulas, _ = scanned(xml)
    assert formulas == reference(xml)
    assert set(formulas) == {(1, 2), (2, 3), (2, 4)}


def test_a_checked_workbook_is_freed_without_the_cycle_collector():
    # A reference cycle anywhere in a result (closures that call each other held the
    # whole context) keeps every cell and formula of a workbook alive until the cyclic
    # collector runs: slower batches, and memory that grows with them.
    import gc
    import weakref

    for sample in sorted(SAMPLES.glob("*.xlsx")):
        gc.collect()
        gc.disable()
        try:
            res = check_file(sample)
            assert res.error is None
            grid = weakref.ref(res.mapped.grid)
            entry = weakref.ref(next(iter(res.mapped.entries.values())))
            del res
            assert grid() is None and entry() is None, sample.name
        finally:
            gc.enable()
