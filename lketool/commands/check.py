"""``lketool check``: every problem of one or more LKE workbooks, by sheet and cell."""
from __future__ import annotations

from pathlib import Path

import click

from lketool.commands import _common as c


@click.command("check")
@c.PATHS
@c.LANG
@c.FORMAT
@c.OUTPUT
@c.QUIET
@c.UNIT
@c.STRICT
@c.PER_HALF
@c.verdict_options
@c.RUBRIC
@click.option("--annotate", "annotate", type=click.Path(path_type=Path), default=None, metavar="OUT.xlsx",
              help="Tulis salinan workbook dengan sel bermasalah diwarnai dan diberi komentar (satu berkas masukan).")
@click.option("--online", is_flag=True, help="Buka juga setiap tautan bukti dukung (butuh internet).")
@click.option("--allow-private", is_flag=True, hidden=True, help="Izinkan tautan ke alamat lokal/privat (uji).")
def command(paths, lang, fmt, output, quiet, unit, strict, per_half, edition, annotate, online, allow_private):
    """Periksa LKE: jawaban tidak sah atau kosong, bukti dukung, rumus yang ditimpa,
    nilai workbook yang berbeda dari hitung ulang. Setiap temuan disebut dengan sheet
    dan selnya; nilai yang hanya mengikuti temuan lain (nilai turunan) dikelompokkan
    di bawah masalah pokoknya.

    PATHS: berkas .xlsx atau folder (dibaca berulang ke subfolder).

    Kode keluar: 0 tidak ada kesalahan, 1 ada kesalahan, 2 berkas tidak terbaca."""
    results = c.load_results(paths, edition, strict, per_half, unit)
    if online:
        from lketool.links.summary import Progress, offline_message
        from lketool.online import add_link_problems, collect_links

        total = len({link for r in results for link, *_ in collect_links(r)})
        checked = add_link_problems(results, allow_private=allow_private,
                                    progress=None if quiet else Progress(total, lang))
        if checked.offline:  # one line, not a DNS failure per link
            click.echo(offline_message(checked.values(), lang), err=True)
    if annotate is not None:
        if len(results) != 1:
            raise click.UsageError("--annotate hanya untuk satu berkas masukan")
        if results[0].error is None:
            from lketool.annotate import annotate_workbook
            annotate_workbook(results[0], annotate, lang=lang)
    c.output_and_exit(results, fmt, lang, scores=False, output=output, quiet=quiet)
