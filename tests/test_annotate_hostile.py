"""Issue 15 items 2 and 5 for the annotated copy: text from the workbook never becomes a
formula, and broken inputs or outputs give one line naming the file, exit 2, and leave
nothing behind (instead of a traceback where `check` itself succeeds)."""
from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from lketool.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "01-wbbm-rsud-kota-contoh.xlsx"
HOSTILE = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://example.org","klik")', "\t=1+1", "=WEBSERVICE(\"x\")",
           "+1+1", "@SUM(A1)"]


def check(*args):
    r = CliRunner().invoke(main, ["check", *map(str, args)])
    return r.exit_code, r.output


def _rezip(src: Path, dst: Path, *, drop=(), damage=(), extra=None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            zout.writestr(info, zin.read(info.filename))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    if damage:
        raw = bytearray(dst.read_bytes())
        with zipfile.ZipFile(dst) as z:
            for name in damage:
                info = z.getinfo(name)
                start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
                for i in range(start + 5, start + min(info.compress_size, 60)):
                    raw[i] ^= 0x5A
        dst.write_bytes(bytes(raw))
    return dst


@pytest.mark.parametrize("unit", HOSTILE)
def test_hostile_unit_name_stays_text_in_the_annotated_copy(tmp_path, unit):
    import openpyxl

    from lketool.template import write_template

    src = write_template(tmp_path / "lke.xlsx", "lampiran-iii", unit=unit, answers={"P.1.i.a": "A"})
    out = tmp_path / "diperiksa.xlsx"
    code, text = check(src, "--annotate", out)
    assert code in (0, 1), text
    ws = openpyxl.load_workbook(out)["Hasil Pemeriksaan"]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    unit_cell = ws["C2"]
    assert unit_cell.data_type == "s" and unit_cell.value == unit.strip() or unit_cell.value == unit
    for c in cells:
        if isinstance(c.value, str) and c.value.lstrip().startswith(("=", "+", "@")):
            assert c.data_type == "s", (c.coordinate, c.value)
    # the raw XML holds no formula element on the summary sheet
    with zipfile.ZipFile(out) as z:
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet1 and "<f " not in sheet1


def test_control_characters_and_x0000_in_unit_name(tmp_path):
    import openpyxl

    from lketool.template import write_template

    plain = write_template(tmp_path / "plain.xlsx", "lampiran-iii", unit="UNITPLACEHOLDER", answers={})
    src = tmp_path / "lke.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith(("sharedStrings.xml", ".xml")) and b"UNITPLACEHOLDER" in data:
                data = data.replace(b"UNITPLACEHOLDER", b"Unit_x0001_ A_x0000_B_x0007_")
            zout.writestr(info, data)
    out = tmp_path / "o.xlsx"
    code, text = check(src, "--annotate", out)
    assert code in (0, 1) and "Traceback" not in text, text
    value = openpyxl.load_workbook(out)["Hasil Pemeriksaan"]["C2"].value
    assert "\x01" not in value and "\x07" not in value and value.startswith("Unit")


def _assert_clean_failure(code, text, name, folder: Path, before: set):
    assert code == 2, text
    assert "Traceback" not in text
    lines = [ln for ln in text.splitlines() if name in ln]
    assert lines, text
    assert set(folder.iterdir()) == before, "something was left behind"


def _two_sheets(tmp_path: Path) -> Path:
    """A workbook with the LKE sheet and a second, ordinary sheet (xl/worksheets/sheet2.xml)."""
    import openpyxl

    from lketool.template import write_template

    src = write_template(tmp_path / "base.xlsx", "lampiran-iii", unit="Unit Uji", answers={"P.1.i.a": "A"})
    wb = openpyxl.load_workbook(src)
    ws = wb.create_sheet("Catatan")
    for r in range(1, 200):
        ws.cell(r, 1, f"catatan baris {r} " * 5)
    wb.save(src)
    return src


@pytest.mark.parametrize("case", ["damaged-other-sheet", "no-content-types", "no-styles"])
def test_damaged_parts_check_can_skip_fail_annotate_in_one_line(tmp_path, case):
    base = _two_sheets(tmp_path)
    src = tmp_path / f"{case}.xlsx"
    if case == "damaged-other-sheet":
        _rezip(base, src, damage=["xl/worksheets/sheet2.xml"])
    elif case == "no-content-types":
        _rezip(base, src, drop=["[Content_Types].xml"])
    else:
        _rezip(base, src, drop=["xl/styles.xml"])
    code, text = check(src)
    assert code in (0, 1), text  # check reads only the LKE sheet: it succeeds
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    before = set(out_dir.iterdir())
    code, text = check(src, "--annotate", out_dir / "o.xlsx")
    _assert_clean_failure(code, text, src.name, out_dir, before)
    assert "salinan bertanda" in text and "Error" not in text.replace("ERROR", "")


def test_damaged_container_that_check_refuses_too(tmp_path):
    src = _rezip(SAMPLE, tmp_path / "bad-crc.xlsx", damage=["xl/styles.xml"])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, text = check(src, "--annotate", out_dir / "o.xlsx")
    assert code == 2 and "bad-crc.xlsx" in text and "Traceback" not in text
    assert list(out_dir.iterdir()) == []


def test_ods_input_output_equal_to_input_and_missing_folder(tmp_path):
    ods = tmp_path / "lke.ods"
    shutil.copyfile(SAMPLE, ods)
    before = set(tmp_path.iterdir())
    code, text = check(ods, "--annotate", tmp_path / "o.xlsx")
    assert code == 2 and "Traceback" not in text and "lke.ods" in text, text
    assert set(tmp_path.iterdir()) == before
    src = tmp_path / "in.xlsx"
    shutil.copyfile(SAMPLE, src)
    data = src.read_bytes()
    code, text = check(src, "--annotate", src)
    assert code == 2 and "in.xlsx" in text and "menimpa" in text and "Traceback" not in text, text
    assert src.read_bytes() == data
    code, text = check(src, "--annotate", tmp_path / "tidak-ada" / "o.xlsx")
    assert code == 2 and "tidak ada" in text and "Traceback" not in text, text


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write any folder")
def test_read_only_output_folder(tmp_path):
    src = tmp_path / "in.xlsx"
    shutil.copyfile(SAMPLE, src)
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        code, text = check(src, "--annotate", ro / "o.xlsx")
        assert code == 2 and "tidak dapat ditulis" in text and "Traceback" not in text
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o700)


