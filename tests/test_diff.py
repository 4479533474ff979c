"""lketool diff: changes matched by rubric id (moved rows still line up), scores and
verdicts before and after, table/JSON/CSV output and exit codes."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner

from lketool.api import check_file
from lketool.cli import main
from lketool.diff import diff_files
from lketool.rubric import load_rubric
from lketool.template import write_template

openpyxl = pytest.importorskip("openpyxl")

RUBRIC = load_rubric()
SHEET = "LKE ZI"
LINK = "https://drive.google.com/file/d/{}/view"


def _top_answers() -> dict:
    """The best answer everywhere (first option, survey 4, equal counts)."""
    out = {}
    for eid in RUBRIC.entry_ids():
        item = RUBRIC.items.get(eid)
        out[eid] = 4 if item is None else (4.0 if item.type == "survey" else next(iter(RUBRIC.options(item.type))))
    for inp in RUBRIC.inputs.values():
        if inp.role == "total":  # the Lampiran III "Jumlah yang harus melaporkan" = sum of the parts
            parts = [i for i in RUBRIC.items[inp.item_id].inputs if i.role == "part"]
            out[inp.id] = sum(out[i.id] for i in parts)
            # everyone required has reported (LHKPN/LHKASN 100 %, a WBK condition of 5/2024 Tabel 5)
            out[RUBRIC.items[inp.item_id].input("num").id] = out[inp.id]
    return out


ANSWERS = _top_answers()
NOTES = {"P.1.i.a": "SK tim", "P.4.ii.a": "Renstra 2025"}
EVIDENCE = {"P.1.i.a": LINK.format("sk"), "P.5.i.a": LINK.format("kampanye")}


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """v1 built by the template; v2 = v1 edited as a unit would in Excel: one answer
    changed above an inserted row, and below it an answer, a note, a link replaced, a
    link added and the IPAK survey value lowered."""
    d = tmp_path_factory.mktemp("diff")
    v1 = write_template(d / "LKE Dinas Contoh v1.xlsx", "lampiran-iii", unit="Dinas Contoh", answers=ANSWERS,
                        notes=NOTES, evidence=EVIDENCE)
    res = check_file(v1)
    rows = {k: e.row for k, e in res.mapped.entries.items()}
    cols = res.mapped.columns
    note_col = openpyxl.utils.get_column_letter(cols["note"])
    wb = openpyxl.load_workbook(v1)
    ws = wb[SHEET]
    ws[f"K{rows['P.1.i.b']}"] = "C"  # above the inserted row: stays in place
    insert_at = rows["P.2.i.a"]
    ws.insert_rows(insert_at)
    ws[f"G{insert_at}"] = None

    def moved(eid):
        return rows[eid] + 1 if rows[eid] >= insert_at else rows[eid]
    ws[f"K{moved('P.3.i.b')}"] = "D"
    ws[f"{note_col}{moved('P.4.ii.a')}"] = "Renstra 2025-2029"
    ws[f"P{moved('P.5.i.a')}"] = LINK.format("kampanye-2")
    ws[f"P{moved('P.6.i.a')}"] = LINK.format("standar")
    ws[f"K{moved('H.I.a')}"] = 2.0
    v2 = d / "LKE Dinas Contoh v2.xlsx"
    wb.save(v2)
    return {"v1": v1, "v2": v2, "rows": rows, "moved": moved, "note_col": note_col, "dir": d}


def test_changes_are_matched_by_item_despite_inserted_row(versions):
    d = diff_files(versions["v1"], versions["v2"])
    assert d.exit_code == 1
    got = {(c.item, c.field): c for c in d.changes}
    assert set(got) == {("P.1.i.b", "unit"), ("P.3.i.b", "unit"), ("P.4.ii.a", "note"), ("P.5.i.a", "evidence"),
                        ("P.6.i.a", "evidence"), ("H.I.a", "unit")}
    rows, moved, nc = versions["rows"], versions["moved"], versions["note_col"]
    c = got[("P.1.i.b", "unit")]
    assert (c.old, c.new, c.old_cell, c.new_cell) == ("A", "C", f"{SHEET}!K{rows['P.1.i.b']}",
                                                      f"{SHEET}!K{rows['P.1.i.b']}")
    c = got[("P.3.i.b", "unit")]
    assert (c.old, c.new) == ("A", "D")
    assert c.old_cell == f"{SHEET}!K{rows['P.3.i.b']}" and c.new_cell == f"{SHEET}!K{rows['P.3.i.b'] + 1}"
    c = got[("P.4.ii.a", "note")]
    assert (c.old, c.new, c.new_cell) == ("Renstra 2025", "Renstra 2025-2029", f"{SHEET}!{nc}{moved('P.4.ii.a')}")
    c = got[("P.5.i.a", "evidence")]
    assert (c.old, c.new, c.kind) == ([LINK.format("kampanye")], [LINK.format("kampanye-2")], "changed")
    c = got[("P.6.i.a", "evidence")]
    assert (c.old, c.new, c.kind) == (None, [LINK.format("standar")], "added")
    assert got[("H.I.a", "unit")].old == 4 and got[("H.I.a", "unit")].new == 2
    assert got[("P.1.i.b", "unit")].soal_id == RUBRIC.items["P.1.i.b"].soal_id


def _leaf_drop(item_id: str, old: str, new: str) -> float:
    """Score change of one answer, by the rubric's rule: AVERAGE(values) x weight."""
    item = RUBRIC.items[item_id]
    ind = RUBRIC.indicators[item.indicator_id]
    assert not ind.children
    opts = RUBRIC.options(item.type)
    return (opts[new] - opts[old]) / len(ind.items) * ind.weight


