"""The page as a person uses it, in Debian's Chromium (headless, Selenium): the built
site served on 127.0.0.1, the samples dropped through the file input, the shown
results compared with ``lketool score --format json``, the downloads opened with
openpyxl, no request leaving the origin, a hostile unit name shown as text, and
screenshots at laptop and phone size.

Browser downloads are not observable here: the page keeps the bytes of its last
download in ``window.lkePage.lastDownload`` (base64), which the tests read."""
from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest

from page_helpers import (CHROMEDRIVER, CHROMIUM, ROOT, SAMPLES, RecordingProxy, Server, built_site, missing,
                          need_tool)

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("LKETOOL_PAGE_SHOTS", ROOT / "out" / "page-screenshots"))
TIMEOUT = 180  # seconds: Pyodide on a busy 2-core machine can take 20 s to start


def _driver(width=1366, height=768, proxy=None):
    need_tool("chromium", CHROMIUM)
    need_tool("chromedriver", CHROMEDRIVER)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing("selenium is not installed")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}",
              "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--disable-default-apps", "--no-pings",
              "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-breakpad",
              "--metrics-recording-only", "--safebrowsing-disable-auto-update",
              "--disable-features=Translate,OptimizationHints,OptimizationGuideModelDownloading,MediaRouter,NetworkTimeServiceQuerying,CertificateTransparencyComponentUpdater,AutofillServerCommunication"):
        opts.add_argument(a)
    if proxy is not None:
        opts.add_argument(f"--proxy-server=http://{proxy.address}")
        opts.add_argument("--proxy-bypass-list=<-loopback>")
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def wait_for(driver, script, *args, timeout=TIMEOUT, what=""):
    end = time.time() + timeout
    while time.time() < end:
        value = driver.execute_script(script, *args)
        if value:
            return value
        time.sleep(0.2)
    state = driver.execute_script("return document.getElementById('engine').textContent + ' | ' + "
                                  "document.getElementById('progress-text').textContent")
    raise AssertionError(f"timed out waiting for {what or script} ({state})")


def wait_checked(driver, n):
    wait_for(driver, f"return document.body.dataset.checked === '{n}' && document.body.dataset.total === '{n}'",
             what=f"{n} files checked")


@pytest.fixture(scope="module")
def server():
    srv = Server(built_site())
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def proxy(server):
    p = RecordingProxy(server.url)
    yield p
    p.close()


@pytest.fixture(scope="module")
def page(server, proxy):
    """One browser with every sample dropped right after the page opened (while Python
    is still loading: they must be queued, not lost).  Its every request goes through
    the recording proxy."""
    d = _driver(proxy=proxy)
    try:
        d.get(server.url)
        queued_before_ready = d.execute_script("return document.getElementById('engine').dataset.state") == "loading"
        d.find_element("id", "file-input").send_keys("\n".join(str(s) for s in SAMPLES))
        wait_checked(d, len(SAMPLES))
        d.queued_before_ready = queued_before_ready
        yield d
    finally:
        d.quit()


@pytest.fixture(scope="module")
def cli():
    p = subprocess.run([sys.executable, "-m", "lketool", "score", "--format", "json", *[str(s) for s in SAMPLES]],
                       capture_output=True, text=True, cwd=ROOT)
    return {Path(r["file"]).name: r for r in json.loads(p.stdout)["results"]}


def _select(driver, name):
    row = driver.execute_script(
        "return [...document.querySelectorAll('#recap-table tbody tr')]"
        ".find(tr => tr.querySelector('td.file').textContent === arguments[0])", name)
    assert row is not None, name
    row.click()
    wait_for(driver, "return !document.getElementById('detail').hidden && "
                     "document.getElementById('detail-file').textContent.includes(arguments[0])", name)


def _text(driver, selector):
    return driver.execute_script("return document.querySelector(arguments[0]).textContent", selector)


def _last_download(driver, before=None):
    got = wait_for(driver, "const d = window.lkePage.lastDownload; return d && d.name !== arguments[0] ? d : null",
                   before, what="a download")
    return got["name"], base64.b64decode(got["base64"])


