"""``run_mail``: the whole ``lketool mail`` job as one library call.

The CLI only turns options into :class:`MailOptions` / :class:`SmtpSettings`,
calls :func:`run_mail` and prints what it reports.
"""
from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lketool.i18n import Msg
from lketool.mailer.batch import (
    DRY_RUN_SENDER,
    Callback,
    MailSummary,
    UnitOutcome,
    log_planning_failures,
    plan_mail,
    send_plan,
    write_outbox,
)
from lketool.mailer.compose import EmailTemplates
from lketool.mailer.errors import MailConfigError
from lketool.mailer.manifest import load_manifest
from lketool.mailer.recipients import address_problem, load_recipients
from lketool.mailer.sendlog import SendLogWriter, read_sendlog
from lketool.mailer.transport import RateLimiter, SmtpSender, SmtpSettings

DEFAULT_ATTACH = ("docx",)
DEFAULT_MAX_SIZE_MB = 10.0


@dataclass(frozen=True)
class MailOptions:
    """What to mail and where; paths default relative to ``reports`` (OUTDIR)."""

    reports: Path
    recipients: Path
    send: bool = False
    attach: tuple[str, ...] = DEFAULT_ATTACH
    max_size_mb: float = DEFAULT_MAX_SIZE_MB
    outbox: Path | None = None
    sendlog: Path | None = None
    templates: Path | None = None
    retry_uncertain: bool = False

    @property
    def outbox_path(self) -> Path:
        return self.outbox or Path(self.reports) / "outbox"

    @property
    def sendlog_path(self) -> Path:
        return self.sendlog or Path(self.reports) / "sendlog.jsonl"


def run_mail(
    options: MailOptions,
    settings: SmtpSettings,
    *,
    password_provider: Callable[[], str | None] | None = None,
    on_outcome: Callback | None = None,
    on_warning: Callable[[str], None] | None = None,
    ssl_context: ssl.SSLContext | None = None,
    limiter: RateLimiter | None = None,
) -> MailSummary:
    """Plan and then write (dry run) or send every unit's message.

    Raises :class:`MailConfigError` for problems that stop the run (exit 2);
    per-unit problems end up as failed outcomes in the returned summary.
    ``on_outcome``/``on_warning`` are called as soon as something is known,
    so a long batch shows progress.
    """
    manifest = load_manifest(options.reports)
    book = load_recipients(options.recipients)
    templates = EmailTemplates(options.templates)
    warnings: list[str] = []  # everything warned about, for the summary
    early: list[str] = []

    if options.send:
        settings.require_for_sending()
        sender = settings.sender or ""
    elif settings.sender:
        problem = address_problem(settings.sender_address)
        if problem:
            raise MailConfigError("mail.sender-invalid", sender=repr(settings.sender), problem=problem)
        sender = settings.sender
    else:
        sender = DRY_RUN_SENDER
        early.append(Msg("mail.warn.no-sender", sender=DRY_RUN_SENDER))

    def warn_all(items: list[str]) -> None:
        for w in items:
            warnings.append(w)
            if on_warning:
                on_warning(w)

    if not options.send:
        plan = plan_mail(
            manifest, book, templates,
            attach=options.attach, max_size_mb=options.max_size_mb, sender=sender,
            log_state=read_sendlog(options.sendlog_path), retry_uncertain=options.retry_uncertain,
        )
        warn_all(early + plan.warnings)
        _emit(plan.decided, on_outcome)
        done = write_outbox(plan, options.outbox_path, on_outcome)
        return MailSummary(plan.decided + done, warnings, dry_run=True)

    # Send mode: take the lock *before* reading the log, so a second run
    # started meanwhile cannot plan from a log that is about to change.
    with SendLogWriter(options.sendlog_path) as log:
        plan = plan_mail(
            manifest, book, templates,
            attach=options.attach, max_size_mb=options.max_size_mb, sender=sender,
            log_state=read_sendlog(options.sendlog_path), retry_uncertain=options.retry_uncertain,
        )
        warn_all(early + plan.warnings)
        _emit(plan.decided, on_outcome)
        log_planning_failures(plan, log)
        transport = SmtpSender(settings, password_provider, ssl_context=ssl_context)
        try:
            done = send_plan(plan, transport, log, limiter or RateLimiter(settings.rate), on_outcome)
        finally:
            transport.close()
    return MailSummary(plan.decided + done, warnings, dry_run=False)


def _emit(outcomes: list[UnitOutcome], on_outcome: Callback | None) -> None:
    if on_outcome:
        for outcome in outcomes:
            on_outcome(outcome)
