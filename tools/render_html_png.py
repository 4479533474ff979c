#!/usr/bin/env python3
"""Screenshot an HTML report in headless Chromium, so its layout can be looked at.

    python tools/render_html_png.py report.html report.png [--width 1200 --height 2400]

Needs Debian's ``chromium`` (``apt-get install -y chromium``).  A private, throw-away
profile is used and every background network feature is off; the page itself is a
local file (reports have no network references)."""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


def render(html: Path, png: Path, width: int = 1200, height: int = 2400, timeout: float = 120) -> Path:
    """Write a ``width`` x ``height`` screenshot of ``html`` to ``png``."""
    exe = find_chromium()
    if exe is None:
        raise SystemExit("chromium tidak ditemukan; pasang dengan: apt-get install -y chromium")
    png = png.resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lketool-chromium-") as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size={width},{height}",
               html.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not png.is_file():
        raise SystemExit(f"chromium tidak menghasilkan {png} (kode {proc.returncode}):\n{proc.stderr[-2000:]}")
    return png


def render_print(html: Path, out_prefix: Path, timeout: float = 120) -> list[Path]:
    """Print ``html`` to PDF as a browser would (``@media print``), then turn each page
    into ``<out_prefix>-N.png`` with pdftoppm (poppler-utils), to check the printed layout."""
    exe = find_chromium()
    if exe is None:
        raise SystemExit("chromium tidak ditemukan; pasang dengan: apt-get install -y chromium")
    pdf = out_prefix.with_suffix(".pdf").resolve()
    with tempfile.TemporaryDirectory(prefix="lketool-chromium-") as profile:
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run",
                        f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                        html.resolve().as_uri()], capture_output=True, text=True, timeout=timeout)
    if not pdf.is_file():
        raise SystemExit(f"chromium tidak menghasilkan {pdf}")
    if shutil.which("pdftoppm") is None:
        return [pdf]
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(out_prefix)], check=True, timeout=timeout)
    return sorted(out_prefix.parent.glob(out_prefix.name + "-*.png"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html", type=Path)
    ap.add_argument("png", type=Path)
    ap.add_argument("--width", type=int, default=1200)
    ap.add_argument("--height", type=int, default=2400)
    ap.add_argument("--print-pages", action="store_true",
                    help="also print to PDF (print CSS) and write one PNG per page beside PNG")
    a = ap.parse_args(argv)
    print(render(a.html, a.png, a.width, a.height))
    if a.print_pages:
        for p in render_print(a.html, a.png.with_suffix("")):
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
