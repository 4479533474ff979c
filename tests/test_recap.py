"""lketool recap: the recap workbook read back with openpyxl and compared with
check_file() on the same files; a folder mixing good, messy, broken and non-xlsx files."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from lketool.verdict import verdict_for, word

from lketool.api import check_file
from lketool.recap import RecapOptions, recap
from lketool.recap.tables import thresholds
from lketool.rubric import load_rubric
from lketool.template import write_template
from test_recap_support import best_answers, random_answers, set_cells

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "lke-data" / "axxpxmd_zona_integritas" / "form_kuesioner.xlsx"
RB = load_rubric()
INJECTION = '=HYPERLINK("http://x","y")'


def _evidence(rubric):
    return {iid: f"https://drive.google.com/file/d/{abs(hash(iid)) % 10**8}/view" for iid in rubric.items}


def build_folder(root: Path) -> dict[str, list[Path]]:
    """good / messy / broken / ignored files, some in subfolders."""
    (root / "good").mkdir(parents=True)
    (root / "messy").mkdir()
    (root / "broken").mkdir()
    ev = _evidence(RB)
    good = [write_template(root / "good" / "Dinas_Alpha.xlsx", "lampiran-iii", unit="Dinas Alpha",
                           answers=random_answers(RB, 1), evidence=ev),
            write_template(root / "good" / "Dinas_Gamma.xlsx", "lampiran-iii", unit="Dinas Gamma",
                           answers=best_answers(RB), evidence=ev),
            write_template(root / "Dinas_Beta.xlsx", "portalrb-2026", unit="Dinas Beta",
                           answers=random_answers(RB, 2), tpi_answers=random_answers(RB, 3), evidence=ev)]
    answers = random_answers(RB, 4, blank=0.2)
    answers["P.1.i.b"] = "X"  # not an option
    messy_src = write_template(root / "messy" / "tmp.xlsx", "lampiran-iii", unit="x", answers=answers)
    messy = set_cells(messy_src, root / "messy" / "Kantor_Delta.xlsx", "LKE ZI", {"C2": INJECTION})
    messy_src.unlink()
    good.append(messy)
    if REAL.is_file():
        (root / "real").mkdir()
        good.append(Path(shutil.copy(REAL, root / "real" / "form_kuesioner.xlsx")))
    zbuf = io.BytesIO()
    openpyxl.Workbook().save(zbuf)
    broken = [root / "broken" / "rusak.xlsx", root / "broken" / "teks.xlsx", root / "broken" / "kosong.xlsx"]
    broken[0].write_bytes(zbuf.getvalue()[:400])
    broken[1].write_text("ini bukan excel", encoding="utf-8")
    openpyxl.Workbook().save(broken[2])
    # not inputs: notes, an Office lock file, a macOS "._" copy, a recap kept in a cache
    ignored = [root / "catatan.txt", root / "data.csv", root / "good" / "~$Dinas_Alpha.xlsx",
               root / "good" / "._Dinas_Alpha.xlsx", root / ".lketool-cache" / "recaps" / "0123.xlsx"]
    ignored[0].write_text("catatan", encoding="utf-8")
    ignored[1].write_text("a,b\n1,2\n", encoding="utf-8")
    ignored[2].write_bytes(b"\x00lock")
    ignored[3].write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    ignored[4].parent.mkdir(parents=True)
    shutil.copy(good[0], ignored[4])
    return {"good": good, "broken": broken, "ignored": ignored}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("recap") / "LKE"
    files = build_folder(root)
    return root, files


@pytest.fixture(scope="module")
def recap_run(folder, tmp_path_factory):
    root, files = folder
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}
    out_dir = tmp_path_factory.mktemp("out")
    out = out_dir / "Rekap.xlsx"
    outcome = recap([root], out, jobs=1)
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}
    assert before == after, "input files must never be touched"
    results = {str(p): check_file(p) for p in files["good"]}
    return out, outcome, results, files


HEADER = 4  # Ringkasan: the title block takes rows 1-3


def _table(ws, header_row=1):
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[header_row - 1])
    body = []
    for r in rows[header_row:]:
        if all(v is None for v in r):
            break
        body.append(dict(zip(head, r)))
    return head, body


def test_sheets_and_failures(recap_run):
    out, outcome, results, files = recap_run
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Ringkasan", "Area", "Indikator", "Unit vs TPI", "Beda TPI", "Temuan",
                             "Gagal dibaca", "Grafik"]
    assert outcome.units == len(files["good"])
    _, fails = _table(wb["Gagal dibaca"])
    assert sorted(f["File"] for f in fails) == sorted(str(p) for p in files["broken"])
    for f in fails:
        err = check_file(f["File"]).error
        name = Path(f["File"]).name
        assert f["Kode"] == err.code and name not in f["Alasan"], "the file is named once, in its own column"
        assert err.message("id") == f"{name}: {f['Alasan'][0].lower()}{f['Alasan'][1:]}"
    assert {f["Kode"] for f in fails} == {"file-corrupt", "file-not-xlsx", "workbook-empty"}
    listed = {c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for p in files["ignored"]:
        assert not any(p.name in v for v in listed), f"{p.name} must be skipped"
    assert [p.name for p in out.parent.iterdir()] == ["Rekap.xlsx"]


def test_ringkasan_values_match_check_file(recap_run):
    out, _, results, _ = recap_run
    wb = openpyxl.load_workbook(out)
    ws = wb["Ringkasan"]
    head, body = _table(ws, HEADER)
    assert len(body) == len(results)
    totals = [r["Total"] for r in body]
    assert totals == sorted(totals, reverse=True)
    assert [r["Peringkat"] for r in body][0] == 1
    for r in body:
        res = results[r["File"]]
        s = res.scores
        assert r["Unit"] == res.unit and r["Format"] == res.layout
        # full precision, not rounded
        for col, v in [("Total", s.total), ("Pengungkit", s.pengungkit), ("Pemenuhan", s.pemenuhan),
                       ("Reform", s.reform), ("Hasil", s.hasil), ("Bersih & Akuntabel", s.bersih_akuntabel),
                       ("IPAK", s.ipak), ("Capaian Kinerja", s.capaian_kinerja), ("IPKP", s.ipkp),
                       ("Kelengkapan", s.answered / s.expected)]:
            assert r[col] == v, col  # every digit, as lketool score computes it
        for a in RB.areas("pemenuhan"):
            assert r[f"{a.id} nilai"] == s.area(a.id)
            assert r[f"{a.id} %"] == pytest.approx(s.area(a.id) / RB.area_weight(a.id), abs=1e-12)
        assert (r["Kesalahan"], r["Peringatan"]) == (res.counts["error"], res.counts["warning"])
        # the same verdict words as lketool score: the headline verdict's first words
        v = verdict_for(res)
        for pred, col in (("wbk", "Layak WBK"), ("wbbm", "Layak WBBM")):
            assert r[col].startswith(word(v[pred]["status"]))
            assert v[pred]["text"].split(": ", 1)[1].startswith(r[col].split(",")[0].split(" (")[0])
            assert ("bila sudah WBK" in r[col]) is v[pred]["conditional"]
        for pred, col in (("wbk", "Kriteria WBK belum terpenuhi"), ("wbbm", "Kriteria WBBM belum terpenuhi")):
            missed = res.eligibility[pred]["missed"] + res.eligibility[pred]["blocking"]
            text = r[col] or ""
            assert len([p for p in text.split("\n") if p]) == len(missed)  # one criterion per line
            if "total" in missed:
                assert text.startswith("Total ") and "< " in text
    # number formats show 2 decimals; header frozen; autofilter over the table
    row1 = {c.column_letter: c for c in ws[HEADER + 1]}
    assert row1["E"].number_format == "0.00" and row1["K"].number_format == "0.00%"
    assert ws.freeze_panes == f"C{HEADER + 1}"
    assert ws.auto_filter.ref == f"A{HEADER}:{ws.cell(HEADER, len(head)).column_letter}{len(body) + HEADER}"


def test_total_row_and_conditional_formats(recap_run):
    out, _, results, _ = recap_run
    ws = openpyxl.load_workbook(out)["Ringkasan"]
    vals = openpyxl.load_workbook(out, data_only=True)["Ringkasan"]
    n = len(results)
    first, last = HEADER + 1, HEADER + n
    total_row = last + 2
    assert vals.cell(total_row, 2).value.startswith("Rata-rata") and "tampil" in vals.cell(total_row, 2).value
    assert ws.cell(total_row, 5).value == f"=SUBTOTAL(101,E{first}:E{last})"
    mean = sum(r.scores.total for r in results.values()) / n
    assert vals.cell(total_row, 5).value == pytest.approx(mean, rel=1e-12)
    wbk_count = sum(verdict_for(r)["wbk"]["status"] == "memenuhi" for r in results.values())
    head = [c.value for c in ws[HEADER]]
    col = head.index("Layak WBK") + 1
    assert vals.cell(total_row, col).value == wbk_count
    # the label says "visible rows": the count follows the filter too, like the averages
    letter = ws.cell(HEADER, col).column_letter
    formula = ws.cell(total_row, col).value
    assert formula.startswith("=SUMPRODUCT(SUBTOTAL(103,OFFSET(") and f"{letter}{first}:{letter}{last}" in formula
    # total column coloured against the thresholds from the rubric's predicates
    wbk, wbbm = thresholds(RB)["total"]
    rules = {}
    for rng in ws.conditional_formatting:
        for rule in rng.rules:
            rules.setdefault(str(rng.sqref), []).append((rule.operator, [_num(f) for f in rule.formula]))
    total_rules = rules[f"E{first}:E{last}"]
    assert ("greaterThanOrEqual", [wbbm]) in total_rules
    assert ("lessThan", [wbk]) in total_rules
    assert ("between", [wbk, wbbm]) in total_rules


def test_area_and_indicator_matrices(recap_run):
    out, _, results, _ = recap_run
    wb = openpyxl.load_workbook(out)
    _, areas = _table(wb["Area"])
    _, inds = _table(wb["Indikator"])
    by_unit = {r.unit: r for r in results.values()}
    for row in areas:
        s = by_unit[row["Unit"]].scores
        for a in RB.areas("pemenuhan"):
            assert row[a.id] == pytest.approx(s.area(a.id) / RB.area_weight(a.id), abs=1e-12)
            assert row[f"{a.id} Pemenuhan"] == pytest.approx(
                s.halves["pemenuhan"][a.id] / s.area_weights["pemenuhan"][a.id], abs=1e-12)
    head = [c.value for c in wb["Indikator"][1]]
    ids = [h.split(" ")[0] for h in head[2:]]
    assert ids == [i.id for i in RB.walk_indicators()]
    for row in inds:
        s = by_unit[row["Unit"]].scores
        for h, iid in zip(head[2:], ids):
            assert row[h] == s.indicators[iid].share
    scales = [r.type for rng in wb["Indikator"].conditional_formatting for r in rng.rules]
    assert "colorScale" in scales


def test_unit_vs_tpi(recap_run):
    out, _, results, _ = recap_run
    wb = openpyxl.load_workbook(out)
    _, tpi = _table(wb["Unit vs TPI"])
    with_tpi = [r for r in results.values() if r.tpi_scores is not None]
    assert len(with_tpi) == 1 and len(tpi) == 1
    res, row = with_tpi[0], tpi[0]
    assert row["Total unit"] == res.scores.total
    assert row["Total TPI"] == res.tpi_scores.total
    assert row["Butir berbeda"] == len(res.tpi_differences()) > 0
    assert row["Penilaian mandiri lebih tinggi"] == ("Ya" if res.scores.total > res.tpi_scores.total else "Tidak")
    _, diffs = _table(wb["Beda TPI"])
    expected = [(d["item"], d["unit"], d["tpi"]) for d in res.tpi_differences()]
    got = [(d["Butir"], d["Jawaban unit"], d["Jawaban TPI"]) for d in diffs]
    norm = [(i, "" if u is None else u, "" if t is None else t) for i, u, t in expected]
    assert [(i, None if u == "" else u, None if t == "" else t) for i, u, t in norm] == got


def test_temuan_lists_every_problem(recap_run):
    out, _, results, files = recap_run
    _, rows = _table(openpyxl.load_workbook(out)["Temuan"])
    assert len(rows) == sum(len(r.problems) for r in results.values())
    for path, res in results.items():
        mine = [r for r in rows if r["File"] == path]
        want = sorted(res.problems, key=lambda p: (p.location.sheet or "", p.location.row or 0,
                                                   p.location.column or 0, p.code))
        assert [(r["Sheet"], r["Sel"], r["Kode"], r["Pesan"]) for r in mine] == \
            [(p.location.sheet, p.location.cell, p.code, p.message("id")) for p in want]
    sev = {r["Tingkat"] for r in rows}
    assert sev <= {"Kesalahan", "Peringatan", "Info"} and "Kesalahan" in sev
    # file order: the rows of one file are together and files appear in input order
    order = [r["File"] for r in rows]
    firsts = list(dict.fromkeys(order))
    assert all(order.index(f) + order.count(f) - 1 == len(order) - 1 - order[::-1].index(f) for f in firsts)


def test_unit_text_is_never_a_formula(recap_run):
    out, _, _, _ = recap_run
    wb = openpyxl.load_workbook(out)
    hits = [c for ws in wb for row in ws.iter_rows() for c in row if c.value == INJECTION]
    assert hits, "the unit name must appear in the recap"
    assert all(c.data_type == "s" for c in hits)
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("HYPERLINK" in z.read(n).decode() and "<f>HYPERLINK" in z.read(n).decode() for n in sheets)


def test_charts_are_native(recap_run):
    out, _, results, _ = recap_run
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    bar = next(c for c in charts if "<c:barChart>" in c)
    # sorted horizontal bars, one series per band of the WBK/WBBM minimums of the total
    assert '<c:barDir val="bar"/>' in bar and bar.count("<c:ser>") == 3 and "Grafik!$A$2" in bar
    assert any("<c:radarChart>" in c for c in charts)
    ws = openpyxl.load_workbook(out, read_only=True)["Grafik"]
    rows = list(ws.iter_rows(min_row=1, max_row=len(results) + 1, values_only=True))
    wbk, wbbm = thresholds(RB)["total"]
    assert "85" in rows[0][2] and "75" in rows[0][3]
    totals = [r[1] for r in rows[1:]]
    assert totals == sorted(totals, reverse=True)
    for r in rows[1:]:
        band = 2 if r[1] >= wbbm else 3 if r[1] >= wbk else 4
        assert r[band] == r[1] and [r[c] for c in (2, 3, 4) if c != band] == [None, None]


def test_json_and_csv_carry_the_same_data(folder, recap_run, tmp_path):
    root, files = folder
    _, _, results, _ = recap_run
    cache = tmp_path / "c"
    recap([root], tmp_path / "r.json", fmt="json", jobs=1, cache_dir=cache)
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert set(data) == {"results", "failures"}
    assert len(data["results"]) == len(results)
    for d in data["results"]:
        want = results[d["file"]].to_dict()
        assert d["scores"] == want["scores"] and d["problems"] == want["problems"]
        assert d["summary"]["total"] == want["scores"]["total"]
    assert sorted(f["file"] for f in data["failures"]) == sorted(str(p) for p in files["broken"])

    recap([root], tmp_path / "r.csv", fmt="csv", jobs=1, cache_dir=cache)
    import csv
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8", newline="")))
    assert len(rows) == len(results)
    for r in rows:
        res = results[r["file"]]
        assert float(r["total"]) == res.scores.total  # full precision survives the text form
        assert r["wbk"].startswith(word(verdict_for(res)["wbk"]["status"]))
    units = {r["unit"] for r in rows}
    assert "'" + INJECTION in units and INJECTION not in units


def test_lang_en(folder, tmp_path):
    root, files = folder
    out = tmp_path / "Recap.xlsx"
    recap([root / "good"], out, options=RecapOptions(lang="en"), jobs=1, use_cache=False)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Summary" and "Findings" in wb.sheetnames
    assert wb["Summary"]["A1"].value.startswith("Zona Integritas Evaluation Recap")
    head = [c.value for c in wb["Summary"][HEADER]]
    assert "WBK eligible" in head
    assert not (tmp_path / ".lketool-cache").exists(), "--no-cache writes no cache"


def _num(formula: str):
    try:
        return float(formula)
    except ValueError:
        return formula
