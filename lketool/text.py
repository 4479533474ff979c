"""Text helpers for matching edited labels to the rubric: normalisation and a cheap
token similarity (set operations, microseconds per pair, unlike difflib)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_STOP = frozenset("yang dan di ke dari dalam untuk atau dengan pada jumlah atas oleh the of".split())
_WORD = re.compile(r"[a-z0-9]+")


_SPACE = re.compile(r"\s+")


# Labels are short; only those are cached, so that a workbook full of long (or hostile,
# 32,000-character) texts cannot make the caches hold hundreds of megabytes.
CACHED_LEN = 400


def norm(text) -> str:
    """Lower case, ASCII-folded, single-spaced, no leading bullet or marker."""
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    return _norm(s) if len(s) <= CACHED_LEN else _norm_text(s)


@lru_cache(maxsize=16384)
def _norm(text: str) -> str:
    # cached: every workbook of a batch repeats the template's labels
    return _norm_text(text)


def _norm_text(text: str) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    s = _SPACE.sub(" ", s).strip()
    return s.lstrip("-•* ").strip()


def tokens(text) -> frozenset[str]:
    """The content words of a label (cached: the same labels recur in every workbook)."""
    s = text if isinstance(text, str) else str(text or "")
    return _tokens(s) if len(s) <= CACHED_LEN else _tokens_of(s)


@lru_cache(maxsize=16384)
def _tokens(text: str) -> frozenset[str]:
    return _tokens_of(text)


def _tokens_of(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(norm(text)) if w not in _STOP and len(w) > 1)


def similarity(a, b) -> float:
    """0..1: the mean of Jaccard and overlap coefficient of the word sets, so that a
    shortened label ('Kepala satuan kerja') still matches its long form."""
    ta, tb = (a if isinstance(a, frozenset) else tokens(a)), (b if isinstance(b, frozenset) else tokens(b))
    if not ta or not tb:
        return 0.0
    inter = len(ta & tb)
    return 0.5 * inter / len(ta | tb) + 0.5 * inter / min(len(ta), len(tb))


@lru_cache(maxsize=1024)
def _norm_type_label(text: str) -> str:
    return re.sub(r"\s*/\s*", "/", norm(text))


def norm_type_label(text) -> str:
    """'Nilai\\n(0-4)' -> 'nilai (0-4)'; 'a / b / c' -> 'a/b/c'."""
    return _norm_type_label(text if isinstance(text, str) else str(text or ""))
