"""lketool.libreoffice: finding soffice, clear errors, timeouts, real conversions."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from lketool import libreoffice as lo
from lketool.template import write_template

posix_only = pytest.mark.skipif(os.name != "posix", reason="fake soffice is a shell script")


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    exe = tmp_path / "soffice"
    exe.write_text("#!/bin/sh\n" + body + "\n")
    exe.chmod(0o755)
    return exe


def test_not_installed_gives_a_plain_indonesian_message(tmp_path, monkeypatch):
    monkeypatch.setattr(lo, "find_soffice", lambda: None)
    src = write_template(tmp_path / "a.xlsx")
    with pytest.raises(lo.LibreOfficeError) as exc:
        lo.recalc(src, tmp_path / "b.xlsx")
    assert exc.value.code == "not-installed"
    assert "LibreOffice tidak ditemukan" in exc.value.message("id")
    assert "not found" in exc.value.message("en")
    assert not (tmp_path / "b.xlsx").exists()


@posix_only
def test_env_variable_names_soffice(tmp_path, monkeypatch):
    exe = _fake_soffice(tmp_path, "exit 0")
    monkeypatch.setenv(lo.ENV_VAR, str(exe))
    assert lo.find_soffice() == str(exe)


@posix_only
def test_failure_and_missing_output_are_errors(tmp_path, monkeypatch):
    src = write_template(tmp_path / "a.xlsx")
    monkeypatch.setenv(lo.ENV_VAR, str(_fake_soffice(tmp_path, "echo boom >&2; exit 3")))
    with pytest.raises(lo.LibreOfficeError) as exc:
        lo.recalc(src, tmp_path / "out.xlsx")
    assert exc.value.code == "failed" and "boom" in exc.value.message()
    monkeypatch.setenv(lo.ENV_VAR, str(_fake_soffice(tmp_path, "exit 0")))  # "succeeds", writes nothing
    with pytest.raises(lo.LibreOfficeError) as exc:
        lo.recalc(src, tmp_path / "out.xlsx")
    assert exc.value.code == "failed"
    assert not (tmp_path / "out.xlsx").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".lketool")] == []  # no leftovers


@posix_only
def test_timeout_kills_soffice_and_its_children(tmp_path, monkeypatch):
    marker = tmp_path / "still-running"
    # a child that would write the marker after 3 s: killed with its parent's group
    exe = _fake_soffice(tmp_path, f"(sleep 3; touch '{marker}') & sleep 30")
    monkeypatch.setenv(lo.ENV_VAR, str(exe))
    src = write_template(tmp_path / "a.xlsx")
    t0 = time.monotonic()
    with pytest.raises(lo.LibreOfficeError) as exc:
        lo.recalc(src, tmp_path / "out.xlsx", timeout=1)
    assert exc.value.code == "timeout"
    assert time.monotonic() - t0 < 10
    time.sleep(3.5)
    assert not marker.exists()


@pytest.mark.libreoffice
def test_recalc_in_place_and_pdf(tmp_path):
    import openpyxl

    if lo.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    src = write_template(tmp_path / "lke.xlsx", "portalrb-2026", unit="Unit Uji",
                         answers={"P.1.i.a": "Ya", "P.1.i.b": "B"})
    lo.recalc(src, src)  # same path: written atomically over itself
    ws = openpyxl.load_workbook(src, data_only=True)["Nilai"]
    values = {r[0].value: r[2].value for r in ws.iter_rows(min_row=2, max_col=3) if r[0].value}
    assert values["P.1.i"] == pytest.approx((1 + 0.5) / 2 * 0.5)
    pdf = lo.to_pdf(src, tmp_path / "pdf")
    assert pdf.name == "lke.pdf" and pdf.read_bytes().startswith(b"%PDF")


def test_recalc_many_rejects_duplicate_names(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = write_template(tmp_path / "a" / "x.xlsx")
    two = write_template(tmp_path / "b" / "x.xlsx")
    with pytest.raises(ValueError):
        lo.recalc_many([one, two], tmp_path / "out")



@pytest.mark.libreoffice
def test_template_command_recalc_option(tmp_path):
    import openpyxl
    from click.testing import CliRunner

    from lketool.cli import main
    from lketool.template import lampiran_rows

    if lo.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path / "kosong.xlsx"
    res = CliRunner().invoke(main, ["template", "-o", str(out), "--unit", "Dinas Uji", "--recalc"])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out, data_only=True)["LKE ZI"]
    rows = lampiran_rows(unit="Dinas Uji")
    assert ws[f"L{rows['P.1.i.a']}"].value == "Blm Diisi"  # a computed value, not a formula
    assert ws["C2"].value == "Dinas Uji"
