"""One view, one set of verdict words: a criterion added in the rubric data alone reaches
every output, and no renderer keeps its own copy of the verdict words or score rows."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lketool.api import check_file
from lketool.rubric import DATA_DIR, rubric_from_dict

PKG = Path(__file__).resolve().parents[1] / "lketool"
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "01-wbbm-rsud-kota-contoh.xlsx"


@pytest.fixture(scope="module")
def extra_rubric():
    data = json.loads((DATA_DIR / "permenpanrb-90-2021.json").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["edition"] = "uji-kriteria-tambahan"
    data["predicates"]["wbk"]["criteria"].append(
        {"id": "hasil-uji", "metric": "hasil", "min": 39.5, "label": "Kriteria uji tambahan",
         "label_en": "Extra test criterion", "short": "Uji", "short_en": "Test", "source": "uji"})
    return rubric_from_dict(data)


def test_a_criterion_added_in_data_reaches_every_output(extra_rubric, tmp_path):
    res = check_file(SAMPLE, rubric=extra_rubric)
    assert res.error is None
    crit = next(c for c in res.eligibility["wbk"]["criteria"] if c["id"] == "hasil-uji")
    assert crit["met"] is False and res.eligibility["wbk"]["eligible"] is False
    d = res.to_dict()
    assert "hasil-uji" in d["verdict"]["wbk"]["missed"]
    assert any("Kriteria uji tambahan" in ln for ln in d["verdict"]["lines"])
    assert any("Extra test criterion" in ln for ln in res.to_dict("en")["verdict"]["lines"])
    # the recap's missed-criteria text
    from lketool.recap.tables import missed_text, summary_row

    row = summary_row(d)
    assert "Uji" in missed_text(row["missed_wbk"]) and "Test" in missed_text(row["missed_wbk"], "en")
    # the report: its criteria table and its conclusion
    from lketool.report.context import build_context

    ctx = build_context(res, report_date="2026-11-30")
    wbk = next(v for v in ctx["predikat"] if v["kode"] == "wbk")
    assert "Kriteria uji tambahan" in [k["label"] for k in wbk["kriteria"]]
    assert "Kriteria uji tambahan" in ctx["kesimpulan"]
    # the letter's table of the criteria that decided the verdict
    rows = [r["label"] for g in ctx["putusan"]["kriteria"] if g["kode"] == "wbk" for r in g["baris"]]
    assert "Kriteria uji tambahan" in rows


# a string literal that words a verdict: "memenuhi" (not "terpenuhi"), "eligible", "does not meet" in
# a phrase (a dict key such as "eligible" is data, not words)
LITERAL = re.compile(r"""(["'])([^"'\n]*)\1""")
WORDS = re.compile(r"(?i)\b(memenuhi|eligible|does not meet)\b")


def test_verdict_words_exist_once():
    """Only lketool/verdict.py spells the verdict words; every renderer asks it."""
    stray = []
    for path in PKG.rglob("*.py"):
        if path.name == "verdict.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(WORDS.search(m.group(2)) and " " in m.group(2).strip() for m in LITERAL.finditer(line)):
                stray.append(f"{path.relative_to(PKG)}:{n}: {line.strip()}")
    assert stray == []


def test_every_renderer_takes_its_score_rows_from_the_view():
    """Terminal table, CSV and JSON show exactly lketool.view's rows, under its labels."""
    import csv
    import io

    from lketool.cli import main
    from lketool.view import score_rows

    sample = SAMPLE.with_name("05-portalrb-samsat-kabupaten-sampel.xlsx")
    res = check_file(sample)
    rows = score_rows(res, "en")
    term = CliRunner().invoke(main, ["score", str(sample), "--lang", "en"], env={"COLUMNS": "160"}).output
    for r in rows:
        assert r["label"] in term, r["label"]
    out = CliRunner().invoke(main, ["score", str(sample), "--lang", "en", "--format", "csv"]).output
    head = next(csv.reader(io.StringIO(out)))
    assert [r["label"] for r in rows] == head[3:3 + len(rows)]
    d = json.loads(CliRunner().invoke(main, ["score", str(sample), "--lang", "en", "--format", "json"]).output)
    assert [r["label"] for r in d["results"][0]["score_rows"]] == [r["label"] for r in rows]


def test_a_problem_code_added_in_data_reaches_every_output(tmp_path, monkeypatch):
    """A new code is a line in the codes table plus its texts in the message files: its message,
    title and remedy then reach JSON, the terminal and CSV without code that knows it."""
    from lketool import i18n
    from lketool.commands import _common as c
    from lketool.problems import CATALOGUE, Location, Problem, register

    msgs = tmp_path / "msgs"
    msgs.mkdir()
    for lang, (title, msg, fix) in {"id": ("Uji baru", "Pesan uji {value}", "Perbaiki sel {cell}"),
                                    "en": ("New test", "Test message {value}", "Fix cell {cell}")}.items():
        (msgs / f"{lang}.json").write_text(json.dumps(
            {"problem": {"uji-baru": {"title": title, "message": msg, "remedy": fix}}}), encoding="utf-8")
    monkeypatch.setenv(i18n.ENV_PATH, str(msgs))
    i18n.reload()
    register("uji-baru", "warning")
    try:
        res = check_file(SAMPLE)
        res.problems.append(Problem("uji-baru", Location(str(SAMPLE), "LKE ZI", "K9", 9, 11, "P.1.i.a"), value="x"))
        d = res.to_dict("en")
        p = next(p for p in d["problems"] if p["code"] == "uji-baru")
        assert (p["message"], p["remedy"], p["severity"]) == ("Test message x", "Fix cell K9", "warning")
        assert "Pesan uji x" in c.problems_table([res], "id")
        columns, rows = c.finding_rows([res], "id")
        assert any("Pesan uji x" in str(v) for row in rows for v in row.values())
        assert CATALOGUE["uji-baru"].title("id") == "Uji baru"
    finally:
        CATALOGUE.pop("uji-baru", None)
        i18n.reload()
