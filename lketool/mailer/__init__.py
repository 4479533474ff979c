"""Send each unit its own LKE report by e-mail (``lketool mail``).

Public API (everything a caller needs; modules are named for what they hold):

* :func:`run_mail` with :class:`MailOptions` and :class:`SmtpSettings` - the
  whole job: plan, then write ``.eml`` files (dry run, the default) or send
  through SMTP, returning a :class:`MailSummary`.
* :func:`load_manifest` (``manifest.py``) - read ``OUTDIR/manifest.json``.
* :func:`load_recipients` (``recipients.py``) - CSV/YAML recipients, address
  validation (:func:`address_problem`).
* :class:`EmailTemplates`, :func:`build_message`, :func:`message_key`,
  :func:`parse_attach` (``compose.py``) - templates, MIME message, stable key.
* :func:`load_smtp_settings`, :class:`SmtpSender`, :class:`RateLimiter`
  (``transport.py``) - settings from TOML/env, the SMTP connection.
* :func:`read_sendlog`, :class:`SendLogWriter` (``sendlog.py``) - the durable
  JSON-lines send log that makes reruns skip what was sent.
* :class:`MailConfigError` (exit code 2) and :class:`UnitProblem` (one unit
  failed) in ``errors.py``.

Only the standard library and Jinja2 are needed; PyYAML is used for YAML
recipients files when installed.
"""
from lketool.mailer.batch import MailPlan, MailSummary, PlannedMessage, UnitOutcome, plan_mail
from lketool.mailer.compose import (
    ATTACH_KINDS,
    EmailTemplates,
    build_message,
    default_template_dir,
    message_key,
    parse_attach,
)
from lketool.mailer.errors import MailConfigError, MailError, UnitProblem
from lketool.mailer.manifest import Manifest, ReportEntry, load_manifest
from lketool.mailer.recipients import RecipientBook, address_problem, load_recipients
from lketool.mailer.runner import DEFAULT_ATTACH, DEFAULT_MAX_SIZE_MB, MailOptions, run_mail
from lketool.mailer.sendlog import SendLogWriter, read_sendlog
from lketool.mailer.transport import (
    PASSWORD_ENV,
    RateLimiter,
    SmtpConnectError,
    SmtpSender,
    SmtpSettings,
    load_smtp_settings,
)

__all__ = [
    "ATTACH_KINDS",
    "DEFAULT_ATTACH",
    "DEFAULT_MAX_SIZE_MB",
    "EmailTemplates",
    "MailConfigError",
    "MailError",
    "MailOptions",
    "MailPlan",
    "MailSummary",
    "Manifest",
    "PASSWORD_ENV",
    "PlannedMessage",
    "RateLimiter",
    "RecipientBook",
    "ReportEntry",
    "SendLogWriter",
    "SmtpConnectError",
    "SmtpSender",
    "SmtpSettings",
    "UnitOutcome",
    "UnitProblem",
    "address_problem",
    "build_message",
    "default_template_dir",
    "load_manifest",
    "load_recipients",
    "load_smtp_settings",
    "message_key",
    "parse_attach",
    "plan_mail",
    "read_sendlog",
    "run_mail",
]
