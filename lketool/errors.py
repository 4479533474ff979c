"""Faults: a workbook that cannot be read at all.  Findings are not exceptions
(see :mod:`lketool.problems`)."""
from __future__ import annotations


class LKEError(Exception):
    """Base class of lketool's faults."""


class WorkbookError(LKEError):
    """A file that cannot be read as an LKE workbook.

    ``code`` is stable (``file-not-found``, ``file-not-regular`` (a folder, pipe or
    device), ``file-unreadable`` (no permission), ``file-not-xlsx``, ``file-corrupt``,
    ``file-encrypted``, ``workbook-too-large`` (beyond :mod:`lketool.limits`),
    ``workbook-empty``, ``sheet-missing``); ``message_id`` and ``message_en`` say what is
    wrong in plain words and name the file.  ``detail`` holds the parser's own words
    (exception type and text) for JSON ``error.detail`` and ``--verbose``; it is never
    part of the message."""

    def __init__(self, code: str, path: str, message_id: str, message_en: str, detail: str | None = None):
        super().__init__(message_en)
        self.code = code
        self.path = path
        self.message_id = message_id
        self.message_en = message_en
        self.detail = detail

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id
