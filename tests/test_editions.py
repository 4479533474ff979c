"""Sheets that look like an LKE ZI of 90/2021 but are not are refused by name (issue 11.10)."""
from __future__ import annotations

import openpyxl

from lketool.api import check_file
from lketool.template import write_template
from test_verdict import best


def test_lke_pmprb_is_named_not_called_a_missing_column(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "LKE"
    ws.append(["No", "Komponen", "", "", "", "", "Uraian", "Bobot", "Penjelasan", "Pilihan Jawaban", "Jawaban",
               "Nilai", "%", "", "Catatan"])
    rows = [("A.", "PROSES (60)", 60, None), ("1.", "Manajemen Perubahan", 5, None),
            ("a.", "Tim Reformasi Birokrasi telah dibentuk", None, "Ya/Tidak"),
            ("b.", "Road Map Reformasi Birokrasi telah disusun", None, "A/B/C"),
            ("2.", "Deregulasi Kebijakan", 4, None),
            ("a.", "Telah dilakukan identifikasi dan pemetaan regulasi", None, "A/B/C/D"),
            ("3.", "Penataan dan Penguatan Organisasi", 6, None),
            ("a.", "Evaluasi kelembagaan telah dilakukan", None, "A/B/C/D/E"),
            ("4.", "Penataan Tatalaksana", 5, None), ("a.", "SOP telah disusun", None, "Ya/Tidak")]
    for marker, text, weight, kind in rows:
        ws.append(["", marker, "", "", "", "", text, weight, "", kind, "A" if kind else None, None, None])
    path = tmp_path / "lke-pmprb.xlsx"
    wb.save(path)
    res = check_file(path)
    assert res.error is not None and res.error.code == "edition-unsupported"
    msg = res.error.message()
    assert "kolom LKE ditemukan" in msg and "dari 127 butir ZI dikenali" in msg and "PMPRB" in msg
    assert "Pilihan Jawaban/Jawaban" not in msg   # not the false 'no column' reason


def test_pre_2021_zi_is_refused_by_name(tmp_path):
    path = write_template(tmp_path / "zi-2019.xlsx", "lampiran-iii", unit="Unit Lama", answers={
        k: v for k, v in best().items() if not k.endswith(".total")})
    wb = openpyxl.load_workbook(path)
    ws = wb["LKE ZI"]
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.strip().upper().rstrip(".") in ("PEMENUHAN", "REFORM"):
                c.value = None
            if isinstance(c.value, str) and c.value.strip().upper() in ("MANAJEMEN PERUBAHAN", "PENATAAN TATALAKSANA"):
                ws.cell(c.row, 8).value = 5
    wb.save(path)
    before = check_file(write_template(tmp_path / "zi-2021.xlsx", "lampiran-iii", unit="Unit Baru"))
    assert before.error is None  # the 2021 form itself is read
    res = check_file(path)
    assert res.error is not None and res.error.code == "edition-unsupported", res.problems[:3]
    assert "52/2014" in res.error.message() and "5/5/15/10/15/10" in res.error.message()
