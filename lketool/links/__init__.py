"""Evidence link checker: is each bukti dukung link open to evaluators?

A locked Google Drive link is the most common reason evidence is rejected
("pastikan seluruh link drive tidak terkunci").  This package:

* recognises links offline (:func:`classify`, :func:`is_web_url`,
  :func:`looks_like_path`, :func:`extract_urls` -> :class:`UrlInfo`);
* checks them online without cookies or credentials, refusing private network
  addresses, with per-host limits, retries and ``Retry-After``
  (:func:`check_links` -> ``{url: LinkResult}``);
* remembers results on disk for 7 days (:class:`LinkCache`);
* maps statuses to finding codes (:func:`link_problem_code`).

Example::

    from lketool.links import LinkCache, check_links, link_problem_code
    results = check_links(cells, cache=LinkCache())
    for url, r in results.items():
        code = link_problem_code(r.status)   # e.g. "evidence-locked"
        print(url, r.message("id"))

Only the standard library is used.
"""
from __future__ import annotations

from .cache import DEFAULT_MAX_AGE, LinkCache, LinkCacheWarning, default_cache_path
from .checker import DEFAULT_USER_AGENT, check_link, check_links, parse_retry_after
from .guard import AddressPolicy, is_public_address
from .problems import (LOCKED_CODE, NOT_FOUND_CODE, PROBLEM_MESSAGES, UNREACHABLE_CODE,
                       link_problem_code, link_problem_params, problem_message, problem_remedy)
from .results import (ACCESSIBLE, BLOCKED, CACHEABLE, LOCKED, NOT_FOUND, NOT_WEB, SERVER_ERROR,
                      STATUSES, TIMEOUT, UNREACHABLE, LinkResult, status_label)
from .urls import UrlInfo, classify, extract_urls, is_web_url, looks_like_path

__all__ = [
    "check_links", "check_link", "parse_retry_after", "DEFAULT_USER_AGENT",
    "LinkResult", "STATUSES", "status_label", "CACHEABLE",
    "ACCESSIBLE", "LOCKED", "NOT_FOUND", "SERVER_ERROR", "TIMEOUT", "UNREACHABLE", "NOT_WEB", "BLOCKED",
    "LinkCache", "LinkCacheWarning", "default_cache_path", "DEFAULT_MAX_AGE",
    "UrlInfo", "classify", "is_web_url", "looks_like_path", "extract_urls",
    "AddressPolicy", "is_public_address",
    "link_problem_code", "link_problem_params", "problem_message", "problem_remedy", "PROBLEM_MESSAGES",
    "LOCKED_CODE", "NOT_FOUND_CODE", "UNREACHABLE_CODE",
]
