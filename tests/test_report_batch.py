"""`lketool report`: files and names, manifest.json for `lketool mail`, overwrite
refusal, failures listed, exit codes, --jobs, --summary, and PDF through LibreOffice."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lketool.api import check_file
from lketool.cli import main
from lketool.report.batch import ReportOptions, generate_reports
from conftest import require_tool
from test_report_support import NASTY_UNIT, HtmlDoc, built, docx_text  # noqa: F401

DATE = "2026-11-21"


def run(*args):
    r = CliRunner().invoke(main, ["report", *map(str, args)])
    return r.exit_code, r.output


@pytest.fixture
def inputs(built, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for k in ("good", "weak", "nasty"):
        shutil.copyfile(built[k], d / f"{k}.xlsx")
    shutil.copyfile(built["good"], d / "good-copy.xlsx")  # same unit name: needs a unique key
    (d / "rusak.xlsx").write_bytes(b"PK\x03\x04 bukan zip")
    (d / "~$good.xlsx").write_bytes(b"office lock file")  # skipped
    return d


def test_reports_manifest_and_failures(inputs, tmp_path):
    out = tmp_path / "out"
    code, text = run(inputs, "-o", out, "--date", DATE, "--format", "docx,html", "--summary", "--instansi", "Kab. X")
    assert code == 1, text  # one file failed
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(m) >= {"generated_at", "lketool_version", "reports", "failures"}
    by_file = {Path(r["source_file"]).name: r for r in m["reports"]}
    assert sorted(by_file) == ["good-copy.xlsx", "good.xlsx", "nasty.xlsx", "weak.xlsx"]
    # keys are given in input order (folders sorted: "good-copy" before "good.")
    assert by_file["good-copy.xlsx"]["key"] == "unit-baik" and by_file["good.xlsx"]["key"] == "unit-baik-2"
    assert by_file["nasty.xlsx"]["key"] == "script-alert-1-script-dinas-contoh"
    assert by_file["nasty.xlsx"]["unit"] == NASTY_UNIT
    for name, r in by_file.items():
        res = check_file(inputs / name)
        assert set(r) == {"unit", "source_file", "key", "total", "wbk_eligible", "wbbm_eligible", "errors",
                          "warnings", "outputs"}
        assert r["total"] == res.scores.total
        assert r["wbk_eligible"] is res.eligibility["wbk"]["eligible"]
        assert r["wbbm_eligible"] is res.eligibility["wbbm"]["eligible"]
        assert (r["errors"], r["warnings"]) == (res.counts["error"], res.counts["warning"])
        assert r["outputs"] == {"docx": f"{r['key']}.docx", "html": f"{r['key']}.html"}
        for f in r["outputs"].values():
            assert (out / f).is_file()
    assert [Path(f["source_file"]).name for f in m["failures"]] == ["rusak.xlsx"]
    assert "GAGAL" in text and "rusak.xlsx" in text
    assert (out / "ringkasan.docx").is_file() and (out / "ringkasan.html").is_file()
    summary = HtmlDoc((out / "ringkasan.html").read_text(encoding="utf-8"))
    assert NASTY_UNIT in summary.text and "rusak.xlsx" in summary.text and "Kab. X" in summary.text
    assert "script" not in summary.tags
    assert not list(out.glob(".*")), "temporary files left behind"

    # the mail command reads exactly this manifest
    from lketool.mailer.manifest import load_manifest

    mm = load_manifest(out)
    assert [e.key for e in mm.reports] == [r["key"] for r in m["reports"]]


def test_existing_reports_are_not_overwritten(built, tmp_path):
    out = tmp_path / "out"
    assert run(built["good"], "-o", out, "--date", DATE)[0] == 0
    (out / "unit-baik.html").write_text("diubah tangan", encoding="utf-8")
    code, text = run(built["good"], "-o", out, "--date", DATE)
    assert code == 1
    assert "sudah ada" in text and "--overwrite" in text
    assert (out / "unit-baik.html").read_text(encoding="utf-8") == "diubah tangan"
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # the refused run keeps listing the report that is still on disk (for `lketool mail`)
    assert [r["key"] for r in m["reports"]] == ["unit-baik"] and "sudah ada" in m["failures"][0]["error"]
    code, text = run(built["good"], "-o", out, "--date", DATE, "--overwrite")
    assert code == 0, text
    assert "Unit Baik" in (out / "unit-baik.html").read_text(encoding="utf-8")


def test_jobs_give_the_same_result(inputs, tmp_path):
    a = generate_reports([inputs], tmp_path / "a", ReportOptions(report_date=DATE, jobs=1))
    b = generate_reports([inputs], tmp_path / "b", ReportOptions(report_date=DATE, jobs=2))
    strip = lambda r: [(o.source_file, o.key, o.total, o.outputs, o.error) for o in r.outcomes]  # noqa: E731
    assert strip(a) == strip(b)
    for o in a.reports:
        assert docx_text(tmp_path / "a" / o.outputs["docx"]) == docx_text(tmp_path / "b" / o.outputs["docx"])


def test_usage_errors_exit_2(built, tmp_path):
    assert run(built["good"], "-o", tmp_path, "--format", "docx,odt")[0] == 2
    assert run(built["good"], "-o", tmp_path, "--date", "21-11-2026")[0] == 2
    empty = tmp_path / "kosong"
    empty.mkdir()
    code, text = run(empty, "-o", tmp_path / "o")
    assert code == 2 and "Tidak ada berkas LKE" in text
    bad = tmp_path / "rek.json"
    bad.write_text("{", encoding="utf-8")
    code, text = run(built["good"], "-o", tmp_path / "o", "--rekomendasi", bad)
    assert code == 2 and "rek.json" in text


def test_user_template_with_unknown_variable_fails_each_unit_clearly(built, tmp_path):
    tpl = tmp_path / "report.html.j2"
    tpl.write_text("<p>{{ nama_unit }}</p>", encoding="utf-8")
    code, text = run(built["good"], "-o", tmp_path / "o", "--format", "html", "--template", tpl)
    assert code == 1
    assert "nama_unit" in text and "docs/report.md" in text


def test_plain_progress_lines_when_not_a_terminal(built, tmp_path):
    r = CliRunner().invoke(main, ["report", str(built["good"]), "-o", str(tmp_path / "o"), "--format", "html"])
    assert "Memeriksa [1/1]" in r.output and "Menulis laporan [1/1] Unit Baik" in r.output


def test_pdf_without_libreoffice_says_so_and_keeps_other_formats(built, tmp_path, monkeypatch):
    import lketool.libreoffice as lo

    monkeypatch.setattr(lo, "find_soffice", lambda: None)
    out = tmp_path / "o"
    code, text = run(built["good"], "-o", out, "--format", "docx,pdf")
    assert code == 1
    assert "LibreOffice tidak ditemukan" in text
    assert (out / "unit-baik.docx").is_file() and not (out / "unit-baik.pdf").exists()
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["reports"][0]["outputs"] == {"docx": "unit-baik.docx"}


@pytest.mark.libreoffice
def test_word_reports_convert_to_pdf(built, tmp_path):
    out = tmp_path / "o"
    code, text = run(built["good"], built["tpi"], "-o", out, "--format", "pdf,html", "--summary", "--date", DATE)
    assert code == 0, text
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [sorted(r["outputs"]) for r in m["reports"]] == [["html", "pdf"], ["html", "pdf"]]
    assert not list(out.glob("*.docx"))  # Word files made only for the PDF are not left behind
    for r in m["reports"]:
        pdf = out / r["outputs"]["pdf"]
        assert pdf.read_bytes()[:5] == b"%PDF-"
        import subprocess

        # pdftotext (poppler-utils) comes with LibreOffice on most systems; in CI it must be there
        txt = subprocess.run([require_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True).stdout
        assert r["unit"] in txt and "Pemenuhan Syarat Predikat" in txt
    assert (out / "ringkasan.pdf").read_bytes()[:5] == b"%PDF-"


def test_missing_packaged_templates_are_a_usage_error(built, tmp_path, monkeypatch):
    import lketool.report.templates as t

    monkeypatch.setattr(t, "TEMPLATE_DIR", tmp_path / "tidak-terpasang")
    code, text = run(built["good"], "-o", tmp_path / "o", "--format", "html")
    assert code == 2
    assert "report.html.j2 tidak ditemukan" in text and "--template" in text
