"""Scoring rules on answer sets built in memory (no workbook)."""
import pytest

from lketool.rubric import load_rubric
from lketool.score import compute_scores, pct_value
from lketool.verdict import evaluate

R = load_rubric()


def full_answers(choice="first", survey=4.0):
    vals = {}
    for it in R.items.values():
        if it.type in ("yn", "abc", "abcd", "abcde"):
            opts = list(R.options(it.type))
            vals[it.id] = opts[0] if choice == "first" else opts[-1]
        elif it.type == "survey":
            vals[it.id] = survey
        else:
            has_parts = any(i.role == "part" for i in it.inputs)
            for inp in it.inputs:
                if has_parts and inp.role == "num":
                    vals[inp.id] = 15.0  # all of the 5+5+5 required have reported
                    continue
                vals[inp.id] = {"den": 10.0, "num": 10.0, "prev": 4.0, "curr": 0.0, "sanctioned": 0.0,
                                "in_process": 0.0, "part": 5.0, "total": 15.0}[inp.role]
    return vals


def test_all_best_answers_score_100():
    s = compute_scores(R, full_answers())
    assert s.total == pytest.approx(100, abs=1e-12)
    assert (s.pengungkit, s.hasil) == (pytest.approx(60), pytest.approx(40))
    assert s.answered == s.expected == 113


def test_abcd_b_is_067_not_two_thirds():
    vals = full_answers()
    vals["P.1.iii.a"] = "B"  # indicator iii (weight 1) has three A/B/C/D items
    s = compute_scores(R, vals)
    assert s.indicators["P.1.iii"].score == (0.67 + 1 + 1) / 3 * 1.0


def test_unanswered_is_left_out_of_the_average_unless_strict():
    vals = full_answers()
    vals.pop("P.1.ii.a")  # indicator ii: 3 items, weight 1
    assert compute_scores(R, vals).indicators["P.1.ii"].score == 1.0
    strict = compute_scores(R, vals, strict=True)
    assert strict.indicators["P.1.ii"].score == pytest.approx(2 / 3)
    assert strict.answered == 112


def test_survey_value_over_four_times_weight():
    vals = full_answers(survey=3.6)
    s = compute_scores(R, vals)
    assert s.ipak == 3.6 / 4 * 17.5 and s.ipkp == 3.6 / 4 * 17.5
    assert s.ipak_survey == 3.6


def test_pct_rules():
    item = R.items["R.1.i.a"]  # ratio num/den
    den, num = (i.id for i in sorted(item.inputs, key=lambda i: i.role))  # den, num
    assert pct_value(item, {den: 7.0, num: 1.0}).value == 1 / 7
    capped = pct_value(item, {den: 3.0, num: 5.0})
    assert (capped.value, capped.rule) == (1.0, "capped")
    # no change agents at all: the obligation is undefined (rubric zero_rule), not 100 %
    zero = pct_value(item, {den: 0.0, num: 0.0})
    assert (zero.value, zero.rule) == (None, "zero-undefined")
    complaints = R.items["R.5.ii.a"]  # no complaints to handle: nothing outstanding
    cids = {i.role: i.id for i in complaints.inputs}
    done = pct_value(complaints, {cids["den"]: 0.0, cids["num"]: 0.0, cids["in_process"]: 0.0})
    assert (done.value, done.rule) == (1.0, "zero-denominator")
    assert pct_value(item, {den: 3.0}).value is None  # not filled: left out like "Blm Diisi"
    dec = R.items["R.3.iii.a"]
    ids = {i.role: i.id for i in dec.inputs}
    assert pct_value(dec, {ids["prev"]: 4.0, ids["curr"]: 1.0, ids["sanctioned"]: 1.0}).value == 0.75
    assert pct_value(dec, {ids["prev"]: 0.0, ids["curr"]: 0.0, ids["sanctioned"]: 0.0}).value == 1.0
    rose = pct_value(dec, {ids["prev"]: 0.0, ids["curr"]: 2.0, ids["sanctioned"]: 0.0})
    assert (rose.value, rose.rule) == (0.0, "zero-previous")
    assert pct_value(dec, {ids["prev"]: 2.0, ids["curr"]: 5.0, ids["sanctioned"]: 0.0}).value == 0.0


def test_lhkasn_required_count_is_the_sum_of_its_parts():
    # 90/2021 Lampiran III lines 4049-4053 (3,00 = 1,00 + 1,00 + 1,00) and PortalRB 2026 (parts
    # only): the typed total of the real workbook (12, parts 0 + 1 + 12) is not used.
    item = R.items["R.5.iii.b.a"]
    ids = {i.id.rsplit(".", 1)[1]: i.id for i in item.inputs}
    vals = {ids["total"]: 12.0, ids["1"]: 0.0, ids["2"]: 1.0, ids["3"]: 12.0, ids["4"]: 12.0}
    assert pct_value(item, vals).value == 12 / 13
    del vals[ids["2"]]                                  # a part missing: the typed total is all there is
    assert pct_value(item, vals).value == 1.0


def test_per_half_is_stricter():
    vals = full_answers()
    # MP reform: i (weight 2) all worst, ii and iii (weight 1 each) best -> reform 2/4 = 50 %,
    # the whole area 6/8 = 75 % passes WBK's 60 % while the reform half fails it
    ri = R.items["R.1.i.a"], R.items["R.1.i.b"]
    for it in ri:
        ids = {i.role: i.id for i in it.inputs}
        vals[ids["num"]] = 0.0
    assert evaluate(R, vals)["wbk"]["eligible"]
    strict = evaluate(R, vals, per_half=True)["wbk"]
    assert strict["eligible"] is False and strict["missed"] == ["area:MP:reform"]


def test_mismatch_numbers_are_shown_readably_and_differently():
    from lketool.checks.formulas import mismatch_params, shown_pair

    assert shown_pair(21.0273630952381, 20.7108630952381) == ("21,03", "20,71")
    assert shown_pair(21.0273630952381, 20.7108630952381, "en") == ("21.03", "20.71")
    # numbers that only differ far behind the comma still look different
    a, b = shown_pair(75.0, 74.99999)
    assert a != b and a.startswith("75,00000") and b.startswith("74,99999")
    p = mismatch_params(5.22125, 4.72125, "area PW", "area PW", ("x", "y"))
    assert (p["cached"], p["computed"], p["diff"], p["diff_en"]) == ("5,22", "4,72", "; selisih +0,50",
                                                                     "; difference +0.50")
    assert (p["cause"], p["cause_en"]) == ("; sebab: x", "; cause: y")
    q = mismatch_params(0.0, None, "nilai butir", "item value")
    assert (q["cached"], q["computed"], q["computed_en"], q["diff"]) == ("0", "kosong", "blank", "")
