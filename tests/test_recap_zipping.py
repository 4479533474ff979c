"""The recap's zip (lketool.recap.zipping): large parts deflated in parallel blocks read
back byte for byte with zipfile, openpyxl and calamine; xlsxwriter is left as it was."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter
import xlsxwriter.workbook as xw

from lketool.recap import zipping
from lketool.recap.collect import collect
from lketool.recap.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))


@pytest.fixture()
def small_blocks(monkeypatch):
    """Blocks of a few KB, so that even the samples' recap is many parallel blocks."""
    monkeypatch.setattr(zipping, "PARALLEL_FROM", 16 << 10)
    monkeypatch.setattr(zipping, "BLOCK", 4 << 10)
    monkeypatch.setattr(zipping.os, "cpu_count", lambda: 2)


def _write_plain_sheet(path: Path, rows: int) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    for r in range(rows):
        ws.write_string(r, 0, f"baris {r} " + "x" * (r % 97))
        ws.write_number(r, 1, r / 7)
    with zipping.compressing():
        wb.close()


def test_parallel_blocks_are_one_valid_deflate_stream(tmp_path, small_blocks):
    out = tmp_path / "big.xlsx"
    _write_plain_sheet(out, 3000)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None  # every part's CRC and length check out
        sheet = z.read("xl/worksheets/sheet1.xml")
        info = z.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 30 * zipping.BLOCK and info.compress_type == zipfile.ZIP_DEFLATED
    # the same sheet zipped the ordinary way
    plain = tmp_path / "plain.xlsx"
    wb = xlsxwriter.Workbook(str(plain), {"constant_memory": True})
    ws = wb.add_worksheet()
    for r in range(3000):
        ws.write_string(r, 0, f"baris {r} " + "x" * (r % 97))
        ws.write_number(r, 1, r / 7)
    wb.close()
    with zipfile.ZipFile(plain) as z:
        assert z.read("xl/worksheets/sheet1.xml") == sheet


def test_a_recap_zipped_in_blocks_reads_the_same_everywhere(tmp_path, small_blocks, monkeypatch):
    import openpyxl
    from python_calamine import CalamineWorkbook

    with collect(SAMPLES, jobs=1, use_cache=False) as coll:
        blocks = write_workbook(coll, tmp_path / "blocks.xlsx", date="1 Desember 2026")
        monkeypatch.setattr(zipping, "PARALLEL_FROM", 1 << 40)  # nothing big enough: zlib in one go
        whole = write_workbook(coll, tmp_path / "whole.xlsx", date="1 Desember 2026")
    with zipfile.ZipFile(blocks) as a, zipfile.ZipFile(whole) as b:
        assert a.testzip() is None
        names = [n for n in a.namelist() if n != "docProps/core.xml"]
        assert names == [n for n in b.namelist() if n != "docProps/core.xml"]
        assert all(a.read(n) == b.read(n) for n in names)
        # the findings sheet went the parallel way (blocks deflate a little differently)
        found_a, found_b = a.getinfo("xl/worksheets/sheet6.xml"), b.getinfo("xl/worksheets/sheet6.xml")
        assert found_a.file_size > 16 << 10 and found_a.compress_size != found_b.compress_size
    for path in (blocks, whole):
        wb = openpyxl.load_workbook(path, read_only=True)
        assert wb["Ringkasan"].max_row > len(SAMPLES)
    cal = CalamineWorkbook.from_path(str(blocks)).get_sheet_by_name("Temuan").to_python()
    assert len(cal) > 20


def test_xlsxwriter_is_left_as_it_was_even_after_an_error(tmp_path):
    before = xw.ZipFile
    with pytest.raises(RuntimeError):
        with zipping.compressing():
            assert xw.ZipFile is not before
            raise RuntimeError("boom")
    assert xw.ZipFile is before
    with zipping.compressing():  # and the lock was released
        pass


@pytest.mark.libreoffice
def test_libreoffice_opens_a_recap_zipped_in_blocks(tmp_path, small_blocks):
    import openpyxl

    from lketool import libreoffice as lo

    if lo.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    with collect(SAMPLES, jobs=1, use_cache=False) as coll:
        src = write_workbook(coll, tmp_path / "blocks.xlsx", date="1 Desember 2026")
    again = lo.recalc(src, tmp_path / "again.xlsx")  # LibreOffice opens it and saves it anew
    names = [r[1] for r in openpyxl.load_workbook(again, read_only=True)["Ringkasan"].iter_rows(
        min_row=5, max_col=2, values_only=True) if r[1]]
    expected = [r[1] for r in openpyxl.load_workbook(src, read_only=True)["Ringkasan"].iter_rows(
        min_row=5, max_col=2, values_only=True) if r[1]]
    assert names == expected and len(names) >= len(SAMPLES)
