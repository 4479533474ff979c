"""Online link checker against a real HTTP server on 127.0.0.1 (lketool.links.checker)."""
from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from lketool.links import (ACCESSIBLE, BLOCKED, LOCKED, NOT_FOUND, NOT_WEB, SERVER_ERROR, TIMEOUT,
                           UNREACHABLE, LinkCache, LinkCacheWarning, LinkResult, check_link,
                           check_links, parse_retry_after)
from lketool.links.guard import system_resolver

UA = "lketool-test/1.0"

SIGNIN_HTML = b"""<!DOCTYPE html><html lang="id"><head><title>Login - Akun Google</title></head>
<body><h1>Login</h1><p>untuk melanjutkan ke Google Drive</p>
<form><input type="email" name="identifier"><input type="password" name="Passwd"></form></body></html>"""
NEED_ACCESS_EN = b"""<!DOCTYPE html><html><head><title>Google Drive - You need access</title></head>
<body><h1>You need access</h1><p>Ask for access, or switch to an account with access.</p>
<button>Request access</button></body></html>"""
NEED_ACCESS_ID = b"""<!DOCTYPE html><html><head><title>Google Drive</title></head>
<body><div role="main"><h1>Anda memerlukan akses</h1><p>Minta akses, atau beralih ke akun yang memiliki
akses.</p><button>Minta akses</button></div></body></html>"""
# A public Drive viewer: its script carries translations that mention "Request access";
# only visible text may count.
PUBLIC_VIEWER = b"""<!DOCTYPE html><html><head><title>SK Tim ZI 2023.pdf - Google Drive</title>
<script>var i18n={"ra":"Request access","na":"You need access","sg":"Sign in to continue to Google Drive"};</script>
<style>.x:after{content:"Minta akses"}</style></head><body><div>SK Tim ZI 2023.pdf</div>
<a href="https://accounts.google.com/ServiceLogin?continue=x">Login</a></body></html>"""
SURAT_MASUK = b"""<html><head><title>Surat Masuk - Google Dokumen</title></head><body>Agenda surat masuk</body></html>"""
DRIVE_DELETED = b"""<html><head><title>Google Drive</title></head><body><p>Maaf, file yang Anda minta tidak ada.</p>
<p>Pastikan Anda memiliki URL yang benar dan file tersebut ada.</p></body></html>"""
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Recorder:
    """What reached the server: requests (path, headers), connections, concurrency."""

    def __init__(self):
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.reset()

    def reset(self):
        with self.lock:
            self.requests: list[tuple[str, dict[str, str]]] = []
            self.connections = 0
            self.hits: dict[str, int] = {}
            self.active = 0
            self.max_active = 0
            self.times: dict[str, list[float]] = {}

    def record(self, path, headers) -> int:
        with self.lock:
            self.requests.append((path, {k.lower(): v for k, v in headers.items()}))
            self.hits[path] = self.hits.get(path, 0) + 1
            self.times.setdefault(path, []).append(time.monotonic())
            return self.hits[path]

    def paths(self):
        with self.lock:
            return [p for p, _ in self.requests]


