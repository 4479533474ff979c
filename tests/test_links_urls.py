"""Offline recognition of evidence links (lketool.links.urls)."""
from __future__ import annotations

import pytest

from lketool.links import UrlInfo, classify, extract_urls, is_web_url, looks_like_path

FID = "1AbCdEfGhIjKlMnOpQrStUvWxYz_012345"   # realistic 33-char Drive id
FOLDER = "1XyZ-folderIdAbCdEfGhIjKlMnOpQr"
DOC = "1qW3rTy-UiOpAsDfGhJkLzXcVbNm_1234567890abc"


@pytest.mark.parametrize("url, resource, ident, normalized", [
    (f"https://drive.google.com/file/d/{FID}/view?usp=sharing", "file", FID,
     f"https://drive.google.com/file/d/{FID}/view"),
    (f"https://drive.google.com/file/d/{FID}/view?usp=drive_link", "file", FID,
     f"https://drive.google.com/file/d/{FID}/view"),
    (f"https://drive.google.com/file/d/{FID}/edit", "file", FID, f"https://drive.google.com/file/d/{FID}/view"),
    (f"https://drive.google.com/file/d/{FID}/preview", "file", FID, f"https://drive.google.com/file/d/{FID}/view"),
    (f"https://drive.google.com/file/d/{FID}", "file", FID, f"https://drive.google.com/file/d/{FID}/view"),
    (f"https://drive.google.com/file/u/1/d/{FID}/view?usp=share_link", "file", FID,
     f"https://drive.google.com/file/d/{FID}/view"),
    (f"https://drive.google.com/open?id={FID}", "file", FID, f"https://drive.google.com/file/d/{FID}/view"),
    (f"https://drive.google.com/open?id={FID}&authuser=0", "file", FID,
     f"https://drive.google.com/file/d/{FID}/view"),
    (f"https://drive.google.com/uc?id={FID}&export=download", "file", FID,
     f"https://drive.google.com/file/d/{FID}/view"),
    (f"https://drive.google.com/uc?export=download&id={FID}", "file", FID,
     f"https://drive.google.com/file/d/{FID}/view"),
    (f"https://docs.google.com/uc?id={FID}", "file", FID, f"https://drive.google.com/file/d/{FID}/view"),
    (f"https://drive.usercontent.google.com/download?id={FID}&export=download", "file", FID,
     f"https://drive.google.com/file/d/{FID}/view"),
    (f"https://drive.google.com/file/d/{FID}/view?usp=sharing&resourcekey=0-AbC_dEf", "file", FID,
     f"https://drive.google.com/file/d/{FID}/view?resourcekey=0-AbC_dEf"),
    (f"https://drive.google.com/drive/folders/{FOLDER}?usp=sharing", "folder", FOLDER,
     f"https://drive.google.com/drive/folders/{FOLDER}"),
    (f"https://drive.google.com/drive/folders/{FOLDER}?usp=drive_link", "folder", FOLDER,
     f"https://drive.google.com/drive/folders/{FOLDER}"),
    (f"https://drive.google.com/drive/u/0/folders/{FOLDER}", "folder", FOLDER,
     f"https://drive.google.com/drive/folders/{FOLDER}"),
    (f"https://drive.google.com/drive/u/2/folders/{FOLDER}?usp=share_link", "folder", FOLDER,
     f"https://drive.google.com/drive/folders/{FOLDER}"),
    (f"https://drive.google.com/drive/mobile/folders/{FOLDER}", "folder", FOLDER,
     f"https://drive.google.com/drive/folders/{FOLDER}"),
    (f"https://drive.google.com/folderview?id={FOLDER}", "folder", FOLDER,
     f"https://drive.google.com/drive/folders/{FOLDER}"),
    (f"https://drive.google.com/embeddedfolderview?id={FOLDER}#grid", "folder", FOLDER,
     f"https://drive.google.com/drive/folders/{FOLDER}"),
    (f"https://drive.google.com/drive/folders/{FOLDER}?resourcekey=0-xyz", "folder", FOLDER,
     f"https://drive.google.com/drive/folders/{FOLDER}?resourcekey=0-xyz"),
    ("https://drive.google.com/drive/my-drive", "folder", None, "https://drive.google.com/drive/my-drive"),
])
def test_google_drive_shapes(url, resource, ident, normalized):
    info = classify(url)
    assert (info.kind, info.service, info.resource, info.id) == ("url", "google_drive", resource, ident)
    assert info.normalized_url == normalized
    assert info.is_web and is_web_url(url) and not looks_like_path(url)


