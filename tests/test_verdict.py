"""WBK/WBBM verdicts: exact at the boundary, every condition, the right answers.

The thresholds here are typed from the regulation text, independently of the rubric file
(a wrong 18.25 in the data must fail these tests)."""
from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest

from lketool.rubric import load_rubric
from lketool.score import compute_scores, exact
from lketool.verdict import MET, NOT_MET, UNDETERMINED, evaluate

R = load_rubric()
REG = Path(__file__).resolve().parents[1].parent / "shared" / "lke-data" / "regulations"

# PermenPANRB 90/2021 Lampiran II Tabel 6 (text lines 2304-2341) and Bab III A.3-6 (2083-2109).
TABEL_6 = {
    "wbk": {"total": 75, "pengungkit": 40, "area": 0.60, "bersih_akuntabel": 18.25, "ipak": 15.75,
            "capaian_kinerja": 2.50, "pelayanan_prima": 14.00},
    "wbbm": {"total": 85, "pengungkit": 48, "area": 0.75, "bersih_akuntabel": 19.50, "ipak": 15.75,
             "capaian_kinerja": 3.75, "pelayanan_prima": 15.75},
}
SURVEY = {"wbk": {"ipak": 3.60, "pelayanan_prima": 3.20}, "wbbm": {"ipak": 3.60, "pelayanan_prima": 3.60}}
# PermenPANRB 5/2024 Tabel 5 line 231: "Kepatuhan Penyampaian LHKAN dan LHKPN 100%".
TABEL_5_LHK = 1.0


def test_rubric_thresholds_equal_the_regulation_text():
    for pred, mins in TABEL_6.items():
        got = {c["id"]: c["min"] for c in R.predicates[pred]["criteria"]}
        for cid, minimum in mins.items():
            assert got[cid] == minimum, (pred, cid)
        for cid, s in SURVEY[pred].items():
            c = next(c for c in R.predicates[pred]["criteria"] if c["id"] == cid)
            assert c["survey_min"] == s
            assert exact(s) / 4 * exact(17.5) == exact(mins[cid])  # the survey minimum is the same test
        lhk = next(c for c in R.predicates[pred]["criteria"] if c["id"] == "lhkpn-lhkasn")
        assert lhk["min"] == TABEL_5_LHK and lhk["indicators"] == ["R.5.iii.a", "R.5.iii.b"]
    assert R.predicates["wbbm"]["prerequisite"]["id"] == "wbk-held"


@pytest.mark.skipif(not REG.is_dir(), reason="needs ../shared/lke-data/regulations (or set LKETOOL_SHARED)")
def test_the_regulation_text_says_what_the_tests_pin():
    text = (REG / "PermenPANRB-90-2021.txt").read_text(encoding="utf-8").splitlines()
    t6 = "\n".join(text[2303:2341])
    assert "Tabel 6" in text[2303]
    for pair in ("75 85", "40 48", "60% 75%", "18,25 19,50", "2,50", "3,75", "14,00", "(survey 3,20)",
                 "(survey 3,60)", "Telah mendapatkan"):
        assert pair in t6, pair
    t5 = (REG / "PermenPANRB-5-2024.txt").read_text(encoding="utf-8").splitlines()
    assert "Kepatuhan Penyampaian LHKAN dan LHKPN 100%" in t5[230]


# ---------------------------------------------------------------- answer sets

def best():
    vals = {}
    for it in R.items.values():
        if it.type in ("yn", "abc", "abcd", "abcde"):
            vals[it.id] = next(iter(R.options(it.type)))
        elif it.type == "survey":
            vals[it.id] = 4.0
        else:
            has_parts = any(i.role == "part" for i in it.inputs)
            for inp in it.inputs:
                if inp.role == "total":
                    continue
                vals[inp.id] = {"den": 10.0, "num": 15.0 if has_parts else 10.0, "prev": 4.0, "curr": 0.0,
                                "sanctioned": 0.0, "in_process": 0.0, "part": 5.0}[inp.role]
    return vals


