"""Offline recognition of evidence links (no network).

An LKE evidence cell holds anything from a proper Google Drive link to a local
path typed on the unit's laptop (``D:\\bukti\\a.pdf``) or plain text.  This module
tells them apart and, for the services units actually use (Google Drive/Docs,
OneDrive, SharePoint), extracts the file/folder id and share parameters and gives
a normalized URL that is used to de-duplicate and cache online checks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlsplit

# ``kind`` values
URL = "url"              # http/https link (checkable online)
PATH = "path"            # local or network file path, or a file:// URL
OTHER_URL = "other_url"  # a URL with another scheme (mailto:, ftp:, ...)
TEXT = "text"            # anything else
EMPTY = "empty"          # blank cell

# ``service`` values (None when ``kind`` is not URL)
GOOGLE_DRIVE = "google_drive"
GOOGLE_DOCS = "google_docs"
GOOGLE_SHEETS = "google_sheets"
GOOGLE_SLIDES = "google_slides"
GOOGLE_FORMS = "google_forms"
GOOGLE_DRAWINGS = "google_drawings"
ONEDRIVE = "onedrive"
SHAREPOINT = "sharepoint"
SHORTENER = "shortener"  # bit.ly, s.id, ...: the real target is known only online
OTHER = "other"

# ``resource`` values
FILE = "file"
FOLDER = "folder"
DOCUMENT = "document"    # a Google Docs/Sheets/Slides/Forms/Drawings editor item

# Hosts that, typed without "https://", are still clearly meant as web links.
_BARE_HOSTS = re.compile(
    r"^(?:www\.|(?:drive|docs|sites)\.google\.com|forms\.gle|1drv\.ms|onedrive\.live\.com"
    r"|[a-z0-9-]+(?:-my)?\.sharepoint\.com|bit\.ly|s\.id|tinyurl\.com|linktr\.ee"
    # Indonesian government/academic sites and common TLDs: "kemenag.go.id/ppid"
    r"|(?:[a-z0-9-]+\.)+(?:go\.id|ac\.id|co\.id|or\.id|sch\.id|mil\.id|desa\.id|id|com|org|net)"
    r")(?:[/:?#]|$)",
    re.I,
)
_SHORTENERS = {"bit.ly", "s.id", "tinyurl.com", "linktr.ee", "goo.gl", "t.ly", "shorturl.at",
               "cutt.ly", "rebrand.ly", "ow.ly", "is.gd"}
_DRIVE_ID = r"[A-Za-z0-9_-]+"
_DOC_TYPES = {
    "document": GOOGLE_DOCS,
    "spreadsheets": GOOGLE_SHEETS,
    "presentation": GOOGLE_SLIDES,
    "forms": GOOGLE_FORMS,
    "drawings": GOOGLE_DRAWINGS,
}
# Google Docs actions that show the same item to a link viewer; anything else
# (pub, copy, export, htmlview, ...) has its own access rules and is kept as is.
_DOC_SAME_VIEW = {"", "edit", "view", "preview", "mobilebasic"}
# Query parameters Google needs to open a link (link-shared items from before 2021).
_GOOGLE_KEEP_PARAMS = ("resourcekey",)
# OneDrive/SharePoint short-link letter -> resource
_MS_LETTER = {"f": FOLDER}

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:(?:[\\/]|$)")
_FILE_EXT = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'\]\[{}|\\^`]+", re.I)


@dataclass(frozen=True)
class UrlInfo:
    """What an evidence string is.

    ``kind``: ``"url"``, ``"path"``, ``"other_url"``, ``"text"`` or ``"empty"``.
    ``service``: e.g. ``"google_drive"``, ``"google_docs"``, ``"onedrive"``,
    ``"sharepoint"``, ``"shortener"``, ``"other"``; None unless ``kind == "url"``.
    ``resource``: ``"file"``, ``"folder"``, ``"document"`` or None when unknown.
    ``id``: the service's file/folder id (or share token) when one is in the link.
    ``normalized_url``: canonical http(s) URL (same Drive item -> same string) or None.
    ``params``: the link's query parameters (first value each, keys lower-case),
    e.g. ``{"usp": "sharing"}``.  ``scheme_missing``: the string had no
    ``https://`` (e.g. ``drive.google.com/...``) and one was assumed.
    """

    kind: str
    service: str | None = None
    resource: str | None = None
    id: str | None = None
    normalized_url: str | None = None
    params: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    scheme_missing: bool = False

    @property
    def is_web(self) -> bool:
        """True for an http/https link."""
        return self.kind == URL

    @property
    def usp(self) -> str | None:
        """Google's share hint (``sharing``, ``drive_link``, ...) if the link has one."""
        return self.params.get("usp")

    @property
    def host(self) -> str | None:
        """Lower-case host name of the normalized URL."""
        return urlsplit(self.normalized_url).hostname if self.normalized_url else None


