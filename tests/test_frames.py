"""lketool.frames: DataFrames of results, pandas off the import path."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lketool.api import check_file, check_files

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
S04 = SAMPLES / "04-berantakan-puskesmas-contoh-raya.xlsx"
S05 = SAMPLES / "05-portalrb-samsat-kabupaten-sampel.xlsx"


@pytest.fixture(scope="module")
def results():
    return check_files([SAMPLES, SAMPLES / "no-such-file.xlsx"])


def test_units_one_row_per_file_with_unit_and_tpi_columns(results):
    from lketool import frames

    u = frames.units(results)
    assert len(u) == 6
    for r in results:
        row = u[u.file == r.file].iloc[0]
        if r.error is not None:
            assert row["error"] and row["total"] != row["total"]  # NaN
            continue
        assert row["total"] == r.scores.total and row["unit"] == r.unit
        assert row["area_MP"] == r.scores.area("MP")
        from lketool.verdict import verdict_for

        v = verdict_for(r, "en")
        assert row["wbk_eligible"] == v["wbk"]["eligible"] and row["wbbm_status"] == v["wbbm"]["status"]
    tpi = u[u.file == str(S05)].iloc[0]
    r05 = next(r for r in results if r.file == str(S05))
    assert tpi["tpi_total"] == r05.tpi_scores.total
    assert list(u.columns[:4]) == ["file", "unit", "layout", "sheet"]
    assert [c for c in u.columns if c.startswith("area_")] == [f"area_{a}" for a in ("MP", "PT", "SDM", "AK", "PW", "PP")]
    m = u[u.file == str(S04)].iloc[0]
    assert (m["root_problems"], m["derived_values"]) == (19, 8)


def test_indicators_findings_answers(results):
    from lketool import frames

    ind = frames.indicators(results)
    n_ind = len(list(results[0].rubric.walk_indicators()))
    assert len(ind) == 5 * n_ind
    r04 = next(r for r in results if r.file == str(S04))
    p5 = ind[(ind.file == str(S04)) & (ind.indicator == "P.5.iv")].iloc[0]
    assert p5["score"] == r04.scores.indicators["P.5.iv"].score and p5["workbook_score"] == pytest.approx(1.25)

    f = frames.findings(results, lang="en")
    mine = f[f.file == str(S04)]
    assert len(mine) == 27 and (~mine.root).sum() == 8
    assert mine[mine.cell == "L89"].iloc[0]["caused_by"] == "LKE ZI!L91 formula-overwritten"
    assert (f[f.file.str.endswith("no-such-file.xlsx")].code == "file-not-found").all()

    a = frames.answers(results)
    assert len(a) == 5 * len(results[0].rubric.entry_ids())
    row = a[(a.file == str(S04)) & (a.item == "P.3.iii.b")].iloc[0]
    assert row["unit_answer"] == "F" and row["cell"] == "LKE ZI!K47"
    assert str(a["soal_id"].dtype) == "Int64"
    tpi = a[a.file == str(S05)]
    assert tpi["differs"].any() and tpi["tpi_value"].notna().any()


def test_paths_accepted_and_pandas_loaded_only_when_used():
    code = ("import sys; import lketool.frames as f; assert 'pandas' not in sys.modules, 'eager';"
            f"u = f.units({str(S04)!r}); assert 'pandas' in sys.modules; print(len(u))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"


def test_single_result():
    from lketool import frames

    assert len(frames.findings(check_file(S04))) == 27
