"""``lketool links``: open every evidence link of one or more workbooks and say which
ones a reviewer cannot open (locked Drive links above all), what to do about each, and
how many per unit."""
from __future__ import annotations

import json
import sys

import click

from lketool.commands import _common as c
from lketool.i18n import t

LINK_COLUMNS = ("file", "unit", "sheet", "cell", "item", "link", "status", "label", "http_status", "service",
                "detail", "remedy")


@click.command("links")
@c.PATHS
@c.LANG
@c.format_option("table", "json", "csv")
@c.OUTPUT
@c.QUIET
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Batas waktu per tautan (detik).")
@click.option("--no-cache", is_flag=True, help="Periksa ulang semua tautan (abaikan cache).")
@click.option("--allow-private", is_flag=True, help="Izinkan tautan ke alamat lokal/jaringan privat.")
def command(paths, lang, fmt, output, quiet, timeout, no_cache, allow_private):
    """Periksa apakah setiap tautan bukti dukung dapat dibuka tanpa login: dapat diakses,
    terkunci (meminta login/belum dibagikan), tidak ditemukan, galat server, habis waktu,
    atau bukan tautan web (path berkas lokal). Di akhir: jumlah per status dengan yang
    perlu dilakukan unit, dan jumlah per unit.

    Kode keluar: 0 semua dapat dibuka, 1 ada tautan bermasalah, 2 berkas tidak terbaca
    atau tidak ada koneksi internet."""
    from lketool.api import check_files
    from lketool.links import LinkCache
    from lketool.links.summary import Progress, counts, offline_message, remedy
    from lketool.online import add_link_problems, collect_links

    results = check_files(paths)
    if not results:
        raise click.UsageError(t("cli.no-files", lang))
    total = len({link for r in results for link, *_ in collect_links(r)})
    progress = None if quiet else Progress(total, lang)
    checked = add_link_problems(results, allow_private=allow_private, cache=None if no_cache else LinkCache(),
                                timeout=timeout, progress=progress)
    rows = []
    for r in results:
        for link, cell, item, sheet in collect_links(r):
            res = checked.get(link)
            status = res.status if res else "unknown"
            rows.append({"file": r.file, "unit": r.unit, "sheet": sheet, "cell": cell, "item": item, "link": link,
                         "status": status, "label": res.label(lang) if res else "",
                         "http_status": res.http_status if res else None,
                         "service": res.service if res else None,
                         "detail": res.detail(lang) if res else "",
                         "remedy": remedy(status, lang)})
    failures = [{"file": r.file, "error": r.error.message(lang)} for r in results if r.error]
    offline = offline_message(checked.values(), lang) if checked.offline else None
    try:
        if fmt == "json":
            c.write_text(json.dumps({"results": rows, "failures": failures, "offline": bool(offline),
                                     "message": offline, "summary": counts(rows)},
                                    ensure_ascii=False, indent=2) + "\n", output)
        elif fmt == "csv":
            from lketool import csvout

            csvout.write(csvout.cols("links", *LINK_COLUMNS), [] if offline else rows, lang, output)
        else:
            c.write_text("\n".join(render(results, rows, lang, offline, quiet)) + "\n", output)
    except OSError as exc:
        raise click.UsageError(t("cli.cannot-write", lang, path=output, reason=exc.strerror or exc))
    if offline:
        if fmt != "table" or output is not None:
            click.echo(offline, err=True)
        sys.exit(2)
    if any(r.error for r in results):
        sys.exit(2)
    sys.exit(1 if any(row["status"] not in ("accessible", "not_web") for row in rows) else 0)


def render(results, rows, lang: str, offline: str | None, quiet: bool = False) -> list[str]:
    """The terminal view: unreadable files, one line per link that needs attention (all
    links unless ``quiet``), then the summary; or the one offline message."""
    from lketool.links.summary import summary_lines

    lines = []
    for r in results:
        if r.error:
            lines.append(f"== {r.file}")
            lines += c.wrap(f"{c.severity_label('error', lang).upper()}  {r.error.message(lang)}", 2)
    if offline:
        return lines + c.wrap(offline, 0)
    if not rows:
        lines.append(t("links.none", lang))
        return lines
    if not quiet:
        for row in rows:
            where = f"{row['sheet']}!{row['cell']}"
            lines.append(f"{where:<12} {row['label']:<22} {row['link']}  ({row['unit']})")
        lines.append("")
    return lines + summary_lines(rows, lang)
