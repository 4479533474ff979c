"""Evidence columns told apart by their contents: the column where most cells are links
is the evidence column; a narrative column beside it is a note, never a finding."""
from __future__ import annotations

from pathlib import Path

import openpyxl

from lketool.api import check_file

ROOT = Path(__file__).resolve().parents[1]
S02 = ROOT / "samples" / "02-wbk-dinas-dukcapil-kabupaten-sampel.xlsx"


def test_narrative_column_is_kept_as_a_note_not_flagged(tmp_path):
    wb = openpyxl.load_workbook(S02)
    ws = wb["LKE ZI"]
    rows = sorted(e.row for e in check_file(S02).mapped.entries.values())
    for r in rows:  # column Q: what the documents are, as units write it
        ws.cell(r, 17, f"1. SK Kepala Dinas baris {r}\n2. Daftar hadir rapat")
    ws.cell(rows[3], 17, "xxx xxxx xxxx xxxx")  # a placeholder in the narrative column
    out = tmp_path / "narasi.xlsx"
    wb.save(out)
    res = check_file(out)
    assert [p for p in res.problems if p.location.cell and p.location.cell.startswith("Q")] == []
    assert not [p for p in res.problems if p.code.startswith("evidence")]
    e = next(e for e in res.mapped.entries.values() if e.row == rows[0])
    assert e.links and all(ev.col == 16 for ev in e.evidence)  # P: the links
    assert [d.col for d in e.descriptions] == [17] and "SK Kepala Dinas" in e.descriptions[0].text


def test_real_workbook_narrative_p_is_a_note_q_findings_stay(real_workbook):
    res = check_file(real_workbook)
    ev = [p for p in res.problems if p.code.startswith("evidence")]
    assert ev and all(p.location.cell.startswith("Q") for p in ev)
    assert len([p for p in ev if p.code == "evidence-missing"]) == 27
    e = res.mapped.entries["P.1.iv.a"]
    assert [d.col for d in e.descriptions] == [16] and e.descriptions[0].text.startswith("xxx")
    assert all(x.col == 17 for x in e.evidence) and e.links
