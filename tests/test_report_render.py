"""Word and HTML reports read back (python-docx, html.parser) and checked against
``check_file`` for the same workbook: headings, the score table, the WBK/WBBM verdict,
and that text from a workbook stays text."""
from __future__ import annotations

from pathlib import Path

import pytest

from lketool.api import check_file
from lketool.report.context import build_context
from lketool.report.chart import png_from_data
from lketool.report.render_docx import render_docx
from lketool.report.render_html import render_html
from test_report_support import (NASTY_NOTE, NASTY_UNIT, SAMPLES, HtmlDoc, built, docx_blocks,  # noqa: F401
                                 docx_tables_after, half_up)

DATE = "2026-11-21"
HEADINGS = ["Identitas", "I. Kesimpulan", "II. Nilai LKE", "III. Pemenuhan Syarat Predikat",
            "IV. Profil Capaian per Area", "V. Jawaban Tanpa Bukti Dukung", "VI. Temuan Lain", "VII. Rekomendasi"]
TPI_HEADING = "VIII. Perbandingan dengan Penilaian TPI"
LAST_HEADING = "Lampiran: Capaian per Indikator"
# The Word LHE is a letter: no identity table, findings without codes, two appendices.
DOCX_HEADINGS = ["I. Kesimpulan", "II. Nilai LKE", "III. Pemenuhan Syarat Predikat", "IV. Profil Capaian per Area",
                 "V. Jawaban Tanpa Bukti Dukung", "VI. Temuan Pemeriksaan LKE", "VII. Rekomendasi"]
DOCX_LAST = ["Capaian per Indikator", "Lampiran: Catatan Teknis Pemeriksaan"]
def status_words(res):
    """The verdict words lketool.verdict gives each predicate (what `lketool score` prints)."""
    from lketool.verdict import verdict_for

    v = verdict_for(res, "id")
    return {k: v[k]["text"].split(": ", 1)[1] for k in ("wbk", "wbbm")}


def head_elig(res):
    return res.tpi_eligibility if res.tpi_eligibility is not None else res.eligibility


two_dp = half_up


@pytest.fixture(scope="module")
def cases(built, tmp_path_factory):
    out = tmp_path_factory.mktemp("rendered")
    files = dict(built)
    for s in SAMPLES:
        files[s.stem] = s
    rendered = {}
    for name, path in files.items():
        res = check_file(path)
        ctx = build_context(res, report_date=DATE, instansi="Pemerintah Kota <Contoh> & Sekitarnya")
        rendered[name] = (res, ctx, render_docx(ctx, out / f"{name}.docx"), render_html(ctx, out / f"{name}.html"))
    return rendered


def _names(cases):
    return sorted(cases)


def expected_headings(res) -> list[str]:
    return HEADINGS + ([TPI_HEADING] if res.tpi_scores is not None else []) + [LAST_HEADING]


def expected_docx_headings(res) -> list[str]:
    return DOCX_HEADINGS + ([TPI_HEADING] if res.tpi_scores is not None else []) + DOCX_LAST


def expected_score_rows(res) -> dict[str, str]:
    s = res.scores
    rows = {"Nilai total": s.total, "A. Pengungkit": s.pengungkit, "Pemenuhan": s.pemenuhan, "Reform": s.reform,
            "B. Hasil": s.hasil, "Birokrasi bersih dan akuntabel": s.bersih_akuntabel,
            "Survei persepsi antikorupsi (IPAK)": s.ipak, "Capaian kinerja lebih baik": s.capaian_kinerja,
            "Pelayanan publik prima (IPKP)": s.ipkp}
    for a in res.rubric.areas("pemenuhan"):
        rows[f"Area {a.number}."] = s.area(a.id)
    return {k: two_dp(v) for k, v in rows.items()}


def _match_row(label: str, rows: dict[str, str]) -> str | None:
    label = label.replace("\u00a0", " ").strip()
    for k, v in rows.items():
        if label == k or (k.startswith("Area ") and label.startswith(k)):
            return v
    return None


# ---------------------------------------------------------------- Word

def test_docx_headings_follow_the_report_outline(cases):
    for name, (res, ctx, docx_path, _) in cases.items():
        h1 = [v[1] for k, v in docx_blocks(docx_path) if k == "p" and v[0] == "Heading 1"]
        assert h1 == expected_docx_headings(res), name
        paras = [v[1] for k, v in docx_blocks(docx_path) if k == "p"]
        assert f"Laporan Hasil Evaluasi Zona Integritas {ctx['unit']}" in " ".join(paras + [
            c for k, v in docx_blocks(docx_path) if k == "t" for r in v for c in r]), name


