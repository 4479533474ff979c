"""Map link statuses to finding codes (for the core checker to turn into findings).

Deliberately light: plain functions and dicts, importing only :mod:`lketool.i18n` (which
imports nothing else of lketool), so the core can use it without an import cycle.  The
words are the problem catalogue's (``problem.<code>.message`` / ``.remedy``): a link
finding reads the same in ``lketool links``, ``lketool check --online`` and the docs.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

from lketool import i18n

LOCKED_CODE = "evidence-locked"
NOT_FOUND_CODE = "evidence-not-found"
UNREACHABLE_CODE = "evidence-unreachable"

_STATUS_TO_CODE = {
    "locked": LOCKED_CODE,
    "not_found": NOT_FOUND_CODE,
    "server_error": UNREACHABLE_CODE,
    "timeout": UNREACHABLE_CODE,
    "unreachable": UNREACHABLE_CODE,
}


class _CatalogueView(Mapping):
    """``PROBLEM_MESSAGES[code][lang]``: the catalogue's message templates of the link codes
    (read-only; kept for callers of the former separate table)."""

    def __getitem__(self, code: str) -> dict[str, str]:
        if code not in (LOCKED_CODE, NOT_FOUND_CODE, UNREACHABLE_CODE):
            raise KeyError(code)
        return {lang: i18n.template(f"problem.{code}.message", lang) for lang in i18n.languages()}

    def __iter__(self) -> Iterator[str]:
        return iter((LOCKED_CODE, NOT_FOUND_CODE, UNREACHABLE_CODE))

    def __len__(self) -> int:
        return 3


# Texts use {value} (the link) and {detail}/{detail_en} (LinkResult.detail_id/_en).
PROBLEM_MESSAGES: Mapping[str, dict[str, str]] = _CatalogueView()


def link_problem_code(status: str) -> str | None:
    """Finding code for a link status, or None when the status is not a problem.

    ``locked`` -> ``evidence-locked``; ``not_found`` -> ``evidence-not-found``;
    ``server_error``/``timeout``/``unreachable`` -> ``evidence-unreachable``;
    ``accessible``, ``not_web``, ``blocked`` and anything else -> None (a local
    path is reported offline by the core; ``blocked`` links were not checked).
    """
    return _STATUS_TO_CODE.get(str(status))


def problem_message(code: str, lang: str = "id", **params: Any) -> str:
    """Message for ``code`` in ``lang`` ("id" default, "en", or any catalogue language),
    filled with ``params``; a missing parameter shows empty."""
    return i18n.t(f"problem.{code}.message", _lang(lang), **params)


def problem_remedy(code: str, lang: str = "id", **params: Any) -> str:
    """What to do about a link finding ``code`` (e.g. how to share a Drive file)."""
    return i18n.t(f"problem.{code}.remedy", _lang(lang), **params)


def _lang(lang: str) -> str:
    return i18n.normalize_lang(lang) or i18n.DEFAULT_LANG


def link_problem_params(result: Any) -> dict[str, Any]:
    """Message parameters from a LinkResult-like object: value, detail, detail_en, http_status."""
    return {
        "value": getattr(result, "url", ""),
        "detail": getattr(result, "detail_id", ""),
        "detail_en": getattr(result, "detail_en", ""),
        "http_status": getattr(result, "http_status", None),
    }
