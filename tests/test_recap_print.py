"""The recap workbook as a printed document: page setup on every sheet, repeated header
rows, page header/footer, the title block, row heights, duplicate unit names, the
totals chart for few and for many units.  Everything is read back with openpyxl."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from lketool.cli import main
from lketool.recap import recap
from lketool.recap.collect import collect
from lketool.recap.workbook import (
    CHART_ALL_UNITS, LINE_HEIGHT, SUMMARY_HEADER_ROW, SUMMARY_WIDTHS, wrapped_lines, write_workbook,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
HEADER = SUMMARY_HEADER_ROW + 1  # 1-based, as openpyxl counts


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    """The samples plus a second file of the first sample's unit (a duplicate name)."""
    d = tmp_path_factory.mktemp("print")
    inputs = d / "LKE"
    inputs.mkdir()
    for s in SAMPLES:
        shutil.copyfile(s, inputs / s.name)
    shutil.copyfile(SAMPLES[0], inputs / "zz-revisi-rsud.xlsx")
    (inputs / "rusak.xlsx").write_bytes(b"not a workbook")
    out = d / "Rekap.xlsx"
    recap([inputs], out, jobs=1, use_cache=False, instansi="Inspektorat Kota Contoh & Sekitarnya",
          date="1 Desember 2026")
    return out


def test_every_sheet_prints_landscape_a4_one_page_wide(printed):
    wb = openpyxl.load_workbook(printed)
    for ws in wb:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # fitToWidth absent means 1 (the OOXML default, which xlsxwriter leaves out)
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0), ws.title
        header, footer = ws.oddHeader, ws.oddFooter
        assert header.left.text == "Inspektorat Kota Contoh && Sekitarnya"  # '&' escaped for Excel
        assert header.right.text.strip() == "1 Desember 2026" and header.right.size == 8
        assert ws.title in header.center.text
        assert footer.right.text == "Halaman &P dari &N"
    # the header row repeats on every printed page
    assert wb["Ringkasan"].print_title_rows == f"${HEADER}:${HEADER}"
    for name in ("Area", "Indikator", "Temuan", "Gagal dibaca"):
        assert wb[name].print_title_rows == "$1:$1", name


def test_title_block(printed):
    ws = openpyxl.load_workbook(printed)["Ringkasan"]
    assert ws["A1"].value == ("Rekapitulasi Hasil Evaluasi Zona Integritas \u2014 Inspektorat Kota Contoh & Sekitarnya "
                              "\u2014 1 Desember 2026")
    assert ws["A1"].font.b and ws["A1"].font.sz >= 14
    assert ws["A2"].value.startswith(f"{len(SAMPLES) + 1} unit") and "1 file gagal dibaca" in ws["A2"].value
    assert ws.cell(HEADER, 1).value == "Peringkat" and ws.cell(HEADER, 2).value == "Unit"


def test_duplicate_unit_names_flagged_and_listed(printed):
    ws = openpyxl.load_workbook(printed)["Ringkasan"]
    assert "1 nama unit muncul di lebih dari satu file" in ws["A3"].value
    rows = list(ws.iter_rows(min_row=HEADER + 1, values_only=False))
    units = [r[1] for r in rows[:len(SAMPLES) + 1]]
    dup_name = "RSUD Kota Contoh"
    marked = [c for c in units if c.value == dup_name]
    assert len(marked) == 2 and all(c.fill.fgColor.rgb.endswith("FFEB9C") for c in marked)
    assert all(not c.fill.fgColor.rgb.endswith("FFEB9C") for c in units if c.value != dup_name)
    listing = [r for r in ws.iter_rows(min_row=HEADER + len(SAMPLES) + 3, values_only=True) if any(r)]
    title = next(i for i, r in enumerate(listing) if r[1] and str(r[1]).startswith("Nama unit yang sama"))
    name, files = listing[title + 1][1:3]
    assert name == dup_name and "zz-revisi-rsud.xlsx" in files and SAMPLES[0].name in files


