"""How fast the LKE page is in Chromium (headless, Selenium), served on 127.0.0.1:

* ready, cold: a fresh browser profile opens the page until Python and lketool are
  loaded (everything downloaded);
* ready, cached: the same browser opens it again (the service worker answers);
* per workbook: the samples dropped ``--copies`` times over; the check time of each
  workbook inside the worker, and the wall time of the whole batch.

    python benchmarks/bench_page.py [--site DIR] [--copies 4] [--runs 3]

Without ``--site`` the page is built first (tools/build_page.py, cached downloads)."""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))


def driver(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768",
              f"--user-data-dir={profile}", "--disable-background-networking", "--disable-component-update"):
        o.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def wait(d, script, timeout=300):
    end = time.time() + timeout
    while time.time() < end:
        v = d.execute_script(script)
        if v:
            return v
        time.sleep(0.05)
    raise TimeoutError(script)


def ready_ms(d, url) -> float:
    d.get(url)
    return wait(d, "return window.lkePage && window.lkePage.readyAt")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=None)
    ap.add_argument("--copies", type=int, default=4, help="each sample dropped this many times")
    ap.add_argument("--runs", type=int, default=3, help="cold/cached measurements")
    args = ap.parse_args()
    from lketool.commands.serve import make_server

    tmp = Path(tempfile.mkdtemp(prefix="bench-page-"))
    try:
        site = args.site
        if site is None:
            import build_page

            site = tmp / "site"
            m = build_page.build_site(site, quiet=True)
            print(f"site: {m['raw_bytes'] / 2**20:.1f} MB raw, {m['gzip_bytes'] / 2**20:.1f} MB gzip")
        srv = make_server(site, 0)
        import threading

        threading.Thread(target=srv.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{srv.server_address[1]}/"
        cold, cached, per_wb, batch, stages = [], [], [], [], []
        samples = sorted((ROOT / "samples").glob("*.xlsx"))
        files = tmp / "files"
        files.mkdir()
        dropped = []
        for i in range(args.copies):
            for s in samples:
                dest = files / f"{i:02d}-{s.name}"
                shutil.copy2(s, dest)
                dropped.append(dest)
        for run in range(args.runs):
            d = driver(tmp / f"profile-{run}")
            try:
                cold.append(ready_ms(d, url))
                stages.append(d.execute_script("return window.lkePage.stages"))
                wait(d, "return navigator.serviceWorker.ready.then(r => !!r.active)")
                time.sleep(1)  # let the service worker finish caching
                cached.append(ready_ms(d, url))
                t0 = time.perf_counter()
                d.find_element("id", "file-input").send_keys("\n".join(str(p) for p in dropped))
                wait(d, f"return document.body.dataset.checked === '{len(dropped)}'")
                batch.append(time.perf_counter() - t0)
                per_wb.extend(d.execute_script("return window.lkePage.checkTimes"))
            finally:
                d.quit()
        srv.shutdown()

        def rng(xs, unit="s", scale=1 / 1000):
            xs = [x * scale for x in xs]
            return f"median {statistics.median(xs):.2f} {unit} (min {min(xs):.2f}, max {max(xs):.2f}, n={len(xs)})"

        print(f"ready, cold:   {rng(cold)}")
        print(f"ready, cached: {rng(cached)}")
        for k in ("runtime", "wheels", "imports"):
            print(f"  cold, {k:<8} {rng([s[k] for s in stages])}")
        print(f"check per workbook (in the worker): {rng(per_wb, 'ms', 1)}")
        import os
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"batch of {len(dropped)} workbooks, wall: {rng(batch, 's', 1)} "
              f"= {statistics.median(batch) / len(dropped) * 1000:.0f} ms per workbook")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