def looks_like_path(s: str) -> bool:
    """True if ``s`` looks like a local/network file path rather than a web link.

    Recognises ``D:\\bukti\\a.pdf``, ``ZONA INTEGRITAS 2022\\AREA I\\x.pdf``,
    ``\\\\server\\share\\x``, ``/home/x``, ``./x``, ``~/x``, ``file:///...`` and
    ``AREA I/bukti.pdf`` (slashes and a file extension, first part not a host name).
    """
    s = _clean(s)
    if not s:
        return False
    if _WINDOWS_DRIVE.match(s) or s.startswith(("\\\\", "/", "./", "../", ".\\", "..\\", "~/", "~\\")):
        return True
    if s.lower().startswith("file:"):
        return True
    m = _SCHEME.match(s)
    if m and len(m.group(1)) > 1 and s[m.end():m.end() + 2] == "//":
        return False  # a URL of some scheme
    if "\\" in s:
        return True  # Windows relative path; backslashes never occur in typed URLs
    if _BARE_HOSTS.match(s):
        return False
    if "/" in s and "\n" not in s and _FILE_EXT.search(s.rstrip("/")):
        first = s.split("/", 1)[0]
        # "example.go.id/x.pdf" is a host; "AREA I/x.pdf" or "bukti/x.pdf" is a path
        return not re.fullmatch(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?", first)
    return False


def is_web_url(s: str) -> bool:
    """True if ``s`` is an http/https link (also ``drive.google.com/...`` without scheme)."""
    return classify(s).kind == URL


def extract_urls(text: str) -> list[str]:
    """All http(s) URLs written inside free text, in order, without trailing punctuation.

    Evidence cells sometimes hold several links or a sentence around a link.
    """
    out = []
    for m in _URL_IN_TEXT.finditer(text or ""):
        url = m.group(0).rstrip(".,;:!?")
        # keep a closing parenthesis only when the URL opened one (Wikipedia-style)
        while url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        out.append(url)
    return out


def classify(s: str) -> UrlInfo:
    """Classify one evidence string without touching the network."""
    s = _clean(s)
    if not s:
        return UrlInfo(EMPTY)
    if looks_like_path(s):
        return UrlInfo(PATH)
    scheme_missing = False
    m = _SCHEME.match(s)
    if m and s[m.end():m.end() + 2] == "//":
        scheme = m.group(1).lower()
        if scheme not in ("http", "https"):
            return UrlInfo(OTHER_URL)
    elif m and m.group(1).lower() in ("mailto", "tel", "javascript", "data"):
        return UrlInfo(OTHER_URL)
    elif _BARE_HOSTS.match(s):
        s, scheme_missing = "https://" + s, True
    else:
        return UrlInfo(TEXT)
    if any(c.isspace() for c in s):
        return UrlInfo(TEXT)  # a sentence that starts with a URL; see extract_urls()
    try:
        parts = urlsplit(s)
        host = (parts.hostname or "").lower()
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        return UrlInfo(TEXT)
    if not host:
        return UrlInfo(TEXT)
    params = {k.lower(): v for k, v in reversed(parse_qsl(parts.query, keep_blank_values=True))}
    base = _base_url(parts, host, port)
    service, resource, ident, normalized = _recognise(host, parts.path, params, base, parts)
    return UrlInfo(URL, service, resource, ident, normalized, params, scheme_missing)


# --------------------------------------------------------------------------- helpers

def _clean(s: str) -> str:
    s = ("" if s is None else str(s)).strip().strip("\ufeff\u200b")
    # spreadsheet users wrap links in <...> or quotes
    if len(s) >= 2 and (s[0], s[-1]) in {("<", ">"), ('"', '"'), ("'", "'")}:
        s = s[1:-1].strip()
    return s


def _base_url(parts, host: str, port: int | None) -> str:
    scheme = parts.scheme.lower() or "https"
    netloc = f"[{host}]" if ":" in host else host  # IPv6 literal
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc += f":{port}"
    return f"{scheme}://{netloc}"  # user:password@ is dropped on purpose


def _with_query(url: str, params: dict[str, str], keep) -> str:
    q = "&".join(f"{k}={quote(params[k], safe='')}" for k in keep if params.get(k))
    return f"{url}?{q}" if q else url


def _plain(parts, base: str) -> str:
    """The URL as given, minus credentials and fragment, host lower-cased."""
    return base + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _recognise(host, path, params, base, parts):
    """-> (service, resource, id, normalized_url) for an http(s) URL."""
    plain = _plain(parts, base)
    if host in ("drive.google.com", "docs.google.com", "drive.usercontent.google.com"):
        hit = _google(host, path, params)
        if hit:
            return hit
        if host == "drive.google.com":
            return GOOGLE_DRIVE, None, None, _strip_google(parts, base, params)
    if host == "forms.gle":
        ident = path.strip("/") or None
        return GOOGLE_FORMS, DOCUMENT, ident, plain
    if host == "goo.gl" and path.startswith("/forms/"):
        return GOOGLE_FORMS, DOCUMENT, path.rstrip("/").rsplit("/", 1)[-1] or None, plain
    if host == "1drv.ms":
        return (ONEDRIVE,) + _onedrive_short(path) + (plain,)
    if host in ("onedrive.live.com", "d.docs.live.net") or host.endswith(".onedrive.live.com"):
        return (ONEDRIVE,) + _onedrive_long(path, params) + (plain,)
    if host.endswith(".sharepoint.com") or host == "sharepoint.com":
        return (SHAREPOINT,) + _sharepoint(path, params) + (plain,)
    if host in _SHORTENERS or (host.startswith("www.") and host[4:] in _SHORTENERS):
        return SHORTENER, None, None, plain
    return OTHER, None, None, plain


def _google(host, path, params):
    segs = [unquote(p) for p in path.split("/") if p]
    # drop the account selector: /file/u/0/d/..., /document/u/1/d/..., /drive/u/0/folders/...
    if len(segs) >= 3 and segs[1] == "u" and segs[2].isdigit():
        segs = segs[:1] + segs[3:]
    keep = {k: params[k] for k in _GOOGLE_KEEP_PARAMS if k in params}

    def drive_file(ident):
        return GOOGLE_DRIVE, FILE, ident, _with_query(
            f"https://drive.google.com/file/d/{ident}/view", keep, _GOOGLE_KEEP_PARAMS)

    def drive_folder(ident):
        return GOOGLE_DRIVE, FOLDER, ident, _with_query(
            f"https://drive.google.com/drive/folders/{ident}", keep, _GOOGLE_KEEP_PARAMS)

    if len(segs) >= 3 and segs[0] == "file" and segs[1] == "d" and re.fullmatch(_DRIVE_ID, segs[2]):
        return drive_file(segs[2])
    if segs[:1] == ["drive"]:
        rest = segs[1:]
        if rest[:1] == ["mobile"]:
            rest = rest[1:]
        if len(rest) >= 2 and rest[0] == "folders" and re.fullmatch(_DRIVE_ID, rest[1]):
            return drive_folder(rest[1])
        if rest[:1] in (["my-drive"], ["shared-drives"], ["shared-with-me"]):
            return GOOGLE_DRIVE, FOLDER, None, f"https://drive.google.com/drive/{rest[0]}"
    ident = params.get("id")
    if ident and re.fullmatch(_DRIVE_ID, ident):
        if segs in (["open"], ["uc"], ["download"], ["thumbnail"]):
            return drive_file(ident)
        if segs in (["folderview"], ["embeddedfolderview"]):
            return drive_folder(ident)
    if host == "docs.google.com" and segs and segs[0] in _DOC_TYPES:
        service = _DOC_TYPES[segs[0]]
        if len(segs) >= 4 and segs[1] == "d" and segs[2] == "e":
            # published (/d/e/2PACX-.../pub) or public form (/forms/d/e/.../viewform)
            return service, DOCUMENT, segs[3], _google_doc_url(path, keep)
        if len(segs) >= 3 and segs[1] == "d" and re.fullmatch(_DRIVE_ID, segs[2]):
            action = segs[3] if len(segs) > 3 else ""
            if action in _DOC_SAME_VIEW and service != GOOGLE_FORMS:
                url = f"https://docs.google.com/{segs[0]}/d/{segs[2]}/edit"
                return service, DOCUMENT, segs[2], _with_query(url, keep, _GOOGLE_KEEP_PARAMS)
            return service, DOCUMENT, segs[2], _google_doc_url(path, keep)
        return service, DOCUMENT, None, _google_doc_url(path, keep)
    return None


def _google_doc_url(path, keep):
    return _with_query("https://docs.google.com" + path.rstrip("/"), keep, _GOOGLE_KEEP_PARAMS)


def _strip_google(parts, base, params):
    keep = {k: params[k] for k in _GOOGLE_KEEP_PARAMS if k in params}
    return _with_query(base + (parts.path or "/"), keep, _GOOGLE_KEEP_PARAMS)


def _onedrive_short(path):
    # 1drv.ms/b/s!AbCd...  (classic)   1drv.ms/f/c/<cid>/<token>  (2024 format)
    segs = [p for p in path.split("/") if p]
    if len(segs) >= 2 and len(segs[0]) == 1:
        resource = _MS_LETTER.get(segs[0].lower(), FILE)
        return resource, segs[-1]
    return None, segs[-1] if segs else None


def _onedrive_long(path, params):
    ident = params.get("resid") or params.get("id") or None
    hint = (params.get("ithint") or "").lower()
    resource = FOLDER if hint.startswith("folder") else FILE if hint.startswith("file") else None
    if resource is None and ident and path.rstrip("/").lower() in ("/view.aspx", "/edit.aspx", "/download", "/embed"):
        resource = FILE
    if ident is None:
        segs = [p for p in path.split("/") if p]
        if len(segs) >= 2 and len(segs[0]) == 1:  # onedrive.live.com/:f:/... share shape
            return _MS_LETTER.get(segs[0].strip(":").lower(), FILE), segs[-1]
    return resource, ident


def _sharepoint(path, params):
    # Sharing links: /:f:/s/Site/<token>, /:b:/g/personal/<user>/<token>, /:w:/r/sites/...
    m = re.match(r"^/:([a-z]):/([a-z])/(.+)$", path, re.I)
    if m:
        resource = _MS_LETTER.get(m.group(1).lower(), FILE)
        if m.group(2).lower() == "r":
            # "/:x:/r/sites/..." wraps a full path: take the id from that path
            return resource, _sharepoint("/" + m.group(3), params)[1]
        return resource, unquote(m.group(3).rstrip("/").rsplit("/", 1)[-1])
    low = unquote(path).lower()
    if low.endswith("/forms/allitems.aspx") or "/_layouts/15/onedrive.aspx" in low:
        return FOLDER, params.get("id") or None
    if "/_layouts/15/doc.aspx" in low or "/_layouts/15/wopiframe.aspx" in low or "/_layouts/15/doc2.aspx" in low:
        return FILE, (params.get("sourcedoc") or "").strip("{}") or params.get("file") or None
    last = unquote(path.rstrip("/").rsplit("/", 1)[-1])
    if _FILE_EXT.search(last) and not last.lower().endswith(".aspx"):
        return FILE, None
    return None, None
