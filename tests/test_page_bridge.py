"""lketool.page.bridge, natively: what the page's worker calls inside Pyodide gives the
same results as the command line, names files by the dropped name, keeps dropped
files inside its folder, and builds the downloads with the library's own writers."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import openpyxl
import pytest

from lketool import display as show
from lketool.api import check_file
from lketool.page import bridge
from page_helpers import ROOT, SAMPLES, private_bridge_root  # noqa: F401 (autouse fixture)




def _check(path, name=None, lang="id"):
    return json.loads(bridge.check_bytes(path.read_bytes(), name or path.name, lang))


def _cli_json(lang="id"):
    p = subprocess.run([sys.executable, "-m", "lketool", "score", "--format", "json", "--lang", lang,
                        *[str(s) for s in SAMPLES]], capture_output=True, text=True, cwd=ROOT)
    return {r["file"].split("/")[-1]: r for r in json.loads(p.stdout)["results"]}


def _without_file(d):
    """A result dict without the keys naming the file (the CLI names it by its path)."""
    d = json.loads(json.dumps(d, default=str))
    d.pop("file")
    for p in d["problems"]:
        p.pop("file")
    return d


@pytest.mark.parametrize("lang", ["id", "en"])
def test_results_equal_the_command_line(lang):
    cli = _cli_json(lang)
    assert len(cli) == len(SAMPLES) == 5
    for s in SAMPLES:
        v = _check(s, lang=lang)
        assert v["file"] == s.name
        assert all(p["file"] == s.name for p in v["result"]["problems"])
        assert _without_file(v["result"]) == _without_file(cli[s.name])
        assert v["total_text"] == show.number(cli[s.name]["scores"]["total"], 2, lang)


def test_verdict_is_the_library_verdict_with_its_lines():
    cli = _cli_json("id")
    for s in SAMPLES:
        v = _check(s)["verdict"]
        assert v["lines"] == cli[s.name]["verdict"]["lines"]
        # the cards show each predicate's sentence and the criteria it misses, as the CLI prints them
        lines = [line.strip() for line in v["lines"]]
        for c in v["cards"]:
            assert c["text"] in lines and all("- " + m in lines for m in c["missed"])
        # the notes are the letter's sentences (no command-line hints on a page), less the cards'
        from lketool.api import check_file
        from lketool.verdict import sentences

        want = [x for x in sentences(check_file(s), "id") if not any(x.startswith(c["text"]) for c in v["cards"])]
        assert v["notes"] == want and not any("--" in n for n in v["notes"])
        for c in v["cards"]:
            assert c["status"] == cli[s.name]["verdict"][c["key"]]["status"]
    # one failing criterion of sample 03 is named with its numbers
    v03 = _check(SAMPLES[2])
    wbk = next(c for c in v03["verdict"]["cards"] if c["key"] == "wbk")
    assert wbk["eligible"] is False and any("14,88 < 15,75" in m for m in wbk["missed"])


def test_unit_name_comes_from_the_dropped_name_not_a_temporary_path():
    blank = ROOT / "templates_xlsx" / "lke-zi-lampiran-iii.xlsx"  # names no unit inside
    v = _check(blank, "LKE_ZI_Dinas Contoh-1234.xlsx")
    assert v["unit"] == "Dinas Contoh"
    assert v["file"] == "LKE_ZI_Dinas Contoh-1234.xlsx"
    v = _check(SAMPLES[0], "kiriman/unit A.xlsx")  # a file inside a dropped folder
    assert v["file"] == "kiriman/unit A.xlsx" and v["name"] == "unit A.xlsx"


def test_dropped_names_stay_inside_the_folder():
    v = _check(SAMPLES[0], "../../../etc/C:\\evil?.xlsx")
    assert v["error"] is None
    stored = bridge.FILES / v["file"]
    assert stored.is_file() and bridge.FILES.resolve() in stored.resolve().parents
    assert ".." not in v["file"] and ":" not in v["file"]
    # the same name twice keeps both
    a, b = _check(SAMPLES[0], "x.xlsx"), _check(SAMPLES[1], "x.xlsx")
    assert a["file"] == "x.xlsx" and b["file"] == "x (2).xlsx"
    assert a["unit"] != b["unit"]


def test_a_broken_file_is_a_result_naming_it():
    v = json.loads(bridge.check_bytes(b"not a workbook", "rusak.xlsx", "id"))
    assert v["error"]["code"] == "file-not-xlsx"
    assert "rusak.xlsx" in v["error"]["message"]
    assert "verdict" not in v


def test_findings_are_grouped_with_question_and_area():
    v = _check(SAMPLES[3])  # the messy sample
    groups = v["findings"]
    n = sum(len(g["problems"]) for g in groups)
    assert n == len(v["result"]["problems"]) == v["counts"]["error"] + v["counts"]["warning"] + v["counts"]["info"]
    codes = [g["code"] for g in groups]
    assert "answer-missing" in codes and "evidence-missing" in codes
    missing = next(g for g in groups if g["code"] == "answer-missing")
    p = missing["problems"][0]
    assert p["question"] and p["question"] in p["message"]
    assert p["area"] in {a["id"] for a in v["areas"]}
    # errors first
    sev = [g["severity"] for g in groups]
    assert sev == sorted(sev, key=lambda s: {"error": 0, "warning": 1, "info": 2}[s])


def test_findings_keep_extra_keys_and_group_by_cause():
    res = check_file(SAMPLES[3])
    probs = [p.to_dict("id") for p in res.problems][:3]
    probs[0]["remedy"] = "Isi jawabannya."
    probs[1]["caused_by"] = probs[2]["caused_by"] = "L75"
    groups = bridge.findings_view(res, probs, "id")
    assert any(p.get("remedy") == "Isi jawabannya." for g in groups for p in g["problems"])
    by_cause = next(g for g in groups if g["cause"] == "L75")
    assert len(by_cause["problems"]) == 2


def test_score_rows_and_areas_are_display_text_of_the_scores():
    for s in SAMPLES:
        v = _check(s)
        sc = v["result"]["scores"]
        total = next(r for r in v["score_rows"] if r["key"] == "total")
        assert total["value_text"] == show.number(sc["total"], 2, "id")
        for a, ra in zip(v["areas"], sc["areas"]):
            assert a["id"] == ra["id"]
            assert a["share_text"] == show.percent(ra["share"], 1, "id")
    tpi = _check(SAMPLES[4])  # PortalRB with TPI answers
    assert next(r for r in tpi["score_rows"] if r["key"] == "total")["tpi_text"]
    assert tpi["verdict"]["basis"] == "tpi"


def test_downloads_are_the_library_outputs():
    keys = [_check(s)["key"] for s in SAMPLES]
    ann = openpyxl.load_workbook(io.BytesIO(bridge.annotated_copy(keys[3], "id")))
    assert ann.sheetnames[0] == "Hasil Pemeriksaan"
    assert ann["Hasil Pemeriksaan"]["C3"].value == SAMPLES[3].name  # the dropped name, no temp path
    lke = ann["LKE ZI"]
    assert sum(1 for row in lke.iter_rows() for c in row if c.comment is not None) > 5
    html = bridge.report_html(keys[0], "id").decode("utf-8")
    assert "RSUD Kota Contoh" in html and "<svg" in html
    js = json.loads(bridge.result_json(keys[1], "id"))
    assert js["results"][0]["unit"] == _check(SAMPLES[1])["unit"]
    bad = json.loads(bridge.check_bytes(b"junk", "rusak.xlsx", "id"))["key"]
    recap = openpyxl.load_workbook(io.BytesIO(bridge.recap_workbook(keys + [bad], "id")), read_only=True)
    assert "Ringkasan" in recap.sheetnames
    text = " ".join(str(c) for ws in recap.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    for s in SAMPLES:
        assert s.name in text
    assert "rusak.xlsx" in text  # the failure is listed, it did not stop the recap


def test_language_switch_gives_english_messages():
    v = _check(SAMPLES[3], lang="id")
    en = json.loads(bridge.view_json(v["key"], "en"))
    assert en["result"]["problems"][0]["message"] != v["result"]["problems"][0]["message"]
    assert en["verdict"]["lines"] != v["verdict"]["lines"]
    assert any(c["word"] in ("MEETS", "DOES NOT MEET", "CANNOT BE DETERMINED") for c in en["verdict"]["cards"])


def test_bridge_keeps_heavy_and_cli_modules_off_its_path(tmp_path):
    # As in the browser, where these are not installed at all: importing one fails.
    code = f"""
