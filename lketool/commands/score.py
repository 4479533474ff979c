"""``lketool score``: exact scores and the WBK/WBBM verdict of one or many workbooks."""
from __future__ import annotations

import click

from lketool.commands import _common as c


@click.command("score")
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
def command(paths, lang, fmt, output, quiet, unit, strict, per_half, edition):
    """Hitung nilai indikator, area, pengungkit, hasil dan total menurut rumus resmi LKE
    (penyimpangan yang dinyatakan: docs/rubric.md), serta kelayakan WBK/WBBM dengan setiap
    syarat, selisihnya, dan syarat yang tidak dapat diperiksa dari LKE.

    PATHS: berkas .xlsx atau folder.  Kode keluar: 0, 1 (ada kesalahan isian), 2 (berkas tidak terbaca)."""
    results = c.load_results(paths, edition, strict, per_half, unit, lang)
    c.output_and_exit(results, fmt, lang, scores=True, output=output, quiet=quiet)
