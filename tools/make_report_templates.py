#!/usr/bin/env python3
"""Write the Word report templates ``report_templates/report.docx`` and
``report_templates/summary.docx`` with python-docx: ordinary paragraphs, headings and
tables holding docxtpl Jinja tags (``{{ ... }}``, ``{%p ... %}`` paragraph tags and
``{%tr ... %}`` table-row tags).  The generated files are committed; rerun this after
changing it:

    python tools/make_report_templates.py [--out report_templates]

Users may then edit the .docx in Word (keep each ``{{ ... }}`` tag in one piece of
text formatting) — the variables are listed in ``docs/report.md``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HEAD_FILL = "DCE6F1"
OK_FILL, BAD_FILL = "C6EFCE", "FFC7CE"
TABLE_PT = 9


# ---------------------------------------------------------------- helpers

def _document(title: str) -> Document:
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.0))
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")
    normal.paragraph_format.space_after = Pt(4)
    for name, size, color in (("Title", 18, "1F3864"), ("Heading 1", 13, "0D47A1"), ("Heading 2", 11, "1F3864")):
        st = doc.styles[name]
        st.font.name = "Arial"
        st.font.size = Pt(size)
        st.font.color.rgb = RGBColor.from_string(color)
        rfonts = st.element.rPr.find(qn("w:rFonts"))
        if rfonts is not None:
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(attr), None)
    doc.core_properties.title = title
    doc.core_properties.author = "lketool"
    doc.core_properties.comments = "Template laporan lketool; variabel: lihat docs/report.md"
    return doc


def _para(doc_or_cell, text: str = "", style: str | None = None, *, bold: bool = False, size: float | None = None,
          italic: bool = False, align=None, color: str | None = None, keep_with_next: bool = False):
    p = doc_or_cell.add_paragraph(style=style)
    if keep_with_next:
        p.paragraph_format.keep_with_next = True
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        if size:
            run.font.size = Pt(size)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
    if align is not None:
        p.alignment = align
    return p


def _tag(doc, tag: str):
    """A paragraph holding only a ``{%p ... %}`` tag (docxtpl removes the paragraph)."""
    return doc.add_paragraph(tag)


def _shade(cell, fill: str) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcPr.append(shd)


def _set_cell(cell, text: str, *, bold: bool = False, align=None, size: float = TABLE_PT) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        run.font.size = Pt(size)
    if align is not None:
        p.alignment = align


def _repeat_header(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trPr.append(el)


def _table(doc, headers: list[str], widths_cm: list[float], *, numeric: set[int] = frozenset()):
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for i, h in enumerate(headers):
        c = t.rows[0].cells[i]
        _set_cell(c, h, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT if i in numeric else None)
        _shade(c, HEAD_FILL)
    _repeat_header(t.rows[0])
    t._widths = widths_cm
    t._numeric = numeric
    return t


def _row(t, cells: list[str], *, bold: bool = False) -> None:
    r = t.add_row()
    for i, text in enumerate(cells):
        _set_cell(r.cells[i], text, bold=bold, align=WD_ALIGN_PARAGRAPH.RIGHT if i in t._numeric else None)


def _loop_rows(t, loop: str, cells: list[str], end: str = "endfor") -> None:
    """Three rows: ``{%tr loop %}``, the repeated row, ``{%tr end %}``."""
    _set_cell(t.add_row().cells[0], "{%tr " + loop + " %}")
    _row(t, cells)
    _set_cell(t.add_row().cells[0], "{%tr " + end + " %}")


def _finish(t) -> None:
    # Word reads the cell widths, LibreOffice the grid columns: set both, and a fixed layout.
    for i, w in enumerate(t._widths):
        t.columns[i].width = Cm(w)
    tblPr = t._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblPr.append(layout)
    for row in t.rows:
        for i, w in enumerate(t._widths):
            row.cells[i].width = Cm(w)


def _status_cell_tag(cond: str) -> str:
    return "{% cellbg '" + OK_FILL + "' if " + cond + " else '" + BAD_FILL + "' %}"


# ---------------------------------------------------------------- letter helpers

def _no_borders(t) -> None:
    tblPr = t._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblPr.append(borders)


def _plain_table(doc, widths_cm: list[float], rows: list[list[str]]):
    """A borderless table for the letter's heading block (Nomor / Sifat / Lampiran / Hal)."""
    t = doc.add_table(rows=0, cols=len(widths_cm))
    t.autofit = False
    for r in rows:
        row = t.add_row()
        for i, text in enumerate(r):
            _set_cell(row.cells[i], text, size=11)
    _no_borders(t)
    t._widths = widths_cm
    _finish(t)
    return t


