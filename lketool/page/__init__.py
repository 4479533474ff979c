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
