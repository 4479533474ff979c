"""Status -> finding code mapping (lketool.links.problems)."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from lketool.links import (PROBLEM_MESSAGES, STATUSES, LinkResult, link_problem_code,
                           link_problem_params, problem_message)
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
    assert "terkunci" in locked and "Siapa saja yang memiliki link" in locked
    assert problem_message("evidence-not-found", "en") .startswith("Evidence link not found")


def test_module_is_standalone():
    tree = ast.parse(Path(problems_mod.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and not (node.module or "").startswith("lketool"), node.module
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith("lketool") for a in node.names)


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