def _page_break(doc) -> None:
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _field(p, instr: str, size_half_pt: int = 18) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(size_half_pt))
    rpr.append(sz)
    r.append(rpr)
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    p._p.append(fld)


def _page_footer(section) -> None:
    """"Halaman X dari Y", centred; nothing else (no tool name in an official letter)."""
    for footer in (section.footer, section.first_page_footer):
        p = footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run("Halaman ")
        run.font.size = Pt(9)
        _field(p, "PAGE")
        run = p.add_run(" dari ")
        run.font.size = Pt(9)
        _field(p, "NUMPAGES")


def _kop_header(section) -> None:
    """The letterhead on the first page: the --kop image when given, otherwise blank room
    (about 3 cm) for pre-printed letterhead paper or a stamp."""
    section.different_first_page_header_footer = True
    section.header_distance = Cm(1.0)
    hdr = section.first_page_header
    p = hdr.paragraphs[0]
    p.text = "{%p if kop %}"
    p2 = hdr.add_paragraph("{{ kop }}")
    p2.alignment = WD_ALIGN_PARAGRAPH.CENTER
    hdr.add_paragraph("{%p else %}")
    blank = hdr.add_paragraph()
    blank.paragraph_format.space_before = Cm(2.6)
    hdr.add_paragraph("{%p endif %}")


# ---------------------------------------------------------------- report.docx

