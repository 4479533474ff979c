"""Issue 15 (items 1, 4, 6, 7, 9) and issue 17 section 4: the reader's limits and
per-sheet faults, plain messages with the internals in ``detail``, writes that fail on
a full disk or a read-only folder, and ambiguity said out loud."""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import lketool.atomic as atomic_mod
from hostile_corpus import (_sst_chunks, edit, hide_column, lke_part, make_ods, many_big_sheets, stream_zip,
                            two_sheets)
from lketool import limits
from lketool.api import check_file
from lketool.cli import main
from lketool.errors import WorkbookError
from lketool.reader import open_workbook
from test_recap_support import answer_cells, set_cells

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
BASE = SAMPLES / "02-wbk-dinas-dukcapil-kabupaten-sampel.xlsx"
SHEET = "LKE ZI"


def _codes(res) -> list[str]:
    return [p.code for p in res.problems]


# ------------------------------------------------------------------ item 1 and 4: limits

def test_a_value_in_xfd1048576_is_too_large_not_an_abort(tmp_path):
    p = set_cells(BASE, tmp_path / "stray.xlsx", SHEET, {"XFD1048576": "x"})
    res = check_file(p)  # before: calamine allocated 549 GB and the process died (SIGABRT)
    assert res.error is not None and res.error.code == "workbook-too-large"
    assert "stray.xlsx" in res.error.message("id") and "1048576" in res.error.message("id")


def test_check_folder_with_an_absurd_file_still_reports_the_good_ones(tmp_path):
    folder = tmp_path / "lke"
    folder.mkdir()
    for s in sorted(SAMPLES.glob("0[123]*.xlsx")):
        shutil.copy(s, folder / s.name)
    set_cells(BASE, folder / "zz-stray.xlsx", SHEET, {"XFD1048576": 1})
    r = CliRunner().invoke(main, ["check", "--format", "json", str(folder)])
    assert r.exit_code == 2, r.output
    results = json.loads(r.output)["results"]
    assert len(results) == 4
    assert [x["error"]["code"] for x in results if x["error"]] == ["workbook-too-large"]
    assert sum(1 for x in results if x["error"] is None and x["unit"]) == 3


@pytest.mark.parametrize("ref", ["A4294967295", "AAAA1", "B1000000000"])
def test_references_beyond_a_narrow_pattern_are_still_held_to_the_limits(tmp_path, ref):
    # A10-digit row escaped a \d{1,9} pattern and calamine aborted (SIGABRT).
    p = set_cells(BASE, tmp_path / "x.xlsx", SHEET, {ref: 1})
    assert check_file(p).error.code == "workbook-too-large"


def test_lowercase_reference_is_held_to_the_limits(tmp_path):
    part = lke_part(BASE)
    p = edit(BASE, tmp_path / "lower.xlsx", lambda n, d: d.replace(
        b"</sheetData>", b'<row r="60000"><c r="xfd60000"><v>1</v></c></row></sheetData>') if n == part else d)
    assert check_file(p).error.code == "workbook-too-large"


def test_shared_strings_declaring_billions_of_entries(tmp_path):
    # calamine reserves uniqueCount entries up front: 4e9 aborted the process.
    p = edit(BASE, tmp_path / "sst.xlsx", lambda n, d: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4000000000"', d)
             if n == "xl/sharedStrings.xml" else d)
    err = check_file(p).error
    assert err.code == "workbook-too-large" and "uniqueCount" in err.message("id")


def test_declared_dimension_alone_is_not_refused(tmp_path):
    part = lke_part(BASE)
    p = edit(BASE, tmp_path / "dim.xlsx",
             lambda n, d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', d)
             if n == part else d)
    res = check_file(p)
    assert res.error is None and res.scores is not None


def test_extent_limits(tmp_path):
    for ref in ("A50001", "AMK1"):
        p = set_cells(BASE, tmp_path / f"{ref}.xlsx", SHEET, {ref: 1})
        assert check_file(p).error.code == "workbook-too-large", ref
    ok = set_cells(BASE, tmp_path / "ok.xlsx", SHEET, {"ALL450": 1})  # 1000 columns x 450 rows
    assert check_file(ok).error is None


