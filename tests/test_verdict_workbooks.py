"""The verdict on real files: each defect of issue 11 shown on a workbook built with the
official layouts (Lampiran III and PortalRB 2026), through the library, JSON and the CLI."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lketool.api import check_file
from lketool.cli import main
from lketool.rubric import load_rubric
from lketool.template import write_template
from lketool.verdict import MET, NOT_MET, UNDETERMINED
from test_verdict import best, zero

R = load_rubric()
LAYOUTS = ["lampiran-iii", "portalrb-2026"]


def answers_for(layout, vals):
    out = {}
    for eid in R.entry_ids():
        if eid in vals:
            out[eid] = vals[eid]
    return out


def build(tmp_path, layout, vals, name="u", **kw):
    return write_template(tmp_path / f"{name}-{layout}.xlsx", layout, unit=f"Unit {name}",
                          answers=answers_for(layout, vals), **kw)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_stray_spaces_are_blank_to_the_official_formula(tmp_path, layout):
    v = best()
    v["P.1.i.a"] = "Ya "      # 'Ya ' <> "Ya" in Excel
    v["P.2.i.a"] = " a"       # lower case alone would be fine
    res = check_file(build(tmp_path, layout, v))
    codes = {(p.code, p.location.item) for p in res.problems}
    assert ("answer-spaces", "P.1.i.a") in codes and ("answer-spaces", "P.2.i.a") in codes
    assert res.values["P.1.i.a"] is None and res.values["P.2.i.a"] is None
    assert res.scores.answered == res.scores.expected - 2
    msg = next(p for p in res.problems if p.code == "answer-spaces").message()
    assert "Hapus spasi" in msg


@pytest.mark.parametrize("layout", LAYOUTS)
def test_lhkpn_below_100_percent_on_a_workbook(tmp_path, layout):
    v = best()
    v[R.items["R.5.iii.a.a"].input("num").id] = 13.0
    res = check_file(build(tmp_path, layout, v))
    assert res.eligibility["wbk"]["status"] == NOT_MET
    assert "lhkpn-lhkasn" in res.eligibility["wbk"]["missed"]
    r = CliRunner().invoke(main, ["score", str(res.file)])
    assert "Kepatuhan penyampaian LHKPN dan LHKASN 100%: 86,67% < 100%" in r.output


def test_tpi_answers_decide_the_headline(tmp_path):
    v = best()
    tpi = dict(v)
    tpi[R.metric_indicator("ipak").items[0].id] = 3.0       # the TPI's IPAK fails 3.60
    path = build(tmp_path, "portalrb-2026", v, tpi_answers=answers_for("portalrb-2026", tpi))
    res = check_file(path)
    d = res.to_dict()
    assert d["eligibility"]["wbk"]["status"] == MET           # the unit's self-assessment
    assert d["tpi_eligibility"]["wbk"]["status"] == NOT_MET
    assert d["verdict"]["basis"] == "tpi" and d["verdict"]["wbk"]["status"] == NOT_MET
    lines = d["verdict"]["lines"]
    assert "jawaban TPI" in lines[0]
    assert any(ln.strip().startswith("Penilaian mandiri unit: Menuju WBK MEMENUHI") for ln in lines)


def test_partial_tpi_column_is_provisional_and_says_how_blanks_read(tmp_path):
    v = best()
    tpi = dict(v)
    tpi.pop("P.1.i.a")
    path = build(tmp_path, "portalrb-2026", v, tpi_answers=answers_for("portalrb-2026", tpi))
    d = check_file(path).to_dict()
    assert d["verdict"]["basis"] == "tpi" and d["verdict"]["provisional"] is True
    assert any("1 butir belum dinilai TPI" in ln for ln in d["verdict"]["lines"])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_survey_out_of_range_cannot_be_decided(tmp_path, layout):
    v = best()
    item = R.metric_indicator("ipak").items[0]
    v[item.id] = 5.0
    res = check_file(build(tmp_path, layout, v))
    d = res.to_dict()
    assert d["eligibility"]["wbk"]["eligible"] is None
    assert d["verdict"]["wbk"]["status"] == UNDETERMINED and "ipak" in d["verdict"]["wbk"]["blocking"]
    cell = res.mapped.entries[item.id].answer_cell
    text = "\n".join(d["verdict"]["lines"])
    assert "Menuju WBK: TIDAK DAPAT DITENTUKAN" in text and f"!{cell}" in text and "di luar 0-4" in text
    en = "\n".join(res.to_dict("en")["verdict"]["lines"])
    assert "Menuju WBK: CANNOT BE DETERMINED" in en


@pytest.mark.parametrize("layout", LAYOUTS)
def test_blank_answers_make_a_provisional_verdict_with_strict_beside_it(tmp_path, layout):
    v = best()
    v.pop("P.1.ii.a")
    d = check_file(build(tmp_path, layout, v)).to_dict()
    assert d["verdict"]["provisional"] is True and d["verdict"]["wbk"]["text"].endswith("(SEMENTARA)")
    assert d["verdict"]["strict"] == {"wbk": MET, "wbbm": MET}
    assert any("--strict" in ln for ln in d["verdict"]["lines"])
    assert any("kesalahan" in ln for ln in d["verdict"]["lines"])  # the blank is an error finding


@pytest.mark.parametrize("layout", LAYOUTS)
def test_undefined_zero_ratio_blocks_the_area(tmp_path, layout):
    v = best()
    ids = {i.role: i.id for i in R.items["R.4.i.a"].inputs}
    v[ids["den"]], v[ids["num"]] = 0, 0
    zero(v, indicator="R.4.iii")
    res = check_file(build(tmp_path, layout, v))
    assert res.eligibility["wbbm"]["eligible"] is None and "area:AK" in res.eligibility["wbbm"]["blocking"]
    assert any(p.code == "count-inconsistent" and "tidak terdefinisi" in p.message() for p in res.problems)


def test_json_and_terminal_say_the_same_words(tmp_path):
    v = best()
    path = build(tmp_path, "lampiran-iii", v)
    r = CliRunner().invoke(main, ["score", str(path), "--format", "json"])
    d = json.loads(r.output)["results"][0]
    t = CliRunner().invoke(main, ["score", str(path)])
    for line in d["verdict"]["lines"]:
        assert line in t.output
    assert d["verdict"]["wbbm"]["conditional"] is True
    assert "berlaku hanya bila unit sudah berpredikat Menuju WBK" in d["verdict"]["wbbm"]["text"]
    t = CliRunner().invoke(main, ["score", str(path), "--sudah-wbk", "--terpenuhi", "tlhp"])
    assert "Menuju WBBM: MEMENUHI (unit dinyatakan sudah berpredikat Menuju WBK)" in t.output
    assert "Dinyatakan terpenuhi (tidak diperiksa lketool): Tindak lanjut" in t.output
    bad = CliRunner().invoke(main, ["score", str(path), "--terpenuhi", "nope"])
    assert bad.exit_code == 2 and "nope" in bad.output
