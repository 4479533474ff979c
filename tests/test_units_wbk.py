"""The units file's optional ``sudah_wbk`` column: parsed strictly, and it reaches the verdict
of ``lketool recap`` and ``lketool report`` per unit, winning over ``--sudah-wbk``/``--belum-wbk``
for that unit while the flag stays the default for the others."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from lketool.cli import main
from lketool.units import UnitsFileError, load_units, read_units

ROOT = Path(__file__).resolve().parents[1]
WBBM_SAMPLE = ROOT / "samples" / "01-wbbm-rsud-kota-contoh.xlsx"  # meets every WBBM threshold
CONDITION = "berlaku hanya bila"


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("column", ["sudah_wbk", "Sudah WBK", "PREDIKAT_WBK"])
def test_column_names_and_values(tmp_path, column):
    p = _csv(tmp_path / "u.csv", f"berkas,unit,{column}\n"
                                 "a.xlsx,Unit A,Ya\nb.xlsx,Unit B,TIDAK\nc.xlsx,Unit C,yes\nd.xlsx,Unit D,no\n"
                                 "e.xlsx,Unit E,1\nf.xlsx,Unit F,0\ng.xlsx,Unit G,\n")
    u = read_units(p)
    got = {f: u.has_wbk_for(f"x/{f}.xlsx", default="flag") for f in "abcdefg"}
    assert got == {"a": True, "b": False, "c": True, "d": False, "e": True, "f": False, "g": "flag"}
    assert u.name_for("G.XLSX") == "Unit G" and u.has_wbk_for("a") is True  # without extension too
    assert u.has_wbk_for("tidak-terdaftar.xlsx", default=False) is False
    assert load_units(p)["a.xlsx"] == "Unit A"  # the names API is unchanged


def test_wbk_column_without_names_and_in_xlsx(tmp_path):
    p = _csv(tmp_path / "u.csv", "file;sudah_wbk\nlke-1.xlsx;ya\n")
    assert read_units(p).has_wbk_for("lke-1.xlsx") is True and read_units(p).names == {}
    wb = openpyxl.Workbook()
    wb.active.append(["file", "nama_unit", "predikat_wbk"])
    wb.active.append(["LKE-1.xlsx", "Satu", 1])  # a number typed in Excel
    wb.active.append(["LKE-2.xlsx", "Dua", "Tidak"])
    wb.save(tmp_path / "u.xlsx")
    u = read_units(tmp_path / "u.xlsx")
    assert (u.has_wbk_for("lke-1.xlsx"), u.has_wbk_for("lke-2.xlsx")) == (True, False)


def test_bad_value_names_file_row_and_value(tmp_path):
    p = _csv(tmp_path / "unit-zi.csv", "file,unit,sudah_wbk\na.xlsx,A,ya\nb.xlsx,B,mungkin\n")
    with pytest.raises(UnitsFileError) as e:
        read_units(p)
    msg = str(e.value)
    assert "unit-zi.csv" in msg and "baris 3" in msg and "'mungkin'" in msg and "b.xlsx" in msg
    clash = _csv(tmp_path / "dua.csv", "file,unit,sudah_wbk\na.xlsx,A,ya\na,A,tidak\n")
    with pytest.raises(UnitsFileError, match="dua nilai"):
        read_units(clash)


@pytest.fixture(scope="module")
def two_units(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("wbk") / "LKE"
    d.mkdir()
    shutil.copy(WBBM_SAMPLE, d / "rsud-sudah.xlsx")
    shutil.copy(WBBM_SAMPLE, d / "rsud-belum-diketahui.xlsx")
    _csv(d.parent / "unit.csv", "berkas,nama_unit,sudah_wbk\nrsud-sudah.xlsx,RSUD Sudah WBK,ya\n"
                                "rsud-belum-diketahui.xlsx,RSUD Lain,\n")
    return d


def _recap_json(folder: Path, *extra) -> dict[str, dict]:
    r = CliRunner().invoke(main, ["recap", str(folder), "--format", "json", "--no-cache", "-q", "-j", "1",
                                  "--units", str(folder.parent / "unit.csv"), *extra], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return {Path(x["file"]).name: x for x in json.loads(r.stdout)["results"]}


def test_recap_verdict_per_unit(two_units):
    got = _recap_json(two_units)
    sure, other = got["rsud-sudah.xlsx"], got["rsud-belum-diketahui.xlsx"]
    assert sure["unit"] == "RSUD Sudah WBK" and other["unit"] == "RSUD Lain"  # names from the file too
    assert sure["verdict"]["wbbm"]["status"] == other["verdict"]["wbbm"]["status"] == "memenuhi"
    assert sure["verdict"]["wbbm"]["conditional"] is False
    assert CONDITION not in sure["verdict"]["wbbm"]["text"]
    assert "dinyatakan sudah berpredikat" in sure["verdict"]["wbbm"]["text"]
    # the unit left blank keeps the command line's default: no flag, so still conditional
    assert other["verdict"]["wbbm"]["conditional"] is True and CONDITION in other["verdict"]["wbbm"]["text"]


def test_recap_unit_value_wins_over_flag(two_units, tmp_path):
    got = _recap_json(two_units, "--belum-wbk")
    assert got["rsud-sudah.xlsx"]["verdict"]["wbbm"]["status"] == "memenuhi"  # its own "ya" wins
    assert got["rsud-belum-diketahui.xlsx"]["verdict"]["wbbm"]["status"] == "tidak-memenuhi"  # the flag


def test_recap_xlsx_column(two_units, tmp_path):
    out = tmp_path / "Rekap.xlsx"
    r = CliRunner().invoke(main, ["recap", str(two_units), "-o", str(out), "-q", "-j", "1",
                                  "--cache-dir", str(tmp_path / "c"), "--units", str(two_units.parent / "unit.csv")],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out, read_only=True)["Ringkasan"]
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    head_i = next(i for i, row in enumerate(rows) if "Layak WBBM" in row)
    head = rows[head_i]
    cells = {row[head.index("Unit")]: row[head.index("Layak WBBM")] for row in rows[head_i + 1:]
             if row[head.index("Unit")] in ("RSUD Sudah WBK", "RSUD Lain")}
    assert cells["RSUD Sudah WBK"].startswith("MEMENUHI") and "bila sudah WBK" not in cells["RSUD Sudah WBK"]
    assert "bila sudah WBK" in cells["RSUD Lain"]
    # a changed units file changes the cache key: the verdict is not taken from the cache
    (two_units.parent / "unit2.csv").write_text("berkas,sudah_wbk\nrsud-sudah.xlsx,tidak\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["recap", str(two_units), "--format", "json", "-q", "-j", "1",
                                  "--cache-dir", str(tmp_path / "c"), "--units", str(two_units.parent / "unit2.csv")],
                           catch_exceptions=False)
    got = {Path(x["file"]).name: x for x in json.loads(r.stdout)["results"]}
    assert got["rsud-sudah.xlsx"]["verdict"]["wbbm"]["status"] == "tidak-memenuhi"


def test_recap_bad_units_file_is_a_usage_error(two_units, tmp_path):
    bad = _csv(tmp_path / "salah.csv", "file,sudah_wbk\nrsud-sudah.xlsx,kadang\n")
    r = CliRunner().invoke(main, ["recap", str(two_units), "--format", "json", "--no-cache", "-q",
                                  "--units", str(bad)])
    assert r.exit_code == 2 and "salah.csv" in r.output and "baris 2" in r.output and "Traceback" not in r.output


def test_report_verdict_per_unit(two_units, tmp_path):
    out = tmp_path / "lap"
    r = CliRunner().invoke(main, ["report", str(two_units), "-o", str(out), "--format", "html", "-q", "-j", "1",
                                  "--units", str(two_units.parent / "unit.csv")], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    manifest = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    verdicts = {Path(e["source_file"]).name: e["verdict"] for e in manifest["reports"]}
    assert CONDITION not in verdicts["rsud-sudah.xlsx"] and "Menuju WBBM: MEMENUHI" in verdicts["rsud-sudah.xlsx"]
    assert CONDITION in verdicts["rsud-belum-diketahui.xlsx"]
