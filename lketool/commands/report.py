"""``lketool report``: a draft Laporan Hasil Evaluasi per unit (Word, HTML, PDF), and a
summary across units with ``--summary``.

Thin by design: options -> :func:`lketool.report.batch.generate_reports` -> printed
outcome and exit code (0 all written, 1 some file failed, 2 usage error)."""
from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

import click

from lketool.commands import _common as _c
from lketool.i18n import t

_FORMATS = ("docx", "html", "pdf")


def _parse_formats(value: str, lang: str = "id") -> tuple[str, ...]:
    parts = [p.strip().lower() for p in value.split(",") if p.strip()]
    bad = [p for p in parts if p not in _FORMATS]
    if bad or not parts:
        raise click.BadParameter(t("report.cli.bad-format", lang, bad=", ".join(bad) or t("report.cli.empty", lang),
                                   choices=", ".join(_FORMATS)), param_hint="--format")
    return tuple(dict.fromkeys(parts))


def _parse_date(value: str | None, lang: str = "id") -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(t("report.cli.bad-date", lang, value=value), param_hint="--date") from None


class _Progress:
    """rich progress bar on a terminal, one plain line per step otherwise (logs, CI)."""

    PHASES = ("periksa", "tulis", "ringkasan", "pdf")  # worded as report.cli.phase.<phase>

    def __init__(self, quiet: bool, lang: str = "id"):
        self.quiet = quiet
        self.labels = {p: t(f"report.cli.phase.{p}", lang) for p in self.PHASES}
        self.tty = sys.stderr.isatty()
        self.bar = None
        self.tasks: dict[str, int] = {}

    def __enter__(self):
        if self.tty and not self.quiet:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), TextColumn("{task.fields[label]}"),
                                console=Console(stderr=True), transient=False)
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def __call__(self, phase: str, done: int, total: int, label: str) -> None:
        if self.quiet:
            return
        name = self.labels.get(phase, phase)
        if self.bar is not None:
            if phase not in self.tasks:
                self.tasks[phase] = self.bar.add_task(name, total=total, label="")
            self.bar.update(self.tasks[phase], completed=done, total=total, label=label[:40])
        elif done:
            click.echo(f"{name} [{done}/{total}] {label}", err=True)


@click.command("report", help=(
    "Tulis draf Laporan Hasil Evaluasi (LHE) per unit dari LKE: Word, HTML, dan/atau PDF.\n\n"
    "Setiap berkas LKE menjadi satu laporan bernama dari nama unitnya; OUTDIR/manifest.json "
    "mendaftar semua laporan (dipakai `lketool mail`). Dengan --summary juga ditulis satu "
    "ringkasan seluruh unit (ringkasan.docx/.html) untuk pimpinan.\n\n"
    "Laporan Word/PDF berbentuk surat dinas: kop (--kop), Nomor/Sifat/Lampiran/Hal, Yth., "
    "tanda tangan; isi dengan opsi di bawah atau satu berkas --settings. Bagian yang kosong "
    "tampil sebagai titik-titik untuk diisi tangan.\n\n"
    "\b\nContoh:\n  lketool report lke/ -o laporan --format docx,html,pdf --summary --instansi \"Kab. Contoh\""))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--outdir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder keluaran (dibuat bila belum ada).")
@click.option("--format", "formats", default="docx,html", show_default=True, metavar="JENIS",
              help="Jenis keluaran dipisah koma: docx, html, pdf (PDF perlu LibreOffice).")
@click.option("--summary", is_flag=True, help="Tulis juga ringkasan seluruh unit (ringkasan.*).")
@click.option("--instansi", default=None, metavar="NAMA", help="Nama instansi yang dicantumkan di laporan.")
@click.option("--template", "templates", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Template pengganti: folder berisi report.docx/report.html.j2/summary.*, atau satu berkas "
                   ".docx/.html.j2 (nama diawali 'summary' untuk ringkasan). Boleh diulang.")
@click.option("--rekomendasi", "recommendations", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Berkas teks rekomendasi per indikator (.yaml/.json); bawaan: "
                                 "report_templates/rekomendasi.json.")
@click.option("--date", "report_date", default=None, metavar="TTTT-BB-HH",
              help="Tanggal yang dicantumkan di laporan (bawaan: hari ini).")
@click.option("--overwrite", is_flag=True, help="Timpa laporan yang sudah ada.")
@_c.JOBS
@click.option("--strict", is_flag=True, help="Butir yang belum dijawab dihitung 0 (bukan dilewati).")
@click.option("--per-half", is_flag=True, help="Syarat capaian per area diperiksa terpisah untuk pemenuhan dan reform.")
@_c.verdict_options
@click.option("--unit", "unit", default=None, metavar="NAMA",
              help="Nama unit yang benar (satu berkas masukan), bila nama di LKE kosong atau salah.")
