"""Shared fixtures for the ``lketool mail`` tests: fake OUTDIRs, a real SMTP
server (aiosmtpd) on 127.0.0.1, and a throw-away CA + server certificate.

Network traffic stays on 127.0.0.1; ports are chosen by the OS (port 0), so
parallel test runs cannot collide.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import ssl
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_ENV = ("HOST", "PORT", "USER", "SECURITY", "FROM", "PASSWORD")

# --------------------------------------------------------------------------- fixtures
# Imported by the test modules (pytest finds fixtures in a module's namespace).


@pytest.fixture(autouse=True)
def clean_smtp_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own LKETOOL_SMTP_* settings must not leak into tests."""
    for name in SMTP_ENV:
        monkeypatch.delenv("LKETOOL_SMTP_" + name, raising=False)


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> "CertFiles":
    made = make_certs(tmp_path_factory.mktemp("certs"))
    if made is None:
        pytest.skip("missing tool: neither the cryptography package nor the openssl CLI is available to make a "
                    "test certificate")
    return made


# --------------------------------------------------------------------------- OUTDIR


def unit_report(unit: str, key: str, *, total: float | None = 85.12, wbk: bool = True,
                wbbm: bool = False, errors: int = 3, warnings: int = 5,
                kinds: tuple[str, ...] = ("docx", "pdf", "html", "annotated")) -> dict[str, Any]:
    """One manifest entry; its output files are created by :func:`make_outdir`."""
    names = {"docx": f"{key}.docx", "pdf": f"{key}.pdf", "html": f"{key}.html",
             "annotated": f"{key}.annotated.xlsx"}
    return {"unit": unit, "source_file": f"in/{key}.xlsx", "key": key, "total": total,
            "wbk_eligible": wbk, "wbbm_eligible": wbbm, "errors": errors, "warnings": warnings,
            "outputs": {k: names[k] for k in kinds}}


def attachment_bytes(name: str) -> bytes:
    """Distinct, recognisable content per file (binary, so base64 is exercised)."""
    return f"isi {name}\n".encode() + bytes(range(256))


def make_outdir(root: Path, reports: list[dict[str, Any]], failures: list[dict] | None = None) -> Path:
    """Write a fake ``lketool report`` output folder with manifest and files."""
    root.mkdir(parents=True, exist_ok=True)
    for rep in reports:
        for rel in rep["outputs"].values():
            (root / rel).write_bytes(attachment_bytes(rel))
    manifest = {"generated_at": "2026-11-21T10:00:00", "lketool_version": "0.1.0",
                "reports": reports, "failures": failures or []}
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def write_csv(path: Path, rows: list[str], header: str = "unit,email,cc,name") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def standard_outdir(tmp: Path, n: int = 3) -> tuple[Path, Path]:
    """OUTDIR with ``n`` units ``Unit 1..n`` and a CSV giving each one address."""
    reports = [unit_report(f"Unit {i}", f"unit-{i}") for i in range(1, n + 1)]
    outdir = make_outdir(tmp / "out", reports)
    csv = write_csv(tmp / "units.csv", [f"Unit {i},u{i}@unit.go.id,," for i in range(1, n + 1)])
    return outdir, csv


