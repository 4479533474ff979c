"""`lketool template --recalc` keeps the frozen header rows (LibreOffice drops them) and
the values LibreOffice computed."""
from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner

from lketool.cli import main


@pytest.mark.libreoffice
def test_recalc_keeps_frozen_header_rows_and_computed_values(tmp_path):
    import openpyxl

    plain, recalculated = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert CliRunner().invoke(main, ["template", "-o", str(plain)]).exit_code == 0
    r = CliRunner().invoke(main, ["template", "-o", str(recalculated), "--recalc"])
    assert r.exit_code == 0, r.output
    want = {ws.title: ws.freeze_panes for ws in openpyxl.load_workbook(plain).worksheets}
    got = {ws.title: ws.freeze_panes for ws in openpyxl.load_workbook(recalculated).worksheets}
    assert want["LKE ZI"] and got == want
    import re

    with zipfile.ZipFile(recalculated) as z:
        assert z.testzip() is None
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    formulas = re.findall(r"<f[ >]", xml)
    computed = re.findall(r"<f[^>]*>[^<]*</f><v>", xml)
    assert formulas and len(computed) == len(formulas)  # every formula still carries LibreOffice's value


def test_freeze_xml_patch():
    from lketool.template import _freeze_xml

    xml = '<worksheet><sheetViews><sheetView workbookViewId="0"><selection activeCell="B2"/></sheetView>' \
          '</sheetViews><sheetFormatPr/></worksheet>'
    out = _freeze_xml(xml, "A3")
    assert '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>' in out
    assert '<selection pane="bottomLeft" activeCell="B2"/>' in out
