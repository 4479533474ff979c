"""Workbooks built in the tests (with lketool.template) for both layouts: moved rows,
renamed sheet, edited labels, lower-case answers, blanks, invalid options, bad counts,
surveys out of range, missing/placeholder evidence, overwritten formulas, no cached values."""
from __future__ import annotations

import openpyxl
import pytest

from lketool.api import check_file
from lketool.rubric import load_rubric
from lketool.score import compute_scores

R = load_rubric()
from lketool import template  # noqa: E402


def answers_all(choice=0):
    ans, ev = {}, {}
    for it in R.items.values():
        if it.type in ("yn", "abc", "abcd", "abcde"):
            ans[it.id] = list(R.options(it.type))[choice]
            ev[it.id] = f"https://drive.google.com/file/d/ID{it.id.replace('.', '')}xxxxxx/view"
        elif it.type == "survey":
            ans[it.id] = 3.8
            ev[it.id] = f"https://drive.google.com/file/d/ID{it.id.replace('.', '')}xxxxxx/view"
        else:
            parts = any(i.role == "part" for i in it.inputs)
            for inp in it.inputs:
                if inp.role == "total" and inp.computed:
                    continue
                ans[inp.id] = {"den": 10, "num": 6 if not parts else 9, "prev": 4, "curr": 1, "sanctioned": 1,
                               "in_process": 1, "part": 3, "total": 9}[inp.role]
            ev[it.id] = f"https://drive.google.com/file/d/ID{it.id.replace('.', '')}xxxxxx/view"
    return ans, ev


def _cells(res, code):
    return {p.location.cell for p in res.problems if p.code == code}


@pytest.fixture
def filled(tmp_path):
    ans, ev = answers_all()
    path = tmp_path / "unit.xlsx"
    template.write_template(path, "lampiran-iii", unit="Dinas Contoh", answers=ans, evidence=ev)
    return path, ans


def test_filled_template_maps_every_item_and_scores(filled):
    path, ans = filled
    res = check_file(path)
    assert res.error is None and res.layout == "lampiran-iii" and res.unit == "Dinas Contoh"
    assert not _cells(res, "item-unmapped")
    assert not _cells(res, "answer-missing") and not _cells(res, "evidence-missing")
    assert _cells(res, "cached-values-missing") == {None}  # openpyxl writes no computed values
    assert res.workbook_scores is None
    assert res.scores.answered == 113
    vals = {k: (float(v) if isinstance(v, int) else v) for k, v in ans.items()}
    assert res.scores.total == compute_scores(R, res.values).total
    assert res.values["P.1.i.a"] == vals["P.1.i.a"]


def test_moved_rows_renamed_sheet_no_title_edited_labels(filled, tmp_path):
    path, _ = filled
    base = check_file(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["LKE ZI"]
    ws.title = "Penilaian Unit 2025"
    ws.delete_rows(1)            # no title row
    ws.insert_rows(40, amount=3)  # rows inserted in the middle
    for row in ws.iter_rows(min_col=7, max_col=7):
        c = row[0]
        if isinstance(c.value, str) and c.value.startswith("Kebijakan tentang"):
            c.value = c.value + " (disesuaikan unit)"
    moved = tmp_path / "moved.xlsx"
    wb.save(moved)
    res = check_file(moved)
    assert res.error is None and res.sheet == "Penilaian Unit 2025"
    assert not [p for p in res.problems if p.code == "item-unmapped"]
    assert res.scores.total == base.scores.total
    assert res.values == base.values


def _edit(path, out, edits):
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0] if "LKE ZI" not in wb.sheetnames else wb["LKE ZI"]
    for cell, v in edits.items():
        ws[cell] = v
    wb.save(out)


def _answer_cell(res, eid):
    return res.mapped.entries[eid].answer_cell


