"""``lketool serve``: serve a built LKE page (``tools/build_page.py``) on this computer.

Only 127.0.0.1 is listened on: the page is for the person at this computer.  An
inspectorate that wants the page for everyone puts the built folder on any static web
server instead (docs/page.md); there is no server code to secure, as nothing is ever
uploaded."""
from __future__ import annotations

import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click

#: Content types the page needs right (a module worker and WebAssembly refuse others).
MIME_TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
              ".json": "application/json", ".css": "text/css", ".html": "text/html",
              ".whl": "application/zip", ".zip": "application/zip", ".svg": "image/svg+xml",
              ".png": "image/png", "": "application/octet-stream"}


class PageHandler(SimpleHTTPRequestHandler):
    """Static files with correct MIME types; no directory listings; quiet log."""

    extensions_map = dict(SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES)

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        # the page and its service worker are re-validated, so a rebuilt site is picked up
        if self.path.split("?")[0] in ("/", "/index.html", "/sw.js", "/files.json"):
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def list_directory(self, path):  # noqa: D401 - the site is not a file browser
        self.send_error(404)
        return None

    def do_POST(self) -> None:  # nothing is ever uploaded
        self.send_error(405)

    do_PUT = do_DELETE = do_PATCH = do_POST

    def log_message(self, format: str, *args) -> None:
        pass


def make_server(site: Path, port: int = 8765) -> ThreadingHTTPServer:
    """An HTTP server for ``site`` on 127.0.0.1:``port`` (0: any free port), not started."""
    handler = functools.partial(PageHandler, directory=str(site))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def check_site(site: Path, lang: str = "id") -> str | None:
    """Why ``site`` is not a built page (in ``lang``), or None when it is."""
    from lketool.i18n import t

    if not site.is_dir():
        return t("serve.no-folder", lang, site=site)
    if not (site / "index.html").is_file() or not (site / "files.json").is_file():
        return t("serve.not-site", lang, site=site)
    return None


@click.command("serve")
@click.option("--site", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder hasil tools/build_page.py.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port di 127.0.0.1 (0: port bebas mana pun).")
@click.option("--no-browser", is_flag=True, help="Jangan buka peramban.")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Bahasa pesan: id (Indonesia) atau en (English).")
def command(site: Path, port: int, no_browser: bool, lang: str) -> None:
    """Sajikan halaman LKE (hasil tools/build_page.py) di komputer ini, 127.0.0.1 saja.

    Berkas Anda tidak diunggah ke mana pun: pemeriksaan berjalan di peramban."""
    from lketool.i18n import t

    problem = check_site(site, lang)
    if problem:
        raise click.UsageError(problem)
    try:
        server = make_server(site, port)
    except OSError as exc:
        raise click.UsageError(t("serve.port", lang, port=port, reason=exc.strerror))
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    click.echo(t("serve.url", lang, url=url))
    click.echo(t("serve.private", lang))
    if not no_browser:
        import webbrowser

        threading.Timer(0.3, lambda: webbrowser.open(url)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.exit(0)
