"""Layouts in a registry: names as constants, the PortalRB reader and the template both
take their columns and rows from the layout data."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import openpyxl
import pytest

from lketool.api import check_file
from lketool.layouts import (LAMPIRAN_III, PORTALRB_2026, REGISTRY, Layout, get_layout, layout_names)
from lketool.layouts.portalrb import layout_spec, map_sheet
from lketool.reader import open_workbook
from lketool.rubric import load_rubric
from lketool.template import portalrb_columns, portalrb_rows, write_template

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = load_rubric()


def test_registry_names_and_data():
    assert layout_names() == (LAMPIRAN_III, PORTALRB_2026) == ("lampiran-iii", "portalrb-2026")
    spec = get_layout(PORTALRB_2026).spec()
    assert spec["layout"] == PORTALRB_2026 and spec["editions"] == [RUBRIC.edition]
    assert get_layout(LAMPIRAN_III).spec() is None
    with pytest.raises(ValueError, match="unknown layout 'lampiran-ii'"):
        get_layout("lampiran-ii")


def test_layout_names_are_not_literals_in_modules():
    # One definition each (lketool/layouts/__init__.py); modules use the constants.
    # Docstrings and help prose may name a layout; a string constant that IS a name may not.
    names = {LAMPIRAN_III, PORTALRB_2026}
    home = ROOT / "lketool" / "layouts" / "__init__.py"
    offenders = []
    for f in sorted([*(ROOT / "lketool").rglob("*.py"), *(ROOT / "tools").glob("*.py")]):
        if f == home:
            continue
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                offenders.append(f"{f.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not offenders, "\n".join(offenders)


def _moved_columns_layout(tmp_path: Path) -> Layout:
    spec = json.loads(get_layout(PORTALRB_2026).spec_file.read_text(encoding="utf-8"))
    # swap the unit and TPI note columns: a template or reader with letters of its own
    # would put or look for the notes in the wrong column
    spec["columns"]["note"], spec["columns"]["tpi_note"] = spec["columns"]["tpi_note"], spec["columns"]["note"]
    f = tmp_path / "portalrb-moved.json"
    f.write_text(json.dumps(spec), encoding="utf-8")
    return Layout(PORTALRB_2026, "lketool.layouts.portalrb", spec_file=f)


def test_template_and_reader_use_the_columns_of_the_layout_data(tmp_path, monkeypatch):
    monkeypatch.setitem(REGISTRY, PORTALRB_2026, _moved_columns_layout(tmp_path))
    cols = portalrb_columns()
    assert cols["note"] == "Q" and cols["tpi_note"] == "L"
    eid = "P.1.i.a"
    path = write_template(tmp_path / "moved.xlsx", PORTALRB_2026, unit="Dinas Contoh",
                          answers={eid: "Ya"}, notes={eid: "catatan unit"}, tpi_answers={eid: "Tidak"})
    row = portalrb_rows(RUBRIC)[eid]
    ws = openpyxl.load_workbook(path)["Jawaban"]
    assert ws[f"Q{row}"].value == "catatan unit" and ws[f"L{row}"].value is None
    assert ws[f"Q1"].value == "Catatan Unit" and ws["L1"].value == "Catatan TPI"
    assert (ws[f"{cols['answer']}{row}"].value, ws[f"{cols['tpi_answer']}{row}"].value) == ("Ya", "Tidak")
    res = check_file(path)
    assert res.layout == PORTALRB_2026
    assert res.mapped.entries[eid].note == "catatan unit"


def test_portalrb_reader_takes_its_layout_file_as_a_parameter(tmp_path):
    eid = "P.1.i.a"
    path = write_template(tmp_path / "lke.xlsx", PORTALRB_2026, answers={eid: "Ya"}, notes={eid: "unit"})
    grid = open_workbook(path).grid("Jawaban")
    layout = _moved_columns_layout(tmp_path)
    assert map_sheet(grid, RUBRIC).entries[eid].note == "unit"
    for given in (layout.spec_file, str(layout.spec_file), layout.spec()):
        moved = map_sheet(grid, RUBRIC, given)
        assert moved.entries[eid].note == "" and moved.entries[eid].tpi_note == "unit"
    assert layout_spec(PORTALRB_2026) is get_layout(PORTALRB_2026).spec()
