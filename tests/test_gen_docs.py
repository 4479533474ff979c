"""docs/problems.md is generated from the catalogue and the README names its codes."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from lketool.problems import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "tools" / "gen_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_problems_md_is_the_generated_text():
    text = _gen_docs().generate()
    committed = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    assert committed == text, "docs/problems.md is out of date: run python tools/gen_docs.py"


def test_problems_md_lists_every_code_with_both_languages():
    text = _gen_docs().generate()
    for code, kind in CATALOGUE.items():
        assert f"### {code}\n" in text
        for lang in ("id", "en"):
            assert " ".join(kind.remedy_template(lang).split()).replace("|", "\\|") in text


def _readme_codes() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"Problem codes \(stable\):(.*?)\n\n", readme, re.S)
    assert m, "README.md has no 'Problem codes (stable):' paragraph"
    return set(re.findall(r"`([a-z][a-z0-9-]+)`", m.group(1)))


def test_readme_names_exactly_the_catalogue_codes():
    listed = {c for c, k in CATALOGUE.items() if k.group in ("check", "file")}
    assert _readme_codes() == listed


def test_readme_codes_all_exist():
    assert _readme_codes() <= set(CATALOGUE)


def test_readme_paragraph_generator_names_every_check_and_file_code():
    text = _gen_docs().readme_codes()
    m = re.search(r"Problem codes \(stable\):(.*)", text, re.S)
    assert set(re.findall(r"`([a-z][a-z0-9-]+)`", m.group(1))) == {
        c for c, k in CATALOGUE.items() if k.group in ("check", "file")}