def test_unwritable_folder_even_for_root(tmp_path):
    """/sys refuses new files to everyone, root included: the save fails, one line, exit 2."""
    if not Path("/sys").is_dir():
        pytest.skip("no /sys")
    try:
        open("/sys/lketool-probe.xlsx", "wb").close()
        pytest.skip("/sys is writable here")
    except OSError:
        pass
    src = tmp_path / "in.xlsx"
    shutil.copyfile(SAMPLE, src)
    code, text = check(src, "--annotate", "/sys/o.xlsx")
    assert code == 2 and "/sys/o.xlsx" in text and "tidak dapat ditulis" in text and "Traceback" not in text, text
    assert not Path("/sys/o.xlsx").exists()


def test_annotate_dir_writes_one_copy_per_input(tmp_path):
    import openpyxl

    d = tmp_path / "in"
    d.mkdir()
    shutil.copyfile(SAMPLE, d / "a.xlsx")
    shutil.copyfile(ROOT / "samples" / "04-berantakan-puskesmas-contoh-raya.xlsx", d / "b.xlsx")  # many findings
    out = tmp_path / "diperiksa"
    code, text = check(d, "--annotate-dir", out)
    assert code in (0, 1), text
    assert sorted(p.name for p in out.iterdir()) == ["a-diperiksa.xlsx", "b-diperiksa.xlsx"]
    ws = openpyxl.load_workbook(out / "b-diperiksa.xlsx")["Hasil Pemeriksaan"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows
    # long messages wrap: their rows are tall enough not to overlap the next one
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "No")
    long_rows = [r for r in range(header + 1, ws.max_row + 1) if len(str(ws.cell(r, 6).value or "")) > 120]
    assert long_rows
    for r in long_rows:
        assert (ws.row_dimensions[r].height or 15) >= 30, r


def test_annotate_errors_in_english_too(tmp_path):
    src = tmp_path / "in.xlsx"
    shutil.copyfile(SAMPLE, src)
    r = CliRunner().invoke(main, ["--lang", "en", "check", str(src), "--annotate", str(src)])
    assert r.exit_code == 2
    assert "Error: " in r.output and "must not overwrite the input file" in r.output and "in.xlsx" in r.output


def test_control_characters_in_a_message_do_not_break_the_comment(tmp_path):
    import openpyxl

    from lketool.api import check_file
    from lketool.annotate import annotate_workbook
    from lketool.problems import Location, Problem
    from lketool.template import write_template

    src = write_template(tmp_path / "lke.xlsx", "lampiran-iii", unit="Unit", answers={"P.1.i.a": "A"})
    res = check_file(src)
    res.problems.append(Problem("evidence-invalid", Location(str(src), "LKE ZI", "P8", 8, 16, "P.1.i.a"),
                                {"value": "bukti\x01\x0b=1+1"}))
    out = annotate_workbook(res, tmp_path / "o.xlsx")
    comment = openpyxl.load_workbook(out)["LKE ZI"]["P8"].comment.text
    assert "bukti=1+1" in comment and "\x01" not in comment