def worst_item(vals, it):
    if it.type in ("yn", "abc", "abcd", "abcde"):
        vals[it.id] = list(R.options(it.type))[-1]
    elif it.type == "survey":
        vals[it.id] = 0.0
    elif it.formula == "decrease":
        ids = {i.role: i.id for i in it.inputs}
        vals[ids["prev"]], vals[ids["curr"]] = 1.0, 5.0
    else:
        vals[next(i.id for i in it.inputs if i.role == "num")] = 0.0


def zero(vals, *, area=None, half=None, indicator=None):
    for ind in R.walk_indicators():
        if ind.children:
            continue
        hit = (indicator is not None and (ind.id == indicator or ind.parent_id == indicator)) or (
            area is not None and ind.area_id == area and (half is None or ind.half == half))
        if hit:
            for it in ind.items:
                worst_item(vals, it)
    return vals


def crit(e, cid):
    return next(c for c in e["criteria"] if c["id"] == cid)


def test_all_best_meets_both():
    e = evaluate(R, best())
    assert e["wbk"]["eligible"] is True and e["wbbm"]["eligible"] is True
    assert e["wbbm"]["conditional"] is True  # WBK held is not known


def _on_line(cid):
    """An answer set for each criterion landing exactly on its WBK and WBBM minimum."""
    v = best()
    if cid == "total75":       # pengungkit 40 (SDM, AK zeroed) + hasil 35 (capaian E)
        zero(v, area="SDM"), zero(v, area="AK"), worst_item(v, R.items[_capaian()])
    elif cid == "total85":     # pengungkit 50 (SDM zeroed) + hasil 35
        zero(v, area="SDM"), worst_item(v, R.items[_capaian()])
    elif cid == "pengungkit40":
        zero(v, area="SDM"), zero(v, area="AK")
    elif cid == "pengungkit48":  # PT (7) and SDM pemenuhan (5) zeroed
        zero(v, area="PT"), zero(v, area="SDM", half="pemenuhan")
    elif cid == "area60":      # PW 9 of 15: pemenuhan i-iii (4.5) + reform i and iii (2.5 + 2)
        zero(v, indicator="P.5.iv"), zero(v, indicator="P.5.v"), zero(v, indicator="R.5.ii")
    elif cid == "area75":      # MP 6 of 8: reform ii and iii zeroed
        zero(v, indicator="R.1.ii"), zero(v, indicator="R.1.iii")
    elif cid == "bersih18.25":  # IPAK 3.60 -> 15.75, capaian C -> 2.50
        v[_survey("ipak")] = 3.6
        v[_capaian()] = "C"
    elif cid == "bersih19.5":  # IPAK 3.60, capaian B -> 3.75
        v[_survey("ipak")] = 3.6
        v[_capaian()] = "B"
    elif cid == "prima14":
        v[_survey("ipkp")] = 3.2
    elif cid == "prima15.75":
        v[_survey("ipkp")] = 3.6
    return v


def _survey(metric):
    return R.metric_indicator(metric).items[0].id


def _capaian():
    return R.metric_indicator("capaian_kinerja").items[0].id


@pytest.mark.parametrize("case,pred,cid,minimum", [
    ("total75", "wbk", "total", 75), ("total85", "wbbm", "total", 85),
    ("pengungkit40", "wbk", "pengungkit", 40), ("pengungkit48", "wbbm", "pengungkit", 48),
    ("area60", "wbk", "area:PW", Fraction(60, 100)), ("area75", "wbbm", "area:MP", Fraction(75, 100)),
    ("bersih18.25", "wbk", "bersih_akuntabel", Fraction("18.25")),
    ("bersih19.5", "wbbm", "bersih_akuntabel", Fraction("19.5")),
    ("bersih18.25", "wbk", "ipak", Fraction("15.75")), ("bersih18.25", "wbk", "capaian_kinerja", Fraction("2.5")),
    ("bersih19.5", "wbbm", "capaian_kinerja", Fraction("3.75")),
    ("prima14", "wbk", "pelayanan_prima", 14), ("prima15.75", "wbbm", "pelayanan_prima", Fraction("15.75")),
])
def test_a_value_exactly_on_the_minimum_meets_it(case, pred, cid, minimum):
    vals = _on_line(case)
    e = evaluate(R, vals)[pred]
    c = crit(e, cid)
    exact_scores = compute_scores(R, vals, num_type=exact)
    got = {"total": exact_scores.total, "pengungkit": exact_scores.pengungkit,
           "bersih_akuntabel": exact_scores.bersih_akuntabel, "ipak": exact_scores.ipak,
           "capaian_kinerja": exact_scores.capaian_kinerja, "pelayanan_prima": exact_scores.pelayanan_prima}
    if cid.startswith("area:"):
        a = cid.split(":")[1]
        got[cid] = exact_scores.area(a) / exact(R.area_weight(a))
    assert got[cid] == minimum          # the answer set really is on the line
    assert c["met"] is True, c
    assert c["gap"] > -1e-9


