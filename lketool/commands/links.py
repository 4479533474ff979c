"""``lketool links``: open every evidence link of one or more workbooks and say which
ones a reviewer cannot open (locked Drive links above all)."""
from __future__ import annotations

import csv
import io
import json
import sys

import click

from lketool.commands import _common as c


@click.command("links")
@c.PATHS
@c.LANG
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="Bentuk keluaran.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Batas waktu per tautan (detik).")
@click.option("--no-cache", is_flag=True, help="Periksa ulang semua tautan (abaikan cache).")
@click.option("--allow-private", is_flag=True, help="Izinkan tautan ke alamat lokal/jaringan privat.")
def command(paths, lang, fmt, timeout, no_cache, allow_private):
    """Periksa apakah setiap tautan bukti dukung dapat dibuka tanpa login: dapat diakses,
    terkunci (meminta login/belum dibagikan), tidak ditemukan, galat server, habis waktu,
    atau bukan tautan web.

    Kode keluar: 0 semua dapat dibuka, 1 ada tautan bermasalah, 2 berkas tidak terbaca."""
    from lketool.api import check_files
    from lketool.links import LinkCache
    from lketool.online import add_link_problems, collect_links

    results = check_files(paths)
    checked = add_link_problems(results, allow_private=allow_private, cache=None if no_cache else LinkCache(),
                                timeout=timeout)
    rows = []
    for r in results:
        for link, cell, item, sheet in collect_links(r):
            res = checked.get(link)
            rows.append({"file": r.file, "unit": r.unit, "sheet": sheet, "cell": cell, "item": item, "link": link,
                         "status": res.status if res else "unknown",
                         "label": res.label(lang) if res else "",
                         "http_status": res.http_status if res else None,
                         "service": res.service if res else None,
                         "detail": (res.detail_en if lang == "en" else res.detail_id) if res else ""})
    if fmt == "json":
        c.emit(json.dumps({"results": rows, "failures": [{"file": r.file, "error": r.error.message(lang)}
                                                         for r in results if r.error]}, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["file"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        sys.stdout.write(buf.getvalue())
    else:
        for r in results:
            if r.error:
                c.emit(f"== {r.file}\n  ERROR  {r.error.message(lang)}")
        for row in rows:
            c.emit(f"{row['sheet']}!{row['cell']:<6} {row['label']:<22} {row['link']}  ({row['unit']})")
    if any(r.error for r in results):
        sys.exit(2)
    sys.exit(1 if any(row["status"] not in ("accessible", "not_web") for row in rows) else 0)

