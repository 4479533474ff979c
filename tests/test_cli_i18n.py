"""The command line in both languages: help, click's own words, typo suggestions, the
language chosen by --lang (global or per command), LKETOOL_LANG or the locale."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from lketool import i18n
from lketool.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_04 = ROOT / "samples" / "04-berantakan-puskesmas-contoh-raya.xlsx"


def run(args, env=None):
    return CliRunner().invoke(main, args, env=env, prog_name="lketool")


@pytest.fixture(autouse=True)
def _reset():
    yield
    i18n.set_lang(None)


def test_group_help_indonesian_by_default():
    r = run(["--help"])
    assert r.exit_code == 0
    out = r.output
    assert out.startswith("Penggunaan: ")
    assert "Opsi:" in out and "Perintah:" in out and "Contoh:" in out
    assert "Tampilkan bantuan ini lalu keluar." in out and "Tampilkan versi lalu keluar." in out
    assert "Usage:" not in out and "Show this message" not in out


@pytest.mark.parametrize("how", ["option", "env"])
def test_group_help_english(how):
    r = run(["--lang", "en", "--help"]) if how == "option" else run(["--help"], env={"LKETOOL_LANG": "en"})
    assert r.exit_code == 0
    out = r.output
    assert out.startswith("Usage: ")
    assert "Options:" in out and "Commands:" in out and "Examples:" in out
    assert "Show this message and exit." in out and "Show the version and exit." in out
    assert "Check LKE workbooks" in out and "Periksa LKE" not in out


def test_locale_decides_when_nothing_else_does(monkeypatch):
    monkeypatch.delenv("LKETOOL_LANG")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert run(["--help"], env={"LANG": "en_US.UTF-8"}).output.startswith("Usage: ")
    assert run(["--help"], env={"LANG": "id_ID.UTF-8"}).output.startswith("Penggunaan: ")
    assert run(["--help"], env={"LANG": "C.UTF-8"}).output.startswith("Penggunaan: ")


@pytest.mark.parametrize("args, env", [
    (["--lang", "en", "check", "--help"], None),
    (["check", "--lang", "en", "--help"], None),
    (["check", "--help"], {"LKETOOL_LANG": "en"}),
])
def test_check_help_english(args, env):
    r = run(args, env)
    assert r.exit_code == 0, r.output
    out = r.output
    assert out.startswith("Usage: lketool check")
    assert "Examples:" in out and "lketool check samples/" in out
    assert "Exit code: 0 no errors" in out
    assert "Write a copy of the workbook with problem cells coloured" in " ".join(out.split())
    assert "[default: en]" in " ".join(out.split())
    assert "Periksa" not in out and "Tulis salinan" not in out


def test_check_help_indonesian():
    r = run(["check", "--help"])
    out = r.output
    assert out.startswith("Penggunaan: lketool check")
    assert "Contoh:" in out and "lketool check samples/" in out
    assert "Kode keluar: 0 tidak ada kesalahan" in out
    assert "Tulis salinan workbook" in " ".join(out.split()) and "[bawaan: id]" in " ".join(out.split())


def test_required_is_translated():
    out_id = run(["export-portalrb", "--help"]).output
    out_en = run(["--lang", "en", "export-portalrb", "--help"]).output
    assert "[wajib]" in out_id and "[required]" not in out_id
    assert "[required]" in out_en


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help_and_examples_in_both_languages(name):
    for lang, word, other in (("id", "Contoh", "Examples"), ("en", "Examples", "Contoh")):
        r = run(["--lang", lang, name, "--help"])
        assert r.exit_code == 0, r.output
        assert f"{word}:" in r.output, f"{name} --help ({lang}) has no {word}"
        assert f"{other}:" not in r.output
    # every option's help comes from the catalogue in both languages
    cmd = main.get_command(click.Context(main), name)
    for p in cmd.params:
        if isinstance(p, click.Option) and not p.hidden:
            keys = (f"cli.{name}.opt.{p.name}", f"cli.opt.{p.name}")
            for lang in ("id", "en"):
                assert any(i18n.has(k, lang) for k in keys), f"{name} --{p.name}: no help in {lang}.json"


def test_typo_suggests_the_nearest_command():
    r = run(["chek", "x.xlsx"])
    assert r.exit_code == 2
    assert "Perintah tidak dikenal: 'chek'. Maksud Anda: check?" in r.output
    assert "Kesalahan:" in r.output
    r = run(["--lang", "en", "scroe"])
    assert "No such command: 'scroe'. Did you mean: score?" in r.output and "Error:" in r.output
    r = run(["zzzz"])
    assert "Perintah tidak dikenal: 'zzzz'." in r.output and "Maksud" not in r.output


def test_click_errors_translated():
    r = run(["check"])
    assert r.exit_code == 2
    assert "Kesalahan: Argumen belum diberikan" in r.output
    r = run(["--lang", "en", "check"])
    assert "Error: Missing argument" in r.output
    r = run(["check", "--format", "xml", str(SAMPLE_04)])
    assert "Nilai tidak sah untuk" in r.output


def test_unknown_language_is_a_usage_error():
    r = run(["--lang", "fr", "score", str(SAMPLE_04)])
    assert r.exit_code == 2 and "'fr'" in r.output and "Nilai tidak sah" in r.output


def test_check_messages_follow_the_global_language():
    en = run(["--lang", "en", "check", str(SAMPLE_04), "--format", "json"])
    sub = run(["check", str(SAMPLE_04), "--lang", "en", "--format", "json"])
    env = run(["check", str(SAMPLE_04), "--format", "json"], env={"LKETOOL_LANG": "en"})
    ind = run(["check", str(SAMPLE_04), "--format", "json"])
    assert en.exit_code == sub.exit_code == env.exit_code == ind.exit_code == 1
    assert json.loads(en.output) == json.loads(sub.output) == json.loads(env.output)
    msgs_en = [p["message"] for p in json.loads(en.output)["results"][0]["problems"]]
    msgs_id = [p["message"] for p in json.loads(ind.output)["results"][0]["problems"]]
    assert any(m.startswith("Question not answered") for m in msgs_en)
    assert any(m.startswith("Pertanyaan belum dijawab") for m in msgs_id)


def test_check_stays_off_heavy_imports():
    code = (
        "import sys, atexit\n"
        "heavy = ('pandas', 'openpyxl', 'xlsxwriter', 'jinja2', 'docxtpl', 'matplotlib')\n"
        "atexit.register(lambda: print('HEAVY=' + ','.join(m for m in heavy if m in sys.modules), file=sys.stderr))\n"
        "from lketool.cli import main\n"
        f"main(['--lang', 'en', 'check', {str(SAMPLE_04)!r}], prog_name='lketool')\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 1, p.stderr
    assert "HEAVY=\n" in p.stderr or p.stderr.rstrip().endswith("HEAVY="), p.stderr[-500:]
    assert "Question not answered" in p.stdout


def test_version_line_translated():
    assert run(["--version"]).output.startswith("lketool, versi ")
    assert run(["--lang", "en", "--version"]).output.startswith("lketool, version ")


def test_usage_line_words_translated():
    assert run(["--help"]).output.startswith("Penggunaan: lketool [OPSI] PERINTAH [ARG]...")
    assert run(["check", "--help"]).output.startswith("Penggunaan: lketool check [OPSI] BERKAS...")
    assert run(["--lang", "en", "check", "--help"]).output.startswith("Usage: lketool check [OPTIONS] PATHS...")
    assert run(["--lang", "en", "diff", "--help"]).output.startswith("Usage: lketool diff [OPTIONS] OLD NEW")


def test_terminal_severity_words_follow_the_language():
    ind = run(["check", str(SAMPLE_04)]).output
    eng = run(["--lang", "en", "check", str(SAMPLE_04)]).output
    assert " KESALAHAN " in ind and " ERROR " not in ind
    assert " ERROR " in eng and "KESALAHAN" not in eng


def test_broken_message_file_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "xx.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv(i18n.ENV_PATH, str(tmp_path))
    i18n.reload()
    try:
        r = run(["--help"])
    finally:
        monkeypatch.delenv(i18n.ENV_PATH)
        i18n.reload()
    assert r.exit_code == 2
    assert "xx.json" in r.output and "message file cannot be read" in r.output
    assert "Traceback" not in r.output
