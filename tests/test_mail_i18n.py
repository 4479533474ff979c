"""``lketool mail --lang``: the errors that stop a run (manifest, recipients, SMTP settings,
templates, --attach) and every line the command prints come from the catalogue, in
Indonesian and in English."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner
from mail_helpers import clean_smtp_env, make_outdir, unit_report, write_csv  # noqa: F401

from lketool import i18n
from lketool.cli import main
from lketool.mailer.errors import MailConfigError
from lketool.mailer.recipients import address_problem


@pytest.fixture(autouse=True)
def _reset():
    yield
    i18n.set_lang(None)


def run(*args: str):
    return CliRunner().invoke(main, ["mail", *args], catch_exceptions=False)


@pytest.fixture()
def outdir(tmp_path: Path) -> Path:
    return make_outdir(tmp_path / "out", [unit_report("Dinas Contoh", "dinas-contoh", kinds=("docx",)),
                                          unit_report("Unit Tanpa Alamat", "tanpa", kinds=("docx",))])


@pytest.fixture()
def recipients(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "units.csv", ["Dinas Contoh,a@dinas.go.id,,Kepala Dinas"])


def _config(tmp_path: Path, text: str) -> str:
    p = tmp_path / "smtp.toml"
    p.write_text(text, encoding="utf-8")
    return str(p)


# case -> (extra arguments (given tmp_path), Indonesian words, English words)
STOPS = {
    "attach": (lambda d: ["--attach", "xlsx"], "jenis lampiran 'xlsx' tidak dikenal",
               "unknown attachment kind 'xlsx'"),
    "no-host": (lambda d: ["--send"], "Server SMTP belum diatur", "No SMTP server set"),
    "password-in-config": (lambda d: ["--config", _config(d, 'host = "x"\npassword = "rahasia"\n')],
                           "kata sandi tidak boleh disimpan", "the password must not be kept"),
    "security": (lambda d: ["--config", _config(d, 'host = "x"\nsecurity = "tls9"\n')],
                 "security = 'tls9' tidak dikenal", "security = 'tls9' is not known"),
    "templates": (lambda d: ["--templates", str(d)], "Template email tidak lengkap", "Email templates incomplete"),
}


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("case", sorted(STOPS))
def test_run_stopping_errors_in_both_languages(case, lang, outdir, recipients, tmp_path):
    extra, words_id, words_en = STOPS[case]
    r = run("--recipients", str(recipients), "--reports", str(outdir), "--lang", lang, *extra(tmp_path))
    assert r.exit_code == 2, r.output
    want, other = (words_id, words_en) if lang == "id" else (words_en, words_id)
    assert want in r.stderr and other not in r.stderr, r.stderr
    assert r.stderr.startswith("Kesalahan: " if lang == "id" else "Error: ")


@pytest.mark.parametrize("lang, words", [
    ("id", ["tidak ditemukan. Jalankan `lketool report` lebih dulu", "File penerima", "tidak ditemukan."]),
    ("en", ["was not found. Run `lketool report` first", "Recipients file", "was not found."]),
])
def test_missing_manifest_and_recipients(lang, words, tmp_path, outdir):
    r = run("--recipients", str(tmp_path / "r.csv"), "--reports", str(tmp_path), "--lang", lang)
    assert r.exit_code == 2 and words[0] in r.stderr
    r = run("--recipients", str(tmp_path / "tidak-ada.csv"), "--reports", str(outdir), "--lang", lang)
    assert r.exit_code == 2 and words[1] in r.stderr and words[2] in r.stderr


@pytest.mark.parametrize("lang, lines", [
    ("id", ["[DITULIS] Dinas Contoh", "[GAGAL] Unit Tanpa Alamat", "Uji coba - belum ada email yang dikirim. 1 email",
            "Gagal:", "Periksa file .eml"]),
    ("en", ["[WRITTEN] Dinas Contoh", "[FAILED] Unit Tanpa Alamat", "Dry run - no email has been sent. 1 email(s)",
            "Failed:", "Check the .eml files"]),
])
def test_printed_lines_in_the_runs_language(lang, lines, outdir, recipients):
    r = run("--recipients", str(recipients), "--reports", str(outdir), "--lang", lang)
    assert r.exit_code == 1, r.output
    for line in lines:
        assert line in r.output, (line, r.output)


def test_nested_words_follow_the_message_language():
    problem = address_problem("a b@x.id")
    assert problem == "alamat mengandung spasi"  # still the Indonesian str for every existing caller
    err = MailConfigError("mail.sender-invalid", sender="'a b@x.id'", problem=problem)
    assert str(err) == "Alamat pengirim 'a b@x.id' tidak sah: alamat mengandung spasi."
    assert err.message("en") == "Sender address 'a b@x.id' is not valid: address contains a space."
    back = pickle.loads(pickle.dumps(err))
    assert back.message("en") == err.message("en")
    plain = MailConfigError("teks biasa")  # a plain text is kept as it is
    assert str(plain) == plain.message("en") == "teks biasa"


@pytest.mark.parametrize("lang, words", [
    ("id", ["[GAGAL] Unit Tanpa Alamat: tidak ada alamat email untuk unit ini di units.csv",
            "Peringatan: Alamat pengirim belum diatur", "Peringatan: units.csv (baris 2): 'Unit Typo' tidak cocok",
            "alamat email tidak sah: 'x y@z.id' (alamat mengandung spasi, baris 3)"]),
    ("en", ["[FAILED] Unit Tanpa Alamat: no email address for this unit in units.csv",
            "Warning: No sender address set", "Warning: units.csv (row 2): 'Unit Typo' matches no unit",
            "invalid email address: 'x y@z.id' (address contains a space, row 3)"]),
])
def test_unit_reasons_and_warnings_in_the_runs_language(lang, words, tmp_path):
    out = make_outdir(tmp_path / "out", [unit_report("Dinas Contoh", "dinas-contoh", kinds=("docx",)),
                                         unit_report("Unit Tanpa Alamat", "tanpa", kinds=("docx",)),
                                         unit_report("Biro Salah", "biro", kinds=("docx",))])
    rec = write_csv(tmp_path / "units.csv", ["Unit Typo,a@x.go.id,,", "Biro Salah,x y@z.id,,"])
    r = run("--recipients", str(rec), "--reports", str(out), "--lang", lang)
    assert r.exit_code == 1, r.output
    for w in words:
        assert w in r.output, (w, r.output)
    log_free = (out / "outbox")  # the dry run wrote nothing for the failed units
    assert not (log_free / "tanpa.eml").exists()
