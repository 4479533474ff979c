"""Check many evidence links online: thread pool, per-host limits, retries, cache."""
from __future__ import annotations

import http.client
import random
import socket
import ssl
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Callable, Iterable

from . import detect
from .cache import LinkCache, LinkCacheWarning
from .fetch import BadRedirect, Fetched, TooManyRedirects, fetch
from .guard import AddressPolicy, BlockedAddress, DNSTimeout, Resolver, system_resolver
from .results import BLOCKED, NOT_WEB, TIMEOUT, UNREACHABLE, LinkResult, both, now_iso
from .urls import OTHER, PATH, SHORTENER, UrlInfo, classify

DEFAULT_USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                      "(KHTML, like Gecko) Chrome/124.0 Safari/537.36 lketool-links/0.1")
_RETRY_CODES = frozenset({408, 429, 500, 502, 503, 504})
# The details of resolver failures (lketool.links.summary.is_offline reads them).
# the English details that mean "no DNS" (lketool.links.summary tells an offline machine by them)
DNS_NOT_FOUND_EN = both("links.detail.dns-not-found")[1]
DNS_TIMEOUT_EN = both("links.detail.dns-timeout")[1]


def check_links(urls: Iterable[str], *, timeout: float = 10, retries: int = 2, per_host: int = 2,
                max_workers: int = 8, cache: LinkCache | None = None,
                allow_private: bool | Iterable[str] = False,
                user_agent: str = DEFAULT_USER_AGENT, max_redirects: int = 10,
                max_retry_after: float = 30.0, backoff: float = 1.0,
                resolver: Resolver | None = None,
                progress: Callable[[LinkResult], None] | None = None) -> dict[str, LinkResult]:
    """Check whether each evidence link opens for anyone, without signing in.

    ``urls``: strings as found in the workbook (duplicates, local paths and text
    are fine).  Returns ``{original string: LinkResult}``; every input string is
    a key.  Links with the same normalized URL (e.g. one Drive file shared with
    ``usp=sharing`` and ``usp=drive_link``) are fetched once.

    ``timeout``: seconds per network step (connect, each read; a hop is cut
    after 3x).  ``retries``: extra attempts after a timeout, 408, 429 or 5xx,
    waiting ``backoff`` x 2^n seconds (or the server's ``Retry-After``, capped at
    ``max_retry_after``).  ``per_host``: requests at a time to one host (Google
    Drive rate-limits); ``max_workers``: links checked at a time.  ``cache``:
    a :class:`LinkCache` to reuse fresh results and store new ones (saved at the
    end).  ``allow_private``: False refuses hosts resolving to private,
    loopback, link-local or reserved addresses (status ``blocked``, nothing is
    sent); True allows them; a list of networks (``["10.1.0.0/16"]``) allows just
    those.  ``resolver``: ``f(host, port) -> [ip, ...]`` replacing the system DNS
    (tests, special setups).  ``progress``: called with each result, in the
    calling thread, as results come in.

    No cookies, credentials or proxy settings are ever used.  Every loop is bounded.
    """
    opts = _Options(timeout=float(timeout), retries=max(0, int(retries)),
                    policy=AddressPolicy(allow_private), user_agent=user_agent,
                    max_redirects=max(0, int(max_redirects)),
                    max_retry_after=max(0.0, float(max_retry_after)),
                    backoff=max(0.0, float(backoff)), resolver=_ResolverFailures(resolver or system_resolver),
                    gate=_HostGate(max(1, int(per_host))))
    # A cached answer from a private address is reused only when every address is
    # allowed: with a network allow-list we cannot tell which network it came from.
    allow_cached_private = opts.policy.allow_all
    results: dict[str, LinkResult] = {}
    pending: dict[str, list[tuple[str, UrlInfo]]] = {}  # normalized URL -> originals

    def emit(result: LinkResult) -> None:
        results[result.url] = result
        if progress is not None:
            progress(result)

    seen: dict[str, None] = {}  # insertion-ordered: the answer follows the input order
    for item in urls:
        original = item if isinstance(item, str) else str(item)
        if original in seen:
            continue
        seen[original] = None
        info = classify(original)
        if not info.is_web:
            emit(_not_web(original, info))
            continue
        pending.setdefault(info.normalized_url, []).append((original, info))

    to_fetch: list[str] = []
    for key, group in pending.items():
        cached = cache.get(key, allow_private=allow_cached_private) if cache is not None else None
        if cached is None:
            to_fetch.append(key)
            continue
        for original, _info in group:
            emit(replace(cached, url=original, from_cache=True, elapsed_ms=0))

    pool = ThreadPoolExecutor(max_workers=max(1, int(max_workers)), thread_name_prefix="lketool-links")
    try:
        futures = {pool.submit(_check_one, key, pending[key][0][1], opts): key for key in to_fetch}
        for future in as_completed(futures):
            key = futures[future]
            result, private = future.result()
            if cache is not None:
                cache.put(key, result, private=private)
            for original, _info in pending[key]:
                emit(replace(result, url=original))
    finally:
        # Ctrl-C: drop links not started yet; running ones end within their bounds.
        pool.shutdown(wait=True, cancel_futures=True)
        if cache is not None:
            try:
                cache.save()
            except OSError as exc:
                warnings.warn(f"Cache tautan tidak dapat disimpan / link cache not saved: {exc}",
                              LinkCacheWarning, stacklevel=2)
    return {original: results[original] for original in seen}