def test_scores_and_verdicts_before_and_after(versions):
    d = diff_files(versions["v1"], versions["v2"])
    s = {row.key: row for row in d.scores}
    d_p1 = _leaf_drop("P.1.i.b", "A", "C")
    d_p3 = _leaf_drop("P.3.i.b", "A", "D")
    ipak_w = RUBRIC.metric_indicator("ipak").weight
    d_ipak = (2.0 - 4.0) / 4 * ipak_w  # survey value / 4 x weight
    assert s["pemenuhan"].delta == pytest.approx(d_p1 + d_p3)
    assert s["reform"].delta == pytest.approx(0)
    assert s["hasil"].delta == pytest.approx(d_ipak)
    assert s["total"].delta == pytest.approx(d_p1 + d_p3 + d_ipak)
    assert s["area:MP"].delta == pytest.approx(d_p1) and s["area:SDM"].delta == pytest.approx(d_p3)
    assert s["area:PT"].delta == pytest.approx(0) and not s["area:PT"].changed
    assert s["area:MP"].weight == RUBRIC.area_weight("MP")
    v = {row.key: row for row in d.verdicts}
    # IPAK 2.0 < 3.60 survey minimum: no longer eligible (domain facts, Tabel 6 of 90/2021)
    assert v["wbk"].old is True and v["wbk"].new is False
    assert {"ipak", "bersih_akuntabel"} <= set(v["wbk"].new_missed) and v["wbk"].old_missed == []


def test_table_output_indonesian_and_english(versions):
    r = CliRunner().invoke(main, ["diff", str(versions["v1"]), str(versions["v2"])])
    assert r.exit_code == 1, r.output
    lines = r.output.splitlines()
    change_lines = [ln for ln in lines if ln.startswith(f"  {SHEET}!")]
    assert len(change_lines) == 6  # one per change, each starting with sheet!cell
    rows = versions["rows"]
    moved_line = next(ln for ln in change_lines if "P.3.i.b" in ln)
    assert moved_line.startswith(f"  {SHEET}!K{rows['P.3.i.b'] + 1} (dulu K{rows['P.3.i.b']})")
    assert "Jawaban unit" in moved_line and "Perubahan (6)" in r.output
    assert "Menuju WBK: MEMENUHI -> BELUM MEMENUHI" in r.output
    assert "Nilai total" in r.output

    r = CliRunner().invoke(main, ["diff", str(versions["v1"]), str(versions["v2"]), "--lang", "en"])
    assert r.exit_code == 1
    assert "Unit answer" in r.output and "MEETS -> DOES NOT MEET" in r.output
    assert "missed now: " in r.output and "(IPAK)" in r.output
    assert f"(was K{rows['P.3.i.b']})" in r.output


def test_json_and_csv_output(versions):
    r = CliRunner().invoke(main, ["diff", str(versions["v1"]), str(versions["v2"]), "--format", "json"])
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert data["differences"] is True and data["count"] == 6 == len(data["changes"])
    assert data["old"]["layout"] == data["new"]["layout"] == "lampiran-iii"
    total = next(s for s in data["scores"] if s["key"] == "total")
    assert total["old"] > total["new"]

    r = CliRunner().invoke(main, ["diff", str(versions["v1"]), str(versions["v2"]), "--format", "csv",
                                  "--lang", "en"])
    assert r.exit_code == 1
    rows = [{k.lower(): v for k, v in x.items()} for x in csv.DictReader(io.StringIO(r.output))]
    changes = [x for x in rows if x["kind"] == "change"]
    assert len(changes) == 6 and all(x["cell"].startswith(f"{SHEET}!") for x in changes)
    assert {x["item"] for x in rows if x["kind"] == "verdict"} == {"wbk", "wbbm"}
    assert any(x["kind"] == "score" and x["item"] == "area:MP" for x in rows)


