"""``lketool report`` speaks the run's language: its usage errors (settings file, letterhead,
template, recommendations, format, date), its outcome lines and the per-file failures it
lists come from the catalogue in Indonesian and in English; the reports stay Indonesian."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from lketool import i18n
from lketool.cli import main
from lketool.report.letter import LetterSettingsError, load_kop, load_settings
from lketool.report.recommend import RecommendationError, load_recommendations
from lketool.report.templates import TemplateNotFound, resolve_templates

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "02-wbk-dinas-dukcapil-kabupaten-sampel.xlsx"


@pytest.fixture(autouse=True)
def _reset():
    yield
    i18n.set_lang(None)


def _report(tmp_path, lang, *extra):
    return CliRunner().invoke(main, ["report", str(SAMPLE), "-o", str(tmp_path / "lap"), "--format", "html",
                                     "-q", "-j", "1", "--lang", lang, *extra], prog_name="lketool")


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# option -> (make the bad input, Indonesian words, English words)
USAGE = {
    "settings-keys": (lambda d: ["--settings", str(_file(d / "surat.toml", b'nomer = "1"\n'))],
                      "kunci tidak dikenal nomer", "unknown keys nomer"),
    "settings-suffix": (lambda d: ["--settings", str(_file(d / "surat.txt", b"x"))],
                        "surat.txt: gunakan .toml, .json, atau .yaml.", "surat.txt: use .toml, .json or .yaml."),
    "settings-invalid": (lambda d: ["--settings", str(_file(d / "surat.json", b"{"))],
                         "surat.json tidak sah:", "surat.json is not valid:"),
    "kop": (lambda d: ["--kop", str(_file(d / "kop.png", b"GIF89a"))],
            "kop.png bukan PNG atau JPEG.", "kop.png is not a PNG or JPEG."),
    "template": (lambda d: ["--template", str(_file(d / "laporan.txt", b"x"))],
                 "Template laporan.txt tidak dikenal: gunakan .docx atau .html.j2.",
                 "Template laporan.txt is not recognised: use .docx or .html.j2."),
    "recommendations": (lambda d: ["--rekomendasi", str(_file(d / "rek.json", b'{"a": '))],
                        "rek.json bukan JSON yang sah (baris 1, kolom 7)",
                        "rek.json is not valid JSON (line 1, column 7)"),
    "format": (lambda d: ["--format", "html,odt"], "format tidak dikenal: odt", "unknown format: odt"),
    "date": (lambda d: ["--date", "30/11/2026"], "bukan tanggal TTTT-BB-HH", "is not a date YYYY-MM-DD"),
}


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("case", sorted(USAGE))
def test_usage_errors_in_both_languages(case, lang, tmp_path):
    make, words_id, words_en = USAGE[case]
    r = _report(tmp_path, lang, *make(tmp_path))
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    want, other = (words_id, words_en) if lang == "id" else (words_en, words_id)
    flat = " ".join(r.output.split())
    assert want in flat, flat
    assert other not in flat
    assert not list((tmp_path / "lap").glob("*.html"))  # nothing written


@pytest.mark.parametrize("lang, written, failed, exists", [
    ("id", "Laporan ditulis: 0 unit ke", "GAGAL ", "sudah ada di"),
    ("en", "Reports written: 0 unit(s) to", "FAILED ", "already exist(s) in"),
])
def test_outcome_lines_and_failures_in_the_runs_language(lang, written, failed, exists, tmp_path):
    first = _report(tmp_path, lang)
    assert first.exit_code == 0, first.output
    again = _report(tmp_path, lang)  # the report is there: refused, worded in the language of the run
    assert again.exit_code == 1
    assert written in again.output and failed in again.output and exists in again.output
    manifest = json.loads((tmp_path / "lap" / "manifest.json").read_text(encoding="utf-8"))
    assert exists in manifest["failures"][0]["error"]  # lketool mail shows it as written


def test_the_faults_keep_indonesian_str_and_pickle(tmp_path):
    faults = []
    for call, arg in ((load_settings, _file(tmp_path / "s.toml", b"x = [")), (load_kop, tmp_path / "none.png"),
                      (load_recommendations, _file(tmp_path / "r.json", b"[]"))):
        with pytest.raises((LetterSettingsError, RecommendationError)) as e:
            call(arg)
        faults.append(e.value)
    with pytest.raises(TemplateNotFound) as e:
        resolve_templates([tmp_path / "tidak-ada.docx"])
    faults.append(e.value)
    assert isinstance(faults[-1], FileNotFoundError)  # still what callers catch
    for f in faults:
        assert str(f) == f.message("id") != f.message("en")
        back = pickle.loads(pickle.dumps(f))
        assert type(back) is type(f) and back.message("en") == f.message("en")
