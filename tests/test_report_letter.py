"""The Word LHE as an official letter, checked on the rendered pages: LibreOffice turns
it into PDF, pdftotext reads the body, pdftoppm draws page 1.  Also the letter options,
the settings file, the letterhead image, --unit/--units and the unit-name note."""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from lketool.cli import main
from test_report_support import SAMPLES, built, docx_blocks, docx_text  # noqa: F401

DATE = "2026-11-21"
INTERNALS = ["lketool", ".xlsx", "Rubrik", "Nilai di workbook", "Draf LHE", "answer-missing", "score-mismatch",
             "evidence-missing", "evidence-invalid", "answer-invalid", "hitung ulang lketool"]


def run(*args):
    r = CliRunner().invoke(main, ["report", *map(str, args)])
    return r.exit_code, r.output


def _kop(path: Path) -> Path:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1600, 260), "white")
    ImageDraw.Draw(img).rectangle([0, 240, 1600, 250], fill="black")
    img.save(path)
    return path


def _body_and_appendix(text: str) -> tuple[str, str]:
    i = text.find("Lampiran I\n")
    assert i > 0, "no appendix"
    return text[:i], text[i:]


@pytest.mark.libreoffice
@pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdftoppm"), reason="poppler-utils missing")
def test_rendered_letter_has_its_parts_and_no_tool_internals_in_the_body(tmp_path):
    sample = next(s for s in SAMPLES if s.name.startswith("04-"))
    settings = tmp_path / "lhe.toml"
    settings.write_text('nomor = "700/123/ITKAB/2026"\nsifat = "Biasa"\njabatan = "Ketua TPI"\n'
                        'kop = "kop.png"\n', encoding="utf-8")
    _kop(tmp_path / "kop.png")
    out = tmp_path / "o"
    code, text = run(sample, "-o", out, "--format", "pdf", "--date", DATE, "--settings", settings,
                     "--penandatangan", "Dra. Siti Aminah, M.Si.", "--nip", "19700101 199503 2 001",
                     "--tempat", "Sampel", "--kepada", "Kepala Puskesmas Contoh Raya")
    assert code == 0, text
    pdf = out / "puskesmas-contoh-raya.pdf"
    txt = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    body, appendix = _body_and_appendix(txt)
    flat = " ".join(body.split())
    for part in ("Nomor : 700/123/ITKAB/2026", "Sifat : Biasa", "Lampiran : 2 (dua) berkas",
                 "Hal : Laporan Hasil Evaluasi Zona Integritas Puskesmas Contoh Raya",
                 "Yth. Kepala Puskesmas Contoh Raya",
                 "Berdasarkan hasil evaluasi atas Lembar Kerja Evaluasi Zona Integritas Puskesmas Contoh Raya",
                 "Demikian laporan hasil evaluasi ini kami sampaikan",
                 "Sampel, 21 November 2026", "Ketua TPI,", "Dra. Siti Aminah, M.Si.", "NIP 19700101 199503 2 001"):
        assert part in flat, part
    for word in INTERNALS:
        assert word.lower() not in body.lower(), word
    assert "anti korupsi" not in flat.lower() and "survey" not in flat.lower()
    assert not re.search(r"\([^()]*\([^()]*\)[^()]*\)", flat), "nested parentheses in the letter"
    assert "Halaman 1 dari" in txt
    # the appendix carries what the body does not
    flat_app = " ".join(appendix.split())
    assert "Catatan Teknis Pemeriksaan" in flat_app and "puskesmas" in flat_app.lower()
    assert "answer-" in flat_app and "Nilai yang tersimpan di berkas" in flat_app
    # the full question text, never cut mid-word
    assert "memberikan nilai manfaat bagi unit kerja secara optimal" in flat_app
    # the letterhead image is on page 1: its black rule is drawn near the top
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    from PIL import Image

    (png,) = tmp_path.glob("p*.png")
    img = Image.open(png).convert("L")
    top = [img.getpixel((img.width // 2, y)) for y in range(int(img.height * 0.15))]
    assert min(top) < 60, "no letterhead on page 1"


def test_blank_letter_parts_stay_visibly_blank(built, tmp_path):
    out = tmp_path / "o"
    code, text = run(built["good"], "-o", out, "--format", "docx", "--date", DATE)
    assert code == 0, text
    t = docx_text(out / "unit-baik.docx")
    assert "Nomor | : | " + "\u2026" * 12 in t
    assert "Yth. " + "\u2026" * 12 in t
    assert "NIP " + "\u2026" * 12 in t
    assert "21 November 2026" in t


def test_unit_option_and_units_file_correct_the_name_and_the_appendix_says_where_it_came_from(built, tmp_path):
    from lketool.template import write_template

    blank = write_template(tmp_path / "tanpa-nama.xlsx", "lampiran-iii")
    out = tmp_path / "a"
    assert run(blank, "-o", out, "--format", "docx", "--date", DATE)[0] in (0, 1)
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    t = docx_text(out / m["reports"][0]["outputs"]["docx"])
    assert "diambil dari nama berkas tanpa-nama.xlsx" in t and "--unit" in t
    out = tmp_path / "b"
    code, text = run(built["good"], "-o", out, "--format", "docx", "--date", DATE, "--unit", "RSUD Benar")
    assert code == 0, text
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["reports"][0]["unit"] == "RSUD Benar" and m["reports"][0]["key"] == "rsud-benar"
    t = docx_text(out / "rsud-benar.docx")
    assert "Hal | : | Laporan Hasil Evaluasi Zona Integritas RSUD Benar" in t
    assert "diberikan oleh pemeriksa; pada LKE tertulis \u201cUnit Baik\u201d" in t
    units = tmp_path / "unit.csv"
    units.write_text(f"berkas;nama_unit\n{built['good'].name};Dinas Satu\n{built['weak'].stem};Dinas Dua\n",
                     encoding="utf-8")
    out = tmp_path / "c"
    code, text = run(built["good"], built["weak"], "-o", out, "--format", "html", "--units", units)
    assert code == 0, text
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(r["unit"] for r in m["reports"]) == ["Dinas Dua", "Dinas Satu"]
    # --unit with many inputs, a bad units file, a bad settings file, a bad kop: usage errors naming the file
    assert run(built["good"], built["weak"], "-o", out, "--unit", "X")[0] == 2
    bad = tmp_path / "rusak.toml"
    bad.write_text("nomor = ", encoding="utf-8")
    code, text = run(built["good"], "-o", tmp_path / "d", "--settings", bad)
    assert code == 2 and "rusak.toml" in text and "Traceback" not in text
    fake = tmp_path / "kop.png"
    fake.write_bytes(b"bukan gambar")
    code, text = run(built["good"], "-o", tmp_path / "d", "--kop", fake)
    assert code == 2 and "kop.png" in text
    code, text = run(built["good"], "-o", tmp_path / "d", "--units", tmp_path / "tidak-ada.csv")
    assert code == 2 and "tidak-ada.csv" in text


def test_units_file_reader(tmp_path):
    from openpyxl import Workbook

    from lketool.units import UnitsFileError, load_units, unit_for

    csv = tmp_path / "u.csv"
    csv.write_text("file,unit\nA.xlsx,Unit A\nsub/B.xlsm,Unit B\n", encoding="utf-8")
    names = load_units(csv)
    assert unit_for("/x/a.xlsx", names) == "Unit A" and unit_for("B.xlsm", names) == "Unit B"
    assert unit_for("c.xlsx", names) is None
    wb = Workbook()
    wb.active.append(["Berkas", "Nama Unit"])
    wb.active.append(["lke-1.xlsx", "Satu"])
    wb.save(tmp_path / "u.xlsx")
    assert unit_for("LKE-1.xlsx", load_units(tmp_path / "u.xlsx")) == "Satu"
    clash = tmp_path / "clash.csv"
    clash.write_text("file,unit\na.xlsx,X\na.xlsx,Y\n", encoding="utf-8")
    with pytest.raises(UnitsFileError, match="clash.csv"):
        load_units(clash)


def test_letter_settings_json_and_unknown_keys(tmp_path):
    from lketool.report.letter import LetterSettingsError, load_settings

    p = tmp_path / "s.json"
    p.write_text(json.dumps({"surat": {"nomor": "1/2"}, "instansi": "Kab. X"}), encoding="utf-8")
    assert load_settings(p) == {"nomor": "1/2", "instansi": "Kab. X"}
    p.write_text(json.dumps({"nomer": "1"}), encoding="utf-8")
    with pytest.raises(LetterSettingsError, match="nomer"):
        load_settings(p)


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_letter_body_of_every_sample_is_free_of_tool_internals(sample, tmp_path):
    from lketool.api import check_file
    from lketool.report.context import build_context
    from lketool.report.render_docx import render_docx

    ctx = build_context(check_file(sample), report_date=DATE, instansi="Pemerintah Kabupaten Sampel", chart=False)
    text = docx_text(render_docx(ctx, tmp_path / "r.docx"))
    body, appendix = text.split("\nLampiran I\n", 1)
    for word in INTERNALS:
        assert word.lower() not in body.lower(), word
    assert sample.name not in body and sample.name in appendix
    assert "anti korupsi" not in body.lower() and "survey" not in body.lower()
    assert not re.search(r"\([^()]*\([^()]*\)[^()]*\)", body), "nested parentheses"
    # every question text is whole: each one in the body is the rubric's text
    res = check_file(sample)
    texts = {" ".join(str(getattr(o, "text", "")).split()) for o in [*res.rubric.items.values(),
                                                                      *res.rubric.inputs.values()]}
    for b in ctx["tanpa_bukti"]:
        assert " ".join(b["teks"].split()) in texts


def test_report_of_a_huge_survey_value_is_written(built, tmp_path):
    """Issue 15 item 7: a survey of 1e308 is handled by `check`; `report` must not fail on
    formatting it (decimal.InvalidOperation)."""
    from test_report_support import make_answers

    from lketool.template import write_template

    src = write_template(tmp_path / "besar.xlsx", "lampiran-iii", unit="Unit Besar",
                         answers=make_answers(survey=1e308))
    code, text = run(src, "-o", tmp_path / "o", "--format", "docx,html", "--date", DATE)
    assert code == 0, text
    assert "InvalidOperation" not in text
