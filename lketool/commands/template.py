"""``lketool template``: write a blank LKE workbook in an official layout."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from lketool.layouts import LAMPIRAN_III, PORTALRB_2026


@click.command("template")
@click.option("--layout", type=click.Choice([LAMPIRAN_III, PORTALRB_2026]), default=LAMPIRAN_III,
              show_default=True,
              help="Format: lampiran-iii (LKE ZI PermenPANRB 90/2021) atau portalrb-2026 (sheet Jawaban PortalRB).")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="BERKAS.xlsx", help="Berkas .xlsx yang ditulis (ditimpa bila sudah ada).")
@click.option("--unit", default=None, metavar="NAMA", help='Nama unit kerja, mis. "Dinas Kesehatan".')
@click.option("--recalc", is_flag=True,
              help="Hitung ulang rumus dengan LibreOffice agar berkas langsung berisi nilai (butuh LibreOffice).")
def command(layout: str, output: Path, unit: str | None, recalc: bool) -> None:
    """Buat LKE kosong dalam format resmi, lengkap dengan rumus Nilai, pilihan jawaban
    (validasi data) dan perlindungan sheet tanpa kata sandi: sel jawaban, catatan dan
    bukti dukung dapat diisi, sel rumus terkunci.

    Contoh: lketool template --layout lampiran-iii -o LKE_ZI.xlsx --unit "Dinas Kesehatan"

    Kode keluar: 0 berhasil, 2 pilihan salah atau berkas tidak dapat ditulis."""
    from lketool.i18n import get_lang, t
    from lketool.template import write_template

    if output.suffix.lower() != ".xlsx":
        raise click.UsageError(t("cli.template.not-xlsx"))
    try:
        path = write_template(output, layout, unit=unit)
    except OSError as exc:
        from lketool.atomic import os_error_text

        click.echo(t("cli.template.cannot-write", path=output, error=os_error_text(exc, get_lang(), output)), err=True)
        sys.exit(2)
    if recalc:
        from lketool.libreoffice import LibreOfficeError, recalc as lo_recalc

        from lketool.template import refreeze

        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=False)
        panes = {ws.title: ws.freeze_panes for ws in wb.worksheets if ws.freeze_panes}
        try:
            lo_recalc(path, path)
            refreeze(path, panes)  # LibreOffice drops the frozen header rows
        except LibreOfficeError as exc:
            click.echo(t("cli.template.no-recalc", path=path, error=exc.message(get_lang())), err=True)
            sys.exit(2)
    click.echo(t("cli.template.written", layout=layout, path=path))
