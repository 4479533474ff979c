"""The report context: everything a report template may show about one unit, as a
plain dict (strings, numbers, booleans, lists, dicts), built by ONE function,
:func:`build_context`.  Its keys are listed in ``docs/report.md``; templates in
``report_templates/`` use nothing else, and a test checks that.

Numbers are kept raw (templates format them with the ``angka``/``persen`` filters);
where a value's unit depends on the row (points or shares), a ready ``..._teks``
string is given too, so templates need no logic for it."""
from __future__ import annotations

import datetime as _dt
from collections import OrderedDict
from pathlib import Path
from typing import Any, Mapping

from lketool import __version__
from lketool.verdict import criterion_word, letter_parts, sentences, verdict_for, word
from lketool.problems import CATALOGUE, ERROR, INFO, WARNING
from lketool import display as show
from lketool.layouts import LAMPIRAN_III, PORTALRB_2026
from lketool.rubric import title_case
from lketool.report.filters import angka, persen

STRONG_FROM = 0.9   # an indicator at or above this share is named as strong
WEAK_BELOW = 0.6    # below this it is weak: named, and given a recommendation
MAX_DETAILS = 10    # problem details listed per code; the rest are counted

LAYOUT_LABELS = {LAMPIRAN_III: "Lampiran III PermenPANRB 90/2021 (sheet LKE ZI)",
                 PORTALRB_2026: "Format unggah PortalRB 2026 (sheet Jawaban)"}
SEVERITY_LABELS = {ERROR: "Kesalahan", WARNING: "Peringatan", INFO: "Informasi"}
TITLE = "Laporan Hasil Evaluasi Zona Integritas"


