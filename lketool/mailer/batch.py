"""Plan and run a mailing: one message per unit, dry run or SMTP.

Everything that can be checked without a server - recipients, addresses,
attachments, size, templates, what the send log says - is checked while
planning, i.e. before the first message goes out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Callable, Sequence

from lketool.mailer.compose import (
    MB,
    Attachment,
    EmailTemplates,
    build_message,
    check_size,
    collect_attachments,
    message_key,
    template_context,
)
from lketool.i18n import Msg
from lketool.mailer.errors import Joined as _joined, UnitProblem
from lketool.mailer.manifest import Manifest, ReportEntry
from lketool.mailer.outbox import eml_filename, write_eml
from lketool.mailer.recipients import RecipientBook
from lketool.mailer.sendlog import SendLogState, SendLogWriter
from lketool.mailer.transport import RateLimiter, SmtpConnectError, SmtpSender

# Outcome states (what happened to a unit in this run).
SENT, WRITTEN, SKIPPED, FAILED, PARTIAL = "sent", "written", "skipped", "failed", "partial"

DRY_RUN_SENDER = "pengirim-belum-diatur@example.invalid"


@dataclass
class UnitOutcome:
    """What happened to one unit; ``reason`` explains failures and skips."""

    unit: str
    state: str
    reason: str | None = None
    key: str | None = None
    recipients: tuple[str, ...] = ()
    path: Path | None = None  # the .eml written in a dry run

    @property
    def ok(self) -> bool:
        return self.state in (SENT, WRITTEN, SKIPPED)


@dataclass
class PlannedMessage:
    """A composed message and the addresses it still has to reach."""

    report: ReportEntry
    key: str
    message: EmailMessage
    to: tuple[str, ...]
    cc: tuple[str, ...]
    envelope: list[str]
    attachments: list[Attachment]
    note: str | None = None  # e.g. a retry to the addresses refused last time

    @property
    def all_recipients(self) -> list[str]:
        return [*self.to, *self.cc]


@dataclass
class MailPlan:
    """Messages to handle plus units already decided (failed or skipped)."""

    messages: list[PlannedMessage] = field(default_factory=list)
    decided: list[UnitOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class MailSummary:
    """All outcomes of a run, with the counts and exit code the CLI reports."""

    outcomes: list[UnitOutcome]
    warnings: list[str]
    dry_run: bool

    def count(self, *states: str) -> int:
        return sum(1 for o in self.outcomes if o.state in states)

    @property
    def failed(self) -> list[UnitOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def exit_code(self) -> int:
        """0 if nothing failed, 1 if some unit failed (partial counts as failed)."""
        return 1 if self.failed else 0


def plan_mail(
    manifest: Manifest,
    book: RecipientBook,
    templates: EmailTemplates,
    *,
    attach: Sequence[str],
    max_size_mb: float,
    sender: str,
    log_state: SendLogState,
    retry_uncertain: bool = False,
) -> MailPlan:
    """Compose every unit's message and decide what this run must do with it."""
    plan = MailPlan(warnings=list(book.warnings))
    max_bytes = int(max_size_mb * MB)
    for failure in manifest.failures:
        plan.warnings.append(Msg("mail.warn.report-failed", file=failure.get("source_file", "?"),
                                 error=failure.get("error", "")))
    for entry in book.unused(manifest.reports):
        plan.warnings.append(Msg("mail.warn.unused", name=book.source.name, where=_joined(entry.where),
                                 match=entry.match))
    if log_state.bad_lines:
        plan.warnings.append(Msg("mail.warn.bad-lines", n=log_state.bad_lines))

    for report in manifest.reports:
        try:
            planned = _compose(report, manifest, book, templates, attach, max_bytes, sender)
        except UnitProblem as exc:
            plan.decided.append(UnitOutcome(report.unit, FAILED, exc.worded()))
            continue
        status = log_state.get(planned.key)
        remaining = status.remaining(planned.all_recipients)
        if not remaining:
            plan.decided.append(
                UnitOutcome(report.unit, SKIPPED, Msg("mail.unit.already-sent"), planned.key,
                            tuple(planned.all_recipients))
            )
            continue
        if status.uncertain and not retry_uncertain:
            plan.decided.append(
                UnitOutcome(
                    report.unit,
                    FAILED,
                    Msg("mail.unit.uncertain"),
                    planned.key,
                    tuple(remaining),
                )
            )
            continue
        planned.envelope = remaining
        if len(remaining) < len(planned.all_recipients):
            planned.note = Msg("mail.unit.resend-rest", addresses=", ".join(remaining))
        plan.messages.append(planned)
    return plan