def test_messy_answers_are_named_by_cell(filled, tmp_path):
    path, _ = filled
    base = check_file(path)
    cell = lambda eid: _answer_cell(base, eid)  # noqa: E731
    row = lambda eid: base.mapped.entries[eid].row  # noqa: E731
    score_cell = f"L{row('P.2.ii.a')}"
    edits = {
        cell("P.1.i.a"): "ya",          # lower case: accepted
        cell("P.1.i.b"): " a ",         # spaces: blank to the official K="A" (answer-spaces)
        cell("P.1.ii.b"): None,         # blank
        cell("P.1.ii.c"): "F",          # not an option
        cell("R.1.i.a.1"): -1,          # negative count
        cell("R.1.i.b.1"): 2.5,         # not whole
        cell("R.4.i.a.1"): "lima",      # not a number
        cell("H.I.a"): 4.5,             # survey out of range
        f"P{row('P.1.iv.a')}": None,    # evidence removed
        f"P{row('P.1.iv.b')}": "-",     # placeholder evidence
        score_cell: 1,                  # formula typed over
        f"J{row('P.3.i.a')}": "Ya",     # answer type edited
    }
    messy = tmp_path / "messy.xlsx"
    _edit(path, messy, edits)
    res = check_file(messy)
    assert res.values["P.1.i.a"] == "Ya" and res.values["P.1.i.b"] is None
    assert any(p.code == "answer-spaces" and p.location.item == "P.1.i.b" for p in res.problems)
    assert cell("P.1.ii.b") in _cells(res, "answer-missing")
    [inv] = [p for p in res.problems if p.code == "answer-invalid"]
    assert inv.location.cell == cell("P.1.ii.c") and "A/B/C" in inv.message()
    assert {cell("R.1.i.a.1"), cell("R.1.i.b.1"), cell("R.4.i.a.1")} <= _cells(res, "count-invalid")
    assert cell("H.I.a") in _cells(res, "survey-out-of-range")
    assert f"P{row('P.1.iv.a')}" in _cells(res, "evidence-missing")
    assert f"P{row('P.1.iv.b')}" in _cells(res, "evidence-invalid")
    assert score_cell in _cells(res, "formula-overwritten")
    assert f"J{row('P.3.i.a')}" in _cells(res, "answer-type-altered")
    assert res.has_errors
    # lower-case and spaced answers keep their value; the invalid one leaves its indicator average
    assert res.scores.indicators["P.1.i"].score == base.scores.indicators["P.1.i"].score
    assert res.scores.indicators["P.1.ii"].answered == 1
    en = [p.message("en") for p in res.problems if p.code == "answer-invalid"][0]
    assert "not an allowed option" in en


def test_hyperlink_evidence_in_a_column_without_header(filled, tmp_path):
    path, _ = filled
    base = check_file(path)
    r = base.mapped.entries["P.1.iii.a"].row
    wb = openpyxl.load_workbook(path)
    ws = wb["LKE ZI"]
    ws[f"P{r}"] = None
    ws[f"S{r}"] = "lihat dokumen"
    ws[f"S{r}"].hyperlink = "https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp"
    out = tmp_path / "hl.xlsx"
    wb.save(out)
    res = check_file(out)
    e = res.mapped.entries["P.1.iii.a"]
    assert "https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp" in e.links
    assert f"P{r}" not in _cells(res, "evidence-missing")


def test_portalrb_layout_with_tpi_answers(tmp_path):
    ans, ev = answers_all()
    tpi = dict(ans)
    tpi["P.1.i.b"] = "B"
    tpi["H.I.a"] = 3.5
    path = tmp_path / "Dinas Portal-1234.xlsx"
    template.write_template(path, "portalrb-2026", answers=ans, evidence=ev, tpi_answers=tpi)
    res = check_file(path)
    assert res.error is None and res.layout == "portalrb-2026"
    assert not [p for p in res.problems if p.code == "item-unmapped"]
    assert res.tpi_scores is not None and res.tpi_scores.total < res.scores.total
    diffs = {d["item"] for d in res.tpi_differences()}
    assert diffs == {"P.1.i.b", "H.I.a"}
    lam = tmp_path / "lam.xlsx"
    template.write_template(lam, "lampiran-iii", answers=ans, evidence=ev)
    assert check_file(lam).scores.total == res.scores.total  # same answers, same score in both layouts
