"""The committed samples show what samples/README.md says they show, and are what
tools/make_samples.py generates."""
from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from lketool.api import check_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def _sample(prefix: str) -> Path:
    found = sorted(SAMPLES.glob(f"{prefix}-*.xlsx"))
    assert len(found) == 1, f"sample {prefix} missing"
    return found[0]


def _make_samples():
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "tools" / "make_samples.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = mod  # dataclasses look their module up while the file runs
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def results():
    return {p.name[:2]: check_file(p) for p in sorted(SAMPLES.glob("0*.xlsx"))}


def test_five_samples_all_readable_with_cached_values(results):
    assert sorted(results) == ["01", "02", "03", "04", "05"]
    for res in results.values():
        assert res.error is None
        assert res.workbook_scores is not None and res.workbook_scores["total"] is not None
        assert "cached-values-missing" not in {p.code for p in res.problems}
        assert "Contoh" in res.unit or "Sampel" in res.unit  # fictional names only


def test_wbbm_sample(results):
    res = results["01"]
    assert res.eligibility["wbbm"]["eligible"] and res.eligibility["wbk"]["eligible"]
    assert res.scores.total >= 85
    assert all(c["met"] for c in res.eligibility["wbbm"]["criteria"])
    assert res.problems == []
    assert res.scores.answered == res.scores.expected
    assert res.workbook_scores["total"] == pytest.approx(res.scores.total, abs=1e-9)


def test_wbk_sample(results):
    res = results["02"]
    assert res.eligibility["wbk"]["eligible"]
    assert not res.eligibility["wbbm"]["eligible"]
    assert 75 <= res.scores.total < 85
    assert res.problems == []


def test_single_criterion_sample(results):
    res = results["03"]
    assert res.eligibility["wbk"]["missed"] == ["ipak"]
    assert res.scores.ipak_survey == pytest.approx(3.4)
    assert res.scores.ipak == pytest.approx(3.4 / 4 * 17.5)
    assert res.scores.total >= 75
    assert res.problems == []


def test_messy_sample(results):
    res = results["04"]
    codes = Counter(p.code for p in res.problems)
    for code in ("answer-missing", "answer-invalid", "evidence-missing", "evidence-invalid",
                 "formula-overwritten", "answer-type-altered", "score-mismatch"):
        assert codes[code] >= 1, code
    assert codes["formula-overwritten"] == 1
    over = next(p for p in res.problems if p.code == "formula-overwritten")
    assert over.location.cell.startswith("L")
    altered = next(p for p in res.problems if p.code == "answer-type-altered")
    assert altered.location.cell.startswith("J")
    invalid = {p.value for p in res.problems if p.code == "answer-invalid"}
    assert "F" in invalid
    bad_evidence = {p.value for p in res.problems if p.code == "evidence-invalid"}
    assert bad_evidence == {"-", "terlampir"}
    # lower-case 'ya' is accepted (Excel's "=" ignores case) and scores as Ya
    rows = {r["item"]: r for r in res.answer_rows()}
    lower = [k for k, r in rows.items() if r["unit"] == "ya"]
    assert lower and all(rows[k]["unit_value"] == "Ya" for k in lower)
    # the workbook's own total follows the typed-over cell, so it differs from lketool's
    assert abs(res.workbook_scores["total"] - res.scores.total) > 0.01
    total = next(p for p in res.problems if p.code == "score-mismatch" and p.params.get("what") == "total")
    assert total.params["cause"]  # the cause is named
    assert total.value == res.workbook_scores["total"]  # full precision kept; the message rounds
    # the indicator that averages the typed-over cell names that cell as its cause
    ind = next(p for p in res.problems if p.code == "score-mismatch" and p.location.item == over.location.item.rsplit(".", 1)[0])
    assert over.location.cell in ind.message("id") and over.location.cell in ind.message("en")
    assert "ketikan" in ind.message("id") and "typed" in ind.message("en")


def test_area_names_keep_abbreviations(results):
    crits = [c for c in results["04"].eligibility["wbbm"]["criteria"] if c["id"].startswith("area:SDM")]
    assert crits
    for c in crits:
        assert "Manajemen SDM Aparatur" in c["label"]
        assert "HR Management System" in c["label_en"]  # the English area name from the rubric data


def test_portalrb_sample_with_tpi(results):
    res = results["05"]
    assert res.layout == "portalrb-2026"
    assert res.tpi_scores is not None and res.tpi_eligibility is not None
    assert res.tpi_scores.total < res.scores.total
    diffs = res.tpi_differences()
    assert 5 <= len(diffs) <= 20
    rows = {r["item"]: r for r in res.answer_rows()}
    # the TPI wrote a note on exactly the items it marked differently
    assert {d["item"] for d in diffs} == {k for k, r in rows.items() if r["tpi_note"]}
    assert res.workbook_scores["total"] == pytest.approx(res.scores.total, abs=1e-9)


def test_readme_describes_every_sample():
    text = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for p in SAMPLES.glob("*.xlsx"):
        assert f"`{p.name}`" in text


def test_samples_are_what_the_generator_writes(tmp_path):
    mod = _make_samples()
    raws = mod.build_raw(tmp_path)
    assert sorted(p.name for p in raws) == sorted(p.name for p in SAMPLES.glob("0*.xlsx"))
    for raw in raws:
        fresh, committed = check_file(raw), check_file(SAMPLES / raw.name)

        def answers(res):
            # a computed total (LHKPN, LHKASN) has no value before LibreOffice calculates it
            computed = {i.id for i in res.rubric.inputs.values() if i.role == "total"}
            return [(r["item"], r["cell"], None if r["item"] in computed else r["unit"], r["tpi"], r["note"],
                     r["tpi_note"], r["evidence"]) for r in res.answer_rows()]

        assert answers(fresh) == answers(committed), raw.name
        assert fresh.scores.total == committed.scores.total