def test_rows_tall_enough_for_missed_criteria(printed):
    ws = openpyxl.load_workbook(printed)["Ringkasan"]
    head = [c.value for c in ws[HEADER]]
    cols = [i for i, h in enumerate(head) if h and "belum terpenuhi" in h]
    checked = 0
    for r in range(HEADER + 1, HEADER + len(SAMPLES) + 2):
        for c in cols:
            text = ws.cell(r, c + 1).value
            if not text:
                continue
            lines = text.count("\n") + 1
            assert ws.cell(r, c + 1).alignment.wrap_text
            assert ws.row_dimensions[r].height >= LINE_HEIGHT * max(lines, wrapped_lines(text, SUMMARY_WIDTHS["missed"]))
            checked += 1
    assert checked >= 3


def test_indicator_headers_rotated_and_tall(printed):
    ws = openpyxl.load_workbook(printed)["Indikator"]
    c = ws.cell(1, 3)
    assert c.alignment.textRotation == 90 and c.alignment.wrap_text
    assert ws.row_dimensions[1].height >= 200


def test_failure_message_names_the_file_once(printed):
    ws = openpyxl.load_workbook(printed)["Gagal dibaca"]
    file, code, reason = [c.value for c in ws[2]]
    assert file.endswith("rusak.xlsx") and "rusak.xlsx" not in reason and reason[0].isupper()


def test_wrapped_lines():
    assert wrapped_lines("", 10) == 1
    assert wrapped_lines("a\nb\nc", 40) == 3
    assert wrapped_lines("kata " * 20, 20) >= 5


@pytest.mark.parametrize("n", [5, CHART_ALL_UNITS + 20])
def test_totals_chart_scales(tmp_path, n):
    """Few units: every unit in the bars; many: the top and bottom halves and a note."""
    with collect([SAMPLES[0]], jobs=1, use_cache=False) as coll:
        base = coll.units[0]
        coll.units = [{**base, "unit": f"Unit {i:03d}", "total": 50 + 45 * i / n} for i in range(n)]
        out = write_workbook(coll, tmp_path / "r.xlsx", date="1 Desember 2026")
    ws = openpyxl.load_workbook(out)["Grafik"]
    names = [r[0] for r in ws.iter_rows(min_row=2, max_col=1, values_only=True) if r[0]]
    shown = min(n, CHART_ALL_UNITS)
    units = [x for x in names if x.split(". ", 1)[-1].startswith("Unit ")]
    assert len(units) == shown
    assert units[0] == f"1. Unit {n - 1:03d}"  # ranked, best first
    notes = [x for x in names if "unit tertinggi" in x]
    assert bool(notes) == (n > CHART_ALL_UNITS)
    if notes:
        assert f"dari {n} unit" in notes[0]
    import zipfile

    with zipfile.ZipFile(out) as z:
        bar = next(z.read(x).decode() for x in z.namelist() if x.startswith("xl/charts/") and "barChart" in z.read(x).decode())
    assert (f"terendah dari {n} unit" in bar) == (n > CHART_ALL_UNITS)


