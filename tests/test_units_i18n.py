"""A units file that cannot be used is a usage error (exit 2, no traceback) worded in the run's
language: every ``UnitsFileError`` comes from the catalogue (``units.*``), through both commands
that take ``--units`` (``recap`` and ``report``), in Indonesian and in English."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from lketool import i18n
from lketool.cli import main
from lketool.units import UnitsFileError, read_units

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "02-wbk-dinas-dukcapil-kabupaten-sampel.xlsx"

# name -> (how to make the bad file in a folder, words expected in id, words expected in en)
CASES = {
    "not-found": (lambda d: d / "tidak-ada.csv",
                  ["tidak-ada.csv", "tidak ditemukan"], ["tidak-ada.csv", "was not found"]),
    "not-xlsx": (lambda d: _write(d / "rusak.xlsx", b"PK\x03\x04 bukan zip"),
                 ["rusak.xlsx", "tidak dapat dibaca sebagai XLSX"], ["rusak.xlsx", "cannot be read as XLSX"]),
    "empty": (lambda d: _write(d / "hampa.csv", b"\n ,\n"),
              ["hampa.csv", "hampa.csv kosong."], ["hampa.csv", "is empty"]),
    "two-columns": (lambda d: _write(d / "satu.csv", b"hanya-satu-kolom\n"),
                    ["satu.csv", "harus berisi dua kolom"], ["satu.csv", "must have two columns"]),
    "bad-wbk": (lambda d: _write(d / "unit-zi.csv", b"file,unit,sudah_wbk\na.xlsx,A,ya\nb.xlsx,B,mungkin\n"),
                ["unit-zi.csv", "baris 3", "nilai sudah_wbk 'mungkin' untuk b.xlsx tidak dikenal"],
                ["unit-zi.csv", "row 3", "sudah_wbk value 'mungkin' for b.xlsx is not recognised"]),
    "two-names": (lambda d: _write(d / "ganda.csv", b"file,unit\na.xlsx,Satu\na,Dua\n"),
                  ["ganda.csv", "diberi dua nama unit ('Satu' dan 'Dua')"],
                  ["ganda.csv", "is given two unit names ('Satu' and 'Dua')"]),
    "two-wbk": (lambda d: _write(d / "dua.csv", b"file,unit,sudah_wbk\na.xlsx,A,ya\na,A,tidak\n"),
                ["dua.csv", "baris 3", "diberi dua nilai sudah_wbk yang berbeda"],
                ["dua.csv", "row 3", "is given two different sudah_wbk values"]),
    "no-pairs": (lambda d: _write(d / "tanpa.csv", b"file,unit\n,Unit tanpa berkas\n"),
                 ["tanpa.csv", "tidak berisi pasangan berkas dan nama unit"],
                 ["tanpa.csv", "holds no pairs of file and unit name"]),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.fixture(autouse=True)
def _reset():
    yield
    i18n.set_lang(None)


def _run(command: str, units: Path, lang: str, tmp_path: Path):
    out = ["-o", str(tmp_path / "rekap.xlsx")] if command == "recap" else ["-o", str(tmp_path / "laporan")]
    return CliRunner().invoke(main, [command, str(SAMPLE), *out, "-q", "--units", str(units), "--lang", lang],
                              prog_name="lketool")


@pytest.mark.parametrize("command", ["recap", "report"])
@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_units_file_errors_in_both_languages(case, lang, command, tmp_path):
    make, words_id, words_en = CASES[case]
    units = make(tmp_path)
    with pytest.raises(UnitsFileError) as e:  # the case really is that error
        read_units(units)
    assert e.value.code == case
    r = _run(command, units, lang, tmp_path)
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output
    expected, other = (words_id, words_en) if lang == "id" else (words_en, words_id)
    for w in expected:
        assert w in r.output, (case, lang, command, r.output)
    assert other[-1] not in r.output  # not both languages at once
    assert not (tmp_path / "rekap.xlsx").exists() and not (tmp_path / "laporan").exists()


def test_unreadable_units_file_in_both_languages(tmp_path, monkeypatch):
    units = _write(tmp_path / "terkunci.csv", b"file,unit\na.xlsx,A\n")
    real = Path.read_bytes

    def locked(self):
        if self.name == "terkunci.csv":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", locked)
    for lang, words in (("id", "Berkas unit {} tidak dapat dibaca: Permission denied"),
                        ("en", "Units file {} cannot be read: Permission denied")):
        for command in ("recap", "report"):
            r = _run(command, units, lang, tmp_path)
            assert r.exit_code == 2 and words.format(units) in r.output, r.output


def test_error_keeps_indonesian_str_and_survives_pickling(tmp_path):
    make, words_id, words_en = CASES["bad-wbk"]
    with pytest.raises(UnitsFileError) as e:
        read_units(make(tmp_path))
    err = e.value
    assert all(w in str(err) for w in words_id)  # str() stays the Indonesian message
    assert all(w in err.message_en for w in words_en)
    back = pickle.loads(pickle.dumps(err))
    assert back.code == "bad-wbk" and back.message("en") == err.message("en")


def test_every_units_code_has_both_languages():
    codes = {c for c in CASES} | {"unreadable"}
    src = (ROOT / "lketool" / "units.py").read_text(encoding="utf-8")
    import re

    raised = set(re.findall(r'UnitsFileError\(\s*"([a-z-]+)"', src))
    assert raised == codes
    for code in codes:
        for lang in ("id", "en"):
            assert i18n.has(f"units.{code}", lang), (code, lang)