def test_shown_results_equal_the_command_line(page, cli):
    from lketool import display as show

    assert page.queued_before_ready, "the files were meant to be dropped while Python was loading"
    assert _text(page, "#progress-text").startswith("5 dari 5")
    for s in SAMPLES:
        expect = cli[s.name]
        _select(page, s.name)
        assert _text(page, "#detail-unit") == expect["unit"]
        assert _text(page, "#total") == show.number(expect["scores"]["total"], 2, "id")
        lines = page.execute_script(
            "return [...document.querySelectorAll('#verdict-lines .verdict-line')].map(e => e.textContent)")
        assert lines == expect["verdict"]["lines"]
        statuses = page.execute_script(
            "return Object.fromEntries([...document.querySelectorAll('#verdict .pred')]"
            ".map(e => [e.dataset.key, e.dataset.status]))")
        assert statuses == {k: expect["verdict"][k]["status"] for k in ("wbk", "wbbm")}
        shown_rows = page.execute_script(
            "return [...document.querySelectorAll('#score-table tbody tr')].map(tr => tr.dataset.key)")
        assert shown_rows == [r["key"] for r in expect["score_rows"]]
        n = len(expect["problems"])
        assert _text(page, "#findings-count").startswith(f"{n} dari {n}")


def test_findings_filters(page, cli):
    from selenium.webdriver.support.ui import Select

    name = SAMPLES[3].name  # the messy one
    _select(page, name)
    probs = cli[name]["problems"]
    Select(page.find_element("id", "filter-severity")).select_by_value("warning")
    shown = page.execute_script("return [...document.querySelectorAll('#findings .problem')].map(e => e.dataset.severity)")
    assert shown == ["warning"] * sum(1 for p in probs if p["severity"] == "warning")
    Select(page.find_element("id", "filter-severity")).select_by_value("")
    total = len(page.find_elements("css selector", "#findings .problem"))
    assert total == len(probs)
    Select(page.find_element("id", "filter-area")).select_by_value("MP")
    in_mp = len(page.find_elements("css selector", "#findings .problem"))
    assert 0 < in_mp < total
    Select(page.find_element("id", "filter-area")).select_by_value("")
    # a finding shows its cell, item and the full question
    first = page.execute_script(
        "const p = [...document.querySelectorAll('#findings .problem')].find(e => e.dataset.code === 'evidence-missing');"
        "return [p.querySelector('.where').textContent, p.querySelector('.item').textContent,"
        " p.querySelector('.question').textContent]")
    assert first[0].startswith("LKE ZI!") and first[1].startswith("[") and first[2].startswith("Pertanyaan: ")
    # the full question is shown unless the message already quotes it whole
    rows = page.execute_script(
        "return [...document.querySelectorAll('#findings .problem[data-code=\"answer-missing\"]')].map(e => "
        "[e.querySelector('.message').textContent, e.querySelector('.question') ? "
        "e.querySelector('.question').textContent : null])")
    assert any(q is None for _, q in rows)
    for message, q in rows:
        if q is not None:
            assert q.removeprefix("Pertanyaan: ") not in message


def _basis_total(r):
    """The total a verdict rests on: the TPI's when the workbook carries TPI answers."""
    return (r["tpi_scores"] if r["verdict"]["basis"] == "tpi" else r["scores"])["total"]


def test_recap_table_sorts(page, cli):
    page.find_element("css selector", "#recap-table th button[data-sort='total']").click()
    totals = page.execute_script(
        "return [...document.querySelectorAll('#recap-table td.total .value')].map(e => e.textContent)")
    want = sorted(cli.values(), key=_basis_total)
    from lketool import display as show
    assert totals == [show.number(_basis_total(r), 2, "id") for r in want]
    page.find_element("css selector", "#recap-table th button[data-sort='total']").click()
    totals_desc = page.execute_script(
        "return [...document.querySelectorAll('#recap-table td.total .value')].map(e => e.textContent)")
    assert totals_desc == list(reversed(totals))


def test_recap_table_says_whose_answers_decided(page, cli):
    """The "Dasar putusan" column, in the recap workbook's words, and the total beside a TPI
    verdict: the TPI's, with the unit's own total under it, labelled."""
    from lketool import display as show
    from lketool.i18n import t

    heads = page.execute_script("return [...document.querySelectorAll('#recap-table thead th')].map(e => e.textContent)")
    assert t("recap.col.basis", "id") == "Dasar putusan" and "Dasar putusan" in heads
    rows = page.execute_script(
        "return [...document.querySelectorAll('#recap-table tbody tr')].map(tr => [tr.querySelector('td.file')"
        ".textContent, tr.querySelector('td.basis').textContent, tr.querySelector('td.total .value').textContent,"
        " (tr.querySelector('td.total .total-note') || {}).textContent || ''])")
    assert len(rows) == len(cli)
    seen_tpi = False
    for name, basis, total, note in rows:
        r = cli[name]
        b = r["verdict"]["basis"]
        assert basis == t(f"recap.basis.{b}", "id")
        assert total == show.number(_basis_total(r), 2, "id")
        if b == "tpi":
            seen_tpi = True
            assert total != show.number(r["scores"]["total"], 2, "id")  # sample 05: the TPI total differs
            assert note == f"mandiri {show.number(r['scores']['total'], 2, 'id')}"
        else:
            assert note == ""
    assert seen_tpi  # the samples include a PortalRB workbook with TPI answers


