"""`lketool recap` on the command line: exit codes, outputs, progress, helpers."""
from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from lketool.cli import main
from lketool.recap.labels import TEXT
from lketool.recap.progress import Progress
from lketool.cells import csv_text, sheet_name
from lketool.recap.tables import missed_text
from lketool.rubric import load_rubric
from lketool.template import write_template
from test_recap_support import random_answers

RB = load_rubric()


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("cli") / "LKE"
    d.mkdir()
    write_template(d / "Dinas_Satu.xlsx", "lampiran-iii", unit="Dinas Satu", answers=random_answers(RB, 11))
    write_template(d / "Dinas_Dua.xlsx", "lampiran-iii", unit="Dinas Dua", answers=random_answers(RB, 12))
    return d


def run(*args):
    return CliRunner().invoke(main, ["recap", *map(str, args)], catch_exceptions=False)


def test_exit_codes(good, tmp_path):
    r = run(good, "-o", tmp_path / "Rekap.xlsx", "-j", "1")
    assert r.exit_code == 0, r.output
    assert "2 unit, 0 file gagal dibaca" in r.stdout
    assert openpyxl.load_workbook(tmp_path / "Rekap.xlsx")["Ringkasan"]["B5"].value in ("Dinas Satu", "Dinas Dua")

    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"not a zip")
    r = run(good, bad, "-o", tmp_path / "Rekap2.xlsx", "-j", "1")
    assert r.exit_code == 1 and "GAGAL" in r.stdout and "rusak.xlsx" in r.stdout

    empty = tmp_path / "kosong"
    empty.mkdir()
    r = run(empty, "-o", tmp_path / "x.xlsx")
    assert r.exit_code == 2 and "Tidak ada file" in r.stderr
    assert not (tmp_path / "x.xlsx").exists()
    assert run(tmp_path / "tidak-ada", "-o", tmp_path / "y.xlsx").exit_code == 2
    assert run(good, "-o", tmp_path / "no" / "dir.xlsx").exit_code == 2
    assert run(good, "--format", "pdf").exit_code == 2


def test_json_to_stdout_and_quiet(good, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run(good, "--format", "json", "-q", "-j", "1")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert {d["unit"] for d in data["results"]} == {"Dinas Satu", "Dinas Dua"}
    assert r.stderr == ""  # --quiet: no progress, no summary
    r = run(good, "-o", tmp_path / "r.csv", "-j", "1", "--lang", "en")  # format follows the suffix
    assert r.exit_code == 0 and "Recap written" in r.stdout
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").startswith("rank,unit,file,")


def test_output_is_never_an_input(good, tmp_path):
    out = good / "Rekap.xlsx"
    try:
        assert run(good, "-o", out, "-j", "1").exit_code == 0
        r = run(good, "-o", out, "-j", "1")  # the recap from the first run sits in the folder
        assert r.exit_code == 0 and "2 unit" in r.stdout
        assert "disalin dari cache" in r.stdout, "nothing changed: the user is told the recap was reused"
        r = run(good, good / "Dinas_Satu.xlsx", "-o", out, "-j", "1")  # named twice: recapped once
        assert r.exit_code == 0 and "2 unit" in r.stdout
    finally:
        out.unlink(missing_ok=True)


def test_progress_plain_lines_when_not_a_terminal():
    buf = io.StringIO()
    with Progress(stream=buf) as p:
        for k in range(1, 101):
            p("check", k, 100)
    lines = buf.getvalue().splitlines()
    assert lines[-1] == "Memeriksa LKE: 100/100 (100%)"
    assert 2 <= len(lines) <= 12 and "sisa" in lines[1]
    quiet = io.StringIO()
    with Progress(stream=quiet, quiet=True) as p:
        p("check", 1, 1)
    assert quiet.getvalue() == ""


def test_missed_text_format():
    # [id, value, minimum, unit, met, short label id, short label en] as lketool.recap.tables._compact
    # keeps them; the short labels come from the rubric data through lketool.verdict
    missed = [["total", 72.1, 75, "points", False, "Total", "Total"],
              ["area:PW", 0.55, 0.6, "share", False, "Area PW", "Area PW"],
              ["bersih_akuntabel", 18.0, 18.25, "points", False, "Bersih & akuntabel", "Clean & accountable"]]
    assert missed_text(missed) == "Total 72,10 < 75 (-2,90); Area PW 55% < 60%; Bersih & akuntabel 18,00 < 18,25 (-0,25)"
    assert missed_text(missed, "en").startswith("Total 72.10 < 75 (-2.90); Area PW 55% < 60%")
    # never "75,00 < 75" or "60% < 60%": more decimals until the shown value is below
    assert missed_text([["total", 74.999, 75, "points", False, "Total", "Total"]]).startswith("Total 74,999 < 75")
    assert missed_text([["area:MP", 0.5996, 0.6, "share", False, "Area MP", "Area MP"]]) == "Area MP 59,96% < 60%"
    assert missed_text([["ipak", 15.0, 15.75, "points", None, "IPAK", "IPAK"]]) == "IPAK: tidak dapat ditentukan"


def test_sheet_names_and_csv_neutralising():
    n = sheet_name("Rekap: unit/wilayah [2025] *final*? \\ panjang sekali sekali")
    assert len(n) <= 31 and not set(n) & set("\\*?:/[]")
    taken: set[str] = set()
    assert sheet_name("Area", taken) == "Area" and sheet_name("area", taken) == "area (2)"
    for s in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx"):
        assert csv_text(s) == "'" + s
    assert csv_text("Dinas") == "Dinas"


def test_every_label_has_both_languages():
    assert all(len(v) == 2 and all(v) for v in TEXT.values())