def test_identical_copies_exit_0(versions, tmp_path):
    copy = tmp_path / "copy.xlsx"
    shutil.copy(versions["v1"], copy)
    r = CliRunner().invoke(main, ["diff", str(versions["v1"]), str(copy)])
    assert r.exit_code == 0, r.output
    assert "Tidak ada perbedaan" in r.output


def test_other_layout_with_same_answers_has_no_differences(versions):
    # matched by rubric id, so a Lampiran III version and a PortalRB version line up
    portal = write_template(versions["dir"] / "portal.xlsx", "portalrb-2026", unit="Dinas Contoh",
                            answers=ANSWERS, notes=NOTES, evidence=EVIDENCE)
    d = diff_files(versions["v1"], portal)
    assert d.new.layout == "portalrb-2026"
    assert d.changes == [] and d.exit_code == 0
    assert all(not s.changed for s in d.scores)

    # a typed Lampiran III total that disagrees with its parts no longer changes the score: the
    # required count is the sum of the parts on both sides (check reports the typed total)
    total = next(i for i in RUBRIC.inputs.values() if i.role == "total" and not i.computed)
    row = check_file(versions["v1"]).mapped.entries[total.id].row
    wb = openpyxl.load_workbook(versions["v1"])
    wb[SHEET][f"K{row}"] = 4
    typed = versions["dir"] / "typed-total.xlsx"
    wb.save(typed)
    d = diff_files(typed, portal)
    parts = sum(ANSWERS[i.id] for i in RUBRIC.items[total.item_id].inputs if i.role == "part")
    assert parts != 4 and d.changes == []
    assert not next(s for s in d.scores if s.key == "total").changed
    assert any(p.code == "count-inconsistent" and p.location.cell == f"K{row}" for p in check_file(typed).problems)


def test_tpi_columns_and_normalised_answers(tmp_path):
    answers = dict(ANSWERS, **{"P.1.i.a": "ya", "P.1.i.b": "X"})
    a = write_template(tmp_path / "a.xlsx", "portalrb-2026", unit="Unit T", answers=answers,
                       tpi_answers={"P.1.i.a": "Ya", "H.I.a": 3.5})
    spec_rows = check_file(a).mapped.entries
    ra, rb, rh = spec_rows["P.1.i.a"].row, spec_rows["P.1.i.b"].row, spec_rows["H.I.a"].row
    wb = openpyxl.load_workbook(a)
    ws = wb["Jawaban"]
    ws[f"K{ra}"] = "Ya"  # 'ya' -> 'Ya' is the same answer
    ws[f"K{rb}"] = "Y"  # one invalid answer for another is a change
    ws[f"N{ra}"] = "Tidak"
    ws[f"Q{ra}"] = "Bukti SK belum ditandatangani"
    ws[f"N{rh}"] = "3,5"  # the same number typed as text
    b = tmp_path / "b.xlsx"
    wb.save(b)
    d = diff_files(a, b)
    got = {(c.item, c.field): c for c in d.changes}
    assert set(got) == {("P.1.i.b", "unit"), ("P.1.i.a", "tpi"), ("P.1.i.a", "tpi_note")}
    assert (got[("P.1.i.b", "unit")].old, got[("P.1.i.b", "unit")].new) == ("X", "Y")
    c = got[("P.1.i.a", "tpi")]
    assert (c.old, c.new, c.new_cell) == ("Ya", "Tidak", f"Jawaban!N{ra}")
    c = got[("P.1.i.a", "tpi_note")]
    assert (c.old, c.new, c.kind, c.new_cell) == (None, "Bukti SK belum ditandatangani", "added", f"Jawaban!Q{ra}")
    tpi_total = next(s for s in d.scores if s.key == "tpi_total")
    assert tpi_total.old is not None and tpi_total.changed


def test_unreadable_input_exits_2(versions, tmp_path):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    r = CliRunner().invoke(main, ["diff", str(versions["v1"]), str(bad)])
    assert r.exit_code == 2
    assert "rusak.xlsx" in r.output and "baru" in r.output
    r = CliRunner().invoke(main, ["diff", str(tmp_path / "tidak-ada.xlsx"), str(versions["v1"]), "--format", "json"])
    assert r.exit_code == 2
    assert json.loads(r.output)["old"]["error"]["code"] == "file-not-found"
