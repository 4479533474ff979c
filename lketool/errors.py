"""Faults: a workbook that cannot be read at all.  Findings are not exceptions
(see :mod:`lketool.problems`)."""
from __future__ import annotations

from pathlib import Path
from typing import Any


class LKEError(Exception):
    """Base class of lketool's faults."""


class Worded:
    """A fault worded from the message catalogue: ``message(lang)`` is for users; the
    ``message_id``/``message_en`` properties are the two languages most callers want."""

    def message(self, lang: str = "id") -> str:  # pragma: no cover - every subclass words itself
        raise NotImplementedError

    @property
    def message_id(self) -> str:
        return self.message("id")

    @property
    def message_en(self) -> str:
        return self.message("en")


def message_in(exc: BaseException, lang: str = "id") -> str:
    """What ``exc`` says, in ``lang`` when it is worded from the catalogue (else its text)."""
    return exc.message(lang) if isinstance(exc, Worded) else str(exc)


class Keyed(Worded):
    """A fault worded by one catalogue key: ``Keyed.__init__(key, **params)``; ``message(lang)``
    is ``t(key, lang, **params)`` and ``str()`` the Indonesian text (the language of the
    programme's users, as before the catalogue).  Mixed in before the builtin exception a
    fault is (``class LetterSettingsError(Keyed, ValueError)``); picklable with its key."""

    def __init__(self, key: str, /, **params: Any):
        self.key = key
        self.params = params
        super().__init__(self.message("id"))

    def message(self, lang: str = "id") -> str:
        """The text in ``lang``."""
        from lketool.i18n import t

        return t(self.key, lang, **self.params)

    def __reduce__(self):
        return (_rebuild_keyed, (self.__class__, self.key, self.params))


def _rebuild_keyed(cls, key, params):
    return cls(key, **params)


class WorkbookError(Worded, LKEError):
    """A file that cannot be read as an LKE workbook.

    ``code`` is stable (``file-not-found``, ``file-not-regular`` (a folder, pipe or device),
    ``file-unreadable`` (no permission), ``file-not-xlsx``, ``file-corrupt``,
    ``file-encrypted``, ``workbook-too-large`` (beyond :mod:`lketool.limits`),
    ``workbook-empty``, ``sheet-missing``, ``edition-unsupported``).  ``detail`` holds the
    parser's own words (exception type and text) for JSON ``error.detail``; it is never part
    of the message.
    The message comes from the catalogue: ``key`` names the text (default
    ``problem.<code>.message``), ``params`` fill it, and the file name is put in front, so
    every language says what is wrong and names the file.  :meth:`remedy` says what to do.  Passing ``message_id``/``message_en``
    instead of a key is still accepted (Indonesian, and English for any other language)."""

    def __init__(self, code: str, path: str, message_id: str | None = None, message_en: str | None = None,
                 detail: str | None = None, *, key: str | None = None, **params: Any):
        self.code = code
        self.detail = detail
        self.path = path
        self.key = key
        self.params = params
        self._message_id = message_id
        self._message_en = message_en
        super().__init__(self.message("en"))

    def message(self, lang: str = "id") -> str:
        """What is wrong, naming the file, in ``lang``."""
        if self.key is None and self._message_id is not None:
            return self._message_id if lang == "id" else (self._message_en or self._message_id)
        from lketool.i18n import t

        text = t(self.key or f"problem.{self.code}.message", lang, **self.params)
        return f"{Path(self.path).name}: {text}"

    def remedy(self, lang: str = "id") -> str:
        """What to do about it, in ``lang`` (empty for a code the catalogue does not know)."""
        from lketool.i18n import template, fill

        return fill(template(f"problem.{self.code}.remedy", lang, default=""), dict(self.params), lang)

    def __reduce__(self):  # picklable (worker processes), keeping code, key and params
        return (_rebuild, (self.__class__, self.code, self.path, self._message_id, self._message_en, self.key,
                           self.params, self.detail))

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        """``{"code", "message", "remedy", "detail"}`` for JSON outputs."""
        return {"code": self.code, "message": self.message(lang), "remedy": self.remedy(lang),
                "detail": self.detail}


def _rebuild(cls, code, path, message_id, message_en, key, params, detail=None):
    return cls(code, path, message_id, message_en, detail, key=key, **params)
