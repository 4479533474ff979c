"""tools/build_page.py: the static site holds the page, the pinned Pyodide runtime and
exactly the allowed wheels, lists every file with a correct hash, loads nothing from a
CDN, and stays under the size goal."""
from __future__ import annotations

import hashlib
import json
import re
import sys
import zipfile
from pathlib import Path

import pytest

from page_helpers import ROOT, build_manifest, built_site

sys.path.insert(0, str(ROOT / "tools"))
import build_page  # noqa: E402

sys.path.pop(0)

ALLOWED = {"lketool", "python_calamine", "openpyxl", "et_xmlfile", "xlsxwriter", "jinja2", "markupsafe"}


@pytest.fixture(scope="module")
def site() -> Path:
    return built_site()


def _dist(wheel: str) -> str:
    return wheel.split("-")[0].lower().replace("-", "_")


def test_file_list_hashes_match_every_file(site):
    manifest = json.loads((site / "files.json").read_text(encoding="utf-8"))
    listed = {e["path"]: e for e in manifest["files"]}
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"files.json"}
    for path, e in listed.items():
        data = (site / path).read_bytes()
        assert e["size"] == len(data), path
        assert e["sha256"] == hashlib.sha256(data).hexdigest(), path


def test_the_page_words_are_the_catalogue(site):
    """messages.json is written from the message catalogue (page.* keys, every language) and
    listed like every other file, so the service worker keeps it for offline use."""
    from lketool.page import page_messages

    got = json.loads((site / "messages.json").read_text(encoding="utf-8"))
    assert got == page_messages() and {"id", "en"} <= set(got)
    assert got["id"]["title"] == "Periksa LKE Zona Integritas" and got["en"]["colBasis"] == "Verdict basis"
    assert "messages.json" in (site / "sw.js").read_text(encoding="utf-8")


def test_wheel_set_is_exactly_the_allowed_one(site):
    manifest = json.loads((site / "files.json").read_text(encoding="utf-8"))
    wheels = sorted(p.name for p in (site / "wheels").iterdir())
    assert sorted(manifest["wheels"]) == wheels
    assert {_dist(w) for w in wheels} == ALLOWED
    assert len(wheels) == len(ALLOWED)
    calamine = next(w for w in wheels if w.startswith("python_calamine"))
    assert calamine.endswith(f"-{build_page.PYODIDE_PLATFORM}.whl")
    for w in wheels:  # everything but calamine is plain Python
        if w != calamine:
            assert w.endswith("-none-any.whl"), w
    # the lketool wheel carries the page and its bridge
    own = next(w for w in wheels if w.startswith("lketool-"))
    names = set(zipfile.ZipFile(site / "wheels" / own).namelist())
    assert {"lketool/page/bridge.py", "lketool/page/index.html", "lketool/page/app.js",
            "lketool/page/worker.js", "lketool/page/sw.js"} <= names


