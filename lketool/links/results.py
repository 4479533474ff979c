"""Link check statuses and the :class:`LinkResult` record (status labels from the catalogue)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from typing import Any

from lketool.i18n import t, template

ACCESSIBLE = "accessible"      # opens without signing in
LOCKED = "locked"              # needs sign-in / not shared / 401 / 403
NOT_FOUND = "not_found"        # 404 / 410 / "file does not exist"
SERVER_ERROR = "server_error"  # 5xx, or still rate-limited (429) after retries
TIMEOUT = "timeout"            # no answer within the timeout
UNREACHABLE = "unreachable"    # DNS, refused/reset connection, TLS error, redirect loop
NOT_WEB = "not_web"            # not an http/https link (local path, text, mailto:, ...)
BLOCKED = "blocked"            # resolves to a private/loopback/link-local address

STATUSES = (ACCESSIBLE, LOCKED, NOT_FOUND, SERVER_ERROR, TIMEOUT, UNREACHABLE, NOT_WEB, BLOCKED)

# Results worth remembering between runs; transient failures are checked again.
CACHEABLE = frozenset({ACCESSIBLE, LOCKED, NOT_FOUND})



def both(key: str, /, **params: Any) -> tuple[str, str]:
    """The (``detail_id``, ``detail_en``) pair of a result: the catalogue text of ``key``
    (``links.detail.*``) in Indonesian and in English.  A result keeps both (they are
    cached and compared), worded from the catalogue, never typed here."""
    return t(key, "id", **params), t(key, "en", **params)


def status_label(status: str, lang: str = "id") -> str:
    """Short label of a status in ``lang`` (catalogue ``links.status.<status>``); an unknown
    status is shown as it is."""
    return template(f"links.status.{status}", lang, default=status)


def now_iso() -> str:
    """Current UTC time as ISO 8601 (seconds), the format of ``checked_at``."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class LinkResult:
    """Outcome of checking one link.

    ``url`` is the string exactly as given to :func:`check_links`; ``status`` one
    of :data:`STATUSES`; ``http_status`` the last HTTP status seen (None if no
    answer); ``final_url`` where the redirect chain ended; ``service`` and
    ``resource`` as in :class:`~lketool.links.urls.UrlInfo`; ``detail_id`` /
    ``detail_en`` a short reason (fits the core ``{detail}`` message parameter);
    ``checked_at`` ISO 8601 UTC; ``elapsed_ms`` time spent (0 for offline and
    cached results); ``from_cache`` True when taken from :class:`LinkCache`.
    """

    url: str
    status: str
    http_status: int | None = None
    final_url: str | None = None
    service: str | None = None
    resource: str | None = None
    detail_id: str = ""
    detail_en: str = ""
    checked_at: str = ""
    elapsed_ms: int = 0
    from_cache: bool = False

    @property
    def ok(self) -> bool:
        """True when the link opens for anyone (status ``accessible``)."""
        return self.status == ACCESSIBLE

    def label(self, lang: str = "id") -> str:
        """Short status label in ``lang`` (Indonesian by default)."""
        return status_label(self.status, lang)

    def detail(self, lang: str = "id") -> str:
        """The reason in the requested language."""
        return self.detail_en if _lang(lang) == "en" else self.detail_id

    def message(self, lang: str = "id") -> str:
        """One line for users, e.g. ``"Terkunci: dialihkan ke halaman login ..."``."""
        detail = self.detail(lang)
        return f"{self.label(lang)}: {detail}" if detail else self.label(lang)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (used by the cache and for reports)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "LinkResult":
        """Inverse of :meth:`to_dict`; unknown keys are ignored (forward compatible)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def _lang(lang: str) -> str:
    return "en" if str(lang).lower().startswith("en") else "id"