def test_area_exactly_75_percent_that_floats_put_below_meets_wbbm():
    # lke-domain §3.3: PP Pemenuhan 3.333... + Reform 4.1666... = 7.50 exactly, 7.499999999999999 in floats
    v = _pp_exactly_75()
    s = compute_scores(R, v)
    area = s.area("PP")
    assert area / 10 < 0.75                              # the binary float is below the line
    assert compute_scores(R, v, num_type=exact).area("PP") == Fraction(15, 2)
    c = crit(evaluate(R, v)["wbbm"], "area:PP")
    assert c["met"] is True


def test_just_below_each_line_is_not_met():
    v = _on_line("bersih18.25")
    v[_survey("ipak")] = 3.59
    e = evaluate(R, v)["wbk"]
    assert crit(e, "ipak")["met"] is False and e["eligible"] is False and "ipak" in e["missed"]


# ---------------------------------------------------------------- conditions

def test_lhkpn_below_100_percent_makes_the_unit_not_proposable():
    v = best()
    item = R.items["R.5.iii.a.a"]
    v[next(i.id for i in item.inputs if i.role == "num")] = 13.0   # 13 of 15 reported
    e = evaluate(R, v)
    for pred in ("wbk", "wbbm"):
        c = crit(e[pred], "lhkpn-lhkasn")
        assert c["met"] is False and e[pred]["eligible"] is False
        assert "LHKPN" in c["label"] and c["kind"] == "proposal"


def test_conditions_the_lke_cannot_show_are_listed_not_left_out():
    e = evaluate(R, best(), declared={"tlhp"})
    ids = {n["id"]: n["declared"] for n in e["wbk"]["not_checked"]}
    assert {"tlhp", "zi-1-tahun", "sakip", "instansi"} <= set(ids)
    assert ids["tlhp"] is True and ids["sakip"] is False


def test_wbbm_prerequisite_declared_or_not():
    assert evaluate(R, best(), has_wbk=True)["wbbm"]["conditional"] is False
    no = evaluate(R, best(), has_wbk=False)["wbbm"]
    assert no["eligible"] is False and "wbk-held" in no["missed"]


def test_survey_out_of_range_is_undetermined_not_met():
    v = best()
    v[_survey("ipak")] = 5.0   # clamped to 4 for the score shown, but unknowable
    e = evaluate(R, v)["wbk"]
    c = crit(e, "ipak")
    assert c["met"] is None and e["eligible"] is None and "ipak" in e["blocking"]
    assert c["blocked_by"][0]["reason"] == "survey"
    # a criterion decided whatever the survey is stays decided: capaian does not depend on it
    assert crit(e, "capaian_kinerja")["met"] is True


def test_undefined_zero_ratio_blocks_only_where_it_matters():
    v = best()
    ids = {i.role: i.id for i in R.items["R.4.i.a"].inputs}   # no performance targets at all
    v[ids["den"]], v[ids["num"]] = 0.0, 0.0
    e = evaluate(R, v)
    # AK is 10 of 10 otherwise; with R.4.i (weight 2) anywhere in 0..2 the area stays >= 80 %
    assert crit(e["wbbm"], "area:AK")["met"] is True
    # push AK near the line: the unknown item now decides it
    zero(v, indicator="R.4.iii")   # -1.5 -> AK in [6.5, 8.5] of 10; WBBM needs 7.5
    e = evaluate(R, v)["wbbm"]
    assert crit(e, "area:AK")["met"] is None and e["eligible"] is None


