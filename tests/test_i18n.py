"""The message catalogue: every code worded and remedied in both languages, one severity
table, the language chosen once, and a new language added as data only."""
from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from click.testing import CliRunner

from lketool import i18n
from lketool.cli import main
from lketool.errors import WorkbookError
from lketool.problems import CATALOGUE, ERROR, INFO, WARNING, Location, Problem, severity_label

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_04 = ROOT / "samples" / "04-berantakan-puskesmas-contoh-raya.xlsx"
FILE_CODES = {"file-not-found", "file-not-xlsx", "file-corrupt", "file-encrypted", "workbook-empty", "sheet-missing"}


@pytest.fixture(autouse=True)
def _fresh_catalogue():
    i18n.reload()
    yield
    i18n.set_lang(None)
    i18n.reload()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_code_has_title_message_and_remedy(lang):
    for code, kind in CATALOGUE.items():
        for part in ("title", "message", "remedy"):
            assert i18n.has(f"problem.{code}.{part}", lang), f"{code}: no {part} in {lang}.json"
            assert i18n.template(f"problem.{code}.{part}", lang).strip(), f"{code}: empty {part} ({lang})"
        assert kind.severity in (ERROR, WARNING, INFO)


def test_file_error_codes_are_in_the_catalogue():
    assert FILE_CODES <= set(CATALOGUE)
    # every code a WorkbookError is raised with in the package
    raised = set()
    for f in (ROOT / "lketool").rglob("*.py"):
        raised |= set(re.findall(r'WorkbookError\(\s*"([a-z-]+)"', f.read_text(encoding="utf-8")))
    assert raised and raised <= set(CATALOGUE), raised - set(CATALOGUE)


def test_both_languages_have_the_same_keys_and_every_text_parses():
    ids, ens = i18n.messages("id"), i18n.messages("en")
    own = {k for k in ids if not k.startswith("click.")}  # click's English is click's own
    assert own == set(ens) - {k for k in ens if k.startswith("click.")}
    for lang, texts in (("id", ids), ("en", ens)):
        for key, text in texts.items():
            list(string.Formatter().parse(text))  # raises on a stray brace
            assert text.strip(), f"{key} empty in {lang}"


def test_remedy_names_the_cell_and_column():
    p = Problem("evidence-missing", Location("a.xlsx", "LKE ZI", "Q12", 12, 17, "P.1.i.a"))
    assert p.remedy("id") == ("Isi kolom bukti dukung (kolom Q) dengan tautan Google Drive yang dapat dibuka "
                              "siapa saja.")
    assert "column Q" in p.remedy("en")
    f = Problem("formula-overwritten", Location("a.xlsx", "LKE ZI", "L91", 91, 12), params={"shown": "3"})
    assert f.remedy("id").startswith("Perbaiki sel L91 dengan rumus aslinya")
    assert "nilai di atasnya akan menyesuaikan" in f.remedy("id")
    d = f.to_dict("en")
    assert d["remedy"] == f.remedy("en") and "L91" in d["remedy"]


def test_check_json_carries_remedies_in_the_chosen_language():
    from lketool.api import check_file

    res = check_file(SAMPLE_04)
    for lang in ("id", "en"):
        probs = res.to_dict(lang)["problems"]
        assert probs and all(p["remedy"] for p in probs)
        assert {p["remedy"] for p in probs} <= {q.remedy(lang) for q in res.problems}
    assert res.to_dict("id")["problems"][0]["remedy"] != res.to_dict("en")["problems"][0]["remedy"]


def test_one_severity_table():
    assert [severity_label(s, "id") for s in (ERROR, WARNING, INFO)] == ["Kesalahan", "Peringatan", "Info"]
    assert [severity_label(s, "en") for s in (ERROR, WARNING, INFO)] == ["Error", "Warning", "Info"]
    from lketool.recap.labels import t as recap_t

    assert all(recap_t(f"severity.{s}", lang) == severity_label(s, lang)
               for s in (ERROR, WARNING, INFO) for lang in ("id", "en"))
    assert severity_label("odd", "id") == "odd"