def build_report(path: Path) -> Path:
    """The per-unit report template: an official letter (LHE) with two appendices."""
    doc = _document("Laporan Hasil Evaluasi Zona Integritas")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    for name, size in (("Heading 1", 12), ("Heading 2", 11)):  # an official letter: black headings
        doc.styles[name].font.color.rgb = RGBColor(0, 0, 0)
        doc.styles[name].font.size = Pt(size)
    sec = doc.sections[0]
    sec.left_margin, sec.right_margin = Cm(2.5), Cm(2.0)
    _kop_header(sec)
    _page_footer(sec)

    # heading block: Nomor / Sifat / Lampiran / Hal
    _plain_table(doc, [2.6, 0.5, 13.4], [["Nomor", ":", "{{ surat.nomor }}"], ["Sifat", ":", "{{ surat.sifat }}"],
                                        ["Lampiran", ":", "{{ surat.lampiran }}"], ["Hal", ":", "{{ surat.hal }}"]])
    _para(doc, "")
    _para(doc, "Yth. {{ surat.kepada }}")
    _para(doc, "di tempat")
    _para(doc, "")
    _para(doc, "{{ pembukaan }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    # The conclusion set out, not one dense paragraph: the headline verdict, the scores, the
    # criteria that decided it (a table), whose answers decided, then notes and the conditions
    # the LKE cannot show as short lists.  Words from lketool.verdict (context "putusan").
    doc.add_heading("I. Kesimpulan", 1)
    t = _table(doc, ["Predikat", "Kesimpulan"], [4.0, 12.5])
    undecided = "v.status_kode == 'tidak-dapat-ditentukan'"
    _loop_rows(t, "for v in predikat", ["{{ v.label }}", "{% cellbg '" + OK_FILL + "' if v.layak else ('FFEB9C' if "
                                        + undecided + " else '" + BAD_FILL + "') %}{{ v.status }}"])
    _finish(t)
    for cell in t.rows[2].cells:
        for run in cell.paragraphs[0].runs:
            run.bold, run.font.size = True, Pt(10.5)
    _para(doc, "{{ kesimpulan_nilai }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY).paragraph_format.space_before = Pt(6)
    _tag(doc, "{%p if putusan.kriteria %}")
    _para(doc, "{{ putusan.kata.deciding }}", keep_with_next=True)
    t = _table(doc, ["{{ putusan.kata.criterion }}", "{{ putusan.kata.minimum }}", "{{ putusan.kata.value }}",
                     "{{ putusan.kata.status }}"], [8.2, 1.9, 1.9, 4.5], numeric={1, 2})
    _set_cell(t.add_row().cells[0], "{%tr for g in putusan.kriteria %}")
    group = t.add_row()
    _set_cell(t.add_row().cells[0], "{%tr for c in g.baris %}")
    _row(t, ["{{ c.label }}", "{{ c.minimum_teks or '–' }}", "{{ c.nilai_teks or '–' }}",
             "{% cellbg 'FFEB9C' if c.met is none else '" + BAD_FILL + "' %}{{ c.status }}"])
    _set_cell(t.add_row().cells[0], "{%tr endfor %}")
    _set_cell(t.add_row().cells[0], "{%tr endfor %}")
    _finish(t)
    merged = group.cells[0].merge(group.cells[3])  # the predicate's name across the row
    _set_cell(merged, "{{ g.predikat }}", bold=True)
    _shade(merged, "F2F2F2")
    _tag(doc, "{%p else %}")
    _para(doc, "{{ putusan.kata.all_met }}")
    _tag(doc, "{%p endif %}")
    _para(doc, "{{ putusan.dasar }}", size=9.5).paragraph_format.space_before = Pt(6)
    for key, items in (("notes", "putusan.catatan"), ("not_checked", "putusan.belum_diperiksa"),
                       ("declared", "putusan.dinyatakan")):
        _tag(doc, "{%p if " + items + " %}")
        _para(doc, "{{ putusan.kata." + key + " }}", size=9.5, keep_with_next=True)
        _tag(doc, "{%p for n in " + items + " %}")
        bullet = _para(doc, "{{ n }}", "List Bullet", size=9.5)
        bullet.paragraph_format.space_after = Pt(0)
        _tag(doc, "{%p endfor %}")
        _tag(doc, "{%p endif %}")
    _para(doc, "Kelengkapan jawaban: {{ kelengkapan.dijawab }} dari {{ kelengkapan.diharapkan }} butir bernilai "
               "terjawab, atau {{ kelengkapan.persen|persen }}. Temuan pemeriksaan: {{ jumlah_masalah.error }} "
               "kesalahan dan {{ jumlah_masalah.warning }} peringatan.", size=9.5).paragraph_format.space_before = Pt(6)

    doc.add_heading("II. Nilai LKE", 1)
    t = _table(doc, ["Komponen", "Bobot", "Nilai", "% bobot"], [9.8, 2.2, 2.2, 2.3], numeric={1, 2, 3})
    _loop_rows(t, "for r in skor", ["{{ '\u00a0' * (3 * r.tingkat) }}{{ r.komponen }}", "{{ r.bobot|angka }}",
                                    "{{ r.nilai|angka }}", "{{ r.persen|persen }}"])
    _finish(t)
    _tag(doc, "{%p if dasar_kelayakan == 'tpi' %}")
    _para(doc, "Nilai pada tabel ini menurut jawaban unit (penilaian mandiri). Kelayakan pada bagian I dan III "
               "dinilai atas dasar jawaban TPI; perbandingan keduanya ada pada bagian VIII.")
    _tag(doc, "{%p endif %}")

    doc.add_heading("III. Pemenuhan Syarat Predikat", 1)
    _tag(doc, "{%p for v in predikat %}")
    doc.add_heading("{{ v.label }}: {{ v.status }}", 2)
    t = _table(doc, ["Syarat", "Nilai", "Minimal", "Status", "Keterangan"], [5.6, 1.8, 1.8, 2.4, 4.9],
               numeric={1, 2})
    _loop_rows(t, "for c in v.kriteria", ["{{ c.label }}", "{{ c.nilai_teks }}", "{{ c.minimum_teks }}",
                                          _status_cell_tag("c.terpenuhi") + "{{ c.status }}",
                                          "{{ c.keterangan }}{% if c.survei %}; {{ c.survei }}{% endif %}"])
    _finish(t)
    _tag(doc, "{%p if v.prasyarat %}")
    _para(doc, "Prasyarat: {{ v.prasyarat }}.", size=9.5)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")

    doc.add_heading("IV. Profil Capaian per Area", 1)
    _para(doc, "{{ grafik_png }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "Gambar 1. Capaian tiap area pengungkit, yaitu nilai area dibagi bobotnya, dan batas minimal "
               "WBK dan WBBM.", size=9, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _tag(doc, "{%p for a in areas %}")
    doc.add_heading("{{ a.nomor }}. {{ a.nama }} – {{ a.persen|persen }}", 2)
    _para(doc, "{{ a.narasi }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _tag(doc, "{%p endfor %}")
    doc.add_heading("Komponen Hasil", 2)
    _para(doc, "{{ hasil_narasi }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    doc.add_heading("V. Jawaban Tanpa Bukti Dukung", 1)
    _tag(doc, "{%p if tanpa_bukti %}")
    _para(doc, "{{ tanpa_bukti|length }} jawaban belum dilengkapi tautan atau lokasi bukti dukung:")
    t = _table(doc, ["Butir", "Pertanyaan", "Jawaban", "Catatan unit"], [2.0, 7.2, 2.0, 5.3])
    _loop_rows(t, "for b in tanpa_bukti", ["{{ b.butir }}", "{{ b.teks }}", "{{ b.jawaban }}", "{{ b.catatan }}"])
    _finish(t)
    _tag(doc, "{%p else %}")
    _para(doc, "Semua jawaban telah dilengkapi bukti dukung.")
    _tag(doc, "{%p endif %}")

    doc.add_heading("VI. Temuan Pemeriksaan LKE", 1)
    _tag(doc, "{%p if temuan %}")
    _para(doc, "Pemeriksaan kelengkapan dan keabsahan isian LKE menemukan hal berikut; rinciannya tercantum "
               "pada Lampiran II.")
    t = _table(doc, ["Temuan", "Tingkat", "Jumlah", "Butir"], [5.0, 2.4, 1.9, 7.2], numeric={2})
    _loop_rows(t, "for g in temuan", ["{{ g.judul }}", "{{ g.tingkat }}", "{{ g.jumlah }}", "{{ g.butir }}"])
    _finish(t)
    _tag(doc, "{%p else %}")
    _para(doc, "Pemeriksaan kelengkapan dan keabsahan isian LKE tidak menemukan kesalahan.")
    _tag(doc, "{%p endif %}")

    doc.add_heading("VII. Rekomendasi", 1)
    _tag(doc, "{%p if rekomendasi %}")
    _para(doc, "Indikator dengan capaian di bawah {{ batas_lemah|persen(0) }} dari bobotnya:")
    t = _table(doc, ["Indikator", "Area", "Capaian", "Rekomendasi"], [4.2, 3.2, 2.0, 7.1], numeric={2})
    _loop_rows(t, "for r in rekomendasi", ["{{ r.indikator }} {{ r.nama }}", "{{ r.area }}",
                                           "{{ r.persen|persen }}", "{{ r.teks }}"])
    _finish(t)
    _tag(doc, "{%p else %}")
    _para(doc, "Tidak ada indikator dengan capaian di bawah {{ batas_lemah|persen(0) }}; pertahankan dan lengkapi "
               "bukti dukung seluruh jawaban.")
    _tag(doc, "{%p endif %}")

    _tag(doc, "{%p if ada_tpi %}")
    doc.add_heading("VIII. Perbandingan dengan Penilaian TPI", 1)
    _para(doc, "Nilai total menurut jawaban TPI adalah {{ tpi_nilai.total|angka }}, sedangkan menurut jawaban unit "
               "{{ nilai.total|angka }}, dengan selisih {{ (tpi_nilai.total - nilai.total)|selisih }}. "
               "{% for v in tpi_predikat %}{{ v.label }} menurut TPI: {{ v.status }}. {% endfor %}")
    t = _table(doc, ["Komponen", "Nilai unit", "Nilai TPI"], [10.5, 3.0, 3.0], numeric={1, 2})
    _loop_rows(t, "for r in skor", ["{{ '\u00a0' * (3 * r.tingkat) }}{{ r.komponen }}", "{{ r.nilai|angka }}",
                                    "{{ r.tpi|angka }}"])
    _finish(t)
    _tag(doc, "{%p if tpi_selisih %}")
    _para(doc, "Butir yang jawabannya berbeda ({{ tpi_selisih|length }}):")
    t = _table(doc, ["Butir", "Pertanyaan", "Unit", "TPI", "Catatan TPI"], [2.0, 7.4, 1.3, 1.3, 4.5])
    _loop_rows(t, "for d in tpi_selisih", ["{{ d.butir }}", "{{ d.teks }}", "{{ d.unit }}", "{{ d.tpi }}",
                                           "{{ d.catatan_tpi }}"])
    _finish(t)
    _tag(doc, "{%p else %}")
    _para(doc, "Jawaban unit dan TPI sama pada semua butir yang dinilai TPI.")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endif %}")

    _para(doc, "")
    closing = _para(doc, "{{ penutup }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    # The signature block: indented paragraphs kept on one page with the closing (a table
    # may be split across pages by LibreOffice, leaving the name alone on a page).
    block = [closing, _para(doc, "")]
    for text in ("{{ surat.tempat }}, {{ surat.tanggal }}", "{{ surat.jabatan }},", "", "", "",
                 "{{ surat.penandatangan }}", "NIP {{ surat.nip }}"):
        p = _para(doc, text)
        p.paragraph_format.left_indent = Cm(9.0)
        p.paragraph_format.space_after = Pt(0)
        block.append(p)
    name = block[-2].runs[0]
    name.bold, name.underline = True, True
    for p in block[:-1]:
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.keep_together = True

    _page_break(doc)
    _para(doc, "Lampiran I", bold=True)
    _para(doc, "Nomor {{ surat.nomor }}, tanggal {{ surat.tanggal }}", size=9.5)
    doc.add_heading("Capaian per Indikator", 1)
    t = _table(doc, ["Kode", "Indikator", "Area", "Bobot", "Nilai", "Capaian", "Dijawab"],
               [1.9, 4.4, 3.0, 1.6, 1.6, 1.9, 2.1], numeric={3, 4, 5, 6})
    _loop_rows(t, "for i in indikator", ["{{ i.id }}", "{{ i.nama }}", "{{ i.area_nama }}", "{{ i.bobot|angka }}",
                                         "{{ i.nilai|angka }}", "{{ i.persen|persen }}",
                                         "{{ i.dijawab }}/{{ i.butir }}"])
    _finish(t)

    _page_break(doc)
    _para(doc, "Lampiran II", bold=True)
    _para(doc, "Nomor {{ surat.nomor }}, tanggal {{ surat.tanggal }}", size=9.5)
    doc.add_heading("Lampiran: Catatan Teknis Pemeriksaan", 1)
    _para(doc, "Catatan ini menjelaskan sumber data dan cara pemeriksaan, untuk keperluan tim evaluasi dan unit "
               "kerja. Catatan ini bukan bagian dari kesimpulan evaluasi.", size=9.5, italic=True)
    doc.add_heading("Sumber data", 2)
    t = _table(doc, ["Uraian", "Keterangan"], [4.5, 12.0])
    _row(t, ["Berkas LKE", "{{ teknis.berkas }}{% if teknis.sheet %}, sheet {{ teknis.sheet }}{% endif %}"])
    _row(t, ["Format LKE", "{{ layout_label }}"])
    _row(t, ["Rubrik penilaian", "{{ rubrik }}"])
    _row(t, ["Nama unit", "{{ teknis.sumber_nama_unit }}"])
    _row(t, ["Alat pemeriksa", "lketool {{ versi }}, rubrik {{ rubrik_edisi }}, {{ tanggal|tanggal }}"])
    _finish(t)
    doc.add_heading("Nilai yang tersimpan di berkas", 2)
    _tag(doc, "{%p if teknis.perbandingan %}")
    _para(doc, "Nilai pada laporan dihitung ulang dari jawaban unit menurut rubrik. Tabel berikut membandingkannya "
               "dengan nilai hasil rumus yang tersimpan di berkas LKE; selisih menunjukkan rumus yang diubah, "
               "ditimpa, atau belum dihitung ulang.")
    t = _table(doc, ["Komponen", "Hitung ulang", "Tersimpan di berkas", "Selisih"], [8.3, 2.6, 3.2, 2.4],
               numeric={1, 2, 3})
    _loop_rows(t, "for r in teknis.perbandingan", ["{{ r.komponen }}", "{{ r.nilai|angka }}",
                                                   "{{ r.workbook|angka }}", "{{ r.selisih|selisih }}"])
    _finish(t)
    _tag(doc, "{%p else %}")
    _para(doc, "Berkas tidak menyimpan nilai hasil rumus, sehingga tidak ada yang dibandingkan.")
    _tag(doc, "{%p endif %}")
    doc.add_heading("Rincian temuan pemeriksaan", 2)
    _tag(doc, "{%p if masalah %}")
    _tag(doc, "{%p for g in masalah %}")
    _para(doc, "{{ g.judul }}: {{ g.tingkat|lower }}, {{ g.jumlah }} temuan; kode {{ g.kode }}"
               "{% if g.sel %}; sel {{ g.sel }}{% endif %}.", bold=True, size=9.5)
    _tag(doc, "{%p for d in g.rincian %}")
    _para(doc, "{% if d.sel %}{{ d.sel }}: {% endif %}{{ d.pesan }}", "List Bullet", size=9)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if g.lainnya %}")
    _para(doc, "… dan {{ g.lainnya }} temuan lain dengan kode yang sama.", "List Bullet", size=9)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p else %}")
    _para(doc, "Tidak ada temuan.")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if tanpa_bukti %}")
    doc.add_heading("Letak sel jawaban tanpa bukti dukung", 2)
    _para(doc, "{% for b in tanpa_bukti %}{{ b.butir }} sel {{ b.sel }}{% if not loop.last %}; {% endif %}"
               "{% endfor %}.", size=9)
    _tag(doc, "{%p endif %}")
    doc.core_properties.author = ""
    doc.core_properties.comments = "Template LHE; variabel: lihat docs/report.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


# ---------------------------------------------------------------- summary.docx

def build_summary(path: Path) -> Path:
    """The summary (all units) template."""
    doc = _document("Ringkasan Hasil Evaluasi Zona Integritas")
    _para(doc, "{{ judul }}", "Title")
    _para(doc, "{% if instansi %}{{ instansi }} – {% endif %}{{ tanggal|tanggal }}", size=12, color="616161")

    doc.add_heading("I. Ringkasan", 1)
    _para(doc, "{{ narasi }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    t = _table(doc, ["Uraian", "Jumlah"], [9.0, 3.0], numeric={1})
    _row(t, ["Berkas LKE diproses", "{{ jumlah_berkas }}"])
    _row(t, ["Unit yang dilaporkan", "{{ jumlah_unit }}"])
    _row(t, ["Menuju WBK: {{ kata_memenuhi }}", "{{ jumlah_wbk }}"])
    _row(t, ["Menuju WBBM: {{ kata_memenuhi }}", "{{ jumlah_wbbm }}"])
    _row(t, ["Berkas gagal diproses", "{{ jumlah_gagal }}"])
    _finish(t)

    doc.add_heading("II. Nilai per Unit", 1)
    t = _table(doc, ["No", "Unit kerja", "Total", "Pengungkit", "Hasil", "WBK", "WBBM", "Kesalahan"],
               [0.9, 4.8, 1.6, 2.6, 1.5, 1.4, 1.7, 2.3], numeric={0, 2, 3, 4, 7})
    _loop_rows(t, "for u in units", ["{{ u.no }}", "{{ u.unit }}", "{{ u.total|angka }}",
                                     "{{ u.pengungkit|angka }}", "{{ u.hasil|angka }}",
                                     _status_cell_tag("u.wbk") + "{{ u.wbk_teks }}",
                                     _status_cell_tag("u.wbbm") + "{{ u.wbbm_teks }}",
                                     "{{ u.kesalahan }}"])
    _finish(t)

    doc.add_heading("III. Capaian per Area", 1)
    _para(doc, "{{ grafik_png }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "Gambar: rata-rata capaian tiap area pengungkit seluruh unit dan batas minimal WBK/WBBM.",
          size=8.5, italic=True, color="616161", align=WD_ALIGN_PARAGRAPH.CENTER)
    t = _table(doc, ["Area", "Rata-rata", "Terendah", "Unit < batas WBK"], [8.0, 2.6, 2.6, 3.6],
               numeric={1, 2, 3})
    _loop_rows(t, "for a in areas", ["{{ a.nama }}", "{{ a.rata_rata|persen }}", "{{ a.terendah|persen }}",
                                     "{{ a.di_bawah_wbk }}"])
    _finish(t)
    _para(doc, "Capaian per area per unit:", size=9)
    t = _table(doc, ["Unit kerja", "MP", "PT", "SDM", "AK", "PW", "PP"], [6.0, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8],
               numeric={1, 2, 3, 4, 5, 6})
    _loop_rows(t, "for u in units", ["{{ u.unit }}"] + [
        "{{ u.area_persen[%d]|persen }}" % i for i in range(6)])
    _finish(t)

    doc.add_heading("IV. Indikator yang Paling Sering Lemah", 1)
    _tag(doc, "{%p if indikator_lemah %}")
    t = _table(doc, ["Indikator", "Area", "Jumlah unit", "Rata-rata capaian", "Unit"], [4.6, 3.0, 1.8, 2.2, 5.4],
               numeric={2, 3})
    _loop_rows(t, "for i in indikator_lemah", ["{{ i.indikator }} {{ i.nama }}", "{{ i.area }}",
                                               "{{ i.jumlah_unit }}", "{{ i.rata_rata|persen }}",
                                               "{{ i.unit }}"])
    _finish(t)
    _tag(doc, "{%p else %}")
    _para(doc, "Tidak ada indikator dengan capaian di bawah {{ batas_lemah|persen(0) }} pada unit mana pun.")
    _tag(doc, "{%p endif %}")

    doc.add_heading("V. Temuan Pemeriksaan", 1)
    t = _table(doc, ["Unit kerja", "Berkas", "Kesalahan", "Peringatan", "Tanpa bukti dukung"],
               [5.4, 5.0, 2.0, 2.0, 2.6], numeric={2, 3, 4})
    _loop_rows(t, "for u in units", ["{{ u.unit }}", "{{ u.file }}", "{{ u.kesalahan }}", "{{ u.peringatan }}",
                                     "{{ u.tanpa_bukti }}"])
    _finish(t)
    _tag(doc, "{%p if gagal %}")
    _para(doc, "Berkas yang tidak dapat diproses:")
    t = _table(doc, ["Berkas", "Sebab"], [6.0, 11.0])
    _loop_rows(t, "for f in gagal", ["{{ f.file }}", "{{ f.error }}"])
    _finish(t)
    _tag(doc, "{%p endif %}")
    _para(doc, "Draf ringkasan dibuat otomatis oleh lketool {{ versi }} pada {{ tanggal|tanggal }}. Periksa dan "
               "sesuaikan sebelum digunakan.", size=8.5, italic=True, color="616161")
    _page_footer(doc.sections[0])
    doc.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write report_templates/report.docx and summary.docx")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "report_templates")
    a = ap.parse_args(argv)
    for p in (build_report(a.out / "report.docx"), build_summary(a.out / "summary.docx")):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