def check_link(url: str, **kwargs) -> LinkResult:
    """Check one link; same keywords as :func:`check_links`."""
    return check_links([url], **kwargs)[url if isinstance(url, str) else str(url)]


# --------------------------------------------------------------------------- internals

@dataclass(frozen=True)
class _Options:
    timeout: float
    retries: int
    policy: AddressPolicy
    user_agent: str
    max_redirects: int
    max_retry_after: float
    backoff: float
    resolver: Resolver | None
    gate: "_HostGate"


class _ResolverFailures:
    """The resolver, remembering for this run the hosts it could not resolve: offline,
    a hundred Drive links would otherwise wait for a hundred identical failures."""

    def __init__(self, resolver: Resolver):
        self.resolver = resolver
        self._failed: dict[str, BaseException] = {}
        self._lock = threading.Lock()

    def __call__(self, host: str, port: int) -> list[str]:
        with self._lock:
            failed = self._failed.get(host)
        if failed is not None:
            raise failed
        try:
            return self.resolver(host, port)
        except socket.gaierror as exc:
            self.remember(host, exc)
            raise

    def remember(self, host: str, exc: BaseException) -> None:
        """Fail ``host`` at once from now on (a lookup that timed out, for one)."""
        with self._lock:
            self._failed[host] = exc


class _HostGate:
    """At most ``per_host`` requests at a time to one host, plus a shared pause.

    After a 429 the whole host is paused (not just the one link), because Drive
    throttles per client: other workers hammering it would only prolong the 429s.
    """

    def __init__(self, per_host: int):
        self.per_host = per_host
        self._lock = threading.Lock()
        self._sems: dict[str, threading.BoundedSemaphore] = {}
        self._until: dict[str, float] = {}

    @contextmanager
    def __call__(self, host: str):
        with self._lock:
            sem = self._sems.setdefault(host, threading.BoundedSemaphore(self.per_host))
        with sem:
            # The pause is capped where it is set, and extended only by new 429s,
            # whose number is bounded by the retry limits: this loop ends.
            while True:
                with self._lock:
                    wait = self._until.get(host, 0.0) - time.monotonic()
                if wait <= 0:
                    break
                time.sleep(wait)
            yield

    def pause(self, host: str, seconds: float) -> None:
        with self._lock:
            self._until[host] = max(self._until.get(host, 0.0), time.monotonic() + seconds)


