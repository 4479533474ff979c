"""check/score/diff outputs: the one CSV writer (Indonesian Excel dialect, no formula
injection), --format xlsx, root causes first, the terminal view, --unit/-q/-o."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from lketool.cells import openpyxl_text
from lketool.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
S02 = SAMPLES / "02-wbk-dinas-dukcapil-kabupaten-sampel.xlsx"
S04 = SAMPLES / "04-berantakan-puskesmas-contoh-raya.xlsx"
HOSTILE_UNIT = "=cmd|' /C calc'!A0"
HOSTILE = ["+1+2", "-3+4", "@SUM(1,2)", "\t=1+1", "\r=2+2", '=HYPERLINK("http://x.example/","klik")']
INJECTION_START = ("=", "+", "-", "@", "\t", "\r")


def run(*args: str, env: dict | None = None):
    r = CliRunner().invoke(main, list(args), env=env)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    return r


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    """Sample 02 with a formula-like unit name, and a copy with formula-like notes and an
    answer, so that the diff between them carries hostile old/new values."""
    d = tmp_path_factory.mktemp("hostile")
    wb = openpyxl.load_workbook(S02)
    ws = wb["LKE ZI"]
    openpyxl_text(ws["C2"], HOSTILE_UNIT)
    old = d / "old.xlsx"
    wb.save(old)
    for row, text in zip((8, 9, 11, 12, 13, 15), HOSTILE):  # item rows of the sample
        openpyxl_text(ws[f"O{row}"], text)  # Catatan column
    openpyxl_text(ws["K13"], "@B")
    new = d / "new.xlsx"
    wb.save(new)
    return {"old": old, "new": new, "dir": d}


def _is_number(s: str, lang: str) -> bool:
    try:
        float(s.replace(",", ".") if lang == "id" else s)
        return True
    except ValueError:
        return False


def _csv(raw: bytes, lang: str) -> list[list[str]]:
    if lang == "id":
        assert raw.startswith(b"\xef\xbb\xbf"), "Indonesian CSV starts with a UTF-8 BOM"
    else:
        assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";" if lang == "id" else ","))


def _assert_no_injection(rows: list[list[str]], lang: str) -> None:
    for row in rows:
        for f in row:
            if f.startswith(INJECTION_START):
                assert _is_number(f, lang), f"live formula text in CSV: {f!r}"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_check_score_diff_csv_neutralise_formula_text(hostile, lang):
    """Issue 15.3: every CSV writes = + - @ TAB CR at the start of text with an apostrophe."""
    outs = {}
    for name, args in {"check": ["check", str(hostile["old"])], "score": ["score", str(hostile["old"])],
                       "diff": ["diff", str(hostile["old"]), str(hostile["new"])]}.items():
        r = run(*args, "--format", "csv", "--lang", lang)
        rows = _csv(r.stdout_bytes, lang)
        _assert_no_injection(rows, lang)
        outs[name] = rows
    for name in ("check", "score"):
        assert any("'" + HOSTILE_UNIT in row for row in outs[name]), name
    diff_fields = {f for row in outs["diff"] for f in row}
    for text in HOSTILE:
        assert "'" + text.strip() in diff_fields or "'" + text in diff_fields, text
    assert "'@B" in diff_fields


def test_indonesian_dialect_and_english_dialect():
    r = run("score", str(S02), "--format", "csv")
    rows = _csv(r.stdout_bytes, "id")
    head, row = rows[0], rows[1]
    # the score columns are lketool.view's rows, under its labels
    assert head[:4] == ["Berkas", "Unit", "Tata letak", "Nilai total"]
    total = row[head.index("Nilai total")]
    assert "," in total and "." not in total  # decimal comma, full precision
    assert row[head.index("WBK")] and not _is_number(row[head.index("WBK")], "id")  # the verdict word
    assert row[head.index("Sementara")] in ("ya", "tidak")
    r = run("score", str(S02), "--format", "csv", "--lang", "en")
    rows = _csv(r.stdout_bytes, "en")
    assert rows[0][:4] == ["File", "Unit", "Layout", "Total score"]
    assert float(rows[1][3]) == pytest.approx(float(total.replace(",", ".")), abs=0)


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
def test_indonesian_csv_opens_with_numbers_as_numbers(hostile, tmp_path):
    """The Indonesian CSV read by LibreOffice as Excel in Indonesia reads it (';' list
    separator, language id-ID = 1057, UTF-8): numbers come back as numbers, text with
    formula characters as text, never a formula."""
    csv_file = tmp_path / "nilai.csv"
    r = run("score", str(S02), str(hostile["old"]), "--format", "csv", "-o", str(csv_file))
    assert r.exit_code in (0, 1), r.output
    profile = tmp_path / "lo-profile"
    subprocess.run([_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--infilter=CSV:59,34,76,1,,1057", "--convert-to", "xlsx", "--outdir", str(tmp_path),
                    str(csv_file)], check=True, capture_output=True, timeout=120)
    ws = openpyxl.load_workbook(tmp_path / "nilai.xlsx").active
    head = [c.value for c in ws[1]]
    assert head[:4] == ["Berkas", "Unit", "Tata letak", "Nilai total"]
    from lketool.api import check_file

    want = check_file(S02).scores
    for row in ws.iter_rows(min_row=2, values_only=False):
        cells = {h: c for h, c in zip(head, row)}
        for key in ("Nilai total", "Pengungkit", "Pemenuhan", "Manajemen Perubahan", "Terjawab"):
            assert cells[key].data_type == "n", (key, cells[key].value)
        assert cells["Nilai total"].value == pytest.approx(want.total, rel=1e-12)
        assert all(c.data_type != "f" for c in row)
    units = [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)]
    assert any(u and u.endswith(HOSTILE_UNIT) for u in units)


def test_check_xlsx_one_row_per_finding_with_filter_and_frozen_header(hostile, tmp_path):
    out = tmp_path / "temuan.xlsx"
    r = run("check", str(S04), str(hostile["old"]), "--format", "xlsx", "-o", str(out))
    assert r.exit_code == 1
    wb = openpyxl.load_workbook(out)
    ws = wb["Temuan"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    head = [c.value for c in ws[1]]
    assert head[:6] == ["Berkas", "Unit", "Sheet", "Sel", "Tingkat", "Kode"]
    from lketool.api import check_file

    n = len(check_file(S04).problems) + len(check_file(hostile["old"]).problems)
    assert ws.max_row == 1 + n
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value == HOSTILE_UNIT and c.data_type == "s" for c in cells)
    assert "Akibat dari" in head and "Perbaikan" in head  # the remedy column
    derived = [row for row in ws.iter_rows(min_row=2, values_only=True) if row[head.index("Akibat dari")]]
    assert len(derived) == 8
    files = wb["Berkas"]
    fhead = [c.value for c in files[1]]
    rows = {row[0]: dict(zip(fhead, row)) for row in files.iter_rows(min_row=2, values_only=True)}
    assert rows[str(S04)]["Kesalahan pokok"] == 19 and rows[str(S04)]["Nilai turunan"] == 8
    assert not list(tmp_path.glob(".*tmp*"))  # atomic: no temporary file left


def test_score_xlsx_one_row_per_file(tmp_path):
    out = tmp_path / "nilai.xlsx"
    r = run("score", str(SAMPLES), "--format", "xlsx", "-o", str(out), "--lang", "en")
    assert r.exit_code == 1  # sample 04 has errors
    ws = openpyxl.load_workbook(out)["Scores"]
    head = [c.value for c in ws[1]]
    assert ws.max_row == 1 + 5 and ws.freeze_panes == "A2" and ws.auto_filter.ref
    totals = [row[head.index("Total score")] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(t, float) for t in totals)
    assert {row[head.index("Provisional")] for row in ws.iter_rows(min_row=2, values_only=True)} <= {True, False}
    assert all(isinstance(row[head.index("WBK")], str) for row in ws.iter_rows(min_row=2, values_only=True))


def test_xlsx_needs_output():
    r = run("check", str(S02), "--format", "xlsx")
    assert r.exit_code == 2 and "-o" in r.output


def test_sample04_root_causes_first():
    r = run("check", str(S04), "--format", "json")
    res = json.loads(r.output)["results"][0]
    assert res["root_counts"] == {"root_problems": 19, "root_errors": 19, "root_warnings": 0, "derived_values": 8}
    probs = res["problems"]
    derived = {p["cell"]: p["caused_by"] for p in probs if p["caused_by"]}
    assert set(derived) == {"L5", "L75", "L89", "L99", "L105", "L107", "L197", "L207"}
    assert derived["L89"] == [{"sheet": "LKE ZI", "cell": "L91", "code": "formula-overwritten"}]
    assert derived["L107"] == [{"sheet": "LKE ZI", "cell": "J107", "code": "answer-type-altered"}]
    assert {c["cell"] for c in derived["L207"]} == {"L91", "J107"}  # the total follows both roots
    assert all(p["caused_by"] is None for p in probs if p["code"] != "score-mismatch")

    r = run("check", str(S04), env={"COLUMNS": "100"})
    out = r.output
    assert "19 masalah pokok (19 kesalahan, 0 peringatan), 8 nilai turunan" in out
    assert "Perlu 19 perbaikan sebelum LKE ini bersih untuk dikirim" in out
    # the consequences are listed under their root, after it
    lines = out.splitlines()
    root = next(i for i, l in enumerate(lines) if "LKE ZI!L91" in l and "formula-overwritten" in l)
    assert any("Nilai turunan yang mengikutinya (5)" in l for l in lines[root + 1:root + 6])
    assert any(l.strip().startswith("Perbaikan: ") for l in lines[root + 1:root + 6])  # the remedy
    assert any("LKE ZI!L89" in l for l in lines[root + 3:root + 20])
    en = run("check", str(S04), "--lang", "en").output
    assert "19 root problems (19 errors, 0 warnings), 8 derived values" in en
    assert "KESALAHAN" not in en and "ERROR" in en


def test_real_workbook_root_causes(real_workbook):
    from lketool.api import check_file

    r = check_file(real_workbook)
    derived = [p for p in r.problems if p.caused_by]
    assert {p.location.cell for p in derived} == {"L8", "L125", "L167", "L175", "L183", "L184", "L198", "L208"}
    assert {k for p in derived for k in p.caused_by} == {("LKE ZI", "L175", "formula-altered"),
                                                           ("LKE ZI", "J8", "answer-type-altered"),
                                                           ("LKE ZI", "K185", "count-inconsistent")}
    # the typed total explains its item's row too: the root is the count finding, not the
    # evidence finding that happens to sit on that row
    l184 = next(p for p in derived if p.location.cell == "L184")
    assert l184.caused_by == (("LKE ZI", "K185", "count-inconsistent"),)


def test_full_question_text_wrapped_to_terminal_width():
    from lketool.rubric import load_rubric

    text = load_rubric().items["P.3.iii.e"].text
    assert len(text) > 90
    r = run("check", str(S04), env={"COLUMNS": "72"})
    lines = r.output.splitlines()
    i = next(i for i, l in enumerate(lines) if "K50" in l)
    j = next(j for j in range(i + 1, len(lines)) if "LKE ZI!" in lines[j] or lines[j].startswith("  ->"))
    message = " ".join(l.strip() for l in lines[i + 1:j])
    assert text in message  # never cut
    assert all(len(l) <= 72 for l in lines if not l.startswith("==") and "://" not in l)


def test_severity_words_and_plural():
    from lketool.problems import ERROR, WARNING, severity_count, severity_label

    assert severity_label(ERROR, "id") == "Kesalahan" and severity_label(WARNING, "en") == "Warning"
    assert severity_count(1, ERROR, "en") == "1 error" and severity_count(2, WARNING, "en") == "2 warnings"
    assert severity_count(2, ERROR, "id") == "2 kesalahan"


def test_clean_file_summary_and_quiet():
    r = run("check", str(S02), "-q")
    assert r.exit_code == 0
    assert r.output.splitlines()[-2:] == ["  -> 0 masalah pokok (0 kesalahan, 0 peringatan), 0 nilai turunan",
                                         "  Tidak ada kesalahan: siap dikirim."]
    r = run("check", str(S04), "-q", "--lang", "en")
    assert "answer-missing" not in r.output and "19 fixes stand between" in r.output


def test_unit_overrides_the_name_for_one_file(tmp_path):
    r = run("score", str(S02), "--unit", "Dinas Uji", "--format", "json")
    assert json.loads(r.output)["results"][0]["unit"] == "Dinas Uji"
    r = run("check", str(S04), "--unit", "Dinas Uji", "--format", "csv", "--lang", "en")
    assert _csv(r.stdout_bytes, "en")[1][1] == "Dinas Uji"
    r = run("check", str(S02), str(S04), "--unit", "X")
    assert r.exit_code == 2 and "--unit" in r.output


def test_output_file_for_json_and_table(tmp_path):
    out = tmp_path / "hasil.json"
    r = run("check", str(S04), "--format", "json", "-o", str(out))
    assert r.exit_code == 1 and r.stdout.strip() == ""
    assert json.loads(out.read_text("utf-8"))["results"][0]["counts"]["error"] == 27
    bad = tmp_path / "missing-dir-is-a-file"
    bad.write_text("x")
    r = run("check", str(S02), "--format", "json", "-o", str(bad / "x.json"))
    assert r.exit_code == 2 and "tidak dapat menulis" in r.output


def test_check_import_path_stays_light():
    code = ("import sys, runpy; sys.argv=['lketool','check',%r,'--format','csv'];\n"
            "try: runpy.run_module('lketool', run_name='__main__')\n"
            "except SystemExit: pass\n"
            "bad=[m for m in ('pandas','openpyxl','xlsxwriter','jinja2') if m in sys.modules]\n"
            "sys.stderr.write('HEAVY:'+','.join(bad))") % str(S02)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "HEAVY:" in p.stderr and p.stderr.split("HEAVY:")[1].strip() == ""


def test_options_are_the_same_across_commands():
    import importlib

    def params(name):
        cmd = importlib.import_module(f"lketool.commands.{name}").command
        return {p.name: p for p in cmd.params}

    for name in ("check", "score"):
        p = params(name)
        assert {"lang", "fmt", "output", "quiet", "unit"} <= set(p), name
        assert list(p["fmt"].type.choices) == ["table", "json", "csv", "xlsx"] and p["fmt"].default == "table"
        assert p["quiet"].opts == ["-q", "--quiet"] and p["output"].opts == ["-o", "--output"]
    for name in ("diff", "links"):
        p = params(name)
        assert {"lang", "fmt", "output"} <= set(p) and p["fmt"].default == "table", name
    jobs = {name: params(name)["jobs"] for name in ("recap", "report")}
    assert {j.default for j in jobs.values()} == {None}  # None = every core, in both
    assert all(j.opts == ["-j", "--jobs"] for j in jobs.values())


def test_score_quiet_and_whole_area_titles():
    r = run("score", str(S02), "-q")
    lines = r.output.splitlines()
    assert lines[1].strip().startswith("Nilai total") and len(lines) == 4  # header, total, WBK, WBBM
    full = run("score", str(S02), env={"COLUMNS": "120"}).output
    assert "Penataan Sistem Manajemen SDM Aparatur" in full  # was cut at 26 characters
