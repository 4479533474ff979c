"""build_context: the narrative is written from the numbers, recommendations come from
the editable file, and every packaged template uses only the documented keys."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2
import pytest

from lketool.api import check_file
from lketool.report import filters
from lketool.report.context import build_context
from lketool.report.recommend import RecommendationError, load_recommendations
from lketool.report.summary import build_summary_context
from lketool.report.templates import NAMES, TEMPLATE_DIR, TemplateNotFound, resolve_templates
from test_report_support import RUBRIC, SAMPLES, built, half_up, make_answers  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "report.md"


@pytest.fixture(scope="module")
def results(built):
    out = {k: check_file(v) for k, v in built.items()}
    from lketool.template import write_template

    blank = write_template(built["good"].parent / "blank-partial.xlsx", "lampiran-iii", unit="Separuh",
                           answers={k: v for k, v in make_answers(("PT",)).items()
                                    if not k.startswith(("P.1", "R.1", "P.3.i."))})
    out["blank-partial"] = check_file(blank)
    for s in SAMPLES:
        out[s.stem] = check_file(s)
    return out


@pytest.fixture(scope="module")
def contexts(results):
    return {k: build_context(r, report_date="2026-11-21", chart=False) for k, r in results.items()}


def pct1(share: float) -> str:
    return half_up(share * 100, "0.1") + "%"


def test_area_paragraph_names_strong_and_weak_indicators_from_the_shares(results, contexts):
    for name, res in results.items():
        rows = [r for r in res.indicator_rows() if not RUBRIC.indicators[r["id"]].children]
        for area in contexts[name]["areas"]:
            text = area["narasi"]
            inds = [r for r in rows if r["area"] == area["id"]]
            weak = [r for r in inds if r["share"] < 0.6 and r["answered"]]
            blank = [r for r in inds if not r["answered"]]
            strong = [r for r in inds if r["share"] >= 0.9]
            for r in weak:
                assert f"{r['name']} ({pct1(r['share'])})" in text.split("lemah")[1], (name, r["id"])
            for r in blank:
                assert r["name"] in text.split("belum dijawab sama sekali")[1], (name, r["id"])
            if strong and len(strong) < len(inds):
                for r in strong:
                    assert f"{r['name']} ({pct1(r['share'])})" in text, (name, r["id"])
            if len(strong) == len(inds):
                assert f"Seluruh {len(inds)} indikator" in text
            if not weak:
                assert "lemah" not in text
            share = res.scores.area(area["id"]) / RUBRIC.area_weight(area["id"])
            assert f"dari bobot {RUBRIC.area_weight(area['id']):.2f}".replace(".", ",") + f" ({pct1(share)})," in text
            # met or not is the verdict's exact criterion for the area (never a float compare in the report)
            met = {k: next(c["met"] for c in res.eligibility[k]["criteria"] if c["id"] == f"area:{area['id']}")
                   for k in ("wbk", "wbbm")}
            word = {True: "terpenuhi", False: "tidak terpenuhi", None: "tidak dapat ditentukan"}
            assert (f"Batas minimal per area untuk WBK (60%): {word[met['wbk']]}; "
                    f"untuk WBBM (75%): {word[met['wbbm']]}.") in text, (name, area["id"])
            answered = sum(r["answered"] for r in inds)
            expected = sum(r["expected"] for r in inds)
            if answered == expected:
                assert f"Semua {expected} butir" in text
            elif answered == 0:
                assert "Belum ada butir pertanyaan di area ini yang dijawab" in text
            else:
                assert f"Sebanyak {expected - answered} dari {expected} butir" in text


def test_weak_area_story_differs_from_good_one(contexts):
    good = {a["id"]: a["narasi"] for a in contexts["good"]["areas"]}
    weak = {a["id"]: a["narasi"] for a in contexts["weak"]["areas"]}
    assert "Batas minimal per area untuk WBK (60%): tidak terpenuhi" in weak["SDM"]
    assert "Indikator yang lemah" in weak["PW"]
    assert "Indikator yang lemah" not in good["PW"]
    assert good["PW"] != weak["PW"]


def test_recommendations_exactly_for_the_weak_indicators(results, contexts):
    recs = load_recommendations()
    for name, res in results.items():
        weak = sorted(r["id"] for r in res.indicator_rows()
                      if r["share"] < 0.6 and not RUBRIC.indicators[r["id"]].children)
        got = contexts[name]["rekomendasi"]
        assert sorted(r["indikator"] for r in got) == weak, name
        for r in got:
            assert r["teks"] == recs[r["indikator"]]
        assert [r["persen"] for r in got] == sorted(r["persen"] for r in got)


def test_packaged_recommendations_cover_every_indicator():
    data = json.loads((TEMPLATE_DIR / "rekomendasi.json").read_text(encoding="utf-8"))
    assert set(data["indikator"]) == set(RUBRIC.indicators)
    assert all(len(t) > 40 for t in data["indikator"].values())
    assert data["default"]


def test_user_recommendation_file_json_and_yaml(results, tmp_path):
    j = tmp_path / "rek.json"
    j.write_text(json.dumps({"default": "Teks bawaan.", "indikator": {"P.3.ii": "Khusus mutasi & <pola>."}}),
                 encoding="utf-8")
    recs = load_recommendations(j)
    ctx = build_context(results["weak"], recommendations=recs, chart=False)
    texts = {r["indikator"]: r["teks"] for r in ctx["rekomendasi"]}
    assert texts["P.3.ii"] == "Khusus mutasi & <pola>."
    assert {t for k, t in texts.items() if k != "P.3.ii"} == {"Teks bawaan."}
    yaml = pytest.importorskip("yaml")
    y = tmp_path / "rekomendasi.yaml"
    y.write_text(yaml.safe_dump({"P.3.ii": "Dari YAML.", "default": "Bawaan YAML."}, allow_unicode=True),
                 encoding="utf-8")
    assert load_recommendations(y)["P.3.ii"] == "Dari YAML."
    bad = tmp_path / "bad.json"
    bad.write_text("{ tidak json", encoding="utf-8")
    with pytest.raises(RecommendationError, match="bukan JSON yang sah"):
        load_recommendations(bad)


def test_no_evidence_rows_and_problem_groups_cover_all_problems(results, contexts):
    for name, res in results.items():
        ctx = contexts[name]
        ne = [p for p in res.problems if p.code == "evidence-missing"]
        assert len(ctx["tanpa_bukti"]) == len(ne)
        others = [p for p in res.problems if p.code != "evidence-missing"]
        assert sum(g["jumlah"] for g in ctx["masalah"]) == len(others)
        assert {g["kode"] for g in ctx["masalah"]} == {p.code for p in others}
        for g in ctx["masalah"]:
            cells = {p.location.cell for p in others if p.code == g["kode"] and p.location.cell}
            assert set(filter(None, g["sel"].split(", "))) == cells
            assert len(g["rincian"]) + g["lainnya"] == g["jumlah"]


def test_tpi_differences_in_context(results, contexts):
    res = results["tpi"]
    ctx = contexts["tpi"]
    assert ctx["ada_tpi"] is True
    assert [d["butir"] for d in ctx["tpi_selisih"]] == [d["item"] for d in res.tpi_differences()]
    assert ctx["tpi_nilai"]["total"] == res.tpi_scores.total
    assert contexts["good"]["ada_tpi"] is False and contexts["good"]["tpi_selisih"] == []


def test_context_refuses_an_unreadable_file(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_bytes(b"not a zip")
    res = check_file(p)
    with pytest.raises(ValueError, match="tidak ada nilai"):
        build_context(res)


# ---------------------------------------------------------------- templates against the context

def _summary_ctx(contexts):
    return build_summary_context(list(contexts.values()), [{"file": "x.xlsx", "error": "rusak"}], chart=False)


def test_every_packaged_template_uses_only_context_keys(contexts):
    from docxtpl import DocxTemplate

    env = filters.make_environment()
    unit_keys = set(contexts["tpi"])
    summary_keys = set(_summary_ctx(contexts))
    for (kind, fmt), name in NAMES.items():
        keys = unit_keys if kind == "report" else summary_keys
        path = TEMPLATE_DIR / name
        if fmt == "html":
            from jinja2 import meta

            used = meta.find_undeclared_variables(env.parse(path.read_text(encoding="utf-8")))
        else:
            used = DocxTemplate(str(path)).get_undeclared_template_variables(jinja_env=env)
        assert used, name  # the check saw the template's variables at all
        assert used <= keys, (name, used - keys)


def test_context_keys_are_documented(contexts):
    if not DOC.is_file():
        pytest.skip("docs/report.md not written yet")
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.M))
    for key in set(contexts["tpi"]) | set(_summary_ctx(contexts)):
        assert key in documented, key


def test_strict_undefined_names_the_misspelt_variable(contexts, tmp_path):
    from lketool.report.render_html import render_html

    tpl = tmp_path / "report.html.j2"
    tpl.write_text("<p>{{ unti }}</p>", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError, match="unti"):
        render_html(contexts["good"], tmp_path / "x.html", tpl)


def test_template_overrides_by_folder_and_file(tmp_path):
    (tmp_path / "report.html.j2").write_text("x", encoding="utf-8")
    own = tmp_path / "summary-kami.docx"
    own.write_bytes(b"")
    got = resolve_templates([tmp_path, own])
    assert got[("report", "html")] == tmp_path / "report.html.j2"
    assert got[("summary", "docx")] == own
    assert got[("report", "docx")] == TEMPLATE_DIR / "report.docx"
    with pytest.raises(TemplateNotFound):
        resolve_templates([tmp_path / "tidak-ada.docx"])