def test_many_big_sheets_are_refused_by_the_workbook_budget(tmp_path):
    # Each data sheet is under the per-sheet limit; together they pass the workbook's
    # (before: 411 MB and 162 s for four sheets of 1.7 million cells).
    p = many_big_sheets(tmp_path / "many.xlsx", BASE, sheets=3, rows=480, cols=990)
    err = check_file(p).error
    assert err.code == "workbook-too-large" and "bersama-sama" in err.message("id")


def test_huge_shared_string_is_refused_with_its_size(tmp_path):
    p = stream_zip(tmp_path / "sst.xlsx", BASE, "xl/sharedStrings.xml", _sst_chunks(60))
    err = check_file(p).error
    assert err.code == "workbook-too-large"
    assert "sharedStrings.xml" in err.message("id") and "60,0 MB" in err.message("id")


def test_inflated_size_is_counted_not_taken_from_the_directory(tmp_path):
    # The directory claims 80 KB; the stream holds 30 MB of one repeated byte.
    p = stream_zip(tmp_path / "lying.xlsx", BASE, "xl/sharedStrings.xml", _sst_chunks(30), declared=80_000)
    with zipfile.ZipFile(p) as zf:
        assert zf.getinfo("xl/sharedStrings.xml").file_size == 80_000
    err = check_file(p).error
    assert err.code == "workbook-too-large" and "kali" in err.message("id")


def test_limits_module_values_are_far_above_a_real_lke():
    with zipfile.ZipFile(BASE) as zf:
        total = sum(i.file_size for i in zf.infolist())
        scan = limits.scan_sheet(zf, zf.getinfo(lke_part(BASE)))
    assert total * 100 < limits.MAX_TOTAL_BYTES
    assert scan.max_row * 50 < limits.MAX_ROWS and scan.max_col * 50 < limits.MAX_COLS


def test_opendocument_is_refused_before_any_cell_is_read(tmp_path):
    # calamine would expand the repeat counts (up to 100 million cells, GBs of memory)
    # and read no formulas; an .ods is asked to be saved as .xlsx instead.
    for ext in (".ods", ".xlsx"):
        p = make_ods(tmp_path / f"bomb{ext}", rows=9_000, cols=9_000)
        err = check_file(p).error
        assert err.code == "file-not-xlsx" and "OpenDocument" in err.message("id"), ext


# ------------------------------------------------------------------ item 7: messages

