"""Exceptions shared by the mailer modules.

Two kinds of problem exist and they must not be confused:

* :class:`MailConfigError` - the whole run cannot go on (bad manifest, bad
  recipients file, wrong SMTP settings, rejected login). The CLI exits with 2.
* :class:`UnitProblem` - one unit cannot be mailed (no address, missing
  attachment, message too large). The batch goes on; the unit is reported as
  failed and the CLI exits with 1.

Messages are worded from the catalogue (keys ``mail.*``) when raised with a key and
parameters: ``message(lang)`` gives any language, ``str()`` Indonesian, the language of
the programme's users.  A plain text (not a ``mail.`` key) is kept as it is.
"""
from __future__ import annotations

from typing import Any, Iterable

from lketool.i18n import Msg


class MailError(Exception):
    """Base class for all mailer errors: ``MailError("mail.some.key", **params)``, or a
    plain text."""

    def __init__(self, text: str = "", /, **params: Any):
        self.key = text if text.startswith("mail.") else None
        self.params = params
        self._text = text
        super().__init__(self.message("id"))

    def message(self, lang: str = "id") -> str:
        """The message in ``lang`` (a plain text stays as given)."""
        if self.key is None:
            return self._text
        from lketool.i18n import t

        return t(self.key, lang, **self.params)

    def worded(self) -> str:
        """The message as a :class:`lketool.i18n.Msg` (Indonesian as a str, worded anew in
        the language of whatever shows it: a unit's reason, the send log keeps the str)."""
        return Msg(self.key, **self.params) if self.key else self._text

    def __reduce__(self):
        return (_rebuild, (self.__class__, self._text, self.params))


def _rebuild(cls, text, params):
    return cls(text, **params)


class Joined(Msg):
    """Texts joined by ``sep`` where some are :class:`~lketool.i18n.Msg`: Indonesian as a
    str, each part worded anew by :meth:`render`."""

    def __new__(cls, items: Iterable[Any], sep: str = ", "):
        items = list(items)
        self = str.__new__(cls, sep.join(str(i) for i in items))
        self.key, self.params, self.items, self.sep = "", {}, items, sep
        return self

    def render(self, lang: str | None = None) -> str:
        return self.sep.join(i.render(lang) if isinstance(i, Msg) else str(i) for i in self.items)

    def __reduce__(self):
        return (Joined, (self.items, self.sep))

    def __repr__(self) -> str:
        return f"Joined({self.items!r}, {self.sep!r})"


def worded(text: Any, lang: str | None = None) -> str:
    """``text`` in ``lang`` when it is a :class:`~lketool.i18n.Msg`, else as it is."""
    return text.render(lang) if isinstance(text, Msg) else text


class MailConfigError(MailError):
    """A usage or configuration error that stops the whole run (exit code 2)."""


class UnitProblem(MailError):
    """A problem that affects only one unit's message; the batch continues."""
