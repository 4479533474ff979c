"""lketool template: the blank workbooks, their formulas, validations and protection."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lketool.rubric import load_rubric
from lketool.template import STD_ANSWER_MAP, portalrb_rows, write_template

ROOT = Path(__file__).resolve().parents[1]
from conftest import SKIP_REASON, STRUCTURE_DUMP as DUMP  # noqa: E402  ($LKETOOL_SHARED or ../shared)
COMMITTED = {"lampiran-iii": ROOT / "templates_xlsx" / "lke-zi-lampiran-iii.xlsx",
             "portalrb-2026": ROOT / "templates_xlsx" / "lke-zi-portalrb-2026.xlsx"}
RUBRIC = load_rubric()


def _cells(path: Path) -> dict:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
        out[ws.title + "#merged"] = sorted(str(m) for m in ws.merged_cells.ranges)
        out[ws.title + "#dv"] = sorted((dv.type, dv.formula1, dv.formula2, str(dv.sqref))
                                       for dv in ws.data_validations.dataValidation)
    return out


@pytest.mark.parametrize("layout", ["lampiran-iii", "portalrb-2026"])
def test_committed_templates_equal_generated(tmp_path, layout):
    from lketool.cli import main

    out = tmp_path / f"{layout}.xlsx"
    res = CliRunner().invoke(main, ["template", "--layout", layout, "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert _cells(out) == _cells(COMMITTED[layout]), \
        "templates_xlsx/ is stale: regenerate with `lketool template --layout ... -o templates_xlsx/...`"


def test_cli_rejects_non_xlsx(tmp_path):
    from lketool.cli import main

    res = CliRunner().invoke(main, ["template", "-o", str(tmp_path / "x.xls")])
    assert res.exit_code == 2
    assert not (tmp_path / "x.xls").exists()


def test_std_answer_map_is_the_official_formula_verbatim():
    if not DUMP.is_file():
        pytest.skip(SKIP_REASON)
    text = DUMP.read_text(encoding="utf-8")
    official = text.split("STD_ANSWER_MAP formula (verbatim, from 'LKE ZI'!L9):", 1)[1].strip().splitlines()[0]
    assert "=" + STD_ANSWER_MAP.format(r=9) == official


@pytest.fixture(scope="module")
def lampiran(tmp_path_factory):
    import openpyxl

    path = write_template(tmp_path_factory.mktemp("t") / "l.xlsx", "lampiran-iii", unit="Dinas Contoh")
    return openpyxl.load_workbook(path)["LKE ZI"]


def test_lampiran_header_unit_and_title(lampiran):
    ws = lampiran
    assert ws["B1"].value.startswith("LAMPIRAN III") and "NOMOR 90 TAHUN 2021" in ws["B1"].value
    assert (ws["B2"].value, ws["C2"].value) == ("Unit Kerja", "Dinas Contoh")
    want = {"B": "Penilaian", "H": "Bobot", "I": "Penjelasan", "J": "Pilihan Jawaban", "K": "Jawaban",
            "L": "Nilai", "M": "%", "O": "Catatan/Keterangan/Penjelasan", "P": "Bukti Dukung (tautan)"}
    assert {c: ws[f"{c}3"].value for c in want} == want
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"


def _rows_by_text(ws):
    return {str(ws[f"G{r}"].value).lstrip("- "): r for r in range(1, ws.max_row + 1) if ws[f"G{r}"].value}


def test_lampiran_item_rows_carry_text_type_and_official_formula(lampiran):
    ws = lampiran
    by_text = _rows_by_text(ws)
    for item in RUBRIC.items.values():
        if item.indicator_id.startswith("H."):
            continue
        r = by_text[item.text]
        assert ws[f"F{r}"].value == item.marker
        assert ws[f"J{r}"].value == RUBRIC.type_label(item.type)
        assert ws[f"L{r}"].value == "=" + STD_ANSWER_MAP.format(r=r)
        assert (ws[f"I{r}"].value or "") == item.criteria


def test_lampiran_pct_and_count_formulas(lampiran):
    ws = lampiran
    by_text = _rows_by_text(ws)
    # MP reform i.a: a plain ratio over the two Jumlah rows below it
    r = by_text[RUBRIC.items["R.1.i.a"].text]
    assert ws[f"K{r}"].value == (f'=IF(OR(K{r+1}="",K{r+2}=""),"Blm Diisi",'
                                 f'IF(K{r+2}/K{r+1}>1,1,K{r+2}/K{r+1}))')
    # pengaduan: the in-process row must be filled too
    r = by_text[RUBRIC.items["R.5.ii.a"].text]
    assert ws[f"K{r}"].value == (f'=IF(OR(K{r+1}="",K{r+3}="",K{r+2}=""),"Blm Diisi",'
                                 f'IF(K{r+3}/K{r+1}>1,1,K{r+3}/K{r+1}))')
    # pelanggaran: the decrease formula
    r = by_text[RUBRIC.items["R.3.iii.a"].text]
    p, c, s = f"K{r+1}", f"K{r+2}", f"K{r+3}"
    assert ws[f"K{r}"].value == (f'=IF(OR({p}="",{c}="",{s}=""),"Blm Diisi",IF(AND({p}=0,{c}=0),1,'
                                 f'IF(({p}-{c})/{p}<0,0,({p}-{c})/{p})))')
    # LHKPN: total = parts, % = sudah / total
    r = by_text[RUBRIC.items["R.5.iii.a.a"].text]
    assert ws[f"G{r+1}"].value == "- Jumlah yang harus melaporkan"
    assert ws[f"K{r+1}"].value == f'=IF(OR(K{r+2}="",K{r+3}="",K{r+4}=""),"Blm Diisi",K{r+2}+K{r+3}+K{r+4})'
    assert ws[f"K{r}"].value == f'=IF(OR(K{r+1}="",K{r+5}=""),"Blm Diisi",IF(K{r+5}/K{r+1}>1,1,K{r+5}/K{r+1}))'
    # LHKASN: the total row is the sum of the three parts below it (90/2021 Lampiran III lines 4049-4053;
    # the real workbook types it), then sudah
    r = by_text[RUBRIC.items["R.5.iii.b.a"].text]
    assert ws[f"G{r+1}"].value == "- Jumlah yang harus melaporkan (ASN tidak wajib LHKPN)"
    assert ws[f"K{r+1}"].value == f'=IF(OR(K{r+2}="",K{r+3}="",K{r+4}=""),"Blm Diisi",K{r+2}+K{r+3}+K{r+4})'
    assert ws[f"J{r+1}"].value == "Jumlah"
    assert ws[f"K{r}"].value == f'=IF(OR(K{r+1}="",K{r+5}=""),"Blm Diisi",IF(K{r+5}/K{r+1}>1,1,K{r+5}/K{r+1}))'


def test_lampiran_aggregates(lampiran):
    ws = lampiran
    labels = {}
    for r in range(1, ws.max_row + 1):
        for c in "BCDEF":
            v = ws[f"{c}{r}"].value
            if isinstance(v, str) and not re.fullmatch(r"[A-Za-z0-9]{1,4}\.?", v):
                labels.setdefault(v, r)
                break
    total = labels["NILAI EVALUASI ZONA INTEGRITAS"]
    tp, th = labels["TOTAL PENGUNGKIT"], labels["TOTAL HASIL"]
    assert ws[f"L{total}"].value == f"=SUM(L{tp},L{th})"
    ipak = labels[RUBRIC.items["H.I.a"].text]
    assert ws[f"L{ipak}"].value == f'=IF(K{ipak}="","Blm Diisi",K{ipak}/4)*H{ipak}'
    cap = labels[RUBRIC.items["H.I.b"].text]
    assert ws[f"L{cap}"].value == "=" + STD_ANSWER_MAP.format(r=cap) + f"*H{cap}"
    bersih = labels["BIROKRASI YANG BERSIH DAN AKUNTABEL"]
    assert ws[f"L{bersih}"].value == f"=SUM(L{ipak},L{cap})"
    assert ws[f"M{bersih}"].value == f"=L{bersih}/H{bersih}"
    # an indicator averages exactly its own rows, times its weight
    ind = labels["Penyusunan Tim Kerja"]
    assert ws[f"L{ind}"].value == f"=AVERAGE(L{ind+1}:L{ind+2})*H{ind}"
    assert ws[f"H{ind}"].value == 0.5
    parent = labels["Penyampaian Laporan Harta Kekayaan"]
    lhkpn = labels["Penyampaian Laporan Harta Kekayaan Pejabat Negara (LHKPN)"]
    lhkasn = labels[RUBRIC.indicators["R.5.iii.b"].name]
    assert ws[f"L{parent}"].value == f"=SUM(L{lhkpn},L{lhkasn})"
    assert ws[f"L{lhkpn}"].value == f"=AVERAGE(L{lhkpn+1}:L{lhkasn-1})*H{lhkpn}"


def test_lampiran_validation_and_protection(lampiran):
    ws = lampiran
    assert ws.protection.sheet and not ws.protection.password
    by_cell = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in range(rng.min_row, rng.max_row + 1):
                by_cell[f"K{row}"] = (dv.type, dv.formula1, dv.formula2, dv.operator)
    by_text = _rows_by_text(ws)
    r = by_text[RUBRIC.items["P.1.i.a"].text]
    assert by_cell[f"K{r}"][:2] == ("list", '"Ya,Tidak"')
    assert not ws[f"K{r}"].protection.locked and not ws[f"P{r}"].protection.locked
    assert ws[f"L{r}"].protection.locked and ws[f"G{r}"].protection.locked
    r = by_text[RUBRIC.inputs["R.1.i.a.1"].text]
    assert by_cell[f"K{r}"] == ("whole", "0", None, "greaterThanOrEqual")
    n_lists = sum(1 for v in by_cell.values() if v[0] == "list")
    n_counts = sum(1 for v in by_cell.values() if v[0] == "whole")
    n_survey = [v for v in by_cell.values() if v[0] == "decimal"]
    choice = [i for i in RUBRIC.items.values() if i.type in ("yn", "abc", "abcd", "abcde")]
    # every count typed by the unit; the "harus melaporkan" totals are formulas in lketool's form
    typed_inputs = [i for i in RUBRIC.inputs.values() if i.role != "total" and i.layout_only in (None, "lampiran-iii")]
    assert n_lists == len(choice)
    assert n_counts == len(typed_inputs)
    assert n_survey == [("decimal", "0", "4", "between")] * 2


def test_answers_evidence_notes_land_in_their_cells(tmp_path):
    import openpyxl

    path = write_template(tmp_path / "f.xlsx", "lampiran-iii", answers={"P.1.i.a": "Ya", "R.1.i.a.1": 4},
                          evidence={"R.1.i.a": "https://drive.google.com/x"}, notes={"P.1.i.a": "catatan"})
    ws = openpyxl.load_workbook(path)["LKE ZI"]
    by_text = _rows_by_text(ws)
    r = by_text[RUBRIC.items["P.1.i.a"].text]
    assert (ws[f"K{r}"].value, ws[f"O{r}"].value) == ("Ya", "catatan")
    assert ws[f"K{by_text[RUBRIC.inputs['R.1.i.a.1'].text]}"].value == 4
    assert ws[f"P{by_text[RUBRIC.items['R.1.i.a'].text]}"].value == "https://drive.google.com/x"
    with pytest.raises(ValueError):
        write_template(tmp_path / "g.xlsx", "lampiran-iii", answers={"P.9.x": "A"})
    with pytest.raises(ValueError):  # a % cell holds a formula, not an answer
        write_template(tmp_path / "g.xlsx", "lampiran-iii", answers={"R.1.i.a": 0.5})
    with pytest.raises(ValueError):
        write_template(tmp_path / "g.xlsx", "lampiran-iii", tpi_answers={"P.1.i.a": "Ya"})
    assert not (tmp_path / "g.xlsx").exists()


def test_portalrb_rows_columns_and_nilai_keys(tmp_path):
    import openpyxl

    path = write_template(tmp_path / "p.xlsx", "portalrb-2026", unit="Dinas Contoh",
                          answers={"P.1.i.a": "Ya"}, tpi_answers={"P.1.i.a": "Tidak"},
                          evidence={"P.1.i.a": "https://drive.google.com/y"}, notes={"P.1.i.a": "n"})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Jawaban", "Nilai"]
    ws = wb["Jawaban"]
    want = {"K": "Jawaban Unit", "L": "Catatan Unit", "M": "Bukti Dukung Unit", "N": "Jawaban TPI",
            "O": "Nilai Unit", "P": "Nilai TPI", "Q": "Catatan TPI"}
    assert {c: ws[f"{c}1"].value for c in want} == want
    assert (ws["S1"].value, ws["T1"].value) == ("Unit Kerja", "Dinas Contoh")
    rows = portalrb_rows(RUBRIC)
    assert len(rows) == 127
    for eid, r in rows.items():
        obj = RUBRIC.items.get(eid) or RUBRIC.inputs[eid]
        assert ws[f"R{r}"].value == obj.soal_id
        assert ws[f"G{r}"].value.lstrip("- ") == (getattr(obj, "portalrb_text", "") or obj.text)
        kind = obj.type if eid in RUBRIC.items else "count"
        assert ws[f"J{r}"].value == RUBRIC.type_label(kind)
    r = rows["P.1.i.a"]
    assert [ws[f"{c}{r}"].value for c in "KLMN"] == ["Ya", "n", "https://drive.google.com/y", "Tidak"]
    keys = {c.value for c in wb["Nilai"]["A"] if c.value}
    want_keys = {i.id for i in RUBRIC.walk_indicators()} | {"pemenuhan", "reform", "pengungkit",
                                                            "bersih_akuntabel", "pelayanan_prima", "hasil", "total"}
    want_keys |= {f"area:{h}:{a.id}" for h in ("pemenuhan", "reform") for a in RUBRIC.areas(h)}
    assert want_keys <= keys
    # every Nilai formula reads only the Jawaban answer columns or the Nilai sheet itself
    for row in wb["Nilai"].iter_rows(min_col=3, max_col=4):
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                assert set(re.findall(r"Jawaban!([A-Z]+)\d+", c.value)) <= {"K", "N"}


@pytest.mark.parametrize("layout", ["lampiran-iii", "portalrb-2026"])
def test_text_that_looks_like_a_formula_stays_text(tmp_path, layout):
    import openpyxl

    from lketool.api import check_file

    unit = '=HYPERLINK("http://x","Dinas")'
    path = write_template(tmp_path / "f.xlsx", layout, unit=unit, notes={"P.1.i.a": "=1+1"},
                          evidence={"P.1.i.a": "=cmd|' /C calc'!A0"})
    wb = openpyxl.load_workbook(path)
    texts = {c.value: c.data_type for ws in wb for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=") and c.value in
             (unit, "=1+1", "=cmd|' /C calc'!A0")}
    assert texts == {unit: "s", "=1+1": "s", "=cmd|' /C calc'!A0": "s"}
    assert check_file(path).unit == unit