def parse_eml(data: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(data)  # type: ignore[return-value]


def attachments_of(msg: EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in msg.iter_attachments()}


# --------------------------------------------------------------------------- SMTP server


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    """aiosmtpd handler that keeps what it accepted.

    ``reject``: addresses answered with 550 at RCPT.
    ``drop_on``: DATA numbers (1-based, counted over the server's life) at which
    the connection is cut before any reply - the message is *not* accepted.
    ``close_after_each``: hang up right after each accepted message (like a
    server's idle timeout); ``closed`` is set once the line is down.
    """

    reject: set[str] = field(default_factory=set)
    drop_on: set[int] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    close_after_each: bool = False
    data_calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.casefold() in {a.casefold() for a in self.reject}:
            return "550 5.1.1 Mailbox tidak dikenal"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.data_calls += 1
            n = self.data_calls
        if n in self.drop_on:
            server.transport.close()
            return "421 4.3.0 putus"  # never reaches the client: transport is closed
        msg = parse_eml(envelope.original_content)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        if self.close_after_each:
            # Runs after the "250" below has been written to the transport.
            asyncio.get_running_loop().call_soon(self._hang_up, server.transport)
        return "250 OK diterima"

    def _hang_up(self, transport) -> None:
        transport.close()
        self.closed.set()

    def count_by_unit(self) -> dict[str, int]:
        """How many accepted messages carried each unit's name in the subject."""
        counts: dict[str, int] = {}
        for r in self.received:
            unit = str(r.message["Subject"]).split(" - ", 1)[1].split(" (", 1)[0]
            counts[unit] = counts.get(unit, 0) + 1
        return counts

    def deliveries(self) -> dict[str, int]:
        """How many messages each envelope recipient got."""
        counts: dict[str, int] = {}
        for r in self.received:
            for a in r.rcpt_tos:
                counts[a] = counts.get(a, 0) + 1
        return counts


class _PortZeroController(Controller):
    """Binds port 0 (the OS picks a free port) and learns the real port
    before aiosmtpd's start-up probe connects to it."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def _authenticator(user: str, password: str):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)
    return check


@contextmanager
def smtp_server(handler: RecordingHandler, *, tls: ssl.SSLContext | None = None,
                implicit_tls: bool = False, auth: tuple[str, str] | None = None,
                **smtp_kwargs: Any) -> Iterator[int]:
    """Run an SMTP server on 127.0.0.1 and yield its port.

    ``tls`` with ``implicit_tls=False`` offers STARTTLS (and requires it);
    with ``implicit_tls=True`` the whole connection is TLS (port-465 style).
    ``auth`` = (user, password) requires login (over TLS, aiosmtpd's default).
    Other keywords go to aiosmtpd's SMTP class (e.g. ``data_size_limit``).
    """
    kwargs: dict[str, Any] = dict(smtp_kwargs)
    if tls is not None and implicit_tls:
        kwargs["ssl_context"] = tls
    elif tls is not None:
        kwargs.update(tls_context=tls, require_starttls=True)
    if auth is not None:
        kwargs.update(authenticator=_authenticator(*auth), auth_required=True)
        if implicit_tls:
            # aiosmtpd only recognises STARTTLS as "TLS on" and would refuse AUTH
            # on an implicit-TLS connection that is in fact encrypted.
            kwargs["auth_require_tls"] = False
    controller = _PortZeroController(handler, hostname="127.0.0.1", port=0, ready_timeout=5, **kwargs)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def smtp_env(port: int, *, security: str = "none", user: str | None = None,
             password: str | None = None, sender: str = "Tim ZI <zi@instansi.go.id>") -> dict[str, str]:
    env = {"LKETOOL_SMTP_HOST": "127.0.0.1", "LKETOOL_SMTP_PORT": str(port),
           "LKETOOL_SMTP_SECURITY": security, "LKETOOL_SMTP_FROM": sender}
    if user:
        env["LKETOOL_SMTP_USER"] = user
    if password:
        env["LKETOOL_SMTP_PASSWORD"] = password
    return env


# --------------------------------------------------------------------------- certificates


@dataclass(frozen=True)
class CertFiles:
    ca_file: Path
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.cert_file, self.key_file)
        return ctx


def make_certs(directory: Path) -> CertFiles | None:
    """A CA and a server certificate for 127.0.0.1/localhost.

    Uses ``cryptography`` when installed, else the ``openssl`` CLI; returns
    None when neither is available (tests then skip with that reason).
    """
    directory.mkdir(parents=True, exist_ok=True)
    try:
        return _certs_cryptography(directory)
    except ImportError:
        return _certs_openssl(directory)


def _certs_cryptography(d: Path) -> CertFiles:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lketool test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    (d / "ca.pem").write_bytes(ca.public_bytes(pem))
    (d / "server.pem").write_bytes(cert.public_bytes(pem))
    (d / "server.key").write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))
    return CertFiles(d / "ca.pem", d / "server.pem", d / "server.key")


def _certs_openssl(d: Path) -> CertFiles | None:
    import shutil
    import subprocess

    if not shutil.which("openssl"):
        return None

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=30)

    (d / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n"
                               "extendedKeyUsage=serverAuth\n")
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(d / "ca.key"), "-out", str(d / "ca.pem"), "-days", "1", "-subj", "/CN=lketool test CA")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(d / "server.key"), "-out", str(d / "server.csr"), "-subj", "/CN=localhost")
    run("x509", "-req", "-in", str(d / "server.csr"), "-CA", str(d / "ca.pem"), "-CAkey", str(d / "ca.key"),
        "-CAcreateserial", "-out", str(d / "server.pem"), "-days", "1", "-extfile", str(d / "ext.cnf"))
    return CertFiles(d / "ca.pem", d / "server.pem", d / "server.key")


def read_log(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