def build_context(result, *, instansi: str | None = None, report_date: _dt.date | str | None = None,
                  recommendations: Mapping[str, str] | None = None, strong_from: float = STRONG_FROM,
                  weak_below: float = WEAK_BELOW, chart: bool = True, unit_name: str | None = None,
                  letter: Mapping[str, Any] | None = None, kop: bytes | None = None,
                  chart_png: bool = False) -> dict[str, Any]:
    """The template context of one unit's report (see ``docs/report.md`` for every key).

    ``result`` is a :class:`lketool.api.FileResult` with scores (a file that could not be
    read has no report: raise ``ValueError``).  ``report_date`` fixes the date shown
    (default today), ``recommendations`` maps indicator ids to texts with a ``default``
    key (see :func:`lketool.report.recommend.load_recommendations`).  ``chart=False``
    leaves ``grafik_svg``/``grafik_png`` empty (faster, for tests of text only).

    ``unit_name`` replaces the unit name read from the workbook (``--unit``/``--units``);
    ``letter`` fills the letter parts (keys of :data:`LETTER_FIELDS`; a missing one stays
    visibly blank for hand filling); ``kop`` is the letterhead image (PNG/JPEG bytes).
    The PNG chart for Word is drawn by :func:`lketool.report.render_docx.render_docx` from
    ``grafik`` (so building a context, and an HTML report, never imports matplotlib);
    ``chart_png=True`` draws it here into ``grafik_png``."""
    if result.error is not None or result.scores is None:
        raise ValueError(f"{result.file}: tidak ada nilai untuk dilaporkan"
                         + (f" ({result.error.message('id')})" if result.error else ""))
    from lketool.report.recommend import DEFAULT_RECOMMENDATIONS, load_recommendations

    rb, sc = result.rubric, result.scores
    recs = dict(recommendations) if recommendations is not None else load_recommendations()
    day = _date(report_date)
    thresholds = _area_thresholds(result.eligibility)
    given = _clean_unit(unit_name)
    read = _clean_unit(result.unit)
    unit = given or read or Path(result.file).stem
    unit_source = "pengguna" if given else "lke" if read and not _from_file_name(read, result.file) else "berkas"

    problems_by_item = _evidence_by_area(result)
    leaf = [r for r in result.indicator_rows() if not _has_children(rb, r["id"])]
    areas = _areas(result, leaf, thresholds, problems_by_item, strong_from, weak_below)
    no_evidence = _no_evidence(result)
    groups = _problem_groups(result)
    # the headline verdict (the TPI's when the workbook carries TPI answers), worded by lketool.verdict
    vt = verdict_for(result, "id") or {}
    basis = vt.get("basis", "unit")
    head_elig = (result.tpi_eligibility if basis == "tpi" else result.eligibility) or {}
    verdicts = [_verdict(k, v, rb, vt.get(k)) for k, v in head_elig.items()]
    tpi_verdicts = [_verdict(k, v, rb) for k, v in (result.tpi_eligibility or {}).items()]
    weak = [r for r in leaf if r["share"] < weak_below]
    default_rec = recs.get("default") or DEFAULT_RECOMMENDATIONS
    ctx: dict[str, Any] = {
        "judul": TITLE,
        "unit": unit,
        "instansi": (instansi or "").strip(),
        "file": Path(result.file).name,
        "sheet": result.sheet or "",
        "tanggal": day.isoformat(),
        "layout": result.layout or "",
        "layout_label": LAYOUT_LABELS.get(result.layout or "", result.layout or ""),
        "rubrik": rb.title,
        "rubrik_edisi": rb.edition,
        "versi": __version__,
        "nilai": _values(sc),
        "nilai_workbook": dict(result.workbook_scores) if result.workbook_scores else None,
        "skor": _score_rows(result),
        "kelengkapan": {"dijawab": sc.answered, "diharapkan": sc.expected,
                        "persen": sc.answered / sc.expected if sc.expected else 0.0},
        "predikat": verdicts,
        "kesimpulan": _conclusion(unit, result, basis, verdict_sentences(result)),
        "kesimpulan_nilai": _conclusion(unit, result, basis, []),
        "putusan": _decision(result, verdicts),
        "dasar_kelayakan": basis,
        "surat": _letter(letter, unit, day),
        "pembukaan": _opening(unit, instansi),
        "penutup": CLOSING,
        "kop": kop or b"",
        "temuan": _findings_summary(groups),
        "teknis": _technical(result, unit, unit_source, read),
        "areas": areas,
        "hasil_narasi": _hasil_paragraph(result),
        "indikator": [_indicator_row(r, rb, strong_from, weak_below) for r in leaf],
        "tanpa_bukti": no_evidence,
        "masalah": groups,
        "jumlah_masalah": dict(result.counts),
        "rekomendasi": [{"indikator": r["id"], "nama": formal(r["name"]), "area": _area_label(rb, r),
                         "persen": r["share"], "teks": recs.get(r["id"]) or default_rec}
                        for r in sorted(weak, key=lambda r: (r["share"], r["id"]))],
        "batas_kuat": strong_from,
        "batas_lemah": weak_below,
        "ada_tpi": result.tpi_scores is not None,
        "tpi_nilai": _values(result.tpi_scores) if result.tpi_scores else None,
        "tpi_predikat": tpi_verdicts,
        "tpi_selisih": _tpi_differences(result),
        "grafik_svg": "",
        "grafik_png": b"",
        "grafik": None,
    }
    if chart:
        from markupsafe import Markup

        from lketool.report import chart as ch

        bars = ch.area_bars([{"id": a["id"], "name": a["nama"], "share": a["persen"],
                              "tpi_share": a["tpi_persen"]} for a in areas])
        thr = [("WBK", thresholds["wbk"]), ("WBBM", thresholds["wbbm"])]
        # The SVG is built here from escaped parts, so it is safe to mark as such.
        ctx["grafik_svg"] = Markup(ch.render_svg(bars, thr, f"Profil capaian per area - {unit}"))
        ctx["grafik"] = ch.chart_data(bars, thr)
        if chart_png:
            ctx["grafik_png"] = ch.render_png(bars, thr)
    return ctx


# ---------------------------------------------------------------- pieces

_FORMAL = (("Anti Korupsi", "Antikorupsi"), ("anti korupsi", "antikorupsi"), ("Anti korupsi", "Antikorupsi"),
           ("Survey", "Survei"), ("survey", "survei"))


def formal(text: str) -> str:
    """Formal Indonesian spelling for labels taken from the rubric (``antikorupsi``,
    ``survei``), as an official letter writes them."""
    for a, b in _FORMAL:
        text = text.replace(a, b)
    return text


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "\u2026"


def _date(value) -> _dt.date:
    if value is None:
        return _dt.date.today()
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value))