def test_share_parameters_are_extracted():
    assert classify(f"https://drive.google.com/file/d/{FID}/view?usp=sharing").usp == "sharing"
    assert classify(f"https://drive.google.com/drive/folders/{FOLDER}?usp=drive_link").usp == "drive_link"
    info = classify(f"https://drive.google.com/file/d/{FID}/view?usp=sharing&resourcekey=0-k")
    assert info.params == {"usp": "sharing", "resourcekey": "0-k"}
    assert classify(f"https://drive.google.com/file/d/{FID}/view").usp is None


def test_same_drive_file_different_share_links_normalize_equal():
    urls = [f"https://drive.google.com/file/d/{FID}/view?usp=sharing",
            f"https://drive.google.com/open?id={FID}",
            f"  https://drive.google.com/file/d/{FID}/view?usp=drive_link  ",
            f"https://drive.google.com/uc?id={FID}&export=download"]
    assert len({classify(u).normalized_url for u in urls}) == 1


@pytest.mark.parametrize("url, service, ident, normalized", [
    (f"https://docs.google.com/document/d/{DOC}/edit?usp=sharing", "google_docs", DOC,
     f"https://docs.google.com/document/d/{DOC}/edit"),
    (f"https://docs.google.com/document/d/{DOC}/edit?usp=drive_link&ouid=1234&rtpof=true&sd=true",
     "google_docs", DOC, f"https://docs.google.com/document/d/{DOC}/edit"),
    (f"https://docs.google.com/document/u/0/d/{DOC}/view", "google_docs", DOC,
     f"https://docs.google.com/document/d/{DOC}/edit"),
    (f"https://docs.google.com/spreadsheets/d/{DOC}/edit#gid=1234567", "google_sheets", DOC,
     f"https://docs.google.com/spreadsheets/d/{DOC}/edit"),
    (f"https://docs.google.com/spreadsheets/d/{DOC}/", "google_sheets", DOC,
     f"https://docs.google.com/spreadsheets/d/{DOC}/edit"),
    (f"https://docs.google.com/presentation/d/{DOC}/edit#slide=id.p1", "google_slides", DOC,
     f"https://docs.google.com/presentation/d/{DOC}/edit"),
    (f"https://docs.google.com/forms/d/e/1FAIpQLSf-AbC123/viewform?usp=sf_link", "google_forms",
     "1FAIpQLSf-AbC123", "https://docs.google.com/forms/d/e/1FAIpQLSf-AbC123/viewform"),
    (f"https://docs.google.com/forms/d/{DOC}/viewform", "google_forms", DOC,
     f"https://docs.google.com/forms/d/{DOC}/viewform"),
    ("https://docs.google.com/document/d/e/2PACX-1vQxyz/pub", "google_docs", "2PACX-1vQxyz",
     "https://docs.google.com/document/d/e/2PACX-1vQxyz/pub"),
    ("https://forms.gle/AbCdEf12345", "google_forms", "AbCdEf12345", "https://forms.gle/AbCdEf12345"),
])
def test_google_editors(url, service, ident, normalized):
    info = classify(url)
    assert (info.kind, info.service, info.resource, info.id) == ("url", service, "document", ident)
    assert info.normalized_url == normalized


def test_legacy_docs_file_link_is_a_drive_file():
    info = classify(f"https://docs.google.com/file/d/{FID}/edit?usp=sharing")
    assert (info.service, info.resource, info.id) == ("google_drive", "file", FID)