@click.option("--units", "units_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="BERKAS", help="CSV/XLSX berkas -> nama unit (kolom file/berkas dan unit/nama_unit; kolom "
                                     "sudah_wbk ya/tidak opsional, mengalahkan --sudah-wbk/--belum-wbk untuk unit itu).")
@click.option("--settings", "settings_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="BERKAS", help="Pengaturan surat (.toml/.json/.yaml): nomor, sifat, hal, kepada, penandatangan, "
                                     "jabatan, nip, tempat, tanggal, kop, instansi.")
@click.option("--nomor", default=None, metavar="TEKS", help="Nomor surat.")
@click.option("--sifat", default=None, metavar="TEKS", help="Sifat surat (mis. Biasa, Segera).")
@click.option("--hal", default=None, metavar="TEKS", help="Hal surat (bawaan: Laporan Hasil Evaluasi Zona Integritas UNIT).")
@click.option("--kepada", default=None, metavar="TEKS", help="Yth. penerima surat (mis. Kepala Dinas ...).")
@click.option("--penandatangan", default=None, metavar="TEKS", help="Nama penanda tangan.")
@click.option("--jabatan", default=None, metavar="TEKS", help="Jabatan penanda tangan (mis. Ketua TPI).")
@click.option("--nip", default=None, metavar="TEKS", help="NIP penanda tangan.")
@click.option("--tempat", default=None, metavar="TEKS", help="Tempat penandatanganan (kota).")
@click.option("--tanggal", default=None, metavar="TEKS", help="Tanggal surat (TTTT-BB-HH atau teks; bawaan: --date).")
@click.option("--kop", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="GAMBAR",
              help="Gambar kop surat (PNG/JPEG) di kepala halaman pertama.")
@click.option("--rubric", "edition", default=None, metavar="EDISI",
              help="Edisi rubrik (bawaan: permenpanrb-90-2021).")
@click.option("-q", "--quiet", is_flag=True, help="Tanpa tampilan kemajuan.")
@_c.LANG
def command(paths, outdir, formats, summary, instansi, templates, recommendations, report_date, overwrite, jobs,
            strict, per_half, unit, units_file, settings_file, nomor, sifat, hal, kepada, penandatangan, jabatan,
            nip, tempat, tanggal, kop, edition, quiet, lang):
    from lketool.api import iter_workbooks
    from lketool.report.batch import ReportOptions, generate_reports
    from lketool.report.recommend import RecommendationError
    from lketool.report.templates import TemplateNotFound

    from lketool.report.letter import LetterSettingsError, load_kop, load_settings
    from lketool.units import Units, UnitsFileError, read_units

    fmts = _parse_formats(formats, lang)
    day = _parse_date(report_date, lang)
    inputs = iter_workbooks(paths)
    if not inputs:
        click.echo(t("report.cli.no-files", lang), err=True)
        sys.exit(2)
    if unit is not None and len(inputs) != 1:
        click.echo(t("report.cli.unit-one", lang), err=True)
        sys.exit(2)
    given = {"nomor": nomor, "sifat": sifat, "hal": hal, "kepada": kepada, "penandatangan": penandatangan,
             "jabatan": jabatan, "nip": nip, "tempat": tempat, "tanggal": tanggal}
    try:
        settings = load_settings(settings_file) if settings_file else {}
        letter = {k: v for k, v in settings.items() if k not in ("kop", "instansi")}
        letter.update({k: v for k, v in given.items() if v is not None})
        kop_path = kop or settings.get("kop")
        kop_bytes = load_kop(kop_path) if kop_path else None
        units = read_units(units_file) if units_file else Units()
    except (LetterSettingsError, UnitsFileError) as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(2)
    opts = ReportOptions(formats=fmts, summary=summary, instansi=instansi or settings.get("instansi"),
                         report_date=day, templates=tuple(templates), recommendations=recommendations,
                         overwrite=overwrite, jobs=_c.default_jobs(jobs), strict=strict, per_half=per_half, letter=letter,
                         kop=kop_bytes, unit=unit, units=units.names, units_wbk=units.wbk, rubric=edition, lang=lang,
                         **_c.declarations())
    try:
        with _Progress(quiet, lang) as progress:
            result = generate_reports(paths, outdir, opts, progress=progress)
    except (TemplateNotFound, RecommendationError) as exc:
        click.echo(exc.message(lang), err=True)
        sys.exit(2)
    except ValueError as exc:  # unknown or invalid rubric edition (RubricError names the file)
        from lketool.errors import message_in

        click.echo(message_in(exc, lang), err=True)
        sys.exit(2)
    except OSError as exc:
        from lketool.atomic import os_error_text

        click.echo(t("report.cli.outdir-unwritable", lang, path=outdir, reason=os_error_text(exc, lang, outdir)), err=True)
        sys.exit(2)

    n_ok = len(result.reports)
    click.echo(t("report.cli.written", lang, n=n_ok, path=outdir)
               + (t("report.cli.formats", lang, formats=", ".join(fmts)) if n_ok else ""))
    if result.summary is not None:
        if result.summary.ok:
            click.echo(t("report.cli.summary", lang, files=", ".join(result.summary.outputs.values())))
        else:
            click.echo(t("report.cli.summary-failed", lang, error=result.summary.error))
    if result.failures:
        click.echo(t("report.cli.failed-count", lang, n=len(result.failures)))
        for o in result.failures:
            click.echo("  " + t("report.cli.failed-one", lang, file=o.source_file, error=o.error))
    for note in result.notes:
        click.echo(note)
    click.echo(t("report.cli.manifest", lang, path=result.manifest))
    sys.exit(0 if result.ok else 1)
