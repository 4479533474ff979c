"""Annotated copies: problem cells coloured and commented, a summary sheet with links,
the input untouched, and everything else (formulas, validations, merges, sheets) kept."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lketool.annotate import FILLS, _detail, annotate_workbook
from lketool.api import check_file
from lketool.problems import CATALOGUE, Location, Problem

ROOT = Path(__file__).resolve().parents[1]
MESSY = ROOT / "samples" / "04-berantakan-puskesmas-contoh-raya.xlsx"
PORTALRB = ROOT / "samples" / "05-portalrb-samsat-kabupaten-sampel.xlsx"
from conftest import REAL_WORKBOOK as REAL, SKIP_REASON  # noqa: E402  ($LKETOOL_SHARED or ../shared)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _top_left(ws, coord):
    for rng in ws.merged_cells.ranges:
        if coord in rng:
            return rng.start_cell.coordinate
    return coord


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ann")
    src = tmp / MESSY.name
    shutil.copyfile(MESSY, src)
    before = _sha(src)
    res = check_file(src)
    out = annotate_workbook(res, tmp / "diperiksa.xlsx")
    assert _sha(src) == before, "the input workbook was modified"
    return res, out


def test_every_problem_cell_is_coloured_and_commented(messy):
    import openpyxl

    res, out = messy
    wb = openpyxl.load_workbook(out)
    with_cell = [p for p in res.problems if p.location.cell]
    assert len(with_cell) >= 20
    for p in with_cell:
        ws = wb[p.location.sheet]
        cell = ws[_top_left(ws, p.location.cell)]
        assert cell.comment is not None, p.location.cell
        assert _detail(p, res, "id") in cell.comment.text
        worst = min((q.severity for q in res.problems if q.location.cell == p.location.cell),
                    key=["error", "warning", "info"].index)
        assert cell.fill.fgColor.rgb.endswith(FILLS[worst])
    # several problems on one cell: one comment listing all of them
    per_cell = {}
    for p in with_cell:
        per_cell.setdefault((p.location.sheet, p.location.cell), []).append(p)
    for (sheet, c), ps in per_cell.items():
        text = wb[sheet][_top_left(wb[sheet], c)].comment.text
        assert all(_detail(p, res, "id") in text for p in ps)
        assert "Jawaban kosong: Pertanyaan belum dijawab" not in text  # the title is not repeated
        assert text.count("- [") == len(ps)
    # a cell without problems keeps no comment
    assert wb["LKE ZI"]["G8"].comment is None


def test_summary_sheet_lists_all_problems_with_links(messy):
    import openpyxl

    res, out = messy
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Hasil Pemeriksaan"
    ws = wb["Hasil Pemeriksaan"]
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "No")
    listed = []
    for r in range(header + 1, ws.max_row + 1):
        if ws.cell(r, 1).value is None:
            continue
        sheet, cell, code = ws.cell(r, 2).value, ws.cell(r, 3).value, ws.cell(r, 8).value
        assert ws.cell(r, 4).value == CATALOGUE[code].title_id  # Indonesian label, the code only at the end
        listed.append((sheet, cell, code, ws.cell(r, 6).value))
        if cell:
            link = ws.cell(r, 3).hyperlink
            assert link is not None and link.location == f"'{sheet}'!{_top_left(wb[sheet], cell)}"
    assert listed == [(p.location.sheet, p.location.cell, p.code, _detail(p, res, "id")) for p in res.problems]
    assert not any(str(m).startswith("Pertanyaan belum dijawab") for *_, m in listed)


def test_formulas_validations_merges_and_sheets_survive(messy):
    import openpyxl

    res, out = messy
    a, b = openpyxl.load_workbook(res.file), openpyxl.load_workbook(out)
    assert b.sheetnames == ["Hasil Pemeriksaan"] + a.sheetnames
    for name in a.sheetnames:
        wa, wb_ = a[name], b[name]
        va = {c.coordinate: c.value for row in wa.iter_rows() for c in row if c.value is not None}
        vb = {c.coordinate: c.value for row in wb_.iter_rows() for c in row if c.value is not None}
        assert va == vb
        assert sorted(map(str, wa.merged_cells.ranges)) == sorted(map(str, wb_.merged_cells.ranges))
        dv = lambda ws: sorted((d.type, d.formula1, str(d.sqref)) for d in ws.data_validations.dataValidation)  # noqa: E731
        assert dv(wa) == dv(wb_) and dv(wa)
        assert wb_.protection.sheet == wa.protection.sheet


def test_scores_read_back_equal_the_original(messy):
    res, out = messy
    again = check_file(out)
    assert again.error is None and again.unit == res.unit
    assert again.scores.total == res.scores.total
    assert {k: v.score for k, v in again.scores.indicators.items()} == \
           {k: v.score for k, v in res.scores.indicators.items()}
    # the same findings, apart from the computed values openpyxl cannot keep
    codes = lambda r: sorted((p.code, p.location.cell) for p in r.problems  # noqa: E731
                             if p.code not in ("score-mismatch", "cached-values-missing"))
    assert codes(again) == codes(res)


@pytest.mark.libreoffice
def test_annotated_copy_recalculates_in_libreoffice_to_the_same_numbers(messy, tmp_path):
    import openpyxl

    from lketool.libreoffice import find_soffice, recalc

    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    res, out = messy
    done = recalc(out, tmp_path / "recalc.xlsx")
    openpyxl.load_workbook(done)  # opens without repair
    again = check_file(done)
    assert again.workbook_scores == pytest.approx(res.workbook_scores, abs=1e-9)
    assert sorted((p.code, p.location.cell) for p in again.problems) == \
           sorted((p.code, p.location.cell) for p in res.problems)


def test_merged_cells_existing_comments_and_cell_less_problems(tmp_path):
    import openpyxl
    from openpyxl.comments import Comment

    from lketool.template import lampiran_rows, write_template

    src = write_template(tmp_path / "lke.xlsx", "lampiran-iii", unit="Unit Uji", answers={"P.1.i.b": "A"})
    rows = lampiran_rows(unit="Unit Uji")
    wb = openpyxl.load_workbook(src)
    ws = wb["LKE ZI"]
    ws[f"K{rows['P.1.i.a']}"].comment = Comment("catatan koordinator", "Koordinator")
    wb.save(src)
    res = check_file(src)
    assert any(p.code == "cached-values-missing" and p.location.cell is None for p in res.problems)
    # a problem placed on the hidden part of a merged cell goes to its top-left cell
    ind = rows["P.1.i"]
    res.problems.append(Problem("formula-altered", Location(str(src), "LKE ZI", f"G{ind}", ind, 7, "P.1.i"),
                                {"formula": "=X", "detail": "uji", "detail_en": "test"}))
    res.problems.append(Problem("score-mismatch", Location(str(src), "LKE ZI", f"F{ind}", ind, 6, "P.1.i"),
                                {"cached": "1", "computed": "2", "what": "x", "what_en": "x"}, severity="warning"))
    out = annotate_workbook(res, tmp_path / "ann.xlsx", lang="en")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Check Results"
    ws = wb["LKE ZI"]
    text = ws[f"K{rows['P.1.i.a']}"].comment.text
    assert "Answer missing: Unit kerja telah membentuk tim" in text and "catatan koordinator" in text
    merged = ws[f"F{ind}"]  # G is merged into F on indicator rows: both problems, one comment
    assert "departs from the rubric" in merged.comment.text and "Score mismatch" in merged.comment.text
    assert merged.comment.text.count("- [") == 2
    assert merged.fill.fgColor.rgb.endswith(FILLS["error"])  # the worst of error and warning
    summary = wb["Check Results"]
    codes = [summary.cell(r, 8).value for r in range(1, summary.max_row + 1)]
    assert "cached-values-missing" in codes


def test_refuses_to_overwrite_input_and_unreadable_results(tmp_path):
    src = tmp_path / "x.xlsx"
    shutil.copyfile(PORTALRB, src)
    res = check_file(src)
    with pytest.raises(ValueError):
        annotate_workbook(res, src)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(ValueError):
        annotate_workbook(check_file(bad), tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_real_workbook_keeps_hidden_sheets(tmp_path):
    import openpyxl

    if not REAL.is_file():
        pytest.skip(SKIP_REASON)
    before = _sha(REAL)
    res = check_file(REAL)
    out = annotate_workbook(res, tmp_path / "real.xlsx")
    assert _sha(REAL) == before
    wb = openpyxl.load_workbook(out)
    assert [(ws.title, ws.sheet_state) for ws in wb.worksheets][1:] == \
           [(ws.title, ws.sheet_state) for ws in openpyxl.load_workbook(REAL).worksheets]
    for p in res.problems:
        if p.location.cell:
            ws = wb[p.location.sheet]
            assert ws[_top_left(ws, p.location.cell)].comment is not None


def test_check_command_annotate_option(tmp_path):
    from lketool.cli import main

    src = tmp_path / MESSY.name
    shutil.copyfile(MESSY, src)
    out = tmp_path / "hasil.xlsx"
    r = CliRunner().invoke(main, ["check", str(src), "--annotate", str(out)])
    assert r.exit_code == 1, r.output  # the messy sample has errors
    assert out.is_file()