def _check_one(url: str, info: UrlInfo, opts: _Options) -> tuple[LinkResult, bool]:
    """-> (result, whether a private address was contacted)."""
    start = time.monotonic()
    last: tuple | None = None
    for attempt in range(opts.retries + 1):
        try:
            outcome = _attempt(url, opts, attempt)
        except Exception as exc:  # one odd link must not abort a run over hundreds
            outcome = (UNREACHABLE, None, None, f"kesalahan tak terduga ({type(exc).__name__}: {_short(exc)})",
                       f"unexpected error ({type(exc).__name__}: {_short(exc)})", False, None)
        status, http_status, final, detail_id, detail_en, private, retry_wait = outcome
        last = outcome
        if retry_wait is None or attempt == opts.retries:
            break
        time.sleep(retry_wait)
    status, http_status, final, detail_id, detail_en, private, _ = last
    service, resource = info.service, info.resource
    if final and service in (OTHER, SHORTENER):
        # a shortener (bit.ly, s.id) that led to Drive: report what it really is
        target = classify(final)
        if target.service not in (OTHER, SHORTENER, None):
            service, resource = target.service, target.resource
    result = LinkResult(url=url, status=status, http_status=http_status, final_url=final,
                        service=service, resource=resource, detail_id=detail_id,
                        detail_en=detail_en, checked_at=now_iso(),
                        elapsed_ms=int((time.monotonic() - start) * 1000))
    return result, private


def _attempt(url: str, opts: _Options, attempt: int):
    """One try -> (status, http_status, final_url, detail_id, detail_en, private, retry_wait).

    ``retry_wait`` is None when the answer is final, else seconds to wait first.
    """
    # exponential backoff with a little jitter so parallel workers do not retry in step
    backoff = min(opts.backoff * (2 ** attempt) * (1 + random.random() * 0.2), opts.max_retry_after)
    t = opts.timeout
    try:
        f: Fetched = fetch(url, timeout=t, policy=opts.policy, user_agent=opts.user_agent,
                           max_redirects=opts.max_redirects, resolver=opts.resolver, gate=opts.gate)
    except BlockedAddress as exc:
        return (BLOCKED, None, None, *both("links.detail.private-address", address=exc.address), False, None)
    except DNSTimeout as exc:
        if isinstance(opts.resolver, _ResolverFailures):
            opts.resolver.remember(exc.host, exc)
        # no retry: a resolver that does not answer is a machine without network
        return (UNREACHABLE, None, None, *both("links.detail.dns-timeout"), False, None)
    except TimeoutError:
        return (TIMEOUT, None, None, *both("links.detail.no-answer", seconds=f"{t:g}"), False, backoff)
    except ssl.SSLError as exc:
        return (UNREACHABLE, None, None, *both("links.detail.tls", reason=_short(exc)), False, None)
    except socket.gaierror:
        return (UNREACHABLE, None, None, *both("links.detail.dns-not-found"), False, None)
    except ConnectionRefusedError:
        return (UNREACHABLE, None, None, *both("links.detail.connection-refused"), False, None)
    except TooManyRedirects:
        return (UNREACHABLE, None, None, *both("links.detail.too-many-redirects", max=opts.max_redirects), False,
                None)
    except BadRedirect as exc:
        return (UNREACHABLE, None, None, *both("links.detail.bad-redirect", reason=_short(exc)), False, None)
    except (ConnectionError, http.client.HTTPException, OSError) as exc:
        # reset, aborted, closed without answer, unreachable network, ...
        return (UNREACHABLE, None, None, *both("links.detail.connection-failed", reason=_short(exc)), False, None)
    except (ValueError, UnicodeError) as exc:
        # a bad port or an unencodable host name, here or in a redirect target
        return (UNREACHABLE, None, None, *both("links.detail.invalid-link", reason=_short(exc)), False, None)
    status, detail_id, detail_en = detect.classify(f)
    retry_wait = None
    throttled = detect.is_rate_limited(f)
    if throttled or f.status in _RETRY_CODES:
        retry_wait = backoff
        hinted = parse_retry_after(f.headers.get("Retry-After"))
        if hinted is not None and (throttled or f.status == 503):
            retry_wait = hinted
        retry_wait = min(retry_wait, opts.max_retry_after)
        if throttled:
            # pause the host for everyone; our own retry then waits in the gate
            opts.gate.pause(f.host, retry_wait)
            retry_wait = 0.0
    return status, f.status, f.url, detail_id, detail_en, f.private, retry_wait


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date).

    Returns None when absent or unreadable; never negative.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _not_web(original: str, info: UrlInfo) -> LinkResult:
    if info.kind == PATH:
        did, den = both("links.detail.local-path")
    elif info.kind == "empty":
        did, den = both("links.detail.empty")
    else:
        did, den = both("links.detail.not-http")
    return LinkResult(url=original, status=NOT_WEB, detail_id=did, detail_en=den, checked_at=now_iso())
