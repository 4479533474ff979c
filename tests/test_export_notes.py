"""export-portalrb: layout-mapping notes once per run (not once per file), each with a
severity; the full question text in the refusal list."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from lketool.cli import main
from lketool.rubric import load_rubric

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_mapping_notes_once_per_run_with_severity(tmp_path):
    r = CliRunner().invoke(main, ["export-portalrb", str(SAMPLES), "-o", str(tmp_path / "out")],
                           env={"COLUMNS": "120"})
    assert r.exit_code == 1, r.output  # sample 04 is refused
    out = r.stdout
    assert out.count("Catatan pemetaan ke PortalRB") == 1
    assert out.count("LKE ZI!K127") == 1  # said once, not for each of the 4 Lampiran III files
    assert "(4 berkas)" in out
    note_line = next(l for l in out.splitlines() if "LKE ZI!K127" in l)
    assert "INFO" in note_line
    refused = next(l for l in out.splitlines() if "LKE ZI!K50" in l)
    assert "KESALAHAN" in refused
    text = load_rubric().items["P.3.iii.e"].text
    block = out[out.index("LKE ZI!K50"):]
    block = " ".join(l.strip() for l in block.splitlines()[:6])
    assert " ".join(text.split()) in block  # never cut at 60 characters


def test_json_mapping_notes_and_severities(tmp_path):
    r = CliRunner().invoke(main, ["export-portalrb", str(SAMPLES), "-o", str(tmp_path / "out"), "--format", "json",
                                  "--allow-incomplete"])
    data = json.loads(r.stdout)
    notes = data["mapping_notes"]
    assert len({n["cell"] for n in notes}) == len(notes) == 8
    assert all(n["severity"] == "info" and len(n["files"]) == 4 for n in notes)
    res04 = next(x for x in data["results"] if "04-" in x["file"])
    assert res04["status"] == "written"
    assert {n["severity"] for n in res04["notices"] if n["code"] != "note-carried"} == {"warning"}