def test_docx_score_table_equals_check_file(cases):
    for name, (res, ctx, docx_path, _) in cases.items():
        (table,) = docx_tables_after(docx_path, "II. Nilai LKE")
        assert table[0][:3] == ["Komponen", "Bobot", "Nilai"]
        want = expected_score_rows(res)
        seen = {}
        for row in table[1:]:
            v = _match_row(row[0], want)
            assert v is not None, (name, row)
            seen[row[0].strip()] = row[2]
            assert row[2] == v, (name, row)
        assert len(seen) == len(want), name
        total_row = next(r for r in table if r[0].strip() == "Nilai total")
        assert total_row[1] == "100,00"
        assert len(total_row) == 4  # the workbook's stored values are in the technical appendix only
        (compare,) = [t for t in docx_tables_after(docx_path, "Lampiran: Catatan Teknis Pemeriksaan")
                      if t[0][0] == "Komponen"] or [[["Komponen"]]]
        if res.workbook_scores and res.workbook_scores.get("total") is not None:
            row = next(r for r in compare if r[0].strip() == "Nilai total")
            assert row[2] == two_dp(res.workbook_scores["total"])


STATUS = {True: "Terpenuhi", False: "Tidak terpenuhi", None: "Tidak dapat ditentukan"}


def deciding_rows(res) -> list[list[str]]:
    """What the conclusion's criteria table must hold, from check_file alone: per predicate
    that is not plainly met, a row with its name, then each criterion not met or undetermined
    (status; minimum and value for point criteria) and a prerequisite declared not held."""
    out = []
    for key in ("wbk", "wbbm"):
        e = head_elig(res)[key]
        rows = [[c["label"], two_dp(c["minimum"]) if c["unit"] == "points" else None,
                 # a missed value is shown with the digits that keep it below its minimum; others plainly
                 two_dp(c["value"]) if c["unit"] == "points" and c["met"] is not False else None, STATUS[c["met"]]]
                for c in e["criteria"] if c["met"] is not True]
        pre = e.get("prerequisite")
        if pre and pre["declared"] is False:
            rows.append([pre["label"], "–", "–", STATUS[False]])
        if rows:
            out.append([e["label"]])
            out.extend(rows)
    return out


def _same_rows(got: list[list[str]], want: list[list[str]], name) -> None:
    assert len(got) == len(want), (name, got)
    for g, w in zip(got, want):
        if len(w) == 1:  # the predicate's row: its name across the table
            assert set(g) == {w[0]}, (name, g)
            continue
        assert g[3] == w[3], (name, g)
        for i in (1, 2):
            if w[i] is not None:
                assert g[i] == w[i], (name, g, w)


def _section(blocks, heading: str):
    out, inside = [], False
    for kind, v in blocks:
        if kind == "p" and v[0] == "Heading 1":
            inside = v[1] == heading
        elif inside:
            out.append((kind, v))
    return out


@pytest.mark.parametrize("has_wbk", [None, False])
def test_conclusion_sets_out_the_verdict_in_word_and_html(cases, tmp_path, has_wbk):
    """The conclusion is no longer one dense paragraph: the headline table, the score sentence,
    a table of the criteria that decided (Kriteria | Batas | Nilai | Status), whose answers
    decided, then the notes and the conditions the LKE cannot show as lists, in Word and HTML."""
    from lketool.verdict import letter_parts, verdict_for

    for name, (res, ctx, docx_path, html_path) in cases.items():
        if has_wbk is False:  # the WBBM prerequisite declared not held: a row of its own
            res = check_file(res.file, has_wbk=False)
            ctx = build_context(res, report_date=DATE, chart=False)
            docx_path = render_docx(ctx, tmp_path / f"{name}.docx")
            html_path = render_html(ctx, tmp_path / f"{name}.html")
        parts = letter_parts(res, "id")
        want = deciding_rows(res)
        basis = verdict_for(res, "id")["lines"][0] + "."
        # Word
        sec = _section(docx_blocks(docx_path), "I. Kesimpulan")
        tables = [v for k, v in sec if k == "t"]
        paras = [v for k, v in sec if k == "p"]
        texts = [t for _, t in paras]
        assert tables[0][0] == ["Predikat", "Kesimpulan"]
        if want:
            assert len(tables) == 2, name
            assert tables[1][0] == ["Kriteria", "Batas", "Nilai", "Status"]
            _same_rows(tables[1][1:], want, name)
            assert "Syarat yang belum terpenuhi atau tidak dapat ditentukan:" in texts
        else:
            assert len(tables) == 1 and "Seluruh syarat yang dapat diperiksa dari LKE terpenuhi." in texts, name
        assert basis in texts, name
        assert ctx["kesimpulan_nilai"] in texts and ctx["kesimpulan_nilai"].startswith("Berdasarkan hasil evaluasi")
        bullets = [t for style, t in paras if style == "List Bullet"]
        assert bullets == parts["notes"] + parts["not_checked"] + parts["declared"], name
        assert parts["not_checked"], name  # the conditions the LKE cannot show: always listed
        # no paragraph carries the whole verdict any more
        assert not any("Menuju WBK: " in t and "tidak dapat diperiksa" in t for t in texts), name
        # HTML: the same content
        doc = HtmlDoc(Path(html_path).read_text(encoding="utf-8"))
        deciding = [t for t in doc.tables if t and t[0] == ["Kriteria", "Batas", "Nilai", "Status"]]
        if want:
            (table,) = deciding
            _same_rows(table[1:], want, name)
            assert [r[0] for r in table[1:]] == [r[0] for r in tables[1][1:]]  # Word and HTML agree
        else:
            assert deciding == [] and "Seluruh syarat yang dapat diperiksa dari LKE terpenuhi." in doc.text
        for t in [basis, ctx["kesimpulan_nilai"]] + parts["notes"] + parts["not_checked"] + parts["declared"]:
            assert " ".join(t.split()) in doc.text, (name, t)
        assert doc.tags.count("li") >= len(parts["not_checked"])