def test_cli_instansi(tmp_path):
    out = tmp_path / "Rekap.xlsx"
    r = CliRunner().invoke(main, ["recap", str(SAMPLES[1]), "-o", str(out), "-j", "1", "-q",
                                  "--instansi", "Inspektorat Provinsi Contoh"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["Ringkasan"]
    assert "Inspektorat Provinsi Contoh" in ws["A1"].value
    assert ws.oddHeader.left.text == "Inspektorat Provinsi Contoh"


HOSTILE = ["plain", " leading", "trailing ", "tab\tinside", "line\nbreak", "end\n", "ctrl\x01\x1f", "_x0041_ look-alike",
           "a & b < c > d", '"quoted"', "=1+1", "@SUM(A1)", "non\ufffechar", "<r>rich?</r>", "ümlaut — dash", "", "x" * 300]


def _write_sheet(tmp_path, cls, name, fill) -> bytes:
    """The sheet XML of a workbook written with worksheet class ``cls``; ``fill(ws, bold, num)``
    writes the cells."""
    import zipfile

    import xlsxwriter

    path = tmp_path / f"{name}.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(tmp_path)})
    wb.worksheet_class = cls
    ws = wb.add_worksheet()
    bold, num = wb.add_format({"bold": True}), wb.add_format({"num_format": "0.00"})
    ws.set_column(3, 3, 12, num)
    fill(ws, bold, num)
    wb.close()
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml")


def _sheet_xml(tmp_path, cls, name) -> bytes:
    return _write_sheet(tmp_path, cls, name, _fill_cells)


def _fill_cells(ws, bold, num):
    ws.set_row(2, 30, bold)
    for r, text in enumerate(HOSTILE):
        ws.write_string(r, 0, text)
        ws.write_string(r, 1, text, bold)
        ws.write_number(r, 2, 20.343363095238097 + r)
        ws.write_number(r, 3, r / 3)
        ws.write_blank(r, 4, None, bold)
        ws.write_formula(r, 5, "=SUBTOTAL(101,C1:C3)", None, 1.5)


def test_fast_cell_path_writes_the_same_xml(tmp_path):
    from lketool.recap import workbook

    fast = _sheet_xml(tmp_path, workbook._exact_worksheet_class(), "fast")
    plain = _sheet_xml(tmp_path, workbook._plain_worksheet_class(), "plain")
    assert fast == plain
    assert b"<v>20.343363095238097</v>" in fast  # every digit of the double


def _fast_rows_xml(tmp_path, cls, name) -> bytes:
    return _write_sheet(tmp_path, cls, name, _fill_fast_rows)


def _fill_fast_rows(ws, bold, num):
    ws.write_string(0, 0, "header", bold)
    for r, text in enumerate(HOSTILE, start=1):
        ws.fast_row(r, [(0, text, None), (1, text, bold), (2, 20.343363095238097 + r, num), (3, r / 3, None),
                        (4, None, bold), (5, r, None)], height=30 if r % 3 == 0 else None)


def test_fast_rows_write_the_same_xml(tmp_path):
    from lketool.recap import workbook

    fast = _fast_rows_xml(tmp_path, workbook._exact_worksheet_class(), "fast")
    plain = _fast_rows_xml(tmp_path, workbook._plain_worksheet_class(), "plain")
    assert fast == plain
    assert b'<row r="4" ht="30" customHeight="1">' in fast


def _cells(path: Path) -> dict:
    """Every cell of every sheet: value, type and the look of its format (the style
    indexes themselves depend on the order formats were first used in)."""
    out = {}
    wb = openpyxl.load_workbook(path)
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                out[(ws.title, c.coordinate)] = (
                    c.value, c.data_type, c.number_format, c.font.b, c.font.i, c.font.sz,
                    c.font.color.rgb if c.font.color else None, c.fill.fgColor.rgb, c.alignment.wrap_text,
                    c.alignment.vertical, c.alignment.horizontal, c.alignment.textRotation, c.border.top.style)
        out[(ws.title, "heights")] = {k: d.height for k, d in ws.row_dimensions.items() if d.height}
    return out


def test_recap_same_with_and_without_fast_cells(tmp_path, monkeypatch):
    from lketool.recap import workbook

    with collect(SAMPLES, jobs=1, use_cache=False) as coll:
        a = write_workbook(coll, tmp_path / "fast.xlsx", date="1 Desember 2026", instansi="X & Y")
        plain = workbook._plain_worksheet_class()
        monkeypatch.setattr(workbook, "_exact_worksheet_class", lambda: plain)
        b = write_workbook(coll, tmp_path / "plain.xlsx", date="1 Desember 2026", instansi="X & Y")
    fast_cells, plain_cells = _cells(a), _cells(b)
    assert len(fast_cells) > 1000
    assert fast_cells == plain_cells
