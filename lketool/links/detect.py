"""Turn an HTTP answer into a link status.

Status codes are not enough: a private Google Drive link answers *200* with a
sign-in page (after a redirect to ``accounts.google.com/ServiceLogin``), and a
signed-in "request access" page is also a 200.  So we look at where the redirect
chain ended and at the title/visible text of the first 64 KB of HTML.
"""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from .fetch import LOGIN_HOSTS, Fetched
from .results import ACCESSIBLE, LOCKED, NOT_FOUND, SERVER_ERROR, TIMEOUT, UNREACHABLE, both

# Paths of sign-in pages on any host (Google, Microsoft, SharePoint on-premises).
_LOGIN_PATH = re.compile(
    r"/(?:servicelogin|v3/signin|signin/|interactivelogin|_forms/default\.aspx"
    r"|_layouts/\d+/authenticate\.aspx|_layouts/\d+/accessdenied\.aspx|oauth2/)",
    re.I,
)
# Generic sign-in paths count only when a redirect led there: a site that sends an
# evidence link to its login page has locked it.
_GENERIC_LOGIN_PATH = re.compile(r"(?:^|/)(?:login|signin|sign-in|sso|auth)(?:[/.?]|$)", re.I)

# Markers are compared lower-case with dashes and spaces normalised.
_NOT_FOUND_TITLE = ("page not found", "halaman tidak ditemukan", "404 not found", "error 404",
                    "file not found", "file tidak ditemukan", "berkas tidak ditemukan")
_NOT_FOUND_TEXT = (
    "the file you have requested does not exist",         # Google Drive
    "file yang anda minta tidak ada",                      # Google Drive (id)
    "this item might not exist or is no longer available",  # OneDrive / SharePoint
    "item ini mungkin tidak ada atau tidak lagi tersedia",
    "we couldn't find this item", "kami tidak dapat menemukan item ini",
)
# Sign-in page titles; "masuk"/"login" alone are not enough ("Surat Masuk" is a
# normal document title), so only whole sign-in titles are listed.
_SIGNIN_TITLES = ("sign in - google accounts", "masuk - akun google", "login - akun google",
                  "sign in to your account", "masuk ke akun anda")
_SIGNIN_TITLE = re.compile(r"^google [a-z ]+: ?(?:sign-in|sign in|login|masuk)$")
_LOCKED_TITLE = (
    "you need access", "anda memerlukan akses",
    "anda perlu akses", "request access", "minta akses", "access denied", "akses ditolak",
    "you need permission", "anda memerlukan izin",
)
_LOCKED_TEXT = (
    "you need access", "anda memerlukan akses", "anda perlu akses", "minta akses",
    "request access", "ask for access", "you need permission to access this item",
    "anda memerlukan izin untuk mengakses item ini",
    "to continue to google drive", "untuk melanjutkan ke google drive",
    "to continue to google docs", "untuk melanjutkan ke google dokumen",
    "sign in to continue to", "login untuk melanjutkan ke", "masuk untuk melanjutkan ke",
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_INVISIBLE = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_DASH = re.compile(r"[\u2010-\u2015\u2212]")



def is_login_url(url: str, redirected: bool = True) -> bool:
    """True if ``url`` is a sign-in page (known sign-in host or sign-in path)."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() in LOGIN_HOSTS:
        return True
    if _LOGIN_PATH.search(parts.path):
        return True
    return redirected and bool(_GENERIC_LOGIN_PATH.search(parts.path))


def page_text(body: bytes, charset: str = "utf-8") -> tuple[str, str]:
    """(title, visible text) of an HTML body, lower-case, whitespace and dashes normalised.

    Scripts and styles are dropped because Google pages carry translation tables
    in them that mention "request access" even on pages that open fine.
    """
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    m = _TITLE.search(text)
    title = _norm(html.unescape(_TAG.sub(" ", m.group(1)))) if m else ""
    visible = _norm(html.unescape(_TAG.sub(" ", _INVISIBLE.sub(" ", text))))
    return title, visible


def _norm(s: str) -> str:
    return _SPACE.sub(" ", _DASH.sub("-", s)).strip().lower()


def _looks_html(f: Fetched) -> bool:
    if f.content_type in ("text/html", "application/xhtml+xml"):
        return True
    if f.content_type:
        return False
    head = f.body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


# Google's "unusual traffic" block (403/429 page or a redirect to /sorry/): it means
# *we* are throttled, not that the evidence is locked.
_RATE_LIMIT_TEXT = ("unusual traffic", "automated queries", "lalu lintas yang tidak biasa",
                    "kueri otomatis")


def is_rate_limited(f: Fetched) -> bool:
    """True when the answer says the checker is being throttled (retry later)."""
    if f.status == 429:
        return True
    if urlsplit(f.url).path.startswith("/sorry/"):
        return True
    if f.status in (403, 503) and f.body and _looks_html(f):
        title, visible = page_text(f.body, f.charset)
        return any(m in visible or m in title for m in _RATE_LIMIT_TEXT)
    return False


def classify(f: Fetched) -> tuple[str, str, str]:
    """-> (status, detail_id, detail_en) for a fetched chain (no exceptions)."""
    code = f.status
    redirected = len(f.chain) > 1
    if is_rate_limited(f):
        return SERVER_ERROR, *both("links.detail.rate-limited", code=code)
    if f.stopped_at_login or is_login_url(f.url, redirected):
        return LOCKED, *both("links.detail.login")
    if code in (401, 403, 407):
        return LOCKED, *both("links.detail.access-refused", code=code)
    if code in (404, 410):
        return NOT_FOUND, *both("links.detail.not-found", code=code)
    if code == 408:
        return TIMEOUT, *both("links.detail.http-timeout")
    if code in (400, 451):
        return NOT_FOUND, *both("links.detail.invalid-http", code=code)
    if code >= 500:
        return SERVER_ERROR, *both("links.detail.server-error", code=code)
    if code >= 400 or code < 200:
        return UNREACHABLE, *both("links.detail.request-refused", code=code)
    if code >= 300:
        return UNREACHABLE, *both("links.detail.incomplete-redirect", code=code)
    if _looks_html(f) and f.body:
        title, visible = page_text(f.body, f.charset)
        if any(m in title for m in _NOT_FOUND_TITLE) or any(m in visible for m in _NOT_FOUND_TEXT):
            return NOT_FOUND, *both("links.detail.deleted")
        if _SIGNIN_TITLE.search(title) or any(m in title for m in _SIGNIN_TITLES):
            return LOCKED, *both("links.detail.signin-page")
        if any(m in title for m in _LOCKED_TITLE) or any(m in visible for m in _LOCKED_TEXT):
            return LOCKED, *both("links.detail.need-access")
    return ACCESSIBLE, *both("links.detail.opens", code=code)
