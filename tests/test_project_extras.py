"""Declared extras: YAML support is installable and part of the test install."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_yaml_extra_and_test_extra_bring_pyyaml():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["optional-dependencies"]
    assert any(d.lower().startswith("pyyaml") for d in extras["yaml"])
    assert any(d.lower().startswith("pyyaml") for d in extras["test"])
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    assert any(d.startswith("pandas") for d in deps)  # lketool.frames uses it
