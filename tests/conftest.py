"""Shared fixtures: where the shared reference data is, and a marker-based skip for
LibreOffice.

The real workbook is never committed.  Tests that need it look in ``$LKETOOL_SHARED``
(the folder that holds ``lke-data/``, or ``lke-data`` itself) and then in ``../shared``
beside the checkout; without it they skip and say how to enable them."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lke_data() -> Path:
    """The first of $LKETOOL_SHARED (holding lke-data/, or lke-data itself) and
    ../shared/lke-data that holds the data."""
    candidates = []
    env = os.environ.get("LKETOOL_SHARED")
    if env:
        p = Path(env).expanduser()
        candidates += [p / "lke-data", p]
    candidates.append(ROOT.parent / "shared" / "lke-data")
    for c in candidates:
        if (c / "axxpxmd_zona_integritas").is_dir():
            return c
    return candidates[0]


LKE_DATA = _lke_data()
SHARED = LKE_DATA.parent
REAL_WORKBOOK = LKE_DATA / "axxpxmd_zona_integritas" / "form_kuesioner.xlsx"
MASTER_JSON = LKE_DATA / "axxpxmd_zona_integritas" / "response_master_soal_lkezi_2026.json"
STRUCTURE_DUMP = LKE_DATA / "axxpxmd_zona_integritas" / "form_kuesioner.structure.txt"
SKIP_REASON = (f"real LKE data not found at {LKE_DATA}: set LKETOOL_SHARED to the folder holding lke-data/ "
               "(or place it at ../shared beside the checkout) to run these tests")


def need_shared(path: Path) -> Path:
    """``path`` under the shared data, or skip the test saying how to enable it."""
    if not path.is_file():
        pytest.skip(SKIP_REASON)
    return path


@pytest.fixture
def real_workbook() -> Path:
    return need_shared(REAL_WORKBOOK)


@pytest.fixture
def master_json() -> Path:
    return need_shared(MASTER_JSON)


def pytest_collection_modifyitems(config, items):
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return
    skip = pytest.mark.skip(reason="LibreOffice (soffice) is not installed")
    for item in items:
        if "libreoffice" in item.keywords:
            item.add_marker(skip)
