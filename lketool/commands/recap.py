"""``lketool recap``: many workbooks -> one recap workbook (or JSON/CSV).

Thin by design: options -> :func:`lketool.recap.recap` -> a short summary and the exit
code (0 all read, 1 some files could not be read, 2 usage error / nothing to recap /
the output cannot be written)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from lketool.commands import _common as _c

FORMATS = ("xlsx", "json", "csv")


@click.command(
    "recap",
    help=(
        "Rekap banyak LKE ke satu workbook Excel.\n\n"
        "PATH boleh file atau folder (dibaca beserta subfoldernya; hanya .xlsx/.xlsm, "
        "file kunci Office ~$ dilewati). Hasilnya satu workbook dengan sheet Ringkasan "
        "(peringkat unit, nilai, kelayakan WBK/WBBM dan kriteria yang belum terpenuhi), "
        "Area dan Indikator (peta warna), Unit vs TPI, Beda TPI, Temuan, Gagal dibaca "
        "dan Grafik.\n\n"
        "File yang tidak berubah sejak rekap sebelumnya tidak dibaca ulang (cache di folder "
        "cache pengguna, mis. %LOCALAPPDATA%\\lketool\\recap di Windows atau ~/.cache/lketool/recap; "
        "lihat --cache-dir); bila tidak ada yang berubah sama sekali, rekap sebelumnya disalin. "
        "File LKE tidak pernah diubah.\n\n"
        "Contoh: lketool recap LKE_2025/ -o Rekap.xlsx\n\n"
        "Kode keluar: 0 semua terbaca, 1 ada file yang gagal dibaca, 2 kesalahan pemakaian."
    ),
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File hasil (default Rekap.xlsx; untuk --format json/csv tanpa -o: ditulis ke layar).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="xlsx (default), json atau csv (tabel Ringkasan). Default mengikuti akhiran -o.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Jumlah proses paralel (default: semua inti prosesor).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder cache (default: folder cache pengguna, mis. %LOCALAPPDATA%\\lketool\\recap; "
                   "boleh dihapus kapan saja).")
@click.option("--no-cache", is_flag=True, default=False, help="Baca ulang semua file; cache tidak dipakai.")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Bahasa isi rekap.")
@click.option("--strict", is_flag=True, default=False,
              help="Butir yang belum dijawab dihitung 0 (default: dilewati seperti rumus Excel).")
@click.option("--per-half", is_flag=True, default=False,
              help="Syarat capaian area diperiksa terpisah untuk Pemenuhan dan Reform.")
@click.option("--rubric", "edition", default=None, metavar="EDISI",
              help="Edisi rubrik (bawaan: permenpanrb-90-2021).")
@_c.verdict_options
@click.option("--units", "units_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="BERKAS",
              help="CSV/XLSX per berkas LKE: nama unit (kolom unit/nama_unit) dan/atau sudah_wbk (ya/tidak); "
                   "sudah_wbk suatu unit mengalahkan --sudah-wbk/--belum-wbk untuk unit itu.")
@click.option("--instansi", default=None, metavar="NAMA",
              help="Nama instansi untuk judul rekap dan kepala setiap halaman cetak "
                   "(mis. \"Inspektorat Kota Contoh\").")
@click.option("-q", "--quiet", is_flag=True, default=False, help="Tanpa progres dan ringkasan.")
@click.pass_context
def command(ctx: click.Context, paths: tuple[Path, ...], output: Path | None, fmt: str | None,
            jobs: int | None, cache_dir: Path | None, no_cache: bool, lang: str, strict: bool,
            per_half: bool, edition: str | None, units_file: Path | None, instansi: str | None,
            quiet: bool) -> None:
    from lketool.recap import NoWorkbooks, RecapOptions, recap
    from lketool.recap.labels import t
    from lketool.recap.progress import Progress
    from lketool.recap.tables import failure_message

    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        fmt = suffix if suffix in ("json", "csv") else "xlsx"
    if fmt == "xlsx" and output is None:
        output = Path("Rekap.xlsx")
    if fmt == "xlsx" and str(output) == "-":
        _fail(ctx, t("cli.xlsx_stdout", lang), lang)
    to_stdout = output is None or str(output) == "-"
    if not to_stdout and not output.resolve().parent.is_dir():
        _fail(ctx, t("cli.no_dir", lang, path=output.resolve().parent), lang)

    if not to_stdout:
        target = _resolved(output)
        same = next((p for p in paths if not p.is_dir() and _resolved(p) == target), None)
        if same is not None:
            # Reading it would be skipped (it is the output) and writing would destroy an input.
            _fail(ctx, t("cli.input_is_output", lang, path=same), lang)

    say = (lambda m: click.echo(m, err=True)) if to_stdout else click.echo
    from lketool.rubric import DEFAULT_EDITION, load_rubric

    try:  # an unknown or broken edition is a usage error, not a failure per workbook
        load_rubric(edition or DEFAULT_EDITION)
    except ValueError as exc:
        from lketool.errors import message_in

        _fail(ctx, message_in(exc, lang), lang)
    from lketool.units import UnitsFileError, read_units

    try:
        units = read_units(units_file).entries() if units_file else ()
    except UnitsFileError as exc:
        _fail(ctx, exc.message(lang), lang)
    options = RecapOptions(strict=strict, per_half=per_half, lang=lang, rubric=edition or DEFAULT_EDITION,
                           units=units, **_c.declarations())
    try:
        with Progress(lang=lang, quiet=quiet) as progress:
            outcome = recap(paths, output, fmt=fmt, options=options, jobs=jobs, cache_dir=cache_dir,
                            use_cache=not no_cache, progress=progress, instansi=instansi)
    except KeyboardInterrupt:
        click.echo("\n" + t("cli.cancelled", lang), err=True)
        ctx.exit(130)
    except BrokenPipeError:  # e.g. `lketool recap ... --format csv | head`: the reader left
        _silence_stdout()
        ctx.exit(1)
    except NoWorkbooks:
        _fail(ctx, t("cli.no_files", lang, paths=", ".join(str(p) for p in paths)), lang)
    except Exception as exc:
        # xlsxwriter wraps the OSError of a full disk in its own FileCreateError
        os_exc = _os_error(exc)
        if os_exc is None:
            raise
        from lketool.atomic import os_error_text

        _fail(ctx, t("cli.cannot_write", lang, path=output, error=os_error_text(os_exc, lang, output)), lang)

    if not quiet:
        st = outcome.stats
        from lketool.display import number

        seconds = number(st.seconds + outcome.write_seconds, 1, lang)
        where = t("cli.where", lang, path=outcome.output) if outcome.output else ""
        say(t("cli.done", lang, where=where, units=outcome.units, failed=len(outcome.failures)))
        say(t("cli.stats", lang, checked=st.checked, cached=st.cached,
              seconds=seconds))
        if outcome.reused:
            say(t("cli.reused", lang))
        if outcome.cache_dir is not None:
            say(t("cli.cache", lang, path=outcome.cache_dir))
        for f in outcome.failures[:10]:
            say(t("cli.failed", lang, file=f["file"], message=failure_message(f)))
        if len(outcome.failures) > 10:
            say(t("cli.more_failed", lang, n=len(outcome.failures) - 10, sheet=t("sheet.failures", lang)))
    ctx.exit(1 if outcome.failures else 0)


def _os_error(exc: BaseException) -> OSError | None:
    """``exc`` itself, or the OSError it wraps (as an argument, cause or context)."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError):
            return exc
        wrapped = next((a for a in getattr(exc, "args", ()) if isinstance(a, OSError)), None)
        exc = wrapped or exc.__cause__ or exc.__context__
        seen += 1
    return None


def _resolved(p: Path) -> str:
    import os

    try:
        return os.path.normcase(str(p.resolve()))
    except OSError:
        return os.path.normcase(os.path.abspath(p))


def _silence_stdout() -> None:
    import os

    # Python would report the broken pipe again when flushing stdout at exit.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _fail(ctx: click.Context, message: str, lang: str = "id") -> None:
    from lketool.recap.labels import t

    click.echo(t("cli.error", lang, message=message), err=True)
    ctx.exit(2)


if __name__ == "__main__":  # pragma: no cover
    command(sys.argv[1:])
