"""``lketool check``: every problem of one or more LKE workbooks, by sheet and cell."""
from __future__ import annotations

from pathlib import Path

import click

from lketool.commands import _common as c
from lketool.i18n import t


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
@click.option("--annotate-dir", "annotate_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="FOLDER", help="Tulis salinan bertanda setiap berkas masukan ke FOLDER (NAMA-diperiksa.xlsx).")
@click.option("--online", is_flag=True, help="Buka juga setiap tautan bukti dukung (butuh internet).")
@click.option("--allow-private", is_flag=True, hidden=True, help="Izinkan tautan ke alamat lokal/privat (uji).")
def command(paths, lang, fmt, output, quiet, unit, strict, per_half, edition, annotate, annotate_dir, online,
            allow_private):
    """Periksa LKE: jawaban tidak sah atau kosong, bukti dukung, rumus yang ditimpa,
    nilai workbook yang berbeda dari hitung ulang. Setiap temuan disebut dengan sheet
    dan selnya; nilai yang hanya mengikuti temuan lain (nilai turunan) dikelompokkan
    di bawah masalah pokoknya.

    PATHS: berkas .xlsx atau folder (dibaca berulang ke subfolder).

    Kode keluar: 0 tidak ada kesalahan, 1 ada kesalahan, 2 berkas tidak terbaca."""
    results = c.load_results(paths, edition, strict, per_half, unit, lang)
    if online:
        from lketool.links.summary import Progress, offline_message
        from lketool.online import add_link_problems, collect_links

        total = len({link for r in results for link, *_ in collect_links(r)})
        checked = add_link_problems(results, allow_private=allow_private,
                                    progress=None if quiet else Progress(total, lang))
        if checked.offline:  # one line, not a DNS failure per link
            click.echo(offline_message(checked.values(), lang), err=True)
    failed = False
    if annotate is not None:
        if len(results) != 1:
            raise click.UsageError(t("cli.annotate-many", lang))
        if results[0].error is None:
            failed = _annotate([(results[0], annotate)], lang)
    if annotate_dir is not None:
        failed = _annotate_many(results, annotate_dir, lang) or failed
    try:
        c.output_and_exit(results, fmt, lang, scores=False, output=output, quiet=quiet)
    except SystemExit:
        if failed:  # an annotated copy could not be written: exit 2, after the check results
            raise SystemExit(2) from None
        raise


def _annotate(jobs, lang: str) -> bool:
    """Write each annotated copy; a copy that cannot be written is one line on stderr
    naming the file (nothing is left behind: copies are written atomically).  True when
    one failed (the command then exits 2)."""
    from lketool.annotate import AnnotateError, annotate_workbook
    from lketool.i18n import click_gettext

    failed = False
    for res, out in jobs:
        try:
            annotate_workbook(res, out, lang=lang)
        except AnnotateError as exc:
            click.echo(click_gettext("Error: {message}").format(message=str(exc)), err=True)
            failed = True
    return failed


def _annotate_many(results, folder: Path, lang: str) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.UsageError(t("cli.annotate-dir", lang, folder=folder, reason=exc.strerror or exc))
    jobs, taken = [], set()
    for res in results:
        if res.error is not None:
            continue
        src = Path(res.file)
        name, n = f"{src.stem}-diperiksa{src.suffix.lower() if src.suffix.lower() == '.xlsm' else '.xlsx'}", 2
        while name.lower() in taken:
            name = f"{src.stem}-diperiksa-{n}.xlsx"
            n += 1
        taken.add(name.lower())
        jobs.append((res, folder / name))
    return _annotate(jobs, lang)
