"""Issue 17 section 4: mail transport failures against a real aiosmtpd on 127.0.0.1 - a
server without STARTTLS or without AUTH, TLS spoken to a plain server, a server that is
not SMTP at all, and a failure in the middle of a send.  Each is a plain message, exit
2 (settings) or 1 (some units failed), and nothing is marked sent that did not arrive."""
from __future__ import annotations

import socket
import threading
from pathlib import Path

from click.testing import CliRunner
from mail_helpers import (  # noqa: F401  (certs/clean_smtp_env are fixtures)
    RecordingHandler,
    certs,
    clean_smtp_env,
    read_log,
    smtp_env,
    smtp_server,
    standard_outdir,
)

from lketool.cli import main


def send(outdir: Path, csv: Path, env: dict[str, str], *extra: str):
    args = ["mail", "--recipients", str(csv), "--reports", str(outdir), "--send", "--rate", "0",
            "--timeout", "5", *extra]
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


def _sent(outdir: Path) -> list[str]:
    log = outdir / "sendlog.jsonl"
    return [e["unit"] for e in read_log(log) if e["state"] == "sent"] if log.exists() else []


def test_server_without_starttls(tmp_path: Path) -> None:
    outdir, csv = standard_outdir(tmp_path, 2)
    handler = RecordingHandler()
    with smtp_server(handler) as port:  # plain server: no STARTTLS offered
        r = send(outdir, csv, smtp_env(port, security="starttls"))
    assert r.exit_code == 2, r.output
    assert "tidak menawarkan STARTTLS" in r.stderr and "Traceback" not in r.output
    assert handler.received == [] and _sent(outdir) == []


def test_server_without_auth(tmp_path: Path) -> None:
    outdir, csv = standard_outdir(tmp_path, 1)
    handler = RecordingHandler()
    with smtp_server(handler) as port:  # no authenticator: AUTH is not offered
        r = send(outdir, csv, smtp_env(port, user="zi-user", password="rahasia"))
    assert r.exit_code == 2, r.output
    assert "tidak menawarkan login (AUTH)" in r.stderr
    assert "rahasia" not in r.output
    assert handler.received == [] and _sent(outdir) == []


def test_implicit_tls_against_a_plain_server_is_a_tls_error(tmp_path: Path) -> None:
    outdir, csv = standard_outdir(tmp_path, 1)
    handler = RecordingHandler()
    with smtp_server(handler) as port:
        r = send(outdir, csv, smtp_env(port, security="ssl"))
    assert r.exit_code == 2, r.output
    assert "TLS" in r.stderr and "Traceback" not in r.output
    assert handler.received == [] and _sent(outdir) == []


def test_implicit_tls_with_an_untrusted_certificate_is_refused(tmp_path: Path, certs) -> None:
    # The server's certificate is signed by a CA the client was not given (no --cafile):
    # the TLS handshake fails verification and is refused, never bypassed.
    outdir, csv = standard_outdir(tmp_path, 1)
    handler = RecordingHandler()
    with smtp_server(handler, tls=certs.server_context(), implicit_tls=True) as port:
        r = send(outdir, csv, smtp_env(port, security="ssl"))
    assert r.exit_code == 2
    assert "tidak dapat diverifikasi" in r.stderr
    assert handler.received == [] and _sent(outdir) == []


def _not_smtp_server() -> tuple[int, threading.Event]:
    """A TCP server on 127.0.0.1 that answers with an HTTP line and hangs up."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    stop = threading.Event()

    def serve():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        srv.close()

    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1], stop


def test_a_server_that_is_not_smtp(tmp_path: Path) -> None:
    outdir, csv = standard_outdir(tmp_path, 2)
    port, stop = _not_smtp_server()
    try:
        r = send(outdir, csv, smtp_env(port))
    finally:
        stop.set()
    assert r.exit_code in (1, 2), r.output
    assert "Traceback" not in r.output
    assert _sent(outdir) == []


def test_failure_mid_send_marks_only_what_arrived(tmp_path: Path) -> None:
    outdir, csv = standard_outdir(tmp_path, 3)
    handler = RecordingHandler(drop_on={1, 2, 3, 4, 5, 6})  # every DATA is cut before the reply
    with smtp_server(handler) as port:
        r = send(outdir, csv, smtp_env(port))
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    assert handler.received == []
    assert _sent(outdir) == []
    assert "[GAGAL] Unit 1" in r.output
