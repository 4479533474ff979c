"""Shared fixtures: where ../shared is, and a marker-based skip for LibreOffice."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REAL_WORKBOOK = SHARED / "lke-data" / "axxpxmd_zona_integritas" / "form_kuesioner.xlsx"
MASTER_JSON = SHARED / "lke-data" / "axxpxmd_zona_integritas" / "response_master_soal_lkezi_2026.json"


@pytest.fixture(autouse=True)
def _private_user_cache(tmp_path_factory, monkeypatch):
    """Caches that default to the user's cache folder (recap, links) go to a temporary
    one, never the real ~/.cache of whoever runs the tests."""
    monkeypatch.setenv("LKETOOL_CACHE_DIR", str(tmp_path_factory.mktemp("user-cache")))


@pytest.fixture
def real_workbook() -> Path:
    if not REAL_WORKBOOK.is_file():
        pytest.skip("../shared/lke-data is not present")
    return REAL_WORKBOOK


@pytest.fixture
def master_json() -> Path:
    if not MASTER_JSON.is_file():
        pytest.skip("../shared/lke-data is not present")
    return MASTER_JSON


def pytest_collection_modifyitems(config, items):
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return
    skip = pytest.mark.skip(reason="LibreOffice (soffice) is not installed")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)