@pytest.mark.parametrize("url, resource, ident", [
    ("https://1drv.ms/b/s!AqwErTyUiOpAsDfGhJkL?e=AbC123", "file", "s!AqwErTyUiOpAsDfGhJkL"),
    ("https://1drv.ms/w/s!AqwErTyUiOp-word", "file", "s!AqwErTyUiOp-word"),
    ("https://1drv.ms/x/s!AqwErTyUiOp-xls?e=1", "file", "s!AqwErTyUiOp-xls"),
    ("https://1drv.ms/f/s!AqwErTyUiOpFolder?e=zz", "folder", "s!AqwErTyUiOpFolder"),
    ("https://1drv.ms/f/c/4a5b6c7d8e9f0a1b/EmXyZabc123", "folder", "EmXyZabc123"),
    ("https://1drv.ms/b/c/4a5b6c7d8e9f0a1b/EQabc-def", "file", "EQabc-def"),
    ("https://onedrive.live.com/?authkey=%21AbC&id=4A5B6C7D8E9F0A1B%21123&cid=4A5B6C7D8E9F0A1B",
     None, "4A5B6C7D8E9F0A1B!123"),
    ("https://onedrive.live.com/redir?resid=4A5B6C7D8E9F0A1B!456&authkey=!XyZ&ithint=folder%2C",
     "folder", "4A5B6C7D8E9F0A1B!456"),
    ("https://onedrive.live.com/view.aspx?resid=4A5B6C7D8E9F0A1B!789&ithint=file%2cdocx&authkey=!Q",
     "file", "4A5B6C7D8E9F0A1B!789"),
    ("https://onedrive.live.com/embed?resid=4A5B6C7D8E9F0A1B%21101&authkey=%21Zz", "file",
     "4A5B6C7D8E9F0A1B!101"),
])
def test_onedrive_shapes(url, resource, ident):
    info = classify(url)
    assert (info.kind, info.service, info.resource, info.id) == ("url", "onedrive", resource, ident)
    assert info.normalized_url.startswith("https://")


@pytest.mark.parametrize("url, resource, ident", [
    ("https://kemenkeu.sharepoint.com/:f:/s/ZonaIntegritas/EkAbCdEfGhIjKlMn?e=x1Y2z3", "folder",
     "EkAbCdEfGhIjKlMn"),
    ("https://kemenkeu-my.sharepoint.com/:f:/g/personal/budi_kemenkeu_go_id/EkAbC_dEf?e=Qw", "folder",
     "EkAbC_dEf"),
    ("https://kemenkeu-my.sharepoint.com/:b:/g/personal/budi_kemenkeu_go_id/EaBcDeF-gHi?e=1a2b", "file",
     "EaBcDeF-gHi"),
    ("https://kemenkeu.sharepoint.com/:w:/s/ZI/EfWordDoc123?e=abc", "file", "EfWordDoc123"),
    ("https://kemenkeu.sharepoint.com/:x:/r/sites/ZI/_layouts/15/Doc.aspx?sourcedoc=%7BAB12%7D&file=LKE.xlsx",
     "file", "AB12"),
    ("https://kemenkeu.sharepoint.com/sites/ZI/Shared%20Documents/Forms/AllItems.aspx?id=%2Fsites%2FZI%2FBukti",
     "folder", "/sites/ZI/Bukti"),
    ("https://kemenkeu.sharepoint.com/sites/ZI/_layouts/15/Doc.aspx?sourcedoc={A1B2C3D4-0000-1111}&action=view",
     "file", "A1B2C3D4-0000-1111"),
    ("https://kemenkeu.sharepoint.com/sites/ZI/Shared%20Documents/Area%20I/SK%20Tim.pdf", "file", None),
    ("https://kemenkeu-my.sharepoint.com/personal/budi_kemenkeu_go_id/_layouts/15/onedrive.aspx?id=%2Fpersonal%2Fbudi",
     "folder", "/personal/budi"),
])
def test_sharepoint_shapes(url, resource, ident):
    info = classify(url)
    assert (info.kind, info.service, info.resource, info.id) == ("url", "sharepoint", resource, ident)


