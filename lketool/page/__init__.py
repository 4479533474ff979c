"""The LKE page: a static web site where lketool runs in the browser (Pyodide in a Web
Worker) and checks dropped workbooks without sending them anywhere.

This package holds the page itself (``index.html``, ``app.js``, ``worker.js``,
``page.css``, the service worker template ``sw.js``) as package data, and
:mod:`lketool.page.bridge`, the Python the worker calls.  ``tools/build_page.py``
assembles the site (page, Pyodide runtime, wheels); ``lketool serve`` serves it on
127.0.0.1.  See ``docs/page.md``."""
from __future__ import annotations

from pathlib import Path

PAGE_DIR = Path(__file__).resolve().parent
#: The page's own files, copied as they are into the site (``sw.js`` is filled in).
PAGE_FILES = ("index.html", "app.js", "worker.js", "page.css")
SERVICE_WORKER = "sw.js"
#: The page's words, written into the site by ``tools/build_page.py`` (see :func:`page_messages`).
MESSAGES_FILE = "messages.json"
#: Words the page shows under its own name but shares with another output (the same catalogue
#: key, so the page's recap table says exactly what the recap workbook says).
PAGE_ALIASES = {"colBasis": "recap.col.basis"}


def page_messages() -> dict[str, dict[str, str]]:
    """Every word of the page's interface, per language of the message catalogue:
    ``{"id": {"title": "Periksa LKE Zona Integritas", ...}, "en": {...}}`` - the ``page.*``
    keys of ``lketool/data/messages/<lang>.json`` without their prefix, plus
    :data:`PAGE_ALIASES`, after the catalogue's fallback (English, then Indonesian).  The
    page loads it as ``messages.json`` before its first words are shown; the language
    buttons switch between its languages."""
    from lketool import i18n

    out = {}
    for lang in i18n.languages():
        texts = i18n.resolved(lang)
        words = {k[len("page."):]: v for k, v in texts.items() if k.startswith("page.")}
        words.update({name: texts[key] for name, key in PAGE_ALIASES.items()})
        out[lang] = words
    return out
