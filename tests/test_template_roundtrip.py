"""Round trip: templates filled with random answers, recalculated by LibreOffice, read
back by ``check_file``: the workbook's own totals (its formulas, computed by LibreOffice)
must equal lketool's recomputation, with no formula or mapping problem.

All files go through ONE LibreOffice call to keep the test fast."""
from __future__ import annotations

import random
import zipfile

import pytest

from lketool.api import check_file
from lketool.libreoffice import find_soffice, recalc_many
from lketool.rubric import load_rubric
from lketool.template import write_template

pytestmark = pytest.mark.libreoffice

RUBRIC = load_rubric()
N_PER_LAYOUT = 15
FORMULA_PROBLEMS = {"formula-altered", "formula-overwritten", "score-mismatch", "item-unmapped",
                    "answer-type-altered", "cached-values-missing"}


def _choice(rng, item, blank_ok: bool):
    opts = list(RUBRIC.options(item.type))
    roll = rng.random()
    if blank_ok and roll < 0.06:
        return None  # unanswered: AVERAGE leaves it out
    if blank_ok and roll < 0.09:
        return "F"  # not an option: "Blm Diisi" in the sheet, left out by lketool
    key = rng.choice(opts)
    return key.lower() if roll > 0.93 else key  # Excel's "=" ignores case, so does lketool


def _counts(rng, item, blank_ok: bool) -> dict:
    """Jumlah inputs of one % item; never a zero denominator (Excel shows #DIV/0!)."""
    if blank_ok and rng.random() < 0.15:
        return {}
    out = {}
    if item.formula == "decrease":
        prev = rng.choice([0, rng.randint(1, 12)])
        curr = 0 if prev == 0 else rng.randint(0, 15)
        out.update({item.input("prev").id: prev, item.input("curr").id: curr,
                    item.input("sanctioned").id: rng.randint(0, 5)})
        return out
    parts = [i for i in item.inputs if i.role == "part"]
    if parts:
        vals = [rng.randint(0, 9) for _ in parts]
        vals[0] += 1
        for p, v in zip(parts, vals):
            out[p.id] = v
        total = item.input("total")
        if not total.computed:  # a typed total, sometimes not the sum of its parts
            out[total.id] = sum(vals) if rng.random() < 0.7 else sum(vals) + rng.randint(1, 3)
        out[item.input("num").id] = rng.randint(0, sum(vals) + 2)
    else:
        den = rng.randint(1, 30)
        out[item.input("den").id] = den
        out[item.input("num").id] = rng.randint(0, den + 4)
        if item.input("in_process"):
            out[item.input("in_process").id] = rng.randint(0, 5)
    return out


def random_answers(rng: random.Random, *, allow_empty_indicator: bool = False) -> dict:
    """Answers for every entry; a few blanks and invalid options, but (unless allowed)
    every indicator keeps one answered item, since the official AVERAGE of nothing is
    #DIV/0! in Excel."""
    answers = {}
    for ind in RUBRIC.walk_indicators():
        if ind.children:
            continue
        blank_ok = allow_empty_indicator or len(ind.items) > 1
        keep = rng.randrange(len(ind.items))  # this one is always answered
        for n, item in enumerate(ind.items):
            may_blank = blank_ok and n != keep
            if item.type == "survey":
                answers[item.id] = round(rng.uniform(0, 4), 2)
            elif item.type == "pct":
                answers.update(_counts(rng, item, may_blank))
            else:
                v = _choice(rng, item, may_blank)
                if v is not None:
                    answers[item.id] = v
    return answers


@pytest.fixture(scope="module")
def roundtrip(tmp_path_factory):
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    tmp = tmp_path_factory.mktemp("roundtrip")
    rng = random.Random(20260521)
    cases = []
    for n in range(N_PER_LAYOUT):
        # every fifth without a unit row: the header then sits on row 2, as in the official file
        cases.append(write_template(tmp / f"lampiran-{n:02d}.xlsx", "lampiran-iii",
                                    unit=None if n % 5 == 0 else f"Unit Uji {n}", answers=random_answers(rng)))
        tpi = random_answers(rng, allow_empty_indicator=True)
        cases.append(write_template(tmp / f"portalrb-{n:02d}.xlsx", "portalrb-2026", unit=f"Unit Uji {n}",
                                    answers=random_answers(rng, allow_empty_indicator=True), tpi_answers=tpi))
    outs = recalc_many(cases, tmp / "recalc")
    return outs


def test_every_file_was_converted_and_reopens(roundtrip):
    import openpyxl

    assert len(roundtrip) == 2 * N_PER_LAYOUT
    for path in roundtrip:
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames[0] in ("LKE ZI", "Jawaban")


def test_lampiran_workbook_total_equals_recomputed(roundtrip):
    totals = []
    for path in [p for p in roundtrip if p.name.startswith("lampiran")]:
        res = check_file(path)
        assert res.error is None and res.layout == "lampiran-iii"
        n = int(path.stem.split("-")[1])
        assert res.unit == ("lampiran" if n % 5 == 0 else f"Unit Uji {n}")  # no unit row: from the file name
        bad = [(p.code, p.location.cell, p.message()) for p in res.problems if p.code in FORMULA_PROBLEMS]
        assert bad == [], path.name
        ws = res.workbook_scores
        assert ws is not None
        for key in ("total", "pengungkit", "hasil", "pemenuhan", "reform"):
            assert ws[key] == pytest.approx(getattr(res.scores, key), abs=1e-9), (path.name, key)
        totals.append(res.scores.total)
    assert len(set(round(t, 6) for t in totals)) == len(totals)  # the answer sets really differ


def test_portalrb_nilai_sheet_equals_recomputed_unit_and_tpi(roundtrip):
    import openpyxl

    for path in [p for p in roundtrip if p.name.startswith("portalrb")]:
        res = check_file(path)
        assert res.error is None and res.layout == "portalrb-2026"
        assert res.unit.startswith("Unit Uji")
        bad = [(p.code, p.location.cell, p.message()) for p in res.problems if p.code in FORMULA_PROBLEMS]
        assert bad == [], path.name
        ws = openpyxl.load_workbook(path, data_only=True)["Nilai"]
        cached = {row[0].value: (row[2].value, row[3].value) for row in ws.iter_rows(min_row=2, max_col=4)
                  if row[0].value}
        assert res.tpi_scores is not None
        for key in ("total", "pengungkit", "hasil", "pemenuhan", "reform", "bersih_akuntabel", "pelayanan_prima"):
            assert cached[key][0] == pytest.approx(getattr(res.scores, key), abs=1e-9), (path.name, key)
            assert cached[key][1] == pytest.approx(getattr(res.tpi_scores, key), abs=1e-9), (path.name, key)
        for ind_id, s in res.scores.indicators.items():
            assert cached[ind_id][0] == pytest.approx(s.score, abs=1e-9), (path.name, ind_id)
            assert cached[ind_id][1] == pytest.approx(res.tpi_scores.indicators[ind_id].score, abs=1e-9)
        if res.workbook_scores is not None:  # the core reads the Nilai sheet too
            assert res.workbook_scores["total"] == pytest.approx(res.scores.total, abs=1e-9)