def _has_children(rb, ind_id: str) -> bool:
    return bool(rb.indicators[ind_id].children)


def _area_thresholds(elig) -> dict[str, float]:
    out = {"wbk": 0.6, "wbbm": 0.75}
    for key in out:
        for c in (elig or {}).get(key, {}).get("criteria", []):
            if c["id"].startswith("area:"):
                out[key] = c["minimum"]
                break
    return out


def _values(sc) -> dict[str, Any]:
    return {"total": sc.total, "pengungkit": sc.pengungkit, "pemenuhan": sc.pemenuhan, "reform": sc.reform,
            "hasil": sc.hasil, "bersih_akuntabel": sc.bersih_akuntabel, "ipak": sc.ipak,
            "capaian_kinerja": sc.capaian_kinerja, "pelayanan_prima": sc.pelayanan_prima, "ipkp": sc.ipkp,
            "ipak_survei": sc.ipak_survey, "ipkp_survei": sc.ipkp_survey}


def _score_rows(result) -> list[dict[str, Any]]:
    """The score table: component, weight, value, share, the workbook's own value and
    the TPI's, each row with an indentation level for the template."""
    rb, sc, tpi, wb = result.rubric, result.scores, result.tpi_scores, result.workbook_scores or {}
    comp = {c.id: c for c in rb.components}
    subs = {s.id: s for c in rb.components for s in c.subcomponents}
    hasil_w = {i.metric: i.weight for i in rb.indicators.values() if i.metric}

    def row(label, key, weight, level, value=None, tpi_value=None):
        v = getattr(sc, key) if value is None else value
        t = (getattr(tpi, key) if tpi_value is None else tpi_value) if tpi is not None else None
        return {"komponen": label, "kunci": key, "bobot": weight, "nilai": v, "persen": v / weight if weight else 0.0,
                "tingkat": level, "workbook": wb.get(key), "tpi": t}

    rows = [row("Nilai total", "total", comp["pengungkit"].weight + comp["hasil"].weight, 0),
            row("A. Pengungkit", "pengungkit", comp["pengungkit"].weight, 1),
            row("Pemenuhan", "pemenuhan", subs["pemenuhan"].weight, 2),
            row("Reform", "reform", subs["reform"].weight, 2)]
    for a in rb.areas("pemenuhan"):
        rows.append(row(f"Area {a.number}. {a.title}", f"area:{a.id}", rb.area_weight(a.id), 2,
                        sc.area(a.id), tpi.area(a.id) if tpi is not None else None))
    rows += [row("B. Hasil", "hasil", comp["hasil"].weight, 1),
             row("Birokrasi bersih dan akuntabel", "bersih_akuntabel", subs["bersih_akuntabel"].weight, 2),
             row("Survei persepsi antikorupsi (IPAK)", "ipak", hasil_w["ipak"], 3),
             row("Capaian kinerja lebih baik", "capaian_kinerja", hasil_w["capaian_kinerja"], 3),
             row("Pelayanan publik prima (IPKP)", "ipkp", hasil_w["ipkp"], 2)]
    return rows


def _value_text(c: dict) -> str:
    """A criterion's value; one that misses its minimum never reads as reaching it."""
    share, v = c["unit"] == "share", c["value"]
    # only a value that misses its minimum needs the extra digits; an undetermined one is shown plainly
    if c["met"] is not False:
        return persen(v) if share else angka(v)
    return show.percent_below(v, c["minimum"], 1) if share else show.number_below(v, c["minimum"], 2)


def _minimum_text(c: dict) -> str:
    return persen(c["minimum"]) if c["unit"] == "share" else angka(c["minimum"])


def label_suffix(cid: str) -> str:
    parts = cid.split(":")
    return f" ({parts[2]})" if len(parts) > 2 else ""


