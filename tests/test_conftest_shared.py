"""The real-data tests find ../shared or $LKETOOL_SHARED, and say how to enable them."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = "import conftest; print(conftest.REAL_WORKBOOK); print(conftest.SKIP_REASON)"


def _probe(env_value: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "LKETOOL_SHARED"}
    if env_value is not None:
        env["LKETOOL_SHARED"] = env_value
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT / "tests", env=env, capture_output=True,
                         text=True, check=True)
    return out.stdout.splitlines()


def test_lketool_shared_env_points_at_the_data(tmp_path):
    data = tmp_path / "mine" / "lke-data" / "axxpxmd_zona_integritas"
    data.mkdir(parents=True)
    (data / "form_kuesioner.xlsx").write_bytes(b"x")
    for value in (tmp_path / "mine", tmp_path / "mine" / "lke-data"):  # the shared folder or lke-data itself
        path, reason = _probe(str(value))
        assert Path(path) == data / "form_kuesioner.xlsx"


def test_skip_reason_says_how_to_enable(tmp_path):
    path, reason = _probe(str(tmp_path / "nowhere"))
    if not Path(path).is_file():
        assert "LKETOOL_SHARED" in reason and "../shared" in reason