class Handler(BaseHTTPRequestHandler):
    server_version = "TestDrive/1.0"
    rec: Recorder  # set on the class by the fixture

    def log_message(self, *args):  # keep pytest output clean
        pass

    def send(self, code, body=b"", ctype="text/html; charset=utf-8", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        rec = self.rec
        n = rec.record(self.path, self.headers)
        parts = urlsplit(self.path)
        route, q = parts.path, parse_qs(parts.query)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if route == "/files/a.pdf":
            self.send(200, PDF, "application/pdf")
        elif route == "/file/d/public/view":
            self.send(200, PUBLIC_VIEWER)
        elif route == "/doc/surat-masuk":
            self.send(200, SURAT_MASUK)
        elif route == "/file/d/private/view":
            self.send(302, headers=[("Location", f"/ServiceLogin?continue={base}/file/d/private/view"),
                                    ("Set-Cookie", "NID=secret-nid; Path=/; HttpOnly")])
        elif route == "/ServiceLogin":
            self.send(200, SIGNIN_HTML)
        elif route == "/need-access/en":
            self.send(200, NEED_ACCESS_EN)
        elif route == "/need-access/id":
            self.send(200, NEED_ACCESS_ID)
        elif route == "/need-access/gzip":
            body = gzip.compress(NEED_ACCESS_ID)
            self.send(200, body, headers=[("Content-Encoding", "gzip")])
        elif route == "/to-google-login":
            self.send(302, headers=[("Location", "https://accounts.google.com/v3/signin/identifier?continue=x")])
        elif route == "/to-app-login":
            self.send(302, headers=[("Location", "/login?next=/bukti.pdf")])
        elif route == "/login":
            self.send(200, b"<html><head><title>SIMPEG</title></head><body>Silakan masuk</body></html>")
        elif route == "/drive-deleted":
            self.send(200, DRIVE_DELETED)
        elif route == "/missing":
            self.send(404, b"<html><title>404 Not Found</title></html>")
        elif route == "/gone":
            self.send(410, b"gone", "text/plain")
        elif route == "/forbidden":
            self.send(403, b"<html><title>Forbidden</title></html>")
        elif route == "/error":
            self.send(500, b"oops", "text/plain")
        elif route == "/flaky":
            self.send(503 if n == 1 else 200, b"ok", "text/plain")
        elif route == "/ratelimited":
            if n == 1:
                self.send(429, b"slow down", "text/plain", headers=[("Retry-After", "1")])
            else:
                self.send(200, PDF, "application/pdf")
        elif route == "/ratelimited-long":
            self.send(429, b"slow down", "text/plain", headers=[("Retry-After", "100")])
        elif route == "/slow":
            rec.stop.wait(3)  # much longer than the client timeout; ends at teardown
            self.send(200, b"late", "text/plain")
        elif route == "/drip-headers":
            # answers within every socket timeout but never finishes the headers
            self.wfile.write(b"HTTP/1.0 200 OK\r\n")
            for i in range(60):
                if rec.stop.wait(0.1):
                    break
                try:
                    self.wfile.write(f"X-Drip-{i}: x\r\n".encode())
                except OSError:
                    break
        elif route == "/reset":
            # abortive close: SO_LINGER 0 makes close() send RST instead of FIN
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        elif route == "/cookie-redirect":
            self.send(302, headers=[("Set-Cookie", "session=abc123; Path=/"), ("Location", "/echo")])
        elif route == "/echo":
            self.send(200, b"<html><title>Bukti</title><body>ok</body></html>")
        elif route == "/redirect-loop":
            self.send(302, headers=[("Location", "/redirect-loop")])
        elif route.startswith("/chain/"):
            left = int(route.rsplit("/", 1)[1])
            if left:
                self.send(301, headers=[("Location", f"/chain/{left - 1}")])
            else:
                self.send(200, PDF, "application/pdf")
        elif route == "/redirect-to":
            self.send(302, headers=[("Location", q["to"][0])])
        elif route == "/unusual":
            if n == 1:
                self.send(403, b"<html><title>Sorry...</title><body>Our systems have detected unusual "
                               b"traffic from your computer network.</body></html>")
            else:
                self.send(200, PDF, "application/pdf")
        elif route == "/request-timeout":
            self.send(408, b"", "text/plain")
        elif route == "/bad-port-redirect":
            self.send(302, headers=[("Location", "http://127.0.0.1:99999/x")])
        elif route == "/ftp-redirect":
            self.send(302, headers=[("Location", "ftp://files.example.com/bukti.pdf")])
        elif route == "/concurrent":
            with rec.lock:
                rec.active += 1
                rec.max_active = max(rec.max_active, rec.active)
            rec.stop.wait(0.25)
            with rec.lock:
                rec.active -= 1
            self.send(200, PDF, "application/pdf")
        else:
            self.send(404, b"no route", "text/plain")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def verify_request(self, request, client_address):
        with Handler.rec.lock:
            Handler.rec.connections += 1
        return True

    def handle_error(self, request, client_address):
        pass  # resets and client timeouts are expected here


@pytest.fixture(scope="module")
def _server():
    rec = Recorder()
    Handler.rec = rec
    srv = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv, rec
    rec.stop.set()
    srv.shutdown()
    srv.server_close()
    thread.join(5)


@pytest.fixture
def server(_server):
    srv, rec = _server
    rec.reset()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    return base, rec


def run(urls, **kw):
    kw.setdefault("allow_private", True)
    kw.setdefault("timeout", 2)
    kw.setdefault("backoff", 0.05)
    kw.setdefault("user_agent", UA)
    return check_links(urls, **kw)


# ------------------------------------------------------------------ statuses

def test_accessible_pdf_and_public_viewer_page(server):
    base, rec = server
    pdf, viewer, surat = f"{base}/files/a.pdf", f"{base}/file/d/public/view", f"{base}/doc/surat-masuk"
    res = run([pdf, viewer, surat])
    for url in (pdf, viewer, surat):
        assert res[url].status == ACCESSIBLE, res[url]
        assert res[url].http_status == 200 and res[url].final_url == url and res[url].ok
    assert res[pdf].message("id") == "Dapat dibuka: dapat dibuka (HTTP 200)"
    assert res[pdf].message("en") == "Accessible: opens (HTTP 200)"
    assert sorted(rec.paths()) == sorted(["/files/a.pdf", "/file/d/public/view", "/doc/surat-masuk"])


def test_redirect_to_signin_page_is_locked(server):
    base, rec = server
    url = f"{base}/file/d/private/view?usp=sharing"
    r = run([url])[url]
    assert r.status == LOCKED and r.http_status == 200
    assert urlsplit(r.final_url).path == "/ServiceLogin"
    assert "login" in r.detail_id and "sign-in" in r.detail_en
    assert r.message().startswith("Terkunci: ") and r.message("en").startswith("Locked: ")
    assert rec.paths() == ["/file/d/private/view?usp=sharing",
                           f"/ServiceLogin?continue={base}/file/d/private/view"]


def test_signin_page_by_content_alone_is_locked(server):
    base, _ = server
    # served directly (no redirect): recognised by its title/text, not by the path
    url = f"{base}/ServiceLogin"
    assert run([url])[url].status == LOCKED


@pytest.mark.parametrize("path", ["/need-access/en", "/need-access/id", "/need-access/gzip"])
def test_need_access_pages_are_locked(server, path):
    base, _ = server
    r = run([base + path])[base + path]
    assert r.status == LOCKED and r.http_status == 200
    assert "Minta akses" in r.detail_id and "Request access" in r.detail_en


def test_redirect_to_google_login_host_stops_there(server):
    base, rec = server
    url = f"{base}/to-google-login"
    # accounts.google.com is never contacted (the sandbox has no network anyway)
    r = run([url])[url]
    assert r.status == LOCKED and r.final_url.startswith("https://accounts.google.com/v3/signin")
    assert rec.paths() == ["/to-google-login"]


def test_redirect_to_generic_login_path_is_locked(server):
    base, _ = server
    r = run([f"{base}/to-app-login"])[f"{base}/to-app-login"]
    assert r.status == LOCKED and urlsplit(r.final_url).path == "/login"


@pytest.mark.parametrize("path, status, code", [
    ("/missing", NOT_FOUND, 404), ("/gone", NOT_FOUND, 410), ("/drive-deleted", NOT_FOUND, 200),
    ("/forbidden", LOCKED, 403),
])
def test_not_found_and_forbidden(server, path, status, code):
    base, rec = server
    r = run([base + path])[base + path]
    assert (r.status, r.http_status) == (status, code)
    assert rec.paths() == [path]  # final answers are not retried


def test_server_error_is_retried_then_reported(server):
    base, rec = server
    r = run([f"{base}/error"], retries=2)[f"{base}/error"]
    assert (r.status, r.http_status) == (SERVER_ERROR, 500)
    assert rec.paths() == ["/error"] * 3
    assert "HTTP 500" in r.detail_id and "HTTP 500" in r.detail_en


def test_transient_503_then_ok(server):
    base, rec = server
    r = run([f"{base}/flaky"], retries=2)[f"{base}/flaky"]
    assert r.status == ACCESSIBLE and rec.paths() == ["/flaky", "/flaky"]


# ------------------------------------------------------------------ rate limits

def test_429_honours_retry_after_then_succeeds(server):
    base, rec = server
    url = f"{base}/ratelimited"
    t0 = time.monotonic()
    r = run([url], retries=2, backoff=0.01)[url]
    took = time.monotonic() - t0
    assert r.status == ACCESSIBLE and r.http_status == 200
    first, second = rec.times["/ratelimited"]
    assert second - first >= 0.95          # waited the server's Retry-After: 1
    assert took < 4                         # but not much longer
    assert r.elapsed_ms >= 950


def test_429_retry_after_is_capped_and_reported(server):
    base, rec = server
    url = f"{base}/ratelimited-long"
    t0 = time.monotonic()
    r = run([url], retries=1, max_retry_after=0.3)[url]
    assert time.monotonic() - t0 < 2.5      # did not wait the asked 100 s
    assert (r.status, r.http_status) == (SERVER_ERROR, 429)
    assert "429" in r.detail_id and "rate limited" in r.detail_en
    first, second = rec.times["/ratelimited-long"]
    assert 0.25 <= second - first < 2


def test_parse_retry_after():
    now = time.time()
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert 9 <= parse_retry_after(formatdate(now + 10, usegmt=True), now=now) <= 11
    assert parse_retry_after(formatdate(now - 60, usegmt=True), now=now) == 0.0


def test_per_host_limit(server):
    base, rec = server
    urls = [f"{base}/concurrent?i={i}" for i in range(6)]
    res = run(urls, per_host=2, max_workers=6)
    assert all(r.status == ACCESSIBLE for r in res.values())
    assert rec.max_active == 2


# ------------------------------------------------------------------ network failures

def test_slow_server_times_out_and_is_bounded(server):
    base, rec = server
    url = f"{base}/slow"
    t0 = time.monotonic()
    r = run([url], timeout=0.4, retries=1)[url]
    assert r.status == TIMEOUT and r.http_status is None
    assert "0.4" in r.detail_id
    assert rec.paths() == ["/slow", "/slow"]  # one retry
    assert time.monotonic() - t0 < 2.5


def test_header_drip_is_cut_by_the_hop_watchdog(server):
    base, _ = server
    url = f"{base}/drip-headers"
    t0 = time.monotonic()
    r = run([url], timeout=0.3, retries=0)[url]
    assert r.status == TIMEOUT
    assert time.monotonic() - t0 < 2.5  # 3 x timeout, not the 6 s the server would drip


def test_connection_reset_is_unreachable(server):
    base, rec = server
    url = f"{base}/reset"
    r = run([url], retries=2)[url]
    assert r.status == UNREACHABLE and r.http_status is None
    assert rec.paths() == ["/reset"]  # resets are not retried


def test_connection_refused_is_unreachable():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    r = check_link(f"http://127.0.0.1:{port}/x", allow_private=True, timeout=2, retries=0)
    assert r.status == UNREACHABLE and "ditolak" in r.detail_id


def test_dns_failure_is_unreachable():
    def resolver(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    r = check_link("https://drive.google.com/file/d/abc/view", resolver=resolver, retries=2)
    assert r.status == UNREACHABLE and "DNS" in r.detail_en
    assert (r.service, r.resource) == ("google_drive", "file")


def test_redirect_loop_is_bounded(server):
    base, rec = server
    r = run([f"{base}/redirect-loop"], max_redirects=3)[f"{base}/redirect-loop"]
    assert r.status == UNREACHABLE and "redirect" in r.detail_en
    assert rec.paths() == ["/redirect-loop"] * 4


def test_redirect_chain_is_followed(server):
    base, rec = server
    r = run([f"{base}/chain/3"])[f"{base}/chain/3"]
    assert r.status == ACCESSIBLE and r.final_url == f"{base}/chain/0"
    assert rec.paths() == ["/chain/3", "/chain/2", "/chain/1", "/chain/0"]


# ------------------------------------------------------------------ safety

def test_private_address_is_blocked_without_any_request(server):
    base, rec = server
    url = f"{base}/files/a.pdf"
    r = check_links([url], timeout=2)[url]   # allow_private defaults to False
    assert r.status == BLOCKED and "127.0.0.1" in r.detail_id
    time.sleep(0.1)
    assert rec.connections == 0 and rec.requests == []


@pytest.mark.parametrize("url", ["http://localhost:1/", "http://[::1]:1/", "http://169.254.169.254/latest/",
                                 "http://10.0.0.1/", "http://192.168.1.1/", "http://0.0.0.0:1/",
                                 "http://2130706433/", "http://[::ffff:127.0.0.1]:1/"])
def test_private_addresses_blocked(url):
    r = check_link(url, timeout=1, retries=0)
    assert r.status == BLOCKED, r


def test_mixed_public_and_private_answers_are_blocked():
    resolver = {"mixed.test": ["93.184.216.34", "127.0.0.1"]}.__getitem__
    r = check_link("http://mixed.test/x", resolver=lambda h, p: resolver(h), timeout=1)
    assert r.status == BLOCKED


def test_every_redirect_hop_is_guarded(server):
    base, rec = server
    port = urlsplit(base).port

    def resolver(host, p):
        return ["10.9.8.7"] if host == "intranet.test" else system_resolver(host, p)

    url = f"{base}/redirect-to?to=http://intranet.test:{port}/echo"
    # only 127.0.0.1 is allowed: the first hop goes, the second (10.9.8.7) must not
    r = check_link(url, allow_private=["127.0.0.1/32"], resolver=resolver, timeout=2)
    assert r.status == BLOCKED and "10.9.8.7" in r.detail_en
    assert rec.paths() == [f"/redirect-to?to=http://intranet.test:{port}/echo"]


def test_no_cookie_or_credentials_are_ever_sent(server):
    base, rec = server
    host_port = base.split("//", 1)[1]
    urls = [f"{base}/cookie-redirect", f"http://budi:rahasia@{host_port}/echo",
            f"{base}/file/d/private/view"]
    res = run(urls)
    assert res[urls[0]].status == ACCESSIBLE and res[urls[0]].final_url == f"{base}/echo"
    assert res[urls[1]].status == ACCESSIBLE
    assert "/echo" in rec.paths() and len(rec.requests) == 5
    for path, headers in rec.requests:
        assert "cookie" not in headers, path
        assert "authorization" not in headers and "proxy-authorization" not in headers, path
        assert headers["user-agent"] == UA
    assert "rahasia" not in res[urls[1]].final_url


# ------------------------------------------------------------------ API shape, dedupe, cache

def test_result_keys_are_the_original_strings_in_input_order(server):
    base, rec = server
    urls = [f"  {base}/files/a.pdf  ", "D:\\bukti\\a.pdf", f"{base}/files/a.pdf", "Terlampir",
            f"{base}/files/a.pdf", "", f"{base}/missing"]
    seen: list[LinkResult] = []
    res = run(urls, progress=seen.append)
    assert list(res) == [urls[0], urls[1], urls[2], urls[3], urls[5], urls[6]]
    assert all(res[u].url == u for u in res)
    assert res["D:\\bukti\\a.pdf"].status == NOT_WEB and "Google Drive" in res["D:\\bukti\\a.pdf"].detail_id
    assert res["Terlampir"].status == NOT_WEB and res[""].status == NOT_WEB
    assert res[urls[0]].status == res[urls[2]].status == ACCESSIBLE
    assert rec.paths().count("/files/a.pdf") == 1   # same normalized URL fetched once
    assert sorted(r.url for r in seen) == sorted(res)


def test_cache_avoids_second_visit_and_expires(server, tmp_path):
    base, rec = server
    clock = [1_000_000.0]
    path = tmp_path / "cache" / "links.json"
    urls = [f"{base}/files/a.pdf", f"{base}/missing", f"{base}/need-access/en", f"{base}/error"]

    first = run(urls, cache=LinkCache(path, max_age=3600, clock=lambda: clock[0]), retries=0)
    assert path.exists() and len(rec.requests) == 4
    assert not any(r.from_cache for r in first.values())

    rec.reset()
    second = run(urls, cache=LinkCache(path, max_age=3600, clock=lambda: clock[0]), retries=0)
    # accessible / not_found / locked come from the cache; the 500 is checked again
    assert rec.paths() == ["/error"]
    for u in urls[:3]:
        assert second[u].from_cache and second[u].status == first[u].status and second[u].url == u
    assert not second[urls[3]].from_cache and second[urls[3]].status == SERVER_ERROR

    rec.reset()
    clock[0] += 3601  # everything is older than max_age now
    third = run(urls, cache=LinkCache(path, max_age=3600, clock=lambda: clock[0]), retries=0)
    assert sorted(rec.paths()) == sorted(["/files/a.pdf", "/missing", "/need-access/en", "/error"])
    assert not any(r.from_cache for r in third.values())


def test_cached_private_result_does_not_bypass_the_guard(server, tmp_path):
    base, rec = server
    url = f"{base}/files/a.pdf"
    cache = LinkCache(tmp_path / "links.json")
    assert run([url], cache=cache)[url].status == ACCESSIBLE
    r = check_links([url], cache=LinkCache(tmp_path / "links.json"))[url]
    assert r.status == BLOCKED and not r.from_cache
    # an allow-list of other networks must not reuse it either
    r = check_links([url], cache=LinkCache(tmp_path / "links.json"), allow_private=["10.0.0.0/8"])[url]
    assert r.status == BLOCKED and not r.from_cache
    assert rec.paths() == ["/files/a.pdf"]
    # with everything allowed the cached answer is reused
    r = run([url], cache=LinkCache(tmp_path / "links.json"))[url]
    assert r.status == ACCESSIBLE and r.from_cache and rec.paths() == ["/files/a.pdf"]


def test_unsaveable_cache_warns_but_results_stand(server, tmp_path):
    base, _ = server
    (tmp_path / "afile").write_text("x")
    with pytest.warns(LinkCacheWarning):
        cache = LinkCache(tmp_path / "afile" / "links.json")
    url = f"{base}/files/a.pdf"
    with pytest.warns(LinkCacheWarning, match="not saved"):
        res = run([url], cache=cache)
    assert res[url].status == ACCESSIBLE


def test_google_unusual_traffic_page_is_throttling_not_locked(server):
    base, rec = server
    r = run([f"{base}/unusual"], retries=1)[f"{base}/unusual"]
    assert r.status == ACCESSIBLE and rec.paths() == ["/unusual", "/unusual"]
    r = run([f"{base}/unusual"], retries=0)[f"{base}/unusual"]  # counter is at 3 now: 200
    assert r.status == ACCESSIBLE


def test_408_is_a_timeout(server):
    base, rec = server
    r = run([f"{base}/request-timeout"], retries=1)[f"{base}/request-timeout"]
    assert (r.status, r.http_status) == (TIMEOUT, 408) and len(rec.requests) == 2


@pytest.mark.parametrize("path", ["/bad-port-redirect", "/ftp-redirect"])
def test_invalid_redirect_targets_are_unreachable(server, path):
    base, rec = server
    r = run([base + path])[base + path]
    assert r.status == UNREACHABLE and rec.paths() == [path]


def test_invalid_host_name_does_not_crash():
    url = "http://" + "a" * 70 + ".example.com/x"
    r = check_links([url, "D:\\x.pdf"], timeout=1, retries=0)
    assert r[url].status == UNREACHABLE and r["D:\\x.pdf"].status == NOT_WEB
