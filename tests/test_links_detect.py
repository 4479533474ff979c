"""Page classification without a network (lketool.links.detect)."""
from __future__ import annotations

from email.message import Message

import pytest

from lketool.links.detect import classify, is_login_url, is_rate_limited
from lketool.links.fetch import Fetched


def fetched(status=200, url="https://drive.google.com/file/d/x/view", body=b"", ctype="text/html",
            chain=None, **kw):
    headers = Message()
    if ctype:
        headers["Content-Type"] = ctype
    return Fetched(status, url, headers, body, chain or [url], **kw)


def page(title, text=""):
    return f"<html><head><title>{title}</title></head><body>{text}</body></html>".encode()


@pytest.mark.parametrize("url", [
    "https://accounts.google.com/ServiceLogin?service=wise&continue=https://drive.google.com/x",
    "https://accounts.google.com/v3/signin/identifier?continue=x",
    "https://login.microsoftonline.com/common/oauth2/authorize?client_id=x",
    "https://login.live.com/login.srf?wa=wsignin1.0",
    "https://kemenkeu.sharepoint.com/_layouts/15/AccessDenied.aspx?Source=x",
    "https://intranet.example.go.id/_forms/default.aspx?ReturnUrl=/x",
])
def test_known_sign_in_urls(url):
    assert is_login_url(url, redirected=False)
    start = "https://drive.google.com/file/d/x/view"
    assert classify(fetched(200, url, page("whatever"), chain=[start, url]))[0] == "locked"


def test_generic_login_path_counts_only_after_a_redirect():
    assert not is_login_url("https://example.go.id/login", redirected=False)
    assert is_login_url("https://example.go.id/login?next=/a", redirected=True)
    assert classify(fetched(200, "https://example.go.id/auth/login", page("Portal")))[0] == "accessible"


@pytest.mark.parametrize("title, text, status", [
    ("Google Drive: Sign-in", "", "locked"),
    ("Google Drive: Login", "", "locked"),
    ("Sign in - Google Accounts", "", "locked"),
    ("Login – Akun Google", "", "locked"),                      # en dash
    ("Sign in to your account", "", "locked"),                  # Microsoft
    ("Google Drive", "<h1>You need access</h1>", "locked"),
    ("Google Drive", "<h1>Anda memerlukan akses</h1>", "locked"),
    ("SharePoint", "You need permission to access this item.", "locked"),
    ("Google Drive - Page Not Found", "", "not_found"),
    ("Google Drive", "Sorry, the file you have requested does not exist.", "not_found"),
    ("OneDrive", "This item might not exist or is no longer available", "not_found"),
    ("Surat Masuk - Google Dokumen", "Agenda surat masuk dan login pegawai", "accessible"),
    ("Laporan Login Harian.pdf - Google Drive", "", "accessible"),
    ("SK Tim.pdf - Google Drive", "<script>t='You need access'</script><style>a{}</style>", "accessible"),
])
def test_page_content(title, text, status):
    assert classify(fetched(200, body=page(title, text)))[0] == status


def test_markers_are_read_from_html_only():
    pdf = b"%PDF-1.4 You need access " + b"x" * 100
    assert classify(fetched(200, body=pdf, ctype="application/pdf"))[0] == "accessible"
    assert classify(fetched(200, body=page("x", "You need access"), ctype=None))[0] == "locked"


def test_html_entities_and_charset():
    body = "<title>Anda memerlukan akses</title>".encode("utf-16")
    assert classify(fetched(200, body=body, ctype="text/html; charset=utf-16"))[0] == "locked"
    assert classify(fetched(200, body=page("You&nbsp;need&#32;access")))[0] == "locked"
    assert classify(fetched(200, body=page("x"), ctype="text/html; charset=bogus-42"))[0] == "accessible"


@pytest.mark.parametrize("code, status", [
    (401, "locked"), (403, "locked"), (404, "not_found"), (410, "not_found"), (400, "not_found"),
    (408, "timeout"), (429, "server_error"), (500, "server_error"), (503, "server_error"),
    (405, "unreachable"), (204, "accessible"), (206, "accessible"),
])
def test_status_codes(code, status):
    assert classify(fetched(code, body=b"", ctype="text/plain"))[0] == status


def test_google_throttling_is_not_locked():
    sorry = fetched(403, body=page("Sorry...", "Our systems have detected unusual traffic from your "
                                               "computer network."))
    assert is_rate_limited(sorry) and classify(sorry)[0] == "server_error"
    via_redirect = fetched(200, "https://www.google.com/sorry/index?continue=x", page("x"),
                           chain=["https://drive.google.com/file/d/x/view",
                                  "https://www.google.com/sorry/index?continue=x"])
    assert is_rate_limited(via_redirect)
    assert not is_rate_limited(fetched(403, body=page("Forbidden")))


def test_details_are_bilingual():
    status, did, den = classify(fetched(404, body=b"", ctype="text/plain"))
    assert "tidak ditemukan" in did and "not found" in den and "404" in did and "404" in den
