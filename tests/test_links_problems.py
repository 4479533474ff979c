"""Status -> finding code mapping (lketool.links.problems)."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from lketool.links import (PROBLEM_MESSAGES, STATUSES, LinkResult, link_problem_code,
                           link_problem_params, problem_message, problem_remedy)
from lketool.links import problems as problems_mod


@pytest.mark.parametrize("status, code", [
    ("locked", "evidence-locked"), ("not_found", "evidence-not-found"),
    ("server_error", "evidence-unreachable"), ("timeout", "evidence-unreachable"),
    ("unreachable", "evidence-unreachable"),
    ("accessible", None), ("not_web", None), ("blocked", None), ("bogus", None),
])
def test_mapping(status, code):
    assert link_problem_code(status) == code


def test_every_status_is_decided():
    mapped = {s for s in STATUSES if link_problem_code(s)}
    assert mapped == {"locked", "not_found", "server_error", "timeout", "unreachable"}


def test_messages_in_both_languages():
    assert set(PROBLEM_MESSAGES) == {"evidence-locked", "evidence-not-found", "evidence-unreachable"}
    r = LinkResult(url="https://drive.google.com/file/d/abc/view", status="timeout",
                   detail_id="tidak ada jawaban dalam 10 detik", detail_en="no answer within 10 s")
    params = link_problem_params(r)
    msg_id = problem_message(link_problem_code(r.status), "id", **params)
    msg_en = problem_message(link_problem_code(r.status), "en", **params)
    assert "tidak dapat dibuka" in msg_id and "10 detik" in msg_id and r.url in msg_id
    assert "could not be opened" in msg_en and "10 s" in msg_en and r.url in msg_en
    locked = problem_message("evidence-locked", value="https://x")
    assert "terkunci" in locked and "https://x" in locked
    # how to fix it is the catalogue's remedy, the same text every output shows
    assert "Siapa saja yang memiliki link" in problem_remedy("evidence-locked")
    assert "Anyone with the link" in problem_remedy("evidence-locked", "en")
    assert problem_message("evidence-not-found", "en") .startswith("Evidence link not found")


def test_module_is_standalone():
    # Only the message catalogue, which itself imports nothing of lketool: no import cycle.
    tree = ast.parse(Path(problems_mod.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, node.module
            if (node.module or "").startswith("lketool"):
                assert node.module == "lketool" and [a.name for a in node.names] == ["i18n"], node.module
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith("lketool") for a in node.names)
    i18n_tree = ast.parse(Path(problems_mod.__file__).parents[1].joinpath("i18n.py").read_text(encoding="utf-8"))
    for node in ast.walk(i18n_tree):
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("lketool"), node.module


def test_messages_are_the_catalogue_s():
    from lketool.problems import Location, Problem

    p = Problem("evidence-locked", Location("f.xlsx", "LKE ZI", "Q9", 9, 17), value="https://x")
    for lang in ("id", "en"):
        assert problem_message("evidence-locked", lang, value="https://x") == p.message(lang)
        assert PROBLEM_MESSAGES["evidence-locked"][lang] == p.message(lang).replace("https://x", "{value}")


def test_codes_exist_in_core_catalogue_when_present():
    try:
        core = importlib.import_module("lketool.problems")
    except ImportError:
        pytest.skip("core problem catalogue not available")
    catalogue = getattr(core, "CATALOGUE", None)
    if not isinstance(catalogue, dict):
        pytest.skip("core problem catalogue has another shape")
    for code in PROBLEM_MESSAGES:
        assert code in catalogue
