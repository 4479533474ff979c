"""The real filled Lampiran III workbook from ../shared (skipped when absent)."""
import json
import subprocess
import sys

import openpyxl
import pytest

from lketool.api import check_file


@pytest.fixture(scope="module")
def result(request):
    from tests.conftest import REAL_WORKBOOK, need_shared
    return check_file(need_shared(REAL_WORKBOOK))


def test_workbook_total_is_its_cached_value(result):
    assert result.error is None and result.layout == "lampiran-iii" and result.sheet == "LKE ZI"
    assert result.workbook_scores["total"] == 95.57619047619048
    assert result.workbook_scores["pengungkit"] == 55.576190476190476
    assert result.workbook_scores["hasil"] == 40.0


def test_every_indicator_workbook_score_is_its_cached_L_cell(result, real_workbook):
    ws = openpyxl.load_workbook(real_workbook, data_only=True)["LKE ZI"]
    rows = result.indicator_rows()
    assert len(rows) == 47 and all(r["cell"] for r in rows)
    for r in rows:
        cell = r["cell"].split("!")[1]
        assert cell.startswith("L")
        assert r["workbook_score"] == ws[cell].value, r["id"]


def test_all_127_items_mapped(result):
    assert not [p for p in result.problems if p.code == "item-unmapped"]
    assert result.scores.answered == 113


def _find(result, code, cell):
    return [p for p in result.problems if p.code == code and p.location.cell == cell]


def test_departures_are_found_with_their_cause(result):
    # the unit edited the answer type of row 8 ('Ya' instead of 'Ya/Tidak'), so its L8 shows '-'
    assert _find(result, "answer-type-altered", "J8")
    [m8] = _find(result, "score-mismatch", "L8")
    assert "Pilihan Jawaban" in m8.message()
    # PW reform iii averages L176:L179, leaving out the LHKASN row 183
    [alt] = _find(result, "formula-altered", "L175")
    assert "L183" in alt.message()
    [m175] = _find(result, "score-mismatch", "L175")
    # recomputed: LHKPN 13/15 + LHKASN 12/13 (its required count is the sum of its parts, 0 + 1 + 12)
    assert "1,73" in m175.message() and "1,79" in m175.message() and "selisih -0,06" in m175.message()
    assert m175.value == pytest.approx(1 + 11 / 15, abs=1e-15)  # the full-precision workbook value
    assert "L183" in m175.message()
    # LHKASN: typed total 12 while its parts add up to 13
    [cnt] = _find(result, "count-inconsistent", "K185")
    assert "13" in cnt.message() and cnt.severity == "error"
    # the difference is followed up to the total, each naming where it comes from
    for cell, child in (("L167", "L175"), ("L125", "L167"), ("L198", "L125"), ("L208", "L198")):
        [p] = _find(result, "score-mismatch", cell)
        assert child in p.message()
    recomputed = result.scores.total
    assert recomputed == pytest.approx(95.57619047619048 + (12 / 13 + 13 / 15) - 2 * 13 / 15, abs=1e-12)
    # LibreOffice on a copy with J8, L175 and K185 corrected gives this total (issue 11, item 7)
    assert recomputed == pytest.approx(95.63260073260074, abs=1e-12)


def test_every_mismatch_has_a_cause(result):
    for p in result.problems:
        if p.code == "score-mismatch":
            assert "sebab:" in p.message(), p.message()
            assert "cause:" in p.message("en")


def test_evidence_findings(result):
    missing = {p.location.cell for p in result.problems if p.code == "evidence-missing"}
    assert "Q110" in missing  # P.6.ii.d answered, no link
    assert "Q19" not in missing
    # column P is the narrative list of documents (Q holds the links): a note, not evidence,
    # so its placeholder 'xxx xxxx' in P19 is no finding (Q19 has the link)
    assert [p for p in result.problems if p.code == "evidence-invalid"] == []
    assert result.mapped.entries["P.1.iv.a"].descriptions[0].text.startswith("xxx")


def test_check_is_fast(result, real_workbook):
    import time
    check_file(real_workbook)  # warm-up: imports and rubric load happen once per process
    t = time.perf_counter()
    for _ in range(5):
        check_file(real_workbook)
    per = (time.perf_counter() - t) / 5
    assert per < 0.25, f"{per * 1000:.0f} ms per workbook"  # budget is 50 ms; generous for loaded CI


def test_cli_json_score(real_workbook):
    out = subprocess.run([sys.executable, "-m", "lketool", "score", str(real_workbook), "--format", "json"],
                         capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 1, out.stderr  # blocking problems exist
    data = json.loads(out.stdout)
    [r] = data["results"]
    assert r["workbook_scores"]["total"] == 95.57619047619048
    assert r["scores"]["total"] == pytest.approx(check_file(real_workbook).scores.total, abs=0)
    assert {"wbk", "wbbm"} <= set(r["eligibility"])
    assert r["tpi_scores"] is None
    assert all({"code", "severity", "sheet", "cell", "item", "message"} <= set(p) for p in r["problems"])