def test_parser_internals_go_to_detail_not_the_message(tmp_path):
    sst = tmp_path / "laughs.xlsx"
    doctype = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY lol "lol"><!ENTITY lol9 "&lol;&lol;">]>'
    edit(BASE, sst, lambda n, d: doctype + re.sub(rb"(<t\b[^>]*>)", rb"\1&lol9;", re.sub(
        rb"^<\?xml[^>]*\?>", b"", d), count=1) if n == "xl/sharedStrings.xml" else d)
    trunc = tmp_path / "trunc.xlsx"
    trunc.write_bytes(BASE.read_bytes()[:5000])
    for p in (sst, trunc):
        r = CliRunner().invoke(main, ["check", "--format", "json", str(p)])
        err = json.loads(r.output)["results"][0]["error"]
        assert err["code"] == "file-corrupt"
        assert p.name in err["message"]
        assert not re.search(r"BadZipFile|XmlError|CalamineError|entity|&lol", err["message"]), err
        assert err["detail"] and re.search(r"BadZipFile|XmlError|entity", err["detail"])
        table = CliRunner().invoke(main, ["check", str(p)]).output
        assert "XmlError" not in table and "BadZipFile" not in table


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a FIFO")
def test_fifo_folder_and_device_are_not_regular_files(tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    for p in (fifo, Path("/dev/zero")):
        res = check_file(p)  # before: "berkas tidak ditemukan" (and a FIFO could block)
        assert res.error.code == "file-not-regular"
        assert "bukan berkas biasa" in res.error.message("id")
    assert check_file(folder).error.code == "file-not-regular"
    assert check_file(tmp_path / "missing.xlsx").error.code == "file-not-found"


def test_recap_output_equal_to_input_says_why(tmp_path):
    src = tmp_path / "IN.xlsx"
    shutil.copy(BASE, src)
    before = src.read_bytes()
    r = CliRunner().invoke(main, ["recap", str(src), "-o", str(src), "-q"])
    assert r.exit_code == 2
    assert "IN.xlsx" in r.output and "sekaligus file hasil" in r.output
    assert src.read_bytes() == before


def test_report_on_a_survey_of_1e308(tmp_path):
    cells = answer_cells(BASE)
    from lketool.rubric import load_rubric

    rb = load_rubric()
    surveys = [i for i in cells if i in rb.items and rb.items[i].type == "survey"]
    p = set_cells(BASE, tmp_path / "survey.xlsx", SHEET, {cells[i]: 1e308 for i in surveys})
    r = CliRunner().invoke(main, ["report", str(p), "-o", str(tmp_path / "out"), "--format", "html"])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    assert r.exit_code in (0, 1), r.output
    assert "InvalidOperation" not in r.output
    r = CliRunner().invoke(main, ["score", str(p)])
    assert r.exit_code in (0, 1) and "Traceback" not in r.output


def test_a_count_of_1e308_is_count_invalid(tmp_path):
    cells = answer_cells(BASE)
    from lketool.rubric import load_rubric

    rb = load_rubric()
    counts = [i for i in cells if i in rb.inputs]
    p = set_cells(BASE, tmp_path / "count.xlsx", SHEET, {cells[counts[0]]: 1e308})
    res = check_file(p)
    bad = [x for x in res.problems if x.code == "count-invalid" and x.location.item == counts[0]]
    assert bad and "terlalu besar" in bad[0].message("id")
    assert res.values.get(counts[0]) is None


# ------------------------------------------------------------------ item 9: ambiguity

def test_two_lke_sheets_say_which_was_read(tmp_path):
    res = check_file(two_sheets(BASE, tmp_path / "two.xlsx"))
    assert res.error is None and res.sheet == "LKE ZI"
    amb = [p for p in res.problems if p.code == "sheet-ambiguous"]
    assert len(amb) == 1 and amb[0].severity == "info"
    assert "'LKE ZI'" in amb[0].message("id") and "'LKE ZI (2)'" in amb[0].message("id")
    assert "sheet-ambiguous" not in _codes(check_file(BASE))


def test_hidden_lke_sheet_rows_and_columns_are_info_findings(tmp_path):
    hidden_sheet = edit(BASE, tmp_path / "hs.xlsx", lambda n, d: re.sub(
        rb'(<sheet\b[^>]*?)state="visible"', rb'\1state="hidden"', d, count=1) if n == "xl/workbook.xml" else d)
    res = check_file(hidden_sheet)
    assert [p.severity for p in res.problems if p.code == "hidden-content"] == ["info"]

    cells = answer_cells(BASE)
    ref = cells[sorted(cells)[5]]
    row = int(re.search(r"\d+", ref).group(0))
    part = lke_part(BASE)
    hidden_row = edit(BASE, tmp_path / "hr.xlsx", lambda n, d: re.sub(
        rb'(<row\b[^>]*\br="%d")' % row, rb'\1 hidden="1"', d, count=1) if n == part else d)
    hr = [p for p in check_file(hidden_row).problems if p.code == "hidden-content"]
    assert len(hr) == 1 and str(row) in hr[0].message("id")

    col = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(re.match(r"[A-Z]+", ref).group(0))))
    hidden_col = edit(BASE, tmp_path / "hc.xlsx", lambda n, d: hide_column(d, col) if n == part else d)
    hc = [p for p in check_file(hidden_col).problems if p.code == "hidden-content"]
    assert len(hc) == 1 and re.match(r"[A-Z]+", ref).group(0) in hc[0].message("id")
    assert "hidden-content" not in _codes(check_file(BASE))


