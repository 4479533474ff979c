"""Shared by the page tests: the built site (built once per test process), a loopback
server for it, and the rule for missing tools (skip locally, fail under CI=true)."""
from __future__ import annotations

import atexit
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
    # the same rule as tests/conftest.py
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(what: str) -> None:
    """A tool the test needs is absent: a failure under CI=true, else a skip (with the
    "missing tool: " reason tests/conftest.py also turns into a failure in CI)."""
    if in_ci():
        pytest.fail(f"CI=true: missing tool: {what}; .ci/run installs it", pytrace=False)
    pytest.skip(f"missing tool: {what}")


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
    tmp = Path(tempfile.mkdtemp(prefix="lketool-page-test-"))
    atexit.register(shutil.rmtree, tmp, True)  # ~15 MB a run: not left behind
    out = tmp / "site"
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


class RecordingProxy:
    """An HTTP proxy on 127.0.0.1 that records every request the browser makes (from the
    page, its worker and its service worker alike), forwards GETs for ``origin`` to it
    and refuses everything else.  Chromium is pointed at it with ``--proxy-server`` and
    ``--proxy-bypass-list=<-loopback>`` (so loopback requests go through it too)."""

    def __init__(self, origin: str) -> None:
        import http.client
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlsplit

        self.requests: list[tuple[str, str, dict]] = []  # method, URL, headers
        target = urlsplit(origin)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                proxy.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                u = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                if self.command not in ("GET", "HEAD") or (u.scheme, u.netloc) != (target.scheme, target.netloc):
                    self.send_response(403)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                conn.request(self.command, u.path + (f"?{u.query}" if u.query else ""))
                resp = conn.getresponse()
                body = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                conn.close()

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_CONNECT = _handle

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(autouse=True)
def private_bridge_root(tmp_path, monkeypatch):
    """The bridge's folders and tables private to one test (import it into a test module
    to use it there)."""
    from lketool.page import bridge

    monkeypatch.setattr(bridge, "FILES", tmp_path / "files")
    monkeypatch.setattr(bridge, "OUT", tmp_path / "out")
    monkeypatch.setattr(bridge, "_RESULTS", {})
    monkeypatch.setattr(bridge, "_NAMES", {})