def test_blank_indicator_is_undetermined_and_strict_decides_it():
    v = best()
    for it in R.indicators["P.1.iv"].items:   # MP pemenuhan iv (1.5) not answered at all
        v.pop(it.id)
    zero(v, indicator="R.1.ii")               # MP without iv: 8 - 1.5 - 1 = 5.5 .. 7 of 8; WBBM line 6
    e = evaluate(R, v)["wbbm"]
    assert crit(e, "area:MP")["met"] is None and e["eligible"] is None
    strict = evaluate(R, v, strict=True)["wbbm"]
    assert crit(strict, "area:MP")["met"] is False


def test_status_words():
    assert (MET, NOT_MET, UNDETERMINED) == ("memenuhi", "tidak-memenuhi", "tidak-dapat-ditentukan")
    assert evaluate(R, best())["wbk"]["status"] == MET


# ---------------------------------------------------------------- LibreOffice decides the scores

BOUNDARY_CASES = ["total75", "total85", "pengungkit40", "pengungkit48", "area60", "area75", "bersih18.25",
                  "bersih19.5", "prima14", "prima15.75"]


@pytest.mark.libreoffice
def test_boundary_workbooks_recalculated_by_libreoffice(tmp_path):
    """The official formulas, computed by LibreOffice, land on each line, and lketool's verdict
    (exact) says met where the workbook's own float sum may sit a hair below."""
    from lketool.api import check_file
    from lketool.libreoffice import find_soffice, recalc_many
    from lketool.template import write_template

    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    raw = tmp_path / "raw"
    raw.mkdir()
    sets = {c: _on_line(c) for c in BOUNDARY_CASES}
    sets["pp75"] = _pp_exactly_75()
    srcs = [write_template(raw / f"{c}.xlsx", "lampiran-iii", unit=f"Uji {c}",
                           answers={k: v for k, v in vals.items() if not k.endswith(".total")})
            for c, vals in sets.items()]
    outs = recalc_many(srcs, tmp_path / "calc")
    for case, path in zip(sets, outs):
        res = check_file(path)
        assert res.workbook_scores is not None, case
        # the workbook's own total (LibreOffice) is lketool's, to the last bit
        assert res.workbook_scores["total"] == res.scores.total, case
        assert not [p for p in res.problems if p.code == "score-mismatch"], case
    pp = check_file(outs[-1])
    assert pp.scores.area("PP") < 7.5          # LibreOffice and Python floats: 7.499999999999999
    area = next(c for c in pp.eligibility["wbbm"]["criteria"] if c["id"] == "area:PP")
    assert area["met"] is True
    cases = dict(zip(sets, outs))
    for case, pred, cid in (("total75", "wbk", "total"), ("total85", "wbbm", "total"),
                            ("pengungkit40", "wbk", "pengungkit"), ("pengungkit48", "wbbm", "pengungkit"),
                            ("area60", "wbk", "area:PW"), ("area75", "wbbm", "area:MP"),
                            ("bersih18.25", "wbk", "bersih_akuntabel"), ("bersih19.5", "wbbm", "bersih_akuntabel"),
                            ("prima14", "wbk", "pelayanan_prima"), ("prima15.75", "wbbm", "pelayanan_prima")):
        e = check_file(cases[case]).eligibility[pred]
        assert crit(e, cid)["met"] is True, (case, cid)


def _pp_exactly_75():
    v = best()
    answers = {"P.6.i": ["A", "A", "A", "Tidak"], "P.6.ii": ["A", "A", "D", "D", "D", "E"],
               "P.6.iii": ["A", "A", "B"], "P.6.iv": ["D", "A", "A"], "P.6.v": ["D", "Ya", "A"]}
    for ind_id, opts in answers.items():
        for it, a in zip(R.indicators[ind_id].items, opts):
            v[it.id] = a
    ri = R.indicators["R.6.i"].items
    ids = {i.role: i.id for i in ri[1].inputs}
    v[ids["den"]], v[ids["num"]] = 3.0, 1.0
    return v