# ------------------------------------------------------------------ issue 17: reader paths

def test_reader_per_sheet_file_corrupt(tmp_path):
    part = lke_part(BASE)
    p = edit(BASE, tmp_path / "half.xlsx", lambda n, d: d[: len(d) // 2] if n == part else d)
    wb = open_workbook(p)  # the workbook opens; the sheet is what is broken
    with pytest.raises(WorkbookError) as exc:
        wb.grid(SHEET)
    assert exc.value.code == "file-corrupt" and "'LKE ZI'" in exc.value.message("id")
    assert exc.value.detail


def test_reader_workbook_empty(tmp_path):
    no_sheets = edit(BASE, tmp_path / "nosheets.xlsx", lambda n, d: re.sub(
        rb"<sheets>.*</sheets>", b"<sheets></sheets>", d) if n == "xl/workbook.xml" else d)
    res = check_file(no_sheets)
    assert res.error is not None and res.error.code in ("workbook-empty", "file-corrupt")
    blank = tmp_path / "blank.xlsx"
    import openpyxl

    openpyxl.Workbook().save(blank)
    res = check_file(blank)
    assert res.error.code == "workbook-empty" and "blank.xlsx" in res.error.message("id")


# ------------------------------------------------------------------ item 6: full disk

def _enospc(*a, **k):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_recap_on_a_full_disk_leaves_nothing_and_says_disk_penuh(tmp_path, monkeypatch):
    import xlsxwriter.workbook

    out = tmp_path / "out"
    out.mkdir()
    real_close = xlsxwriter.workbook.Workbook._store_workbook

    def full(self):
        real_close(self) if False else None  # never written: the disk is "full"
        _enospc()

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full)
    r = CliRunner().invoke(main, ["recap", str(SAMPLES), "-o", str(out / "Rekap.xlsx"), "-q", "--no-cache", "-j", "1"])
    assert r.exit_code == 2, r.output
    assert "disk penuh" in r.output and "Excel" not in r.output
    assert sorted(p.name for p in out.iterdir()) == []


def test_atomic_write_failure_cleans_up(tmp_path, monkeypatch):
    target = tmp_path / "x.json"
    real_open = open

    def failing_open(path, mode="r", *a, **k):
        if "w" in mode and str(path).endswith(".json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, mode, *a, **k)

    with pytest.raises(OSError) as exc:
        with atomic_mod.atomic_path(target) as tmp:
            with failing_open(tmp, "w") as fh:
                fh.write("x")
    assert atomic_mod.os_error_text(exc.value) == "disk penuh"
    assert atomic_mod.os_error_text(exc.value, "en") == "the disk is full"
    assert list(tmp_path.iterdir()) == []
    # a scratch file made beside the temp file (as xlsxwriter does) goes too
    with pytest.raises(RuntimeError):
        with atomic_mod.atomic_path(target) as tmp:
            (tmp.parent / "tmpabc123").write_bytes(b"scratch")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_read_only_folder_message(tmp_path):
    ro = OSError(errno.EROFS, "Read-only file system")
    assert atomic_mod.os_error_text(ro) == "folder tidak dapat ditulis"
    denied = PermissionError(errno.EACCES, "Permission denied")
    assert atomic_mod.os_error_text(denied) == "folder tidak dapat ditulis"
    # a writable folder but a file that cannot be replaced: held open by Excel (Windows)
    assert "dibuka" in atomic_mod.os_error_text(denied, "id", tmp_path / "Rekap.xlsx")


def test_recap_into_a_read_only_folder(tmp_path, monkeypatch):
    def readonly(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(atomic_mod.tempfile, "mkdtemp", readonly)
    out = tmp_path / "ro"
    out.mkdir()
    r = CliRunner().invoke(main, ["recap", str(BASE), "-o", str(out / "Rekap.xlsx"), "-q", "--no-cache"])
    assert r.exit_code == 2 and "folder tidak dapat ditulis" in r.output
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("argv", [
    lambda out: ["export-portalrb", "-o", str(out / "portalrb"), str(BASE)],
    lambda out: ["template", "-o", str(out / "t.xlsx")],
    lambda out: ["report", str(BASE), "-o", str(out / "rep"), "--format", "html"],
], ids=["export-portalrb", "template", "report"])
def test_other_writers_on_a_full_disk(tmp_path, monkeypatch, argv):
    """Every writer goes through lketool.atomic: a full disk is said plainly and leaves
    no temporary file behind."""
    real_replace = os.replace

    def full(src, dst):
        if ".tmp" in str(src):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic_mod.os, "replace", full)
    out = tmp_path / "out"
    out.mkdir()
    r = CliRunner().invoke(main, argv(out))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    assert "disk penuh" in r.output, r.output
    leftovers = [p for p in out.rglob("*") if ".tmp" in p.name or p.name.startswith("tmp")]
    assert leftovers == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a FIFO")
def test_recap_of_a_fifo_named_explicitly_does_not_hang(tmp_path):
    # The cache digest opened the FIFO and waited for a writer forever.
    import subprocess
    import sys

    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    p = subprocess.run([sys.executable, "-m", "lketool", "recap", str(fifo), "/dev/zero", str(BASE),
                        "-o", str(tmp_path / "Rekap.xlsx"), "-q"], capture_output=True, text=True, timeout=60,
                       env=env)
    assert p.returncode == 1, p.stderr
    assert (tmp_path / "Rekap.xlsx").is_file()


REAL = Path(__file__).resolve().parents[2] / "shared/lke-data/axxpxmd_zona_integritas/form_kuesioner.xlsx"


@pytest.mark.skipif(not REAL.is_file(), reason="real workbook (../shared) not present")
def test_real_workbook_gets_no_hidden_or_ambiguity_noise():
    # It hides helper column J ('Pilihan Jawaban') and two summary sheets, as the
    # official template does: none of that is an answer, so nothing is said.
    res = check_file(REAL)
    assert res.error is None
    assert not {"hidden-content", "sheet-ambiguous"} & set(_codes(res))


def test_fast_sheet_scan_agrees_with_the_exact_walk(tmp_path):
    """limits._scan_fast (regex passes) must find what limits._scan_part (one cell at a
    time) finds: the extent and the hidden rows/columns."""
    part = lke_part(BASE)
    cells = answer_cells(BASE)
    row = int(re.search(r"\d+", cells[sorted(cells)[2]]).group(0))
    variants = [BASE, *sorted(SAMPLES.glob("*.xlsx"))]
    variants.append(edit(BASE, tmp_path / "hr.xlsx", lambda n, d: hide_column(re.sub(
        rb'(<row\b[^>]*\br="%d")' % row, rb'\1 hidden="1"', d, count=1), 11) if n == part else d))
    variants.append(set_cells(BASE, tmp_path / "far.xlsx", SHEET, {"AB400": 1, "C2": "=x"}))
    variants.append(edit(BASE, tmp_path / "styled.xlsx", lambda n, d: d.replace(
        b"</sheetData>", b'<row r="900"><c r="Z900" s="1"/><c r="AA900" s="1"><v></v></c></row></sheetData>')
        if n == part else d))
    for wb in variants:
        with zipfile.ZipFile(wb) as zf:
            for name in zf.namelist():
                if "worksheets/" in name and name.endswith(".xml"):
                    data = zf.read(name)
                    fast, exact = limits.SheetScan(), limits.SheetScan()
                    limits._scan_fast(data, fast, [0, 0])
                    limits._scan_part(data, exact, [0, 0])
                    assert (fast.max_row, fast.max_col, fast.hidden_rows, fast.hidden_cols) == \
                        (exact.max_row, exact.max_col, exact.hidden_rows, exact.hidden_cols), (wb.name, name)
