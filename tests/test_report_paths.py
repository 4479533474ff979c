"""Issue 12 defects: relative and absolute output paths for every output option of
`report` (and `check --annotate`), and a refused re-run never shrinks manifest.json;
`mail` with an empty or missing manifest is an error."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from lketool.cli import main
from test_report_support import built  # noqa: F401

DATE = "2026-11-21"


def run(*args):
    r = CliRunner().invoke(main, [*map(str, args)])
    return r.exit_code, r.output


@pytest.mark.parametrize("fmt", ["docx", "html", "docx,html"])
@pytest.mark.parametrize("relative", [True, False])
def test_report_outputs_with_relative_and_absolute_outdir(built, tmp_path, monkeypatch, fmt, relative):
    monkeypatch.chdir(tmp_path)
    out = "hasil/laporan" if relative else tmp_path / "hasil" / "laporan"
    code, text = run("report", built["good"], "-o", out, "--format", fmt, "--summary", "--date", DATE)
    assert code == 0, text
    m = json.loads((tmp_path / "hasil" / "laporan" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(m["reports"][0]["outputs"]) == sorted(fmt.split(","))
    for f in m["reports"][0]["outputs"].values():
        assert (tmp_path / "hasil" / "laporan" / f).is_file()
    assert sorted(m["summary"]["outputs"]) == sorted(fmt.split(","))


@pytest.mark.libreoffice
@pytest.mark.parametrize("relative", [True, False])
def test_report_pdf_with_relative_and_absolute_outdir(built, tmp_path, monkeypatch, relative):
    monkeypatch.chdir(tmp_path)
    out = "pdf1" if relative else tmp_path / "pdf1"
    code, text = run("report", built["good"], "-o", out, "--format", "pdf", "--summary", "--date", DATE)
    assert code == 0, text
    assert "Traceback" not in text
    m = json.loads((tmp_path / "pdf1" / "manifest.json").read_text(encoding="utf-8"))
    assert m["reports"][0]["outputs"] == {"pdf": "unit-baik.pdf"}
    assert (tmp_path / "pdf1" / "unit-baik.pdf").read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "pdf1" / "ringkasan.pdf").is_file()
    assert sorted(p.name for p in (tmp_path / "pdf1").iterdir()) == ["manifest.json", "ringkasan.pdf",
                                                                      "unit-baik.pdf"]


@pytest.mark.parametrize("relative", [True, False])
def test_check_annotate_with_relative_and_absolute_path(built, tmp_path, monkeypatch, relative):
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(built["good"], tmp_path / "in.xlsx")
    out = "sub/diperiksa.xlsx" if relative else tmp_path / "sub" / "diperiksa.xlsx"
    (tmp_path / "sub").mkdir()
    code, text = run("check", "in.xlsx" if relative else tmp_path / "in.xlsx", "--annotate", out)
    assert code in (0, 1), text
    assert (tmp_path / "sub" / "diperiksa.xlsx").is_file()


def test_refused_rerun_keeps_manifest_entries_on_disk(built, tmp_path):
    out = tmp_path / "out"
    assert run("report", built["good"], built["weak"], "-o", out, "--date", DATE)[0] == 0
    first = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(first["reports"]) == 2
    code, text = run("report", built["good"], built["weak"], "-o", out, "--date", DATE)
    assert code == 1 and "sudah ada" in text
    again = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [r["key"] for r in again["reports"]] == [r["key"] for r in first["reports"]]
    assert [r["outputs"] for r in again["reports"]] == [r["outputs"] for r in first["reports"]]
    # a file removed by hand is no longer listed; the other one stays
    gone = first["reports"][0]
    for f in gone["outputs"].values():
        (out / f).unlink()
    run("report", built["weak"], "-o", out, "--date", DATE)
    last = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [r["key"] for r in last["reports"]] == [first["reports"][1]["key"]]


def test_mail_with_empty_or_missing_manifest_is_an_error(built, tmp_path):
    rec = tmp_path / "unit.csv"
    rec.write_text("unit,email\nUnit Baik,a@example.org\n", encoding="utf-8")
    missing = tmp_path / "kosong"
    missing.mkdir()
    code, text = run("mail", "--recipients", rec, "--reports", missing)
    assert code == 2 and "manifest.json" in text and "tidak ditemukan" in text
    (missing / "manifest.json").write_text('{"reports": [], "failures": []}', encoding="utf-8")
    code, text = run("mail", "--recipients", rec, "--reports", missing)
    assert code == 2 and "tidak mendaftar satu laporan pun" in text
    assert not (missing / "outbox").exists() or not list((missing / "outbox").iterdir())


@pytest.mark.parametrize("relative", [True, False])
def test_check_annotate_dir_with_relative_and_absolute_path(built, tmp_path, monkeypatch, relative):
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(built["good"], tmp_path / "in.xlsx")
    out = "salinan/baru" if relative else tmp_path / "salinan" / "baru"
    code, text = run("check", "in.xlsx", "--annotate-dir", out)
    assert code in (0, 1), text
    assert [p.name for p in (tmp_path / "salinan" / "baru").iterdir()] == ["in-diperiksa.xlsx"]
