"""``lketool links`` and ``check --online`` (lketool/commands/links.py, lketool/online.py)
against a real HTTP server on 127.0.0.1: statuses, summary per status and unit, what to
do, local paths as not_web, progress, one message when offline."""
from __future__ import annotations

import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from lketool.api import check_file
from lketool.cells import openpyxl_text
from lketool.cli import main
from lketool.links.summary import Progress, is_offline

ROOT = Path(__file__).resolve().parents[1]
S02 = ROOT / "samples" / "02-wbk-dinas-dukcapil-kabupaten-sampel.xlsx"
LOCAL_PATH = "D:\\bukti\\SK Tim ZI.pdf"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/ok"):
            body = b"<html><head><title>SK.pdf - Google Drive</title></head><body>SK</body></html>"
            self.send_response(200)
        elif self.path.startswith("/locked"):
            self.send_response(302)
            self.send_header("Location", "https://accounts.google.com/ServiceLogin?continue=x")
            body = b""
        else:
            self.send_response(404)
            body = b"<html><body>Not found</body></html>"
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _with_links(src: Path, out: Path, link_for) -> dict[int, str]:
    """Copy ``src`` with every evidence cell replaced by ``link_for(k)``; row -> link."""
    res = check_file(src)
    rows = sorted({ev.row for e in res.mapped.entries.values() for ev in e.evidence})
    wb = openpyxl.load_workbook(src)
    ws = wb[res.sheet]
    placed = {}
    for k, r in enumerate(rows):
        cell = ws.cell(r, 16)
        cell.hyperlink = None
        placed[r] = link_for(k)
        openpyxl_text(cell, placed[r])
    wb.save(out)
    return placed


@pytest.fixture(scope="module")
def book(server, tmp_path_factory) -> tuple[Path, dict[int, str]]:
    out = tmp_path_factory.mktemp("links") / "dinas.xlsx"

    def link(k: int) -> str:
        if k == 0:
            return LOCAL_PATH
        return f"{server}/{('ok', 'ok', 'locked', 'gone')[k % 4]}/{k}"

    return out, _with_links(S02, out, link)


def invoke(*args: str, tmp: Path):
    return CliRunner().invoke(main, list(args), env={"LKETOOL_CACHE_DIR": str(tmp), "COLUMNS": "200"})


def test_links_table_statuses_summary_per_unit_and_remedy(book, tmp_path):
    path, placed = book
    r = invoke("links", str(path), "--allow-private", "--no-cache", tmp=tmp_path)
    assert r.exit_code == 1, r.output
    out = r.stdout
    n = len(placed)
    n_locked = sum(1 for v in placed.values() if "/locked/" in v)
    n_gone = sum(1 for v in placed.values() if "/gone/" in v)
    assert f"Ringkasan ({n} tautan):" in out
    assert any(l.split()[:2] == ["Terkunci", str(n_locked)] for l in out.splitlines())
    assert "Siapa saja yang memiliki link" in out  # what to do about a locked link
    assert any(l.strip().startswith("Tidak ditemukan") and f" {n_gone} " in l for l in out.splitlines())
    assert any(l.strip().startswith("Bukan tautan web") and " 1 " in l for l in out.splitlines())
    assert "Per unit:" in out and f"Dinas Kependudukan dan Pencatatan Sipil Kabupaten Sampel: {n} tautan" in out
    assert LOCAL_PATH in out  # the local path is reported, not dropped


def test_links_json_and_indonesian_csv(book, tmp_path):
    path, placed = book
    r = invoke("links", str(path), "--allow-private", "--no-cache", "--format", "json", "--lang", "en", tmp=tmp_path)
    data = json.loads(r.stdout)
    assert data["offline"] is False and data["failures"] == []
    by_link = {row["link"]: row for row in data["results"]}
    assert by_link[LOCAL_PATH]["status"] == "not_web" and "Google Drive" in by_link[LOCAL_PATH]["remedy"]
    assert data["summary"]["not_web"] == 1 and sum(data["summary"].values()) == len(placed)
    locked = next(row for row in data["results"] if row["status"] == "locked")
    assert "Anyone with the link" in locked["remedy"]

    r = invoke("links", str(path), "--allow-private", "--no-cache", "--format", "csv", tmp=tmp_path)
    raw = r.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Berkas", "Unit", "Sheet"] and "Yang perlu dilakukan" in rows[0]
    assert len(rows) == 1 + len(placed)


def test_check_online_findings_on_the_cells(book, tmp_path):
    path, placed = book
    r = invoke("check", str(path), "--online", "--allow-private", "--format", "json", tmp=tmp_path)
    assert r.exit_code == 1
    probs = json.loads(r.stdout)["results"][0]["problems"]
    locked = {p["cell"] for p in probs if p["code"] == "evidence-locked"}
    assert locked == {f"P{row}" for row, v in placed.items() if "/locked/" in v}
    gone = {p["cell"] for p in probs if p["code"] == "evidence-not-found"}
    assert gone == {f"P{row}" for row, v in placed.items() if "/gone/" in v}
    assert not any(p["code"] == "evidence-unreachable" for p in probs)


def test_offline_gives_one_message_not_one_per_link(tmp_path):
    book = tmp_path / "offline.xlsx"
    placed = _with_links(S02, book, lambda k: f"https://host{k % 7}.example.invalid/file/{k}")
    r = invoke("links", str(book), "--no-cache", tmp=tmp_path)
    assert r.exit_code == 2
    assert r.stdout.count("Tidak ada koneksi internet") == 1
    assert f"{len(placed)} tautan web" in r.stdout
    assert "DNS" in r.stdout and "host0.example.invalid" not in r.stdout
    r = invoke("check", str(book), "--online", "--format", "json", tmp=tmp_path)
    assert "Tidak ada koneksi internet" in r.stderr
    probs = json.loads(r.stdout)["results"][0]["problems"]
    assert not any(p["code"].startswith("evidence-unreachable") for p in probs)


def test_offline_detection_rules():
    from lketool.links import LinkResult
    from lketool.links.checker import DNS_NOT_FOUND_EN, DNS_TIMEOUT_EN

    dns = LinkResult("https://a", "unreachable", detail_en=DNS_NOT_FOUND_EN)
    hung = LinkResult("https://b", "unreachable", detail_en=DNS_TIMEOUT_EN)
    path = LinkResult("D:\\x.pdf", "not_web")
    ok = LinkResult("https://c", "accessible")
    assert is_offline([dns, hung, path])
    assert not is_offline([dns, ok]) and not is_offline([path]) and not is_offline([])


def test_progress_on_long_runs(book, tmp_path):
    stream = io.StringIO()
    p = Progress(50, "en", stream, every=25)
    from lketool.links import LinkResult

    for k in range(50):
        p(LinkResult(f"u{k}", "accessible"))
    lines = stream.getvalue().splitlines()
    assert [l.split(" (")[0] for l in lines] == ["Checking links: 25/50", "Checking links: 50/50"]
    short = io.StringIO()
    q = Progress(3, "id", short)
    q(LinkResult("u", "accessible"))
    assert short.getvalue() == ""  # short runs stay quiet

    path, placed = book
    assert len(placed) >= 20
    r = invoke("links", str(path), "--allow-private", "--no-cache", tmp=tmp_path)
    assert f"Memeriksa tautan: {len(placed)}/{len(placed)}" in r.stderr
    r = invoke("links", str(path), "--allow-private", "--no-cache", "-q", tmp=tmp_path)
    assert "Memeriksa tautan" not in r.stderr and "Ringkasan" in r.stdout
    assert "/ok/" not in r.stdout  # quiet: the summary only