def test_downloads_open_with_openpyxl(page, cli):
    name = SAMPLES[3].name
    _select(page, name)
    before = page.execute_script("return window.lkePage.lastDownload && window.lkePage.lastDownload.name")
    page.find_element("id", "dl-annotated").click()
    fname, data = _last_download(page, before)
    assert fname == name.replace(".xlsx", "-diperiksa.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == "Hasil Pemeriksaan"
    comments = {c.coordinate for row in wb["LKE ZI"].iter_rows() for c in row if c.comment is not None}
    assert {p["cell"] for p in cli[name]["problems"] if p["sheet"] == "LKE ZI" and p["cell"]} <= comments

    page.find_element("id", "dl-recap").click()
    fname, data = _last_download(page, fname)
    assert fname == "Rekap-LKE.xlsx"
    recap = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert "Ringkasan" in recap.sheetnames
    text = " ".join(str(c) for row in recap["Ringkasan"].iter_rows(values_only=True) for c in row if c is not None)
    for r in cli.values():
        assert r["unit"] in text

    page.find_element("id", "dl-json").click()
    fname, data = _last_download(page, fname)
    got = json.loads(data)["results"][0]
    assert got["scores"]["total"] == pytest.approx(cli[name]["scores"]["total"], rel=1e-12)
    page.find_element("id", "dl-report").click()
    fname, data = _last_download(page, fname)
    assert fname.endswith("-laporan.html") and cli[name]["unit"] in data.decode("utf-8")


# Chromium's own services (component updater, sign-in, network time) still call home
# with every switch against it set; their requests carry none of the Sec-Fetch headers
# that anything a web page, its worker or its service worker fetches carries.
BROWSER_SERVICES = ("google.com", "googleapis.com", "gvt1.com", "gstatic.com")


def _browser_own(method, url, headers):
    host = (urlsplit(url).hostname or url.split(":")[0]).lower()
    return (host.endswith(BROWSER_SERVICES) and "sec-fetch-site" not in headers
            and "origin" not in headers and "referer" not in headers)


def test_no_request_leaves_the_origin_and_nothing_is_posted(page, server, proxy):
    origin = urlsplit(server.url)
    # Everything the browser fetched while the page loaded, checked the samples and made
    # the downloads: from the page, the worker (Pyodide, the wheels) and the service worker.
    seen = [r for r in proxy.requests if not _browser_own(*r)]
    paths = {urlsplit(u).path for _, u, _ in seen}
    assert {"/", "/worker.js", "/pyodide/pyodide.asm.wasm", "/files.json"} <= paths, sorted(paths)
    assert any(p.startswith("/wheels/lketool-") for p in paths)
    assert any(h.get("sec-fetch-dest") == "worker" for _, _, h in seen)  # the worker's requests are here too
    for method, url, headers in seen:
        u = urlsplit(url)
        assert (u.scheme, u.netloc) == (origin.scheme, origin.netloc), url
        assert method == "GET", (method, url)
    # and the page's own network log (the CDP view of its requests) agrees
    logged = 0
    for entry in page.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            logged += 1
            req = msg["params"]["request"]
            u = urlsplit(req["url"])
            assert u.scheme in ("data", "blob") or (u.scheme, u.netloc) == (origin.scheme, origin.netloc), req["url"]
            assert req["method"] == "GET", req["url"]
    assert logged >= 3


def test_the_proxy_would_see_a_request_to_elsewhere(server, proxy):
    # The check above is only as good as the proxy: a fetch the page makes to another
    # origin must show up in it (CSP blocks it in the page, so try from a blank tab).
    d = _driver(proxy=proxy)
    try:
        d.get("http://elsewhere.invalid/nothing")  # another origin: reaches only the proxy
    except Exception:
        pass
    finally:
        d.quit()
    assert any(urlsplit(u).netloc == "elsewhere.invalid" and not _browser_own(m, u, h) for m, u, h in proxy.requests)


def test_hostile_unit_name_is_shown_as_text(server, tmp_path):
    wb = openpyxl.load_workbook(SAMPLES[0])
    wb["LKE ZI"]["C2"] = "<script>alert(1)</script>"
    evil = tmp_path / "<b>unit<i> & co.xlsx"
    wb.save(evil)
    d = _driver()
    try:
        d.get(server.url)
        d.find_element("id", "file-input").send_keys(f"{evil}\n{SAMPLES[1]}")
        wait_checked(d, 2)
        _select(d, evil.name)
        assert _text(d, "#detail-unit") == "<script>alert(1)</script>"
        cell = d.execute_script("return [...document.querySelectorAll('#recap-table td.unit')]"
                                ".map(e => e.textContent)")
        assert "<script>alert(1)</script>" in cell
        assert d.execute_script("return document.querySelectorAll('main script, main b').length") == 0
        from selenium.common.exceptions import NoAlertPresentException
        with pytest.raises(NoAlertPresentException):
            d.switch_to.alert.text
    finally:
        d.quit()


def test_a_broken_file_does_not_stop_the_rest(server, tmp_path):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a workbook")
    d = _driver()
    try:
        d.get(server.url)
        d.find_element("id", "file-input").send_keys(str(bad))  # alone: its reason is shown
        wait_checked(d, 1)
        assert "rusak.xlsx" in _text(d, "#failure-list")
        from lketool.api import check_file
        native = check_file(bad).error
        shown = _text(d, "#failure-list")
        assert native.message("id") in shown and native.remedy("id") in shown  # what is wrong, what to do
        d.find_element("id", "file-input").send_keys(f"{SAMPLES[0]}\n{SAMPLES[1]}")
        wait_checked(d, 3)
        assert "rusak.xlsx" in _text(d, "#failure-list")
        totals = d.execute_script("return [...document.querySelectorAll('#recap-table td.total')]"
                                  ".map(e => e.textContent).filter(Boolean)")
        assert len(totals) == 2
    finally:
        d.quit()


def test_folder_picker_takes_only_workbooks(server, cli):
    d = _driver()
    try:
        d.get(server.url)
        # samples/ holds the five workbooks and a README.md, which is skipped
        d.find_element("id", "folder-input").send_keys(str(ROOT / "samples"))
        wait_checked(d, len(SAMPLES))
        files = d.execute_script("return [...document.querySelectorAll('#recap-table td.file')].map(e => e.textContent)")
        assert sorted(files) == sorted(f"samples/{s.name}" for s in SAMPLES)
        assert "1 berkas bukan .xlsx/.xlsm dilewati" in _text(d, "#progress-text")
        _select(d, f"samples/{SAMPLES[0].name}")
        assert _text(d, "#detail-unit") == cli[SAMPLES[0].name]["unit"]
    finally:
        d.quit()


def test_drag_and_drop(server, cli):
    d = _driver()
    try:
        d.get(server.url)
        data = base64.b64encode(SAMPLES[2].read_bytes()).decode()
        # a drop event carrying a file, as the browser makes one when a file is dragged in
        d.execute_script("""
            const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], arguments[1]));
            const zone = document.getElementById('drop');
            zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
        """, data, SAMPLES[2].name)
        wait_checked(d, 1)
        assert _text(d, "#detail-unit") == cli[SAMPLES[2].name]["unit"]
    finally:
        d.quit()


def test_keyboard_and_language_switch(page):
    from selenium.webdriver.common.keys import Keys

    rows = page.find_elements("css selector", "#recap-table tbody tr")
    want = rows[1].find_element("css selector", "td.file").text
    rows[1].send_keys(Keys.ENTER)  # the rows are focusable; Enter opens one
    wait_for(page, "return document.querySelector('#recap-table tbody tr[aria-selected=\"true\"] td.file')"
                   ".textContent === arguments[0]", want)
    assert want in _text(page, "#detail-file")
    page.find_element("id", "lang-en").click()
    wait_for(page, "return document.documentElement.lang === 'en' && "
                   "document.getElementById('verdict-lines').textContent.includes('Eligibility')")
    assert "not uploaded" in _text(page, "#privacy")
    # the catalogue's words (messages.json), static and worded at run time, switch too
    from lketool.page import page_messages

    words = page_messages()
    n = len(SAMPLES)
    assert _text(page, "#progress-text") == words["en"]["progress"].format(done=n, total=n)
    assert _text(page, "#recap-table th button[data-sort='basis']") == "Verdict basis"
    assert _text(page, "#dl-recap") == words["en"]["dlRecap"]
    assert _text(page, "#verdict h3") == words["en"]["verdictTitle"]
    page.find_element("id", "lang-id").click()
    wait_for(page, "return document.getElementById('verdict-lines').textContent.includes('Kelayakan')")
    assert "tidak diunggah ke mana pun" in _text(page, "#privacy")
    assert _text(page, "#progress-text") == words["id"]["progress"].format(done=n, total=n)
    assert _text(page, "#recap-table th button[data-sort='basis']") == "Dasar putusan"
    assert _text(page, "#verdict h3") == words["id"]["verdictTitle"]


def test_screenshots_at_laptop_and_phone_size(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    _select(page, SAMPLES[3].name)
    for w, h, name in ((1366, 768, "page-1366x768"), (390, 844, "page-390x844")):
        page.set_window_size(w, h)
        inner = page.execute_script("return document.documentElement.clientWidth")
        page.execute_script("window.scrollTo(0, 0)")
        page.save_screenshot(str(SHOTS / f"{name}.png"))
        page.execute_script("document.getElementById('detail').scrollIntoView({block: 'start'})")
        page.save_screenshot(str(SHOTS / f"{name}-unit.png"))
        for f in (f"{name}.png", f"{name}-unit.png"):
            assert (SHOTS / f).stat().st_size > 10_000
        # nothing wider than the screen at either size (no sideways scrolling)
        overflow = page.execute_script("return document.documentElement.scrollWidth") - inner
        wide = page.execute_script(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
            "document.documentElement.clientWidth + 1 && !e.closest('.table-wrap, pre')).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)")
        assert overflow <= 1, (w, overflow, wide)
    page.set_window_size(1366, 768)


def test_works_offline_after_the_first_visit(server):
    d = _driver()
    try:
        d.get(server.url)
        wait_for(d, "return document.getElementById('engine').dataset.state === 'ready'", what="ready")
        # the service worker has cached the whole site
        wait_for(d, "return navigator.serviceWorker.ready.then(r => !!r.active)", what="service worker")
        wait_for(d, "return caches.keys().then(k => Promise.all(k.map(n => caches.open(n).then(c => c.keys()))))"
                    ".then(l => l.flat().length >= 15)", what="the cache")
        d.execute_cdp_cmd("Network.enable", {})
        d.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, "latency": 0,
                                                               "downloadThroughput": -1, "uploadThroughput": -1})
        d.get(server.url)
        wait_for(d, "return document.getElementById('engine').dataset.state === 'ready'", what="ready offline")
        d.find_element("id", "file-input").send_keys(str(SAMPLES[0]))
        wait_checked(d, 1)
        assert _text(d, "#detail-unit") == "RSUD Kota Contoh"
    finally:
        d.quit()