def test_workbook_errors_name_the_file_in_both_languages(tmp_path):
    from lketool.api import check_file

    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    res = check_file(bad)
    assert res.error.code == "file-corrupt"
    for lang in ("id", "en"):
        msg = res.error.message(lang)
        assert msg.startswith("rusak.xlsx: ") and "Error" not in msg.split(": ", 1)[1]
        assert res.error.remedy(lang)
    assert res.to_dict("en")["error"]["remedy"].startswith("Ask the unit")
    missing = WorkbookError("sheet-missing", str(tmp_path / "x.xlsx"))
    assert missing.message("id") == "x.xlsx: " + CATALOGUE["sheet-missing"].message_template("id")


# ------------------------------------------------------------------ choosing the language

@pytest.mark.parametrize("env, expected", [
    ({"LKETOOL_LANG": "en"}, "en"),
    ({"LKETOOL_LANG": "id", "LANG": "en_US.UTF-8"}, "id"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "en_GB"}, "en"),
    ({"LANG": "id_ID.UTF-8"}, "id"),
    ({"LANG": "C.UTF-8"}, "id"),        # a server's bare locale says nothing: Indonesian
    ({"LANG": "POSIX"}, "id"),
    ({"LANG": "de_DE.UTF-8"}, "id"),    # a language lketool lacks: Indonesian, the users' language
    ({"LC_ALL": "id_ID.UTF-8", "LANG": "en_US.UTF-8"}, "id"),
    ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "id_ID.UTF-8"}, "en"),
    ({}, "id"),
])
def test_language_from_environment(monkeypatch, env, expected):
    for var in ("LKETOOL_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert i18n.get_lang() == expected
    i18n.set_lang("en" if expected == "id" else "id")  # --lang beats everything
    assert i18n.get_lang() != expected


def test_windows_locale_names():
    assert i18n.normalize_lang("English_United States") == "en"
    assert i18n.normalize_lang("Indonesian_Indonesia") == "id"
    assert i18n.normalize_lang("id-ID") == "id"
    assert i18n.normalize_lang("fr_FR") is None


# ------------------------------------------------------------------ a language added as data only

XX = {
    "language": {"name": "Xx-test"},
    "severity": {"error": "XERR", "warning": "XWARN", "info": "XINFO"},
    "problem": {"answer-missing": {"title": "XX kosong", "message": "XX belum dijawab: {text}",
                                   "remedy": "XX isi sel {cell}"}},
    "cli": {"check": {"help": ["XX periksa LKE.", "", "\b", "XX-Contoh:", "  lketool check x.xlsx"]},
            "commands": "XX-Perintah"},
    "click": {"Usage:": "XX-Usage:", "Options": "XX-Options", "Show this message and exit.": "XX-help."},
    "verdict": {"memenuhi": "XX-MEMENUHI", "tidak-memenuhi": "XX-BELUM"},
}


@pytest.fixture
def xx_language(tmp_path, monkeypatch):
    d = tmp_path / "msgs"
    d.mkdir()
    (d / "xx.json").write_text(json.dumps(XX, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv(i18n.ENV_PATH, str(d))
    i18n.reload()
    return "xx"


def test_new_language_is_data_only(xx_language):
    assert "xx" in i18n.languages()
    p = Problem("answer-missing", Location("a.xlsx", "LKE ZI", "K9", 9, 11), params={"text": "Q?"})
    assert p.message("xx") == "XX belum dijawab: Q?"
    assert p.remedy("xx") == "XX isi sel K9"
    assert severity_label(WARNING, "xx") == "XWARN"
    # what the file lacks falls back to English
    assert CATALOGUE["answer-invalid"].title("xx") == "Invalid answer"


def test_new_language_reaches_the_cli(xx_language):
    r = CliRunner().invoke(main, ["--lang", "xx", "check", "--help"])
    assert r.exit_code == 0, r.output
    assert "XX-Usage: " in r.output and "XX-Options" in r.output and "XX-help." in r.output
    assert "XX periksa LKE." in r.output and "XX-Contoh:" in r.output
    r = CliRunner().invoke(main, ["check", str(SAMPLE_04), "--lang", "xx", "--format", "json"])
    assert r.exit_code == 1, r.output
    problems = json.loads(r.output)["results"][0]["problems"]
    missing = [p for p in problems if p["code"] == "answer-missing"]
    assert missing and all(p["message"].startswith("XX belum dijawab: ") for p in missing)
    assert all(p["remedy"].startswith("XX isi sel K") for p in missing)
    r = CliRunner().invoke(main, ["--help"], env={"LKETOOL_LANG": "xx"})
    assert "XX-Perintah" in r.output


def test_worded_parameters_follow_the_output_language(xx_language):
    from lketool.i18n import Msg

    loc = Location("a.xlsx", "LKE ZI", "K30", 30, 11, "P.1.i.b")
    p = Problem("count-invalid", loc, params={"reason": Msg("check.reason-negative")}, value=-1)
    assert p.message("id") == "Jumlah '-1' tidak sah: negatif"
    assert p.message("en") == "Count '-1' is not valid: negative"
    assert p.message("xx") == "Count '-1' is not valid: negative"  # xx has neither: English
    # a check that still passes x and x_en gets the right one in each language
    q = Problem("formula-altered", loc, params={"formula": "=A1", "detail": "beda", "detail_en": "differs"})
    assert q.message("id").endswith(": beda") and q.message("en").endswith(": differs")
    # the parameter stays a plain string for anything that serialises params
    assert json.dumps(p.params) == '{"reason": "negatif"}'


def test_no_language_suffix_in_templates():
    # templates name plain parameters; the x_<lang> value is chosen when filling
    for lang in ("id", "en"):
        for key, text in i18n.messages(lang).items():
            assert not re.search(r"\{\w+_en\}", text), (lang, key, text)


def test_survey_allowed_values_worded_per_language():
    from lketool.i18n import Msg

    p = Problem("answer-invalid", Location("a.xlsx", "LKE ZI", "K90", 90, 11),
                params={"allowed": Msg("check.allowed-survey")}, value="tinggi")
    assert p.message("id").endswith("yang boleh: angka 0-4 (mis. 3,65)")
    assert p.message("en").endswith("allowed: a number from 0 to 4 (e.g. 3.65)")


def test_counts_singular_and_plural():
    assert i18n.tn("count.errors", 1, "en") == "1 error"
    assert i18n.tn("count.errors", 4, "en") == "4 errors"
    assert i18n.tn("count.warnings", 1, "id") == "1 peringatan"
    assert i18n.tn("count.warnings", 2, "id") == "2 peringatan"


CATALOGUE_USERS = ["problems.py", "errors.py", "links/problems.py", "export_portalrb.py", "recap/labels.py",
                   "cli.py", "libreoffice.py", "checks/structure.py", "layouts/editions.py",
                   "layouts/detect.py", "reader.py", "commands/template.py"]


@pytest.mark.parametrize("rel", CATALOGUE_USERS)
def test_no_language_pairs_left(rel):
    """These modules word their text through the catalogue: no `lang == "en"` choice and no
    Indonesian/English pair of literals (message_en=..., detail_en=...) built in code.
    (checks/counts.py still builds the score-mismatch cause pair with checks/formulas.py.)"""
    src = (ROOT / "lketool" / rel).read_text(encoding="utf-8")
    assert not re.search(r"""lang\s*==\s*["']en["']""", src), rel
    assert not re.search(r"""\b\w+_en\s*=\s*f?["']""", src), rel


def test_lang_may_be_given_by_keyword_and_whole_catalogue_resolves(xx_language):
    assert i18n.t("severity.error", lang="en") == "Error"
    assert i18n.tn("count.errors", 2, lang="en") == "2 errors"
    flat = i18n.resolved("xx")
    assert flat["severity.error"] == "XERR" and flat["problem.answer-invalid.title"] == "Invalid answer"
    assert set(flat) >= set(i18n.messages("id"))


def test_new_language_reaches_the_verdict_words(xx_language):
    from pathlib import Path

    from lketool.api import check_file
    from lketool.verdict import verdict_for

    sample = Path(__file__).resolve().parents[1] / "samples" / "01-wbbm-rsud-kota-contoh.xlsx"
    v = verdict_for(check_file(sample), "xx")
    assert v["wbk"]["text"].endswith("XX-MEMENUHI")
    assert any("XX-MEMENUHI" in ln for ln in v["lines"])


# ------------------------------------------------------------------ Indonesian-only text in code

# Words that mark a user-facing text written in Indonesian in code instead of the catalogue.
_ID_WORDS = re.compile(r"(?i)\b(tidak|berkas|belum|kolom|baris|gagal|nilai|ditulis|harus|bukan|gunakan|sudah|"
                       r"dapat|ditemukan|kosong|pilih|jalankan|untuk|dengan|atau|laporan|pengaturan|keluaran|"
                       r"unit kerja|diperiksa|periksa|unduh)\b")
# Calls whose text a user reads: click's output and usage errors, warnings; and any raise.
_SINKS = {"echo", "secho", "print", "BadParameter", "UsageError", "ClickException", "fail", "_fail", "warn"}
# Attributes a user reads later (a batch's per-file failures, printed and in manifest.json).
_WORDED_ATTRS = {"error", "message", "note"}
# Known exceptions, with the number of texts each words in code (may only go down):
# links/checker.py's link-cache warning carries both languages in one text (it is raised
# where no language is known); report/context.py's one text is an internal guard no user reaches.
_NOT_YET = {"links/checker.py": 1, "report/context.py": 1}


def _indonesian_in_code(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every user-facing string in ``path`` that is worded in Indonesian in
    code: the literal text (f-string parts included) given to a raise, to click's output or
    usage errors, or assigned to an ``.error``/``.message`` attribute.  ``help=`` is left
    out: option help is taken from the catalogue (tests/test_cli_i18n.py checks every one)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: dict[int, str] = {}

    def text_of(nodes) -> str:
        return " ".join(n.value for node in nodes for n in ast.walk(node)
                        if isinstance(n, ast.Constant) and isinstance(n.value, str))

    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            calls = [node.exc]
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            calls = [node] if name in _SINKS else []
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr in _WORDED_ATTRS
                                                  for t in node.targets):
            text = text_of([node.value])
            if _ID_WORDS.search(text):
                found[node.lineno] = text
            continue
        else:
            continue
        for call in calls:
            text = text_of(list(call.args) + [k.value for k in call.keywords if k.arg != "help"])
            if _ID_WORDS.search(text):
                found[call.lineno] = text
    return sorted(found.items())


def test_the_scanner_finds_indonesian_text_in_code(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("import click\n"
                      "def f(p, o):\n"
                      "    raise ValueError(f'Berkas {p} tidak ditemukan')\n"
                      "def g(o):\n"
                      "    click.echo('Laporan ditulis')\n"
                      "    o.error = f'PDF gagal dibuat: {o}'\n"
                      "    click.echo(t('report.cli.written', 'id'))\n"
                      "    raise click.UsageError('unknown format')\n"
                      "@click.option('--x', help='Berkas keluaran')\n"
                      "def h(x): pass\n", encoding="utf-8")
    assert [line for line, _ in _indonesian_in_code(sample)] == [3, 5, 6]


def test_no_indonesian_only_text_bypasses_the_catalogue():
    """Every error, notice and usage message of the package comes from the catalogue (so
    ``--lang en`` gives English); a file listed in _NOT_YET may only shrink."""
    over = {}
    for f in sorted((ROOT / "lketool").rglob("*.py")):
        rel = f.relative_to(ROOT / "lketool").as_posix()
        hits = _indonesian_in_code(f)
        if len(hits) > _NOT_YET.get(rel, 0):
            over[rel] = hits
    assert over == {}, over


@pytest.mark.parametrize("name", ["app.js", "worker.js", "sw.js"])
def test_page_scripts_word_nothing_in_indonesian(name):
    from lketool.page import PAGE_DIR

    js = (PAGE_DIR / name).read_text(encoding="utf-8")
    js = re.sub(r"^\s*//.*$", "", js, flags=re.M)
    js = re.sub(r"\s//\s.*$", "", js, flags=re.M)
    literals = [m.group(2) for m in re.finditer(r"([\"'`])((?:\\.|(?!\1).)*)\1", js)]
    assert literals
    assert [s for s in literals if _ID_WORDS.search(s)] == []


# ------------------------------------------------------------------ bilingual pairs typed in code

_LANG_CODES = {"id", "en"}
_LANG_NAMES = {"en", "is_en"}  # the usual `en = lang == "en"`
# What may stay, with why.  (file, text): the text is not a word a user reads.
_PAIRS_ALLOWED = {
    ("csvout.py", "utf-8-sig"): "the CSV dialect's encoding (a BOM for Indonesian Excel), not text",
}


def _is_language_test(node) -> bool:
    """`lang == "en"`, `lang != "id"`, `en`, `lang.startswith("en")`, anywhere in ``node``."""
    import ast

    for n in ast.walk(node):
        if isinstance(n, ast.Name) and n.id in _LANG_NAMES:
            return True
        if isinstance(n, ast.Compare) and any(isinstance(c, ast.Constant) and c.value in _LANG_CODES
                                              for c in (n.left, *n.comparators)):
            return True
        if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "startswith"
                and any(isinstance(a, ast.Constant) and a.value in _LANG_CODES for a in n.args)):
            return True
    return False


def _words(nodes) -> list[str]:
    """The string literals in ``nodes`` that hold words (two letters or more), leaving out
    language codes and the keys of data (``d["label_en"]``, ``d.get("label")``)."""
    import ast

    keys = set()
    for node in nodes:
        for n in ast.walk(node):
            if isinstance(n, ast.Subscript):
                keys.add(id(n.slice))
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get" and n.args:
                keys.add(id(n.args[0]))
    return [n.value for node in nodes for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value not in _LANG_CODES
            and id(n) not in keys and re.search(r"[^\W\d_]{2}", n.value)]


def _target_name(node) -> str:
    import ast

    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _language_pairs_in_code(path: Path) -> list[tuple[int, list[str]]]:
    """(line, texts) of every place in ``path`` that picks user text by language in code
    instead of asking the catalogue: a conditional (``"Old" if en else "Lama"``, an
    ``if lang == "en":`` block) whose branches hold words, an index into a pair by
    language (``LABELS[x][1 if en else 0]``), a dict keyed by ``"id"`` and ``"en"`` with
    words in it, or a literal given as the English twin of a text (``shown_en="(blank)"``)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.IfExp) and _is_language_test(node.test):
            words = _words([node.body, node.orelse])
            if not words and all(isinstance(b, ast.Constant) and type(b.value) is int
                                 for b in (node.body, node.orelse)):
                words = ["<index into a language pair>"]
        elif isinstance(node, ast.If) and _is_language_test(node.test):
            words = _words(node.body + node.orelse)
        elif isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            words = _words(node.values) if _LANG_CODES <= keys else []
        elif isinstance(node, ast.keyword) and (node.arg or "").endswith("_en"):
            words = _words([node.value])
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            words = (_words([node.value]) if node.value is not None
                     and any(_target_name(t).endswith("_en") for t in targets) else [])
        else:
            continue
        if words:
            found.append((node.lineno, words))
    return sorted(found)


def test_the_pair_scanner_finds_language_choices(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("LABELS = {'a': ('Lama', 'Old')}\n"
                      "SHEET = {'id': 'Nilai', 'en': 'Scores'}\n"
                      "def f(lang, x):\n"
                      "    en = lang == 'en'\n"
                      "    a = f\"{'Old' if en else 'Lama'}: {x}\"\n"
                      "    b = LABELS['a'][1 if lang == 'en' else 0]\n"
                      "    if lang == 'en':\n"
                      "        c = 'Summary'\n"
                      "    g(x, shown='(kosong)', shown_en='(blank)')\n"
                      "    sep = ',' if en else ';'\n"                      # punctuation, not words
                      "    d = x.get('label_en') if lang == 'en' else x['label']\n"  # data keys
                      "    code = 'en' if lang == 'en' else 'id'\n"         # language codes
                      "    return t('diff.old', lang)\n", encoding="utf-8")
    assert [line for line, _ in _language_pairs_in_code(sample)] == [2, 5, 6, 7, 9]


def test_no_language_pairs_typed_in_code():
    """Every word a user reads comes from the catalogue (lketool/data/messages): no
    Indonesian/English pair is typed in a module and chosen by language, so a language
    added as a data file reaches every output.  Texts that come from data (rubric labels
    in both languages, a checker's reason pair) are not typed words and are not matched."""
    over = {}
    for f in sorted((ROOT / "lketool").rglob("*.py")):
        rel = f.relative_to(ROOT / "lketool").as_posix()
        hits = [(line, words) for line, words in _language_pairs_in_code(f)
                if not any((rel, w) in _PAIRS_ALLOWED for w in words)]
        if hits:
            over[rel] = hits
    assert over == {}, over


def test_moved_texts_are_worded_by_the_catalogue(tmp_path, monkeypatch):
    """The terminal views, CSV headers, xlsx sheet names, score labels and diff words come
    from the message files: a language given as data words them all."""
    d = tmp_path / "msgs"
    d.mkdir()
    xx = {"diff": {"no-changes": "XX tidak berubah", "head": {"score": "XX-Skor"}},
          "table": {"check": {"ready": "XX siap kirim."}, "score": {"completeness": "XX-Lengkap"}},
          "column": {"findings": {"file": "XX-Berkas"}, "scores": {"unit": "XX-Unit"}},
          "xlsx": {"sheet": {"findings": "XX-Temuan", "files": "XX-Daftar"}},
          "score-row": {"total": "XX nilai total"}, "csv": {"true": "XX-ya", "false": "XX-tidak"}}
    (d / "xx.json").write_text(json.dumps(xx, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv(i18n.ENV_PATH, str(d))
    i18n.reload()
    sample = ROOT / "samples" / "01-wbbm-rsud-kota-contoh.xlsx"
    run = CliRunner().invoke

    r = run(main, ["--lang", "xx", "diff", str(sample), str(sample)])
    assert "XX tidak berubah" in r.output and "XX-Skor" in r.output and "XX nilai total" in r.output, r.output
    r = run(main, ["--lang", "xx", "check", str(sample)])
    assert "XX siap kirim." in r.output, r.output
    r = run(main, ["--lang", "xx", "score", str(sample)])
    assert "XX-Lengkap" in r.output and "XX nilai total" in r.output, r.output
    r = run(main, ["--lang", "xx", "check", str(sample), "--format", "csv"])
    assert r.output.lstrip("\ufeff").startswith("XX-Berkas;"), r.output[:200]
    r = run(main, ["--lang", "xx", "score", str(sample), "--format", "csv"])
    header, row = r.output.lstrip("\ufeff").splitlines()[:2]
    assert "XX-Unit" in header and "XX nilai total" in header
    assert "XX-ya" in row.split(";") or "XX-tidak" in row.split(";")
    out = tmp_path / "temuan.xlsx"
    r = run(main, ["--lang", "xx", "check", str(sample), "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    openpyxl = pytest.importorskip("openpyxl")
    assert openpyxl.load_workbook(out).sheetnames == ["XX-Temuan", "XX-Daftar"]
