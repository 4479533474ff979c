"""The page's interface words live in the message catalogue (``page.*`` keys, id + en), not
in ``app.js``: the page loads them as ``messages.json`` (written by tools/build_page.py from
:func:`lketool.page.page_messages`)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from lketool import i18n
from lketool.page import PAGE_ALIASES, PAGE_DIR, page_messages

APP = (PAGE_DIR / "app.js").read_text(encoding="utf-8")
INDEX = (PAGE_DIR / "index.html").read_text(encoding="utf-8")
# Literals app.js used to carry (its former table of words and the download names): none may return.
FORMER = ["Periksa LKE Zona Integritas", "Berkas Anda tidak diunggah ke mana pun",
          "Letakkan workbook LKE (.xlsx) di sini", "Pilih berkas", "Pilih folder", "Menyiapkan pemeriksa",
          "Pemeriksa siap", "berkas diperiksa", "Unduh rekap (.xlsx)", "Kesalahan", "Peringatan",
          "Berkas yang tidak dapat dibaca", "Salinan beranotasi", "Laporan HTML", "Capaian per area",
          "Tingkat", "Semua", "Laporan Word/PDF dan email", "Kesimpulan", "diperiksa…", "menunggu", "gagal",
          "Tidak ada temuan.", "Pertanyaan", "Perbaikan", "Menyiapkan unduhan", "Unduhan gagal",
          "Seperti dicetak lketool score", "Tidak dapat dibaca", "Dasar putusan", "Rekap-LKE.xlsx",
          "-diperiksa.xlsx", "-laporan.html", "Check a Zona Integritas LKE", "Verdict basis", "LKE-recap.xlsx"]


def _literals(js: str) -> list[str]:
    """Every string literal of a script ("...", '...', `...`), comments left out."""
    js = re.sub(r"^\s*//.*$", "", js, flags=re.M)
    js = re.sub(r"\s//\s.*$", "", js, flags=re.M)
    return [m.group(2) for m in re.finditer(r"([\"'`])((?:\\.|(?!\1).)*)\1", js)]


def _used_keys() -> set[str]:
    keys = set(re.findall(r"\bt\(\s*\"([A-Za-z]+)\"", APP))
    keys |= set(re.findall(r'data-i18n="([A-Za-z]+)"', INDEX))
    return keys


def test_app_js_has_no_hard_coded_interface_words():
    lits = _literals(APP)
    assert lits, "no literals found: the parser is broken"
    stray = [w for w in FORMER if any(w in lit for lit in lits)]
    assert stray == []
    # nor any other text of the catalogue's page words (long enough to be a phrase)
    for lang in ("id", "en"):
        for key, text in page_messages()[lang].items():
            plain = re.sub(r"\{\w+\}", "", text).strip()
            if " " in plain and len(plain) > 8:
                assert not any(plain in lit for lit in lits), (lang, key, plain)


def test_every_key_the_page_uses_is_in_both_catalogues():
    used = _used_keys()
    assert {"title", "privacy", "readyIn", "colBasis", "fileAnnotated", "sevError", "total"} <= used
    for lang in ("id", "en"):
        cat = i18n.messages(lang)  # no fallback: each language must have its own text
        missing = sorted(k for k in used if f"page.{k}" not in cat and PAGE_ALIASES.get(k) not in cat)
        assert missing == [], (lang, missing)
    # every page.* word is used (none left behind by a removed feature)
    unused = sorted(k[len("page."):] for k in i18n.messages("id") if k.startswith("page.")
                    and k[len("page."):] not in used and k != "page.selfTotal")  # selfTotal: worded by the bridge
    assert unused == []


def test_page_messages_match_in_both_languages_and_differ_where_they_should():
    m = page_messages()
    assert set(m) >= {"id", "en"} and set(m["id"]) == set(m["en"])
    assert m["id"]["colBasis"] == i18n.t("recap.col.basis", "id") == "Dasar putusan"  # the recap's words
    assert m["en"]["colBasis"] == i18n.t("recap.col.basis", "en")
    assert m["id"]["privacy"] != m["en"]["privacy"]
    for key, text in m["id"].items():  # the same {fields} in both, so t() fills both
        assert i18n.fields(text) == i18n.fields(m["en"][key]), key
    json.dumps(m)


class _Words(HTMLParser):
    def __init__(self):
        super().__init__()
        self.words, self._key, self._buf = {}, None, []

    def handle_starttag(self, tag, attrs):
        key = dict(attrs).get("data-i18n")
        if key:
            self._key, self._buf = key, []

    def handle_data(self, data):
        if self._key:
            self._buf.append(data)

    def handle_endtag(self, tag):
        if self._key:
            self.words.setdefault(self._key, " ".join("".join(self._buf).split()))
            self._key = None


def test_index_html_shows_the_catalogue_words_before_they_load():
    """index.html's own words (shown until messages.json has loaded) are the catalogue's."""
    p = _Words()
    p.feed(INDEX)
    assert len(p.words) > 20
    m = page_messages()["id"]
    assert {k: v for k, v in p.words.items()} == {k: m[k] for k in p.words}