import json, sys
BLOCKED = {{'pandas', 'numpy', 'click', 'docx', 'docxtpl', 'rich', 'matplotlib'}}
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in BLOCKED:
            raise ImportError('not in the page: ' + name)
sys.meta_path.insert(0, Block())
from lketool.page import bridge
bridge.FILES = __import__('pathlib').Path({str(tmp_path)!r}) / 'f'
v = json.loads(bridge.check_bytes(open({str(SAMPLES[3])!r}, 'rb').read(), 'x.xlsx'))
bridge.annotated_copy(v['key']); bridge.recap_workbook([v['key']]); bridge.report_html(v['key'])
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & BLOCKED)))
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout.strip().splitlines()[-1]) == []


def test_recap_row_says_whose_answers_decided():
    """The recap row's basis words are the recap workbook's "Dasar putusan" words, and the
    total beside a TPI verdict is the TPI's, with the unit's own total labelled beside it."""
    from lketool.i18n import t

    for lang in ("id", "en"):
        for s in SAMPLES:
            v = _check(s, lang=lang)
            res = check_file(s)
            r = v["recap"]
            assert r["basis"] == v["verdict"]["basis"]
            assert r["basis_text"] == t(f"recap.basis.{r['basis']}", lang)
            assert r["basis_label"] == t("recap.col.basis", lang)
            if r["basis"] == "tpi":
                assert r["total"] == res.tpi_scores.total != res.scores.total
                assert r["total_note"] == t("page.selfTotal", lang, total=show.number(res.scores.total, 2, lang))
            else:
                assert r["total"] == res.scores.total and r["total_note"] == ""
            assert r["total_text"] == show.number(r["total"], 2, lang)
    assert any(_check(s)["recap"]["basis"] == "tpi" for s in SAMPLES)