def _verdict(key: str, v: dict, rb=None, headline: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One predicate for the templates; its status words are lketool.verdict's (``headline``
    is that predicate's entry of :func:`lketool.verdict.verdict_for`)."""
    crits = []
    for c in v["criteria"]:
        share = c["unit"] == "share"
        gap = c["gap"]
        # a gap is never shown as "0,00" unless it is zero
        amount = (show.difference(abs(gap) * 100, 1).lstrip("+") + " poin persen") if share else \
            (show.difference(abs(gap), 2).lstrip("+") + " poin")
        if c["met"] is None:
            note = "nilai yang menentukan tidak dapat diketahui dari LKE"
        elif c["met"]:
            note = "tepat pada batas" if gap == 0 else f"lebih {amount} dari batas"
        else:
            note = f"kurang {amount} dari batas"
        survey = ""
        if c.get("survey_min") is not None:
            sv = c.get("survey_value")
            survey = (f"nilai survei {angka(sv)} (minimal {angka(c['survey_min'])})" if sv is not None
                      else f"nilai survei belum diisi (minimal {angka(c['survey_min'])})")
        label = formal(c["label"])
        if c["id"].startswith("area:") and rb is not None:
            label = "Capaian area " + title_case(rb.area_name(c["id"].split(":")[1])) + label_suffix(c["id"])
        crits.append({"id": c["id"], "label": label, "nilai": c["value"], "minimum": c["minimum"],
                      "terpenuhi": c["met"] is True, "met": c["met"], "selisih": gap, "satuan": c["unit"],
                      "nilai_teks": _value_text(c), "minimum_teks": _minimum_text(c),
                      "status": criterion_word(c["met"], "id"), "keterangan": note,
                      "survei": survey})
    pre = v.get("prerequisite")
    text = (headline or {}).get("text") or f"{v['label']}: {word(v.get('status'), 'id')}"
    return {"kode": key, "label": v["label"], "layak": v["eligible"] is True,
            "status_kode": v.get("status"), "status": text.split(": ", 1)[1],
            "kriteria": crits, "tidak_terpenuhi": [c["label"] for c in crits if c["met"] is False],
            "prasyarat": formal(pre["label"]) if pre else "",
            "prasyarat_ditolak": bool(pre) and pre.get("declared") is False}


def verdict_sentences(result) -> list[str]:
    """The verdict sentences of ``result``: the ONE place the report takes its WBK/WBBM
    wording from, :func:`lketool.verdict.sentences` (the same words as ``lketool score``)."""
    return sentences(result, "id")


def _decision(result, verdicts: list[dict]) -> dict[str, Any]:
    """The verdict set out for the letter (:func:`lketool.verdict.letter_parts`): whose answers
    decided, the criteria that decided it per predicate (the rows of ``predikat`` not met or
    undetermined, plus a prerequisite declared not held), the notes, and the conditions the LKE
    cannot show as lists; ``kata`` holds the headings, from the catalogue."""
    parts = letter_parts(result, "id")
    groups = []
    for v in verdicts:
        rows = [{"label": c["label"], "minimum_teks": c["minimum_teks"], "nilai_teks": c["nilai_teks"],
                 "status": c["status"], "met": c["met"]} for c in v["kriteria"] if c["met"] is not True]
        if v["prasyarat_ditolak"]:
            rows.append({"label": v["prasyarat"], "minimum_teks": "", "nilai_teks": "",
                         "status": criterion_word(False, "id"), "met": False})
        if rows:
            groups.append({"predikat": v["label"], "kode": v["kode"], "baris": rows})
    return {"dasar": parts.get("basis", ""), "kriteria": groups, "catatan": parts.get("notes", []),
            "belum_diperiksa": parts.get("not_checked", []), "dinyatakan": parts.get("declared", []),
            "kata": parts.get("words", {})}


def _conclusion(unit: str, result, basis: str, sentences: list[str]) -> str:
    """The scores the verdict rests on (the TPI's when it is the basis, with the unit's own total
    beside them), then the verdict's sentences."""
    sc = result.tpi_scores if basis == "tpi" else result.scores
    who = "evaluasi TPI" if basis == "tpi" else "evaluasi"
    parts = [f"Berdasarkan hasil {who}, {unit} memperoleh nilai total {angka(sc.total)}, terdiri atas "
             f"komponen pengungkit {angka(sc.pengungkit)} dan komponen hasil {angka(sc.hasil)}."]
    if basis == "tpi":
        parts.append(f"Menurut penilaian mandiri unit, nilai totalnya {angka(result.scores.total)}.")
    return " ".join(parts + list(sentences))


# ---------------------------------------------------------------- the letter

BLANK = "…" * 12  # left visibly blank for hand filling
LETTER_FIELDS = ("nomor", "sifat", "lampiran", "hal", "kepada", "penandatangan", "jabatan", "nip", "tempat",
                 "tanggal")
CLOSING = ("Demikian laporan hasil evaluasi ini kami sampaikan. Atas perhatian dan kerja sama Saudara, "
           "kami ucapkan terima kasih.")


def _clean_unit(name) -> str:
    """A unit name fit for a document: control characters and Excel's ``_x0000_``
    escapes removed, white space collapsed."""
    import re

    if not name:
        return ""
    s = re.sub(r"_x[0-9A-Fa-f]{4}_", " ", str(name))
    s = re.sub(r"[\x00-\x1f\x7f]", " ", s)
    return " ".join(s.split())


def _from_file_name(unit: str, file) -> bool:
    """True when the reader found no unit name in the sheet and took it from the file name."""
    from lketool.layouts.detect import unit_from_filename

    return unit == _clean_unit(unit_from_filename(Path(file)))


def _letter(letter: Mapping[str, Any] | None, unit: str, day: _dt.date) -> dict[str, str]:
    """The letter parts: given values, sensible defaults, and a visible blank for the rest."""
    from lketool.report.filters import tanggal as fmt_date

    given = {k: " ".join(str(v).split()) for k, v in (letter or {}).items()
             if k in LETTER_FIELDS and v is not None and str(v).strip()}
    out = {k: given.get(k, BLANK) for k in LETTER_FIELDS}
    out["hal"] = given.get("hal") or f"Laporan Hasil Evaluasi Zona Integritas {unit}"
    out["lampiran"] = given.get("lampiran") or "2 (dua) berkas"
    t = given.get("tanggal")
    if t:
        try:
            out["tanggal"] = fmt_date(_dt.date.fromisoformat(t))
        except ValueError:
            out["tanggal"] = t
    else:
        out["tanggal"] = fmt_date(day)
    return out


def _opening(unit: str, instansi: str | None) -> str:
    where = f" pada {instansi.strip()}" if instansi and instansi.strip() else ""
    return (f"Berdasarkan hasil evaluasi atas Lembar Kerja Evaluasi Zona Integritas {unit}{where}, bersama ini "
            "kami sampaikan Laporan Hasil Evaluasi pembangunan Zona Integritas menuju Wilayah Bebas dari "
            "Korupsi (WBK) dan Wilayah Birokrasi Bersih dan Melayani (WBBM) sebagai berikut.")


# Problems about the tool's own recomputation, not about the unit's answers: these are
# told in the technical appendix only.
TECHNICAL_CODES = frozenset({"score-mismatch"})


def _findings_summary(groups: list[dict]) -> list[dict[str, Any]]:
    """The findings for the letter body: Indonesian title, severity, count and items; no
    codes, no cells."""
    return [{"judul": g["judul"], "tingkat": g["tingkat"], "jumlah": g["jumlah"], "butir": g["butir"] or "–"}
            for g in groups if g["kode"] not in TECHNICAL_CODES]


def _technical(result, unit: str, unit_source: str, read: str) -> dict[str, Any]:
    """What the technical appendix tells: the file, its layout, the rubric, where the unit
    name came from, and the workbook's stored values against the recomputed ones."""
    name = Path(result.file).name
    if unit_source == "berkas":
        source = (f"Nama unit tidak terisi pada LKE; nama \u201c{unit}\u201d diambil dari nama berkas {name}. "
                  "Berikan nama yang benar dengan opsi --unit atau --units.")
    elif unit_source == "pengguna":
        source = (f"Nama unit \u201c{unit}\u201d diberikan oleh pemeriksa"
                  + (f"; pada LKE tertulis \u201c{read}\u201d." if read and read != unit else "."))
    else:
        source = "Nama unit diambil dari LKE."
    wb = result.workbook_scores or {}
    rows = [r for r in _score_rows(result) if r["workbook"] is not None]
    compare = [{"komponen": r["komponen"], "nilai": r["nilai"], "workbook": r["workbook"],
                "selisih": (r["workbook"] - r["nilai"]) if isinstance(r["workbook"], (int, float)) else None}
               for r in rows]
    return {"berkas": name, "sheet": result.sheet or "", "sumber_nama_unit": source,
            "nama_dari_berkas": unit_source == "berkas", "perbandingan": compare,
            "ada_nilai_workbook": bool(wb)}


def _join(names: list[str], lower_first: bool = False) -> str:
    """``a, b dan c``; ``lower_first`` lower-cases a leading capital (not an acronym)
    for labels used inside a sentence."""
    if lower_first:
        names = [n[0].lower() + n[1:] if n[:1].isupper() and not n[1:2].isupper() else n for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " dan " + names[-1]


def _evidence_by_area(result) -> dict[str, int]:
    """Answers without evidence per area id (``hasil`` for the Hasil items)."""
    out: dict[str, int] = {}
    for p in result.problems:
        if p.code != "evidence-missing" or not p.location.item:
            continue
        ind = _indicator_of(result.rubric, p.location.item)
        if ind is not None:
            key = ind.area_id or "hasil"
            out[key] = out.get(key, 0) + 1
    return out


def _indicator_of(rb, entry_id: str):
    obj = rb.items.get(entry_id)
    if obj is None and entry_id in rb.inputs:
        obj = rb.items.get(rb.inputs[entry_id].item_id)
    if obj is None and entry_id in rb.indicators:
        return rb.indicators[entry_id]
    return rb.indicators.get(obj.indicator_id) if obj is not None else None


def _indicator_row(r: dict, rb, strong_from: float, weak_below: float) -> dict[str, Any]:
    status = "kuat" if r["share"] >= strong_from else "lemah" if r["share"] < weak_below else "cukup"
    return {"id": r["id"], "nama": formal(r["name"]), "area": r["area"] or "", "area_nama": _area_label(rb, r),
            "bagian": r["half"], "bobot": r["weight"], "nilai": r["score"], "persen": r["share"],
            "dijawab": r["answered"], "butir": r["expected"], "tpi": r["tpi_score"],
            "tpi_persen": (r["tpi_score"] / r["weight"]) if r["tpi_score"] is not None and r["weight"] else None,
            "status": status}


def _area_label(rb, r: dict) -> str:
    return title_case(rb.area_name(r["area"])) if r["area"] else "Hasil"


def _named(rows: list[dict]) -> str:
    return _join([f"{formal(r['name'])} ({persen(r['share'])})" for r in rows])


def _area_met(result, pred: str, area_id: str) -> bool | None:
    """The verdict's (exact) reading of one area's minimum for the unit's answers: every
    criterion of that area (one, or one per half with --per-half) met, one not met, or undetermined."""
    mets = [c["met"] for c in (result.eligibility or {}).get(pred, {}).get("criteria", [])
            if c["id"] == f"area:{area_id}" or c["id"].startswith(f"area:{area_id}:")]
    return False if False in mets else (None if None in mets or not mets else True)


def _areas(result, leaf, thresholds, evidence_by_area, strong_from, weak_below) -> list[dict[str, Any]]:
    rb, sc, tpi = result.rubric, result.scores, result.tpi_scores
    out = []
    for a in rb.areas("pemenuhan"):
        inds = [r for r in leaf if r["area"] == a.id]
        weight = rb.area_weight(a.id)
        value = sc.area(a.id)
        wp, wr = sc.area_weights["pemenuhan"][a.id], sc.area_weights["reform"][a.id]
        p, r_ = sc.halves["pemenuhan"][a.id], sc.halves["reform"][a.id]
        ranked = sorted(inds, key=lambda r: (-r["share"], r["id"]))
        strong = [r for r in ranked if r["share"] >= strong_from]
        weak = sorted([r for r in ranked if r["share"] < weak_below and r["answered"]],
                      key=lambda r: (r["share"], r["id"]))
        blank = [r for r in inds if not r["answered"]]
        middle = [r for r in ranked if weak_below <= r["share"] < strong_from]
        answered = sum(r["answered"] for r in inds)
        expected = sum(r["expected"] for r in inds)
        share = value / weight if weight else 0.0
        tpi_value = tpi.area(a.id) if tpi is not None else None
        out.append({
            "id": a.id, "nomor": a.number, "nama": a.title, "bobot": weight, "nilai": value,
            "persen": share, "pemenuhan": p, "pemenuhan_bobot": wp, "reform": r_, "reform_bobot": wr,
            "tpi_nilai": tpi_value, "tpi_persen": (tpi_value / weight) if tpi_value is not None else None,
            "kuat": [{"id": r["id"], "nama": formal(r["name"]), "persen": r["share"]} for r in strong],
            "lemah": [{"id": r["id"], "nama": formal(r["name"]), "persen": r["share"]} for r in weak],
            "belum_dijawab": [{"id": r["id"], "nama": formal(r["name"])} for r in blank],
            "dijawab": answered, "butir": expected, "tanpa_bukti": evidence_by_area.get(a.id, 0),
            "narasi": _area_paragraph(a.title, value, weight, p, wp, r_, wr, share, thresholds,
                                      (_area_met(result, "wbk", a.id), _area_met(result, "wbbm", a.id)),
                                      inds, strong, middle, weak, blank, answered, expected,
                                      evidence_by_area.get(a.id, 0), strong_from, weak_below),
        })
    return out


def _area_paragraph(name, value, weight, p, wp, r_, wr, share, thr, met, inds, strong, middle, weak, blank,
                    answered, expected, no_evidence, strong_from, weak_below) -> str:
    """A paragraph written from the numbers: the area's share against the WBK/WBBM
    minimums, strong and weak indicators by name, completeness and evidence."""
    s = [f"Area {name} memperoleh nilai {angka(value)} dari bobot {angka(weight)} ({persen(share)}), "
         f"terdiri atas pemenuhan {angka(p)} dari {angka(wp)} dan reform {angka(r_)} dari {angka(wr)}."]
    # whether the area meets each minimum is the verdict's (exact) criterion, never a float compare here
    s.append(f"Batas minimal per area untuk WBK ({persen(thr['wbk'], 0)}): {criterion_word(met[0], 'id').lower()}; "
             f"untuk WBBM ({persen(thr['wbbm'], 0)}): {criterion_word(met[1], 'id').lower()}.")
    n = len(inds)
    if strong and len(strong) == n:
        s.append(f"Seluruh {n} indikator mencapai sedikitnya {persen(strong_from, 0)} dari bobotnya.")
    elif strong:
        s.append(f"Indikator yang kuat (sedikitnya {persen(strong_from, 0)}): {_named(strong)}.")
    else:
        s.append(f"Belum ada indikator yang mencapai {persen(strong_from, 0)} dari bobotnya.")
    if weak:
        s.append(f"Indikator yang lemah (di bawah {persen(weak_below, 0)}) dan perlu mendapat perhatian: "
                 f"{_named(weak)}.")
    if blank:
        s.append(f"Indikator yang belum dijawab sama sekali: {_join([formal(r['name']) for r in blank])}.")
    if not weak and not blank and len(strong) < n:
        s.append(f"Tidak ada indikator di bawah {persen(weak_below, 0)}; indikator lainnya berada di antara "
                 f"{persen(weak_below, 0)} dan {persen(strong_from, 0)}: {_named(middle)}.")
    if answered >= expected:
        s.append(f"Semua {expected} butir pertanyaan di area ini telah dijawab")
    elif answered == 0:
        s.append("Belum ada butir pertanyaan di area ini yang dijawab")
    else:
        s.append(f"Sebanyak {expected - answered} dari {expected} butir pertanyaan di area ini belum dijawab "
                 f"atau jawabannya tidak sah sehingga tidak dihitung")
    if no_evidence:
        s[-1] += f"; {no_evidence} jawaban belum dilengkapi bukti dukung."
    else:
        s[-1] += "."
    return " ".join(s)


def _hasil_paragraph(result) -> str:
    sc = result.scores
    ipak = (f"nilai survei persepsi antikorupsi {angka(sc.ipak_survey)} dari 4 (nilai {angka(sc.ipak)})"
            if sc.ipak_survey is not None else "nilai survei persepsi antikorupsi belum diisi")
    ipkp = (f"nilai persepsi kualitas pelayanan {angka(sc.ipkp_survey)} dari 4 (nilai {angka(sc.ipkp)})"
            if sc.ipkp_survey is not None else "nilai persepsi kualitas pelayanan belum diisi")
    kin = result.values.get("H.I.b")
    kinerja = (f"capaian kinerja dinilai {kin} (nilai {angka(sc.capaian_kinerja)})" if kin
               else "capaian kinerja belum diisi")
    return (f"Komponen hasil memperoleh {angka(sc.hasil)} dari bobot 40: {ipak}; {kinerja}; "
            f"dan {ipkp}.")


def _cell(cell: str | None) -> str:
    return cell.split("!", 1)[1] if cell and "!" in cell else (cell or "")


def _answer(v) -> str:
    if v is None:
        return "(kosong)"
    if isinstance(v, float):
        return angka(v, 0) if v.is_integer() else angka(v)
    return str(v)


def _tpi_differences(result) -> list[dict[str, Any]]:
    diffs = result.tpi_differences()
    if not diffs:
        return []
    notes = {r["item"]: r.get("tpi_note") or "" for r in result.answer_rows()}
    return [{"butir": d["item"], "teks": d["text"], "sel": _cell(d["cell"]), "unit": _answer(d["unit"]),
             "tpi": _answer(d["tpi"]), "catatan_tpi": " ".join(str(notes.get(d["item"], "")).split())}
            for d in diffs]


def _no_evidence(result) -> list[dict[str, Any]]:
    """Answered items without evidence, in sheet order, with the unit's answer and note."""
    from lketool.score import pct_value

    rb = result.rubric
    rows = {r["item"]: r for r in result.answer_rows()}
    out = []
    for p in sorted((p for p in result.problems if p.code == "evidence-missing"), key=lambda p: p.sort_key()):
        item = p.location.item or ""
        r = rows.get(item, {})
        obj = rb.items.get(item) or rb.inputs.get(item)
        if r:
            answer = _answer(r.get("unit_value"))
        elif obj is not None and getattr(obj, "type", None) == "pct":
            # a % row has no answer cell of its own: show the fraction derived from its counts
            frac = pct_value(obj, result.values).value
            answer = persen(frac) if frac is not None else "(kosong)"
        else:
            answer = ""
        note = " ".join((r.get("note") or _note_of(result, obj)).split())
        out.append({"butir": item, "teks": (r.get("text") or getattr(obj, "text", "") or "").strip(),
                    "sel": p.location.cell or "", "jawaban": answer,
                    "catatan": shorten(note, 300)})
    return out


def _note_of(result, obj) -> str:
    """A % row's note sits on one of its count rows: take the first non-empty one."""
    if obj is None or result.mapped is None:
        return ""
    for inp in getattr(obj, "inputs", ()):
        e = result.mapped.entries.get(inp.id)
        if e is not None and e.note:
            return e.note
    e = result.mapped.entries.get(obj.id)
    return (e.note or "") if e is not None else ""


def _full_message(p, rb) -> str:
    """The problem's message with the item's whole question text (checks keep a short
    excerpt in the message; an official report never cuts a question mid-word)."""
    import dataclasses

    if "text" in p.params and p.location.item:
        obj = rb.items.get(p.location.item) or rb.inputs.get(p.location.item)
        full = " ".join(str(getattr(obj, "text", "") or "").split())
        if full:
            p = dataclasses.replace(p, params={**p.params, "text": full})
    return p.message("id")


def _problem_groups(result) -> list[dict[str, Any]]:
    """Every other problem grouped by code: severity, count, cells, items, and the first
    :data:`MAX_DETAILS` messages."""
    groups: "OrderedDict[str, list]" = OrderedDict()
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    probs = sorted((p for p in result.problems if p.code != "evidence-missing"),
                   key=lambda p: (order.get(p.severity, 3), p.code, p.sort_key()))
    for p in probs:
        groups.setdefault(p.code, []).append(p)
    out = []
    for code, ps in groups.items():
        kind = CATALOGUE[code]
        cells = [p.location.cell for p in ps if p.location.cell]
        items = sorted({p.location.item for p in ps if p.location.item})
        out.append({"kode": code, "judul": kind.title_id, "tingkat": SEVERITY_LABELS.get(ps[0].severity, ""),
                    "jumlah": len(ps), "sel": ", ".join(dict.fromkeys(cells)), "butir": ", ".join(items),
                    "rincian": [{"sel": p.location.cell or "", "butir": p.location.item or "",
                                 "pesan": _full_message(p, result.rubric)} for p in ps[:MAX_DETAILS]],
                    "lainnya": max(len(ps) - MAX_DETAILS, 0)})
    return out
