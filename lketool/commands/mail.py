"""``lketool mail``: send each unit its own report (dry run by default).

Thin by design: options -> :func:`lketool.mailer.run_mail` -> printed
outcomes and exit code (0 all good, 1 some unit failed, 2 usage/config).
"""
from __future__ import annotations

import os
from pathlib import Path

import click

from lketool.mailer import (
    DEFAULT_ATTACH,
    DEFAULT_MAX_SIZE_MB,
    PASSWORD_ENV,
    MailConfigError,
    MailOptions,
    MailSummary,
    UnitOutcome,
    load_smtp_settings,
    parse_attach,
    run_mail,
)

from lketool.i18n import has, t
from lketool.mailer.errors import worded  # a unit's line starts with its state, worded as mail.cli.state.<state>

_PATH = click.Path(path_type=Path)


@click.command(
    "mail",
    help=(
        "Kirim laporan tiap unit ke alamat email unit itu.\n\n"
        "Tanpa --send, setiap email hanya ditulis sebagai file .eml di folder outbox "
        "untuk diperiksa. Dengan --send, email dikirim lewat SMTP; yang sudah terkirim "
        "dicatat di log pengiriman dan tidak dikirim dua kali.\n\n"
        "Kata sandi SMTP hanya dari variabel lingkungan LKETOOL_SMTP_PASSWORD atau "
        "diketik saat diminta.\n\n"
        "Contoh: lketool mail --recipients unit.csv --reports hasil --attach pdf,docx"
    ),
)
@click.option("--recipients", "recipients", required=True, type=_PATH,
              help="File CSV/YAML berisi unit (atau file), email, cc, name.")
@click.option("--reports", "reports", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder hasil `lketool report` (berisi manifest.json).")
@click.option("--send", is_flag=True, default=False,
              help="Benar-benar kirim lewat SMTP (default: uji coba, tulis .eml saja).")
@click.option("--attach", default=",".join(DEFAULT_ATTACH),
              show_default=True, metavar="JENIS",
              help="Lampiran, dipisah koma: docx, pdf, html, annotated; atau 'none'.")
@click.option("--max-size", "max_size", type=click.FloatRange(min=0, min_open=True),
              default=DEFAULT_MAX_SIZE_MB, show_default=True, metavar="MB",
              help="Batas ukuran satu email dalam MB.")
@click.option("--outbox", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder file .eml uji coba (default: OUTDIR/outbox).")
@click.option("--sendlog", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Log pengiriman JSON lines (default: OUTDIR/sendlog.jsonl).")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File pengaturan SMTP (TOML): host, port, security, user, from, ...")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder template email (default: report_templates/email).")
@click.option("--rate", type=click.FloatRange(min=0), default=None, metavar="N",
              help="Maksimum email per menit (0 = tanpa batas; default 30).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="DETIK",
              help="Batas waktu koneksi SMTP dalam detik (default 30).")
@click.option("--cafile", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File sertifikat CA (PEM) untuk server dengan sertifikat internal.")
@click.option("--retry-uncertain", is_flag=True, default=False,
              help="Kirim ulang email yang status sebelumnya tidak pasti (program terhenti saat mengirim).")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Bahasa pesan: id (Indonesia) atau en (English).")
@click.pass_context
def command(
    ctx: click.Context,
    recipients: Path,
    reports: Path,
    send: bool,
    attach: str,
    max_size: float,
    outbox: Path | None,
    sendlog: Path | None,
    config: Path | None,
    templates: Path | None,
    rate: float | None,
    timeout: float | None,
    cafile: Path | None,
    retry_uncertain: bool,
    lang: str = "id",
) -> None:
    try:
        settings = load_smtp_settings(config, os.environ, rate=rate, timeout=timeout, cafile=cafile)
        options = MailOptions(
            reports=reports,
            recipients=recipients,
            send=send,
            attach=parse_attach(attach),
            max_size_mb=max_size,
            outbox=outbox,
            sendlog=sendlog,
            templates=templates,
            retry_uncertain=retry_uncertain,
        )
        if send:
            settings.require_for_sending()  # fail before printing where we would send
            click.echo(t("mail.cli.sending", lang, server=settings.describe()))

        def password() -> str | None:
            # Only asked when a login is actually needed; never an option.
            return os.environ.get(PASSWORD_ENV) or click.prompt(
                t("mail.cli.password", lang, user=settings.user), hide_input=True,
                default="", show_default=False, err=True,
            )

        summary = run_mail(
            options,
            settings,
            password_provider=password,
            on_outcome=lambda o: _print_outcome(o, lang),
            on_warning=lambda w: click.echo(t("mail.cli.warning", lang, warning=worded(w, lang)), err=True),
        )
    except MailConfigError as exc:
        click.echo(t("mail.cli.error", lang, message=exc.message(lang)), err=True)
        ctx.exit(2)
    except KeyboardInterrupt:
        click.echo("\n" + t("mail.cli.cancelled", lang), err=True)
        ctx.exit(130)
    _print_summary(summary, options, lang)
    ctx.exit(summary.exit_code)


def _print_outcome(o: UnitOutcome, lang: str = "id") -> None:
    key = f"mail.cli.state.{o.state}"
    label = t(key, lang) if has(key, "id") else o.state.upper()
    if o.state == "written":
        line = f"[{label}] {o.unit} -> {o.path}"
    elif o.state == "sent":
        line = f"[{label}] {o.unit} -> {', '.join(o.recipients)}"
    else:
        line = f"[{label}] {o.unit}"
    if o.reason:
        line += f": {worded(o.reason, lang)}"
    click.echo(line)


def _print_summary(summary: MailSummary, options: MailOptions, lang: str = "id") -> None:
    failed = summary.failed
    click.echo("")
    if summary.dry_run:
        click.echo(t("mail.cli.dry-summary", lang, written=summary.count("written"), outbox=options.outbox_path,
                     skipped=summary.count("skipped"), failed=len(failed)))
    else:
        click.echo(t("mail.cli.summary", lang, sent=summary.count("sent"), skipped=summary.count("skipped"),
                     failed=len(failed)))
    if failed:
        click.echo(t("mail.cli.failed", lang))
        for o in failed:
            click.echo(f"  - {o.unit}: {worded(o.reason, lang)}")
    if summary.dry_run:
        if summary.count("written"):
            click.echo(t("mail.cli.check-eml", lang))
    else:
        click.echo(t("mail.cli.sendlog", lang, path=options.sendlog_path))
        if failed:
            click.echo(t("mail.cli.retry", lang))