def test_docx_verdict_and_every_criterion_equal_check_file(cases):
    for name, (res, ctx, docx_path, _) in cases.items():
        summary = docx_tables_after(docx_path, "I. Kesimpulan")[0]
        got = {r[0]: r[1] for r in summary[1:]}
        words = status_words(res)
        assert got == {head_elig(res)[k]["label"]: words[k] for k in ("wbk", "wbbm")}
        tables = docx_tables_after(docx_path, "III. Pemenuhan Syarat Predikat")
        assert len(tables) == 2
        for key, table in zip(("wbk", "wbbm"), tables):
            crits = head_elig(res)[key]["criteria"]
            assert len(table) - 1 == len(crits), name
            for row, c in zip(table[1:], crits):
                assert row[3] == {True: "Terpenuhi", False: "Tidak terpenuhi", None: "Tidak dapat ditentukan"}[
                    c["met"]], (name, key, c["id"])
                if c["unit"] == "points":
                    assert row[1] == two_dp(c["value"])
                    assert row[2] == two_dp(c["minimum"])
                gap = abs(c["gap"]) * (100 if c["unit"] == "share" else 1)
                word = "kurang" if c["met"] is False else "lebih" if c["gap"] > 0 else "tepat"
                assert row[4].startswith(word), (name, row)
                if word != "tepat":
                    assert two_dp(gap, "0.1" if c["unit"] == "share" else "0.01") in row[4]


def test_docx_lists_every_answer_without_evidence(cases):
    for name, (res, ctx, docx_path, _) in cases.items():
        missing = [p for p in res.problems if p.code == "evidence-missing"]
        tables = docx_tables_after(docx_path, "V. Jawaban Tanpa Bukti Dukung")
        if not missing:
            assert tables == []
            continue
        (table,) = tables
        assert sorted(r[0] for r in table[1:]) == sorted(p.location.item for p in missing)


def test_docx_keeps_workbook_text_intact(cases):
    res, ctx, docx_path, _ = cases["nasty"]
    texts = [v[1] for k, v in docx_blocks(docx_path) if k == "p"]
    assert any(f"Zona Integritas {NASTY_UNIT} pada Pemerintah Kota <Contoh> & Sekitarnya" in t for t in texts)
    hal = [r for k, v in docx_blocks(docx_path) if k == "t" for r in v if r[0] == "Hal"]
    assert hal == [["Hal", ":", f"Laporan Hasil Evaluasi Zona Integritas {NASTY_UNIT}"]]
    (table,) = docx_tables_after(docx_path, "V. Jawaban Tanpa Bukti Dukung")
    notes = {r[0]: r[3] for r in table[1:]}
    assert notes["P.1.i.a"] == NASTY_NOTE
    assert notes["P.1.ii.a"] == "x < y && y > z"
    # everything after the table is still there: nothing was cut by an unescaped '<'
    assert [v[1] for k, v in docx_blocks(docx_path) if k == "p" and v[0] == "Heading 1"][-1] == DOCX_LAST[-1]


def test_docx_drops_characters_xml_cannot_hold(cases, tmp_path):
    import docx

    res, ctx, _, _ = cases["nasty"]
    bad = dict(ctx, penutup="Unit\x01 \x0bA\x07B\x0cC & <D>")
    out = render_docx(bad, tmp_path / "ctrl.docx")
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "Unit ABC & <D>" in text


