"""One bounded, credential-free HTTP GET with manually followed redirects.

Why not ``urllib.request``: it follows redirects itself (we must check every hop
against the private-address guard and see where the chain ends), it reads proxy
settings from the environment (a proxy would resolve names for us and defeat the
guard), and its handlers can pick up cookies or ``.netrc``-style credentials.
Here each hop is a fresh ``http.client`` connection to an address we resolved
and checked, with a fixed set of headers: never ``Cookie`` nor ``Authorization``.
"""
from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from typing import Callable, ContextManager
from urllib.parse import quote, urljoin, urlsplit

from .guard import AddressPolicy, Resolver, checked_addresses, is_public_address

MAX_BODY = 64 * 1024  # enough for <title> and the sign-in/"need access" markers
REDIRECT_CODES = (301, 302, 303, 307, 308)

# Sign-in services: a redirect there means "locked"; no need to load the login page.
LOGIN_HOSTS = frozenset({
    "accounts.google.com", "login.microsoftonline.com", "login.live.com", "login.windows.net",
})


class TooManyRedirects(Exception):
    """The redirect chain is longer than the limit (or loops)."""


class BadRedirect(Exception):
    """A redirect without a usable ``Location`` or to a non-http(s) scheme."""


@dataclass
class Fetched:
    """What came back: the last response of the chain (body capped at MAX_BODY)."""

    status: int
    url: str                      # URL of the last response (or the login URL we stopped at)
    headers: Message
    body: bytes = b""
    chain: list[str] = field(default_factory=list)  # every URL visited, first to last
    stopped_at_login: bool = False
    private: bool = False         # some hop used a non-public address (allow_private)

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str:
        return self.headers.get_content_charset() or "utf-8"

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


Gate = Callable[[str], ContextManager[None]]


@contextmanager
def _no_gate(host: str):
    yield


def fetch(url: str, *, timeout: float, policy: AddressPolicy, user_agent: str,
          max_redirects: int = 10, resolver: Resolver | None = None,
          gate: Gate = _no_gate, max_body: int = MAX_BODY) -> Fetched:
    """GET ``url`` and follow up to ``max_redirects`` redirects, checking each hop.

    Raises :class:`~lketool.links.guard.BlockedAddress`, ``TimeoutError``,
    ``OSError`` (refused/reset/DNS), ``ssl.SSLError``, ``http.client.HTTPException``,
    :class:`TooManyRedirects` or :class:`BadRedirect`.
    """
    chain: list[str] = []
    private = False
    current = url
    for _ in range(max_redirects + 1):
        chain.append(current)
        parts = urlsplit(current)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise BadRedirect(current)
        host = parts.hostname.lower()
        port = parts.port or (443 if scheme == "https" else 80)
        addresses = checked_addresses(host, port, policy, timeout, resolver)
        private = private or not all(is_public_address(a) for a in addresses)
        with gate(host):
            status, headers, body = _get_once(scheme, host, port, addresses, _target(parts),
                                              timeout, user_agent, max_body)
        if status not in REDIRECT_CODES:
            return Fetched(status, current, headers, body, chain, private=private)
        location = headers.get("Location")
        if not location:
            raise BadRedirect(f"{current} answered {status} without Location")
        nxt = urljoin(current, location.strip())
        if urlsplit(nxt).scheme.lower() not in ("http", "https"):
            raise BadRedirect(nxt)
        if (urlsplit(nxt).hostname or "").lower() in LOGIN_HOSTS:
            chain.append(nxt)
            return Fetched(status, nxt, headers, b"", chain, stopped_at_login=True, private=private)
        current = nxt
    raise TooManyRedirects(f"more than {max_redirects} redirects from {url}")


def _target(parts) -> str:
    """Request target, percent-encoding what browsers would (spaces, non-ASCII)."""
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return path + (f"?{query}" if query else "")


def _headers(user_agent: str) -> dict[str, str]:
    # Fixed header set: no Cookie, no Authorization, ever.  Indonesian first so that
    # Google answers with the same pages the units and evaluators see.
    return {
        "User-Agent": user_agent,
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language": "id-ID,id;q=0.9,en;q=0.8",
        "Accept-Encoding": "identity",
        "Connection": "close",
    }


_tls_lock = threading.Lock()
_tls_context: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    # Loading the CA store is slow on Windows; one verifying context serves all threads.
    global _tls_context
    with _tls_lock:
        if _tls_context is None:
            _tls_context = ssl.create_default_context()
        return _tls_context


def _get_once(scheme, host, port, addresses, target, timeout, user_agent, max_body):
    if scheme == "https":
        conn: http.client.HTTPConnection = _PinnedHTTPS(host, port, addresses, timeout, _tls())
    else:
        conn = _PinnedHTTP(host, port, addresses, timeout)
    # Socket timeouts bound each read; the watchdog bounds the whole hop, so a
    # server dripping one byte at a time cannot hold a worker forever.
    fired = threading.Event()

    def abort() -> None:
        fired.set()
        sock = conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(timeout * 3, abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        try:
            conn.request("GET", target, headers=_headers(user_agent))
            resp = conn.getresponse()
        except (OSError, http.client.HTTPException):
            if fired.is_set():
                raise TimeoutError(f"{host} did not answer in time") from None
            raise
        if fired.is_set():
            # the shutdown looks like EOF, which ends header parsing "successfully"
            raise TimeoutError(f"{host} did not finish its headers in time")
        body = b""
        if resp.status not in REDIRECT_CODES:
            body = _read_body(resp, max_body, time.monotonic() + timeout * 2, fired)
        return resp.status, resp.msg, body
    finally:
        watchdog.cancel()
        conn.close()


def _read_body(resp, max_body, deadline, fired) -> bytes:
    """Up to ``max_body`` bytes (decompressed); a partial body is fine for sniffing."""
    encoding = (resp.getheader("Content-Encoding") or "").strip().lower()
    inflate = None
    if encoding in ("gzip", "x-gzip"):
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflate = zlib.decompressobj()
    out = bytearray()
    try:
        while len(out) < max_body and time.monotonic() < deadline and not fired.is_set():
            chunk = resp.read1(16384)
            if not chunk:
                break
            if inflate is not None:
                chunk = inflate.decompress(chunk, max_body - len(out))
            out += chunk
    except (OSError, http.client.HTTPException, zlib.error):
        pass  # keep what arrived: status and headers are already known
    return bytes(out[:max_body])


def _connect_any(addresses, port, timeout) -> socket.socket:
    """Connect to the first address that answers (only checked addresses are used)."""
    last: OSError | None = None
    for address in addresses:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect((address, port))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    raise last or OSError(f"no address to connect to on port {port}")


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTPConnection that connects to pre-checked addresses, not to a fresh DNS answer."""

    def __init__(self, host, port, addresses, timeout):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def connect(self):
        self.sock = _connect_any(self._addresses, self.port, self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to pre-checked addresses; certificate still verified against the host name."""

    def __init__(self, host, port, addresses, timeout, context):
        super().__init__(host, port, timeout=timeout, context=context)
        self._addresses = addresses

    def connect(self):
        sock = _connect_any(self._addresses, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
