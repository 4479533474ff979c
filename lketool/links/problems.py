"""Map link statuses to finding codes (for the core checker to turn into findings).

Deliberately standalone: a plain function and dicts, no import of other lketool
modules, so the core can use it without an import cycle.
"""
from __future__ import annotations

from typing import Any

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

# Texts use {value} (the link) and {detail}/{detail_en} (LinkResult.detail_id/_en).
PROBLEM_MESSAGES: dict[str, dict[str, str]] = {
    LOCKED_CODE: {
        "id": "Tautan bukti dukung terkunci (meminta login / belum dibagikan). "
              "Atur berbagi ke 'Siapa saja yang memiliki link': {value}",
        "en": "Evidence link is locked (needs sign-in / not shared). "
              "Set sharing to 'Anyone with the link': {value}",
    },
    NOT_FOUND_CODE: {
        "id": "Tautan bukti dukung tidak ditemukan (salah tautan atau berkas dihapus): {value}",
        "en": "Evidence link not found (wrong link or file deleted): {value}",
    },
    UNREACHABLE_CODE: {
        "id": "Tautan bukti dukung tidak dapat dibuka saat diperiksa ({detail}); coba lagi nanti: {value}",
        "en": "Evidence link could not be opened when checked ({detail_en}); try again later: {value}",
    },
}


def link_problem_code(status: str) -> str | None:
    """Finding code for a link status, or None when the status is not a problem.

    ``locked`` -> ``evidence-locked``; ``not_found`` -> ``evidence-not-found``;
    ``server_error``/``timeout``/``unreachable`` -> ``evidence-unreachable``;
    ``accessible``, ``not_web``, ``blocked`` and anything else -> None (a local
    path is reported offline by the core; ``blocked`` links were not checked).
    """
    return _STATUS_TO_CODE.get(str(status))


def problem_message(code: str, lang: str = "id", **params: Any) -> str:
    """Message for ``code`` in ``lang`` ("id" default, "en"), filled with ``params``."""
    texts = PROBLEM_MESSAGES[code]
    template = texts["en"] if str(lang).lower().startswith("en") else texts["id"]
    params.setdefault("detail_en", params.get("detail", ""))
    return template.format_map(_Blank(params))


def link_problem_params(result: Any) -> dict[str, Any]:
    """Message parameters from a LinkResult-like object: value, detail, detail_en, http_status."""
    return {
        "value": getattr(result, "url", ""),
        "detail": getattr(result, "detail_id", ""),
        "detail_en": getattr(result, "detail_en", ""),
        "http_status": getattr(result, "http_status", None),
    }


class _Blank(dict):
    def __missing__(self, key: str) -> str:  # a missing parameter shows empty, never crashes
        return ""