def test_chart_draws_the_rubrics_minimums(page, cli):
    """The chart's dashed lines, their labels and the bar colours follow the rubric's area
    minimums handed over by the bridge (nothing typed in app.js)."""
    from lketool import display as show
    from lketool.rubric import load_rubric

    mins = sorted(float(c["min"]) for p in load_rubric().predicates.values() for c in p["criteria"]
                  if c["metric"] == "area_share")
    name = SAMPLES[0].name
    _select(page, name)
    labels = page.execute_script("return [...document.querySelectorAll('#chart svg > text')].map(e => e.textContent)")
    assert labels[:len(mins)] == [f"{k} {show.percent(m, 0, 'id')}" for k, m in zip(("WBK", "WBBM"), mins)]
    assert len(page.find_elements("css selector", "#chart svg line")) == len(mins)
    # bars: red below every minimum, blue from the lowest, green from the highest
    fills = page.execute_script("return [...document.querySelectorAll('#chart svg rect')]"
                                ".map(e => e.getAttribute('fill')).filter(f => f !== '#eef1f5' && f !== '#8fa3bf')")
    shares = [a["share"] for a in cli[name]["scores"]["areas"]]
    colour = {0: "#b42318", 1: "#0b5cad", 2: "#1e7b34"}
    assert fills == [colour[sum(s >= m for m in mins)] for s in shares]
    page.find_element("id", "lang-en").click()
    wait_for(page, "return document.documentElement.lang === 'en' && "
                   "document.querySelector('#chart svg > text').textContent === arguments[0]",
             f"WBK {show.percent(mins[0], 0, 'en')}")
    page.find_element("id", "lang-id").click()
    wait_for(page, "return document.documentElement.lang === 'id'")
