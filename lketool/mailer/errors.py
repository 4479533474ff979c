"""Exceptions shared by the mailer modules.

Two kinds of problem exist and they must not be confused:

* :class:`MailConfigError` - the whole run cannot go on (bad manifest, bad
  recipients file, wrong SMTP settings, rejected login). The CLI exits with 2.
* :class:`UnitProblem` - one unit cannot be mailed (no address, missing
  attachment, message too large). The batch goes on; the unit is reported as
  failed and the CLI exits with 1.

Messages are in Bahasa Indonesia because they are shown to users as they are.
"""
from __future__ import annotations


class MailError(Exception):
    """Base class for all mailer errors."""


class MailConfigError(MailError):
    """A usage or configuration error that stops the whole run (exit code 2)."""


class UnitProblem(MailError):
    """A problem that affects only one unit's message; the batch continues."""