def _compose(
    report: ReportEntry,
    manifest: Manifest,
    book: RecipientBook,
    templates: EmailTemplates,
    attach: Sequence[str],
    max_bytes: int,
    sender: str,
) -> PlannedMessage:
    recipients = book.lookup(report)
    if recipients is None:
        raise UnitProblem("mail.unit.no-address", name=book.source.name)
    if recipients.invalid:
        raise UnitProblem("mail.unit.invalid", addresses=_joined(recipients.invalid, "; "))
    if not recipients.to:
        raise UnitProblem("mail.unit.email-empty", name=book.source.name)
    attachments = collect_attachments(report, manifest.outdir, attach, max_bytes)
    key = message_key(report.unit, recipients.to, recipients.cc, attachments)
    rendered = templates.render(template_context(report, manifest, recipients.name, attachments))
    msg = build_message(
        sender=sender,
        to=recipients.to,
        cc=recipients.cc,
        rendered=rendered,
        attachments=attachments,
        key=key,
    )
    check_size(msg, max_bytes, attachments)
    return PlannedMessage(
        report=report,
        key=key,
        message=msg,
        to=recipients.to,
        cc=recipients.cc,
        envelope=[*recipients.to, *recipients.cc],
        attachments=attachments,
    )


Callback = Callable[[UnitOutcome], None]


def write_outbox(plan: MailPlan, outbox: Path, on_outcome: Callback | None = None) -> list[UnitOutcome]:
    """Dry run: write each planned message as ``outbox/<key>.eml``."""
    outcomes: list[UnitOutcome] = []
    used: set[str] = set()
    for pm in plan.messages:
        name = eml_filename(pm.report.key)
        stem, n = name[:-4], 2
        while name.casefold() in used:  # two reports with one key must not overwrite
            name, n = f"{stem}-{n}.eml", n + 1
        used.add(name.casefold())
        try:
            path = write_eml(outbox, name, pm.message)
        except UnitProblem as exc:
            outcome = UnitOutcome(pm.report.unit, FAILED, exc.worded(), pm.key)
        else:
            outcome = UnitOutcome(pm.report.unit, WRITTEN, pm.note, pm.key, tuple(pm.envelope), path)
        outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    return outcomes


def send_plan(
    plan: MailPlan,
    transport: SmtpSender,
    log: SendLogWriter,
    limiter: RateLimiter,
    on_outcome: Callback | None = None,
) -> list[UnitOutcome]:
    """Send the planned messages, logging ``queued`` before and the result after each.

    If the server cannot be reached any more, the remaining messages are
    reported as not attempted (and retried by the next run).
    """
    outcomes: list[UnitOutcome] = []

    def emit(outcome: UnitOutcome) -> None:
        outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)

    for index, pm in enumerate(plan.messages):
        limiter.wait()
        try:
            transport.ensure_connected()
        except SmtpConnectError as exc:
            for rest in plan.messages[index:]:
                emit(UnitOutcome(rest.report.unit, FAILED, Msg("mail.unit.not-tried", detail=exc.worded()), rest.key))
            break
        msg = pm.message
        log.record(
            "queued",
            pm.key,
            pm.report.unit,
            to=list(pm.to),
            cc=list(pm.cc),
            envelope=pm.envelope,
            subject=str(msg["Subject"]),
            message_id=str(msg["Message-ID"]),
            attachments=[a.filename for a in pm.attachments],
        )
        result = transport.send(msg, pm.envelope)
        log.record(
            result.state,
            pm.key,
            pm.report.unit,
            accepted=result.accepted,
            refused=result.refused,
            reason=result.error,
        )
        if result.state == "sent":
            emit(UnitOutcome(pm.report.unit, SENT, pm.note, pm.key, tuple(result.accepted)))
        elif result.state == "partial":
            refused = "; ".join(f"{a} ({why})" for a, why in result.refused.items())
            emit(
                UnitOutcome(
                    pm.report.unit,
                    PARTIAL,
                    Msg("mail.unit.partial", accepted=", ".join(result.accepted), refused=refused),
                    pm.key,
                    tuple(result.accepted),
                )
            )
        else:
            reason = result.error or Msg("mail.unit.failed")
            if result.refused:
                reason = Msg("mail.unit.refused", reason=reason,
                             refused="; ".join(f"{a} ({why})" for a, why in result.refused.items()))
            emit(UnitOutcome(pm.report.unit, FAILED, reason, pm.key))
    return outcomes


def log_planning_failures(plan: MailPlan, log: SendLogWriter) -> None:
    """Record units that could not even be composed, so the log explains them too."""
    for outcome in plan.decided:
        if outcome.state == FAILED and outcome.key is None:
            log.record("failed", None, outcome.unit, accepted=[], refused={}, reason=outcome.reason)
