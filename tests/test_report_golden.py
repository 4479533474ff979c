"""Golden text extracts of the Word reports of ``samples/*.xlsx`` (date fixed).

Reviewers read the diff of ``tests/golden/report/<sample>.txt``; regenerate with
``python -m pytest tests/test_report_golden.py --update-golden`` (that run writes and does
not compare; run again without the option to compare)."""
from __future__ import annotations

from pathlib import Path

import pytest

from lketool import __version__
from lketool.api import check_file
from lketool.report.context import build_context
from lketool.report.render_docx import render_docx
from test_report_support import SAMPLES, docx_text

GOLDEN = Path(__file__).resolve().parent / "golden" / "report"


def extract(sample: Path, tmp: Path) -> str:
    ctx = build_context(check_file(sample), report_date="2026-11-21", instansi="Pemerintah Kabupaten Sampel")
    text = docx_text(render_docx(ctx, tmp / f"{sample.stem}.docx"))
    return text.replace(f"lketool {__version__}", "lketool <versi>")


@pytest.mark.skipif(not SAMPLES, reason="samples/*.xlsx not generated yet")
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_report_text_matches_golden(sample, tmp_path, update_golden):
    compare_golden(extract(sample, tmp_path), GOLDEN / f"{sample.stem}.txt", update_golden, sample.name)


def compare_golden(got: str, path: Path, update: bool, what: str) -> None:
    """Compare ``got`` with the golden file; with ``--update-golden`` write it instead and
    skip (a run never compares against a file it has just written)."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8", newline="\n")
        pytest.skip(f"golden file {path.name} written: review the diff, then run without --update-golden")
    assert path.is_file(), f"{path} missing: run with --update-golden and review the new file"
    assert got == path.read_text(encoding="utf-8"), f"report text of {what} changed; review, then update"


def test_no_stale_golden_files():
    if not SAMPLES:
        pytest.skip("samples/*.xlsx not generated yet")
    stale = {p.stem for p in GOLDEN.glob("*.txt")} - {s.stem for s in SAMPLES}
    assert not stale, f"golden files without a sample: {sorted(stale)}"
