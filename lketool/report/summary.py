"""The summary report across units (for the head of the inspectorate), built from the
per-unit contexts of :func:`lketool.report.context.build_context`, so a batch never
has to keep the workbooks' results around.  Keys: see ``docs/report.md``."""
from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable, Mapping

from lketool import __version__
from lketool.report.context import WEAK_BELOW, _date, _join
from lketool.report.filters import angka, persen

TITLE = "Ringkasan Hasil Evaluasi Zona Integritas"
MAX_WEAK = 15  # rows in "most often weak indicators"


def _eligible(ctx: Mapping[str, Any], code: str) -> bool:
    return any(v["kode"] == code and v["layak"] for v in ctx["predikat"])


def build_summary_context(units: Iterable[Mapping[str, Any]], failures: Iterable[Mapping[str, Any]] = (), *,
                          instansi: str | None = None, report_date: _dt.date | str | None = None,
                          weak_below: float = WEAK_BELOW, chart: bool = True, chart_png: bool = False) -> dict[str, Any]:
    """The summary context.  ``units`` are per-unit report contexts (each may carry a
    ``key``, its output name, and ``link``, the file name of its HTML report), in the order
    to list them; ``failures`` are
    ``{"file"|"source_file", "error"}`` records of files that could not be reported."""
    units = list(units)
    rows = []
    for n, c in enumerate(units, 1):
        rows.append({"no": n, "unit": c["unit"], "file": c["file"], "key": c.get("key", ""), "link": c.get("link", ""),
                     "total": c["nilai"]["total"], "pengungkit": c["nilai"]["pengungkit"],
                     "hasil": c["nilai"]["hasil"], "wbk": _eligible(c, "wbk"), "wbbm": _eligible(c, "wbbm"),
                     "kesalahan": c["jumlah_masalah"].get("error", 0),
                     "peringatan": c["jumlah_masalah"].get("warning", 0),
                     "tanpa_bukti": len(c["tanpa_bukti"]),
                     "area_persen": [a["persen"] for a in c["areas"]]})
    areas = []
    wbk_min = 0.6
    if units:
        for c in units[0]["predikat"]:
            if c["kode"] == "wbk":
                wbk_min = next((k["minimum"] for k in c["kriteria"] if k["id"].startswith("area:")), wbk_min)
        for i, a in enumerate(units[0]["areas"]):
            shares = [u["areas"][i]["persen"] for u in units]
            areas.append({"id": a["id"], "nama": a["nama"], "rata_rata": sum(shares) / len(shares),
                          "terendah": min(shares), "di_bawah_wbk": sum(1 for s in shares if s < wbk_min)})
    weak: dict[str, dict] = {}
    for c in units:
        for ind in c["indikator"]:
            w = weak.setdefault(ind["id"], {"indikator": ind["id"], "nama": ind["nama"], "area": ind["area_nama"],
                                            "units": [], "shares": []})
            w["shares"].append(ind["persen"])
            if ind["persen"] < weak_below:
                w["units"].append(c["unit"])
    weak_rows = sorted((w for w in weak.values() if w["units"]),
                       key=lambda w: (-len(w["units"]), sum(w["shares"]) / len(w["shares"]), w["indikator"]))
    weak_rows = [{"indikator": w["indikator"], "nama": w["nama"], "area": w["area"], "jumlah_unit": len(w["units"]),
                  "rata_rata": sum(w["shares"]) / len(w["shares"]), "unit": _join(w["units"])}
                 for w in weak_rows[:MAX_WEAK]]
    gagal = [{"file": str(f.get("file") or f.get("source_file") or ""), "error": str(f.get("error") or "")}
             for f in failures]
    n_wbk = sum(r["wbk"] for r in rows)
    n_wbbm = sum(r["wbbm"] for r in rows)
    ctx: dict[str, Any] = {
        "judul": TITLE, "instansi": (instansi or "").strip(), "tanggal": _date(report_date).isoformat(),
        "versi": __version__, "jumlah_berkas": len(rows) + len(gagal), "jumlah_unit": len(rows),
        "jumlah_wbk": n_wbk, "jumlah_wbbm": n_wbbm, "jumlah_gagal": len(gagal),
        "units": rows, "areas": areas, "indikator_lemah": weak_rows, "batas_lemah": weak_below,
        "gagal": gagal, "narasi": _narrative(rows, areas, weak_rows, gagal, n_wbk, n_wbbm),
        "grafik_svg": "", "grafik_png": b"", "grafik": None,
    }
    if chart and areas:
        from markupsafe import Markup

        from lketool.report import chart as ch

        thr = [("WBK", wbk_min), ("WBBM", _wbbm_min(units))]
        bars = ch.area_bars([{"id": a["id"], "name": a["nama"], "share": a["rata_rata"]} for a in areas])
        ctx["grafik_svg"] = Markup(ch.render_svg(bars, thr, "Rata-rata capaian per area"))
        ctx["grafik"] = ch.chart_data(bars, thr)  # the Word renderer draws the PNG from it
        if chart_png:
            ctx["grafik_png"] = ch.render_png(bars, thr)
    return ctx


def _wbbm_min(units) -> float:
    for c in units[0]["predikat"]:
        if c["kode"] == "wbbm":
            return next((k["minimum"] for k in c["kriteria"] if k["id"].startswith("area:")), 0.75)
    return 0.75


def _narrative(rows, areas, weak_rows, gagal, n_wbk, n_wbbm) -> str:
    if not rows:
        return ("Tidak ada LKE yang dapat dilaporkan." +
                (f" {len(gagal)} berkas gagal diproses." if gagal else ""))
    totals = [r["total"] for r in rows]
    best = max(rows, key=lambda r: r["total"])
    worst = min(rows, key=lambda r: r["total"])
    s = [f"Dari {len(rows)} unit yang dilaporkan, {n_wbk} memenuhi syarat minimal Menuju WBK dan {n_wbbm} "
         f"memenuhi syarat minimal Menuju WBBM. Rata-rata nilai total {angka(sum(totals) / len(totals))}"]
    if len(rows) > 1 and best["total"] == worst["total"]:
        s[-1] += "; semua unit memperoleh nilai total yang sama."
    elif len(rows) > 1:
        s[-1] += (f"; tertinggi {best['unit']} ({angka(best['total'])}) dan terendah {worst['unit']} "
                  f"({angka(worst['total'])}).")
    else:
        s[-1] += "."
    if areas:
        low = min(areas, key=lambda a: a["rata_rata"])
        s.append(f"Area dengan rata-rata capaian terendah adalah {low['nama']} ({persen(low['rata_rata'])})"
                 + (f", dengan {low['di_bawah_wbk']} unit di bawah batas minimal WBK." if low["di_bawah_wbk"]
                    else "."))
    if weak_rows:
        top = weak_rows[0]
        s.append(f"Indikator yang paling sering lemah adalah {top['nama']} ({top['jumlah_unit']} unit).")
    errs = sum(r["kesalahan"] for r in rows)
    nb = sum(r["tanpa_bukti"] for r in rows)
    s.append(f"Pemeriksaan menemukan {errs} kesalahan, termasuk {nb} jawaban tanpa bukti dukung.")
    if gagal:
        s.append(f"{len(gagal)} berkas tidak dapat diproses (lihat daftar di akhir).")
    return " ".join(s)