@pytest.mark.parametrize("s", [
    "ZONA INTEGRITAS 2022\\AREA I\\x.pdf",
    "D:\\bukti\\a.pdf",
    "D:/bukti/a.pdf",
    "C:\\Users\\Budi\\Documents\\ZI 2023\\Area II\\SK Tim Kerja.docx",
    "\\\\fileserver\\ZI\\Area III\\bukti.pdf",
    "file:///C:/ZI/bukti.pdf",
    "/home/budi/bukti.pdf",
    "./AREA I/a.pdf",
    "AREA I/1.a Tim Kerja/SK.pdf",
    "bukti/lke.xlsx",
    "  \"D:\\bukti\\a.pdf\"  ",
])
def test_local_paths_are_not_web(s):
    assert looks_like_path(s)
    info = classify(s)
    assert info.kind == "path" and info.service is None and info.normalized_url is None
    assert not is_web_url(s)


@pytest.mark.parametrize("s, kind", [
    ("", "empty"), ("   ", "empty"), (None, "empty"),
    ("Terlampir", "text"), ("Ada di folder bukti fisik", "text"), ("SK Kepala Kantor No. 12/2023", "text"),
    ("laporan.xlsx", "text"), ("-", "text"),
    ("mailto:zi@kemenag.go.id", "other_url"), ("ftp://ftp.example.com/x.pdf", "other_url"),
])
def test_text_and_other_schemes(s, kind):
    assert classify(s).kind == kind
    assert not is_web_url(s)


@pytest.mark.parametrize("s, service, normalized", [
    (f"drive.google.com/file/d/{FID}/view?usp=sharing", "google_drive",
     f"https://drive.google.com/file/d/{FID}/view"),
    ("www.kemenag.go.id/berita", "other", "https://www.kemenag.go.id/berita"),
    ("kemenag.go.id/ppid/sk.pdf", "other", "https://kemenag.go.id/ppid/sk.pdf"),
    ("bit.ly/BuktiZI2023", "shortener", "https://bit.ly/BuktiZI2023"),
    ("s.id/lkezi", "shortener", "https://s.id/lkezi"),
])
def test_links_without_scheme_are_web(s, service, normalized):
    info = classify(s)
    assert info.kind == "url" and info.scheme_missing
    assert info.service == service and info.normalized_url == normalized


def test_other_web_urls_normalization_drops_credentials_fragment_default_port():
    info = classify("HTTPS://user:secret@Example.GO.ID:443/Bukti/A.pdf?x=1#page=2")
    assert info == UrlInfo("url", "other", None, None, "https://example.go.id/Bukti/A.pdf?x=1")
    assert "secret" not in info.normalized_url
    assert classify("http://127.0.0.1:8080/a").normalized_url == "http://127.0.0.1:8080/a"
    assert classify("http://[::1]:8080/a").host == "::1"
    assert classify("<https://drive.google.com/drive/folders/" + FOLDER + ">").resource == "folder"


def test_malformed_urls_do_not_raise():
    for s in ["http://", "https://[::1", "http://host:99999/x", "https:// spaced out", "http://a b/c"]:
        assert classify(s).kind in ("text", "url")
        assert classify(s).kind != "url" or classify(s).normalized_url


def test_extract_urls_from_free_text():
    text = (f"Lihat https://drive.google.com/file/d/{FID}/view?usp=sharing, dan juga "
            f"(https://docs.google.com/document/d/{DOC}/edit).\nD:\\lokal\\x.pdf")
    assert extract_urls(text) == [f"https://drive.google.com/file/d/{FID}/view?usp=sharing",
                                  f"https://docs.google.com/document/d/{DOC}/edit"]
    assert extract_urls("https://en.wikipedia.org/wiki/Foo_(bar)") == ["https://en.wikipedia.org/wiki/Foo_(bar)"]
    assert extract_urls("tidak ada tautan") == []
