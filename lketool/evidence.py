"""Recognising evidence (bukti dukung) in a cell: web links, file paths, placeholders."""
from __future__ import annotations

import re

URL_RE = re.compile(r"(?:https?|ftp)://[^\s<>\"']+|www\.[^\s<>\"']+", re.I)
_BARE_HOST = re.compile(r"^(?:drive|docs)\.google\.com/\S+|^[\w.-]+\.(?:go\.id|sharepoint\.com|1drv\.ms)/\S*", re.I)
_WIN_PATH = re.compile(r"^(?:[a-zA-Z]:[\\/]|\\\\[^\\]+\\)")
_FILE_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|jpe?g|png|zip|rar|mp4|txt|csv)$", re.I)
PLACEHOLDERS = frozenset({
    "-", "--", "---", ".", "..", "...", "x", "xx", "xxx", "terlampir", "lampiran", "ada", "tidak ada",
    "belum ada", "belum", "n/a", "na", "nihil", "link", "tautan", "url", "bukti", "bukti dukung",
    "on progress", "menyusul", "dalam proses", "tbd", "todo", "?", "0",
})


def find_urls(text: str) -> list[str]:
    """Every web link in a cell's text (units paste several, one per line)."""
    if not text:
        return []
    # URL_RE needs '://' or 'www.' (any case): a narrative without either is not searched
    # character by character (most description cells; 0.5 ms a workbook)
    has_url = "://" in text or "www." in text.lower()
    urls = [u.rstrip(".,;)") for u in URL_RE.findall(text)] if has_url else []
    if not urls:
        s = text.strip()
        if _BARE_HOST.match(s):
            urls = [s]
    return urls


def looks_like_path(text: str) -> bool:
    """A local or network file path such as ``ZI 2022\\AREA I\\1.a SK.pdf`` or ``D:\\bukti``."""
    s = (text or "").strip()
    if not s or "\n" in s or URL_RE.match(s):
        return False
    if _WIN_PATH.match(s) or s.startswith(("/", "./", "../", "~/")):
        return True
    if ("\\" in s or "/" in s) and (_FILE_EXT.search(s) or s.count("\\") + s.count("/") >= 2):
        return True
    return bool(_FILE_EXT.search(s)) and " " not in s.strip()


def is_placeholder(text: str) -> bool:
    """Text that stands where a link should be: '-', 'terlampir', 'xxx xxxx', ..."""
    s = re.sub(r"\s+", " ", (text or "").strip().lower())
    if s in PLACEHOLDERS:
        return True
    return bool(re.fullmatch(r"[x\s.\-_/]+", s)) or bool(re.fullmatch(r"(?:link|tautan|url)\s*(?:menyusul|belum.*)?", s))
