"""Shared by the page tests: the built site (built once per test process), a loopback
server for it, and the rule for missing tools (skip locally, fail under CI=true)."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
_SITE: dict[str, object] = {}


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def missing(what: str) -> None:
    """A tool the test needs is absent: a failure under CI=true, else a skip."""
    if in_ci():
        pytest.fail(f"{what} (CI=true: the page tests must run)")
    pytest.skip(what)


def need_tool(name: str, path: str | None = None) -> str:
    found = path if path and Path(path).exists() else shutil.which(name)
    if not found:
        missing(f"{name} is not installed")
    return found


def built_site() -> Path:
    """The page built from this checkout into a temporary folder, once per process
    (downloads come from the build cache, so later runs need no network)."""
    if "path" in _SITE:
        return _SITE["path"]  # type: ignore[return-value]
    if "error" in _SITE:
        missing(str(_SITE["error"]))
    need_tool("npm")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_page
    finally:
        sys.path.pop(0)
    out = Path(tempfile.mkdtemp(prefix="lketool-page-test-")) / "site"
    try:
        manifest = build_page.build_site(out, quiet=True)
    except build_page.BuildError as exc:
        _SITE["error"] = f"the page could not be built (npm/PyPI unreachable?): {exc}"
        missing(str(_SITE["error"]))
    _SITE["path"] = out
    _SITE["manifest"] = manifest
    return out


def build_manifest() -> dict:
    built_site()
    return _SITE["manifest"]  # type: ignore[return-value]


class Server:
    """``lketool serve``'s server on 127.0.0.1, any free port, in a thread."""

    def __init__(self, site: Path) -> None:
        from lketool.commands.serve import make_server

        self.httpd = make_server(site, 0)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