def test_docx_has_the_area_chart_as_png(cases):
    import docx

    for name, (res, ctx, docx_path, _) in cases.items():
        d = docx.Document(str(docx_path))
        images = [r for r in d.part.rels.values() if "image" in r.reltype]
        assert len(images) == 1, name
        # drawn on the Word path from the context's chart data (build_context never imports matplotlib)
        assert ctx["grafik_png"] == b"" and ctx["grafik"]["bars"]
        assert images[0].target_part.blob == png_from_data(ctx["grafik"])


# ---------------------------------------------------------------- HTML

def test_html_headings_score_table_and_verdict_equal_check_file(cases):
    for name, (res, ctx, _, html_path) in cases.items():
        doc = HtmlDoc(Path(html_path).read_text(encoding="utf-8"))
        assert [t for h, t in doc.headings if h == "h2"] == expected_headings(res), name
        assert doc.headings[0] == ("h1", "Laporan Hasil Evaluasi Zona Integritas")
        score = next(t for t in doc.tables if t and t[0][:3] == ["Komponen", "Bobot", "Nilai"])
        want = expected_score_rows(res)
        for row in score[1:]:
            assert row[2] == _match_row(row[0], want), (name, row)
        assert len(score) - 1 == len(want)
        h3 = [t for h, t in doc.headings if h == "h3"]
        words = status_words(res)
        for k in ("wbk", "wbbm"):
            e = head_elig(res)[k]
            assert f"{e['label']}: {words[k]}" in h3, name
        crit_tables = [t for t in doc.tables if t and t[0][:2] == ["Syarat", "Nilai"]]
        for key, table in zip(("wbk", "wbbm"), crit_tables):
            assert [r[3] for r in table[1:]] == [
                {True: "Terpenuhi", False: "Tidak terpenuhi", None: "Tidak dapat ditentukan"}[c["met"]]
                for c in head_elig(res)[key]["criteria"]]


def test_html_escapes_workbook_text_and_is_self_contained(cases):
    res, ctx, _, html_path = cases["nasty"]
    raw = Path(html_path).read_text(encoding="utf-8")
    doc = HtmlDoc(raw)
    assert "script" not in doc.tags  # the unit name did not become an element
    assert "i" not in doc.tags
    assert NASTY_UNIT in doc.text
    assert NASTY_NOTE in doc.text
    assert "Pemerintah Kota <Contoh> & Sekitarnya" in doc.text
    for name, (_, _, _, path) in cases.items():
        d = HtmlDoc(Path(path).read_text(encoding="utf-8"))
        assert not {"script", "link", "img", "iframe"} & set(d.tags), name
        refs = [v for _, a in d.attrs for k, v in a.items() if k in ("src", "href") and v]
        assert refs == [], name
        assert "@media print" in Path(path).read_text(encoding="utf-8")
        assert d.tags.count("svg") == 1


def test_html_and_docx_tell_the_same_area_story(cases):
    for name, (res, ctx, docx_path, html_path) in cases.items():
        doc = HtmlDoc(Path(html_path).read_text(encoding="utf-8"))
        paras = [v[1] for k, v in docx_blocks(docx_path) if k == "p"]
        for a in ctx["areas"]:
            assert a["narasi"] in paras
            assert a["narasi"] in doc.text


def test_conclusion_of_an_undetermined_verdict(tmp_path):
    """A survey outside 0-4 leaves criteria undetermined: the conclusion's table says so with
    the value shown plainly (never padded with digits), in Word and HTML alike."""
    from lketool.template import write_template
    from test_recap_support import best_answers

    answers = best_answers(load_rubric_once())
    answers["H.I.a"] = 5  # IPAK survey outside 0-4
    path = write_template(tmp_path / "survei.xlsx", "lampiran-iii", unit="Dinas Uji Survei", answers=answers)
    res = check_file(path)
    assert res.eligibility["wbk"]["eligible"] is None
    ctx = build_context(res, report_date=DATE, chart=False)
    docx_path = render_docx(ctx, tmp_path / "survei.docx")
    doc = HtmlDoc(render_html(ctx, tmp_path / "survei.html").read_text(encoding="utf-8"))
    word = docx_tables_after(docx_path, "I. Kesimpulan")[1]
    html = next(t for t in doc.tables if t and t[0] == ["Kriteria", "Batas", "Nilai", "Status"])
    want = deciding_rows(res)
    _same_rows(word[1:], want, "survei")
    _same_rows(html[1:], want, "survei")
    undecided = [r for r in word[1:] if r[3] == "Tidak dapat ditentukan"]
    assert undecided and all(len(r[2].split(",")[-1]) == 2 for r in undecided)  # "96,00", not "96,000000"
    total = next(r for r in undecided if r[0].startswith("Nilai total"))
    assert total[2] == two_dp(res.scores.total)


def load_rubric_once():
    from lketool.rubric import load_rubric

    return load_rubric()