def test_pyodide_runtime_is_the_pinned_version(site):
    lock = json.loads((site / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    runtime = (site / "pyodide" / "pyodide.mjs").read_text(encoding="utf-8")
    assert f'"{build_page.PYODIDE_VERSION}"' in runtime
    assert sorted(p.name for p in (site / "pyodide").iterdir()) == sorted(build_page.RUNTIME_FILES)
    assert "pyemscripten_" + lock["info"]["abi_version"] + "_wasm32" == build_page.PYODIDE_PLATFORM


def test_page_loads_nothing_from_elsewhere(site):
    for name in ("index.html", "app.js", "worker.js", "sw.js", "page.css"):
        text = (site / name).read_text(encoding="utf-8")
        urls = re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'`)]*", text)
        # the SVG namespace is a name, never fetched
        assert [u for u in urls if u != "http://www.w3.org/2000/svg"] == [], name
        assert "cdn" not in text.lower(), name
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "connect-src 'self'" in html and "default-src 'self'" in html


def test_service_worker_caches_every_file(site):
    sw = (site / "sw.js").read_text(encoding="utf-8")
    files = json.loads(re.search(r"const FILES = (\[.*?\]);", sw).group(1))
    manifest = json.loads((site / "files.json").read_text(encoding="utf-8"))
    assert set(files) == {e["path"] for e in manifest["files"] if e["path"] != "sw.js"} | {"./", "files.json"}
    assert manifest["version"] in sw and "__VERSION__" not in sw


def test_size_goal(site):
    m = build_manifest()
    assert m["gzip_bytes"] <= 10 * 1024 * 1024, m["gzip_bytes"]


def test_declared_dependencies_cover_the_page_wheels():
    # The page installs lketool without its dependencies: each page wheel must be one
    # lketool declares (or a dependency of one), so the native install checks the same.
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    declared = {m.lower().replace("-", "_") for m in re.findall(r'^\s*"([A-Za-z0-9_.-]+)[<>=!~]', text, re.M)}
    transitive = {"et_xmlfile", "markupsafe"}  # of openpyxl and jinja2
    for dist, _, _ in build_page.WHEELS:
        d = dist.lower().replace("-", "_")
        assert d in declared or d in transitive, d


def test_build_refuses_a_folder_that_is_not_a_page(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(build_page.BuildError, match="not empty"):
        build_page.build_site(tmp_path, quiet=True)
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_serve_refuses_a_folder_without_a_page(tmp_path):
    from click.testing import CliRunner

    from lketool.cli import main

    res = CliRunner().invoke(main, ["serve", "--site", str(tmp_path), "--no-browser"])
    assert res.exit_code == 2
    assert "build_page.py" in res.output


def test_serve_gives_the_right_types_and_refuses_posts(site):
    import urllib.error
    import urllib.request

    from page_helpers import Server

    srv = Server(site)
    try:
        assert srv.httpd.server_address[0] == "127.0.0.1"
        for path, mime in (("pyodide/pyodide.asm.wasm", "application/wasm"),
                           ("pyodide/pyodide.mjs", "text/javascript"), ("worker.js", "text/javascript"),
                           ("index.html", "text/html"), ("files.json", "application/json")):
            with urllib.request.urlopen(srv.url + path) as r:
                assert r.headers.get_content_type() == mime, path
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(urllib.request.Request(srv.url, data=b"x", method="POST"))
        assert exc.value.code == 405
        with pytest.raises(urllib.error.HTTPError) as exc:  # no directory listing
            urllib.request.urlopen(srv.url + "wheels/")
        assert exc.value.code == 404
    finally:
        srv.close()


def test_serve_command_serves_the_site_on_loopback(site):
    import subprocess
    import urllib.request

    p = subprocess.Popen([sys.executable, "-m", "lketool", "serve", "--site", str(site), "--port", "0",
                          "--no-browser"], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = p.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url) as r:
            assert "Berkas Anda tidak diunggah ke mana pun." in r.read().decode("utf-8")
        assert "tidak diunggah" in p.stdout.readline()
    finally:
        p.terminate()
        p.wait(10)


def test_serve_opens_the_browser_unless_told_not_to(site, monkeypatch):
    import webbrowser

    from click.testing import CliRunner

    from lketool.commands import serve
    from lketool.cli import main

    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url))

    def brief(self):  # serve a moment, then stop as Ctrl+C does
        import time
        time.sleep(0.8)
        raise KeyboardInterrupt

    monkeypatch.setattr(serve.ThreadingHTTPServer, "serve_forever", brief)
    res = CliRunner().invoke(main, ["serve", "--site", str(site), "--port", "0"])
    assert res.exit_code == 0, res.output
    assert len(opened) == 1 and opened[0].startswith("http://127.0.0.1:")
    opened.clear()
    res = CliRunner().invoke(main, ["serve", "--site", str(site), "--port", "0", "--no-browser"])
    assert res.exit_code == 0 and opened == []
