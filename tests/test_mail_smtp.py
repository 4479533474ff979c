"""``lketool mail --send`` against a real SMTP server (aiosmtpd on 127.0.0.1).

Every message the server accepts is parsed back with :mod:`email` and
counted, so "nothing lost, nothing twice" is checked on what actually arrived.
"""
from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from mail_helpers import (  # noqa: F401  (certs/clean_smtp_env are fixtures)
    RecordingHandler,
    attachment_bytes,
    attachments_of,
    certs,
    clean_smtp_env,
    make_outdir,
    read_log,
    smtp_env,
    smtp_server,
    standard_outdir,
    unit_report,
    write_csv,
)

from lketool.cli import main
from lketool.mailer import transport as transport_mod

SECRET = "s3kr3t-Pa55-xyz"


def send(outdir: Path, csv: Path, env: dict[str, str], *extra: str, input: str | None = None):
    args = ["mail", "--recipients", str(csv), "--reports", str(outdir), "--send", "--rate", "0",
            "--timeout", "5", *extra]
    return CliRunner().invoke(main, args, env=env, input=input, catch_exceptions=False)


def states(log: Path) -> list[tuple[str, str]]:
    return [(e["unit"], e["state"]) for e in read_log(log)]


def test_plain_send_delivers_recipients_subject_body_attachments(tmp_path: Path) -> None:
    reports = [unit_report("Dinas Contoh", "dinas", total=85.12, wbk=True, errors=3, warnings=5),
               unit_report("Biro Umum", "biro", total=60.0, wbk=False)]
    outdir = make_outdir(tmp_path / "out", reports)
    csv = write_csv(tmp_path / "u.csv", ['dinas contoh,"a@dinas.go.id;b@dinas.go.id",c@x.go.id,Kepala Dinas',
                                         "Biro Umum,biro@x.go.id,,"])
    handler = RecordingHandler()
    with smtp_server(handler) as port:
        r = send(outdir, csv, smtp_env(port), "--attach", "pdf,annotated")
        assert r.exit_code == 0, r.output
        assert "Ringkasan: 2 terkirim, 0 dilewati (sudah terkirim), 0 gagal." in r.output

        by_subject = {str(m.message["Subject"]): m for m in handler.received}
        assert len(handler.received) == 2
        dinas = by_subject["Hasil Evaluasi LKE Zona Integritas - Dinas Contoh (Menuju WBK: MEMENUHI; Menuju WBBM: BELUM MEMENUHI)"]
        assert sorted(dinas.rcpt_tos) == ["a@dinas.go.id", "b@dinas.go.id", "c@x.go.id"]
        assert dinas.mail_from == "zi@instansi.go.id"
        msg = dinas.message
        assert msg["To"] == "a@dinas.go.id, b@dinas.go.id" and msg["Cc"] == "c@x.go.id"
        assert msg["From"] == "Tim ZI <zi@instansi.go.id>"
        text = msg.get_body(("plain",)).get_content()
        assert "Yth. Kepala Dinas," in text and "85,12" in text and "Peringatan       : 5" in text
        assert attachments_of(msg) == {"dinas.pdf": attachment_bytes("dinas.pdf"),
                                       "dinas.annotated.xlsx": attachment_bytes("dinas.annotated.xlsx")}
        log = outdir / "sendlog.jsonl"
        entries = read_log(log)
        assert [e["state"] for e in entries] == ["queued", "sent", "queued", "sent"]
        assert entries[1]["key"] == msg["X-LKE-Key"] and len(entries[1]["key"]) == 64
        assert sorted(entries[1]["accepted"]) == ["a@dinas.go.id", "b@dinas.go.id", "c@x.go.id"]

        # Rerun: everything already sent is skipped; nothing arrives twice.
        r2 = send(outdir, csv, smtp_env(port), "--attach", "pdf,annotated")
        assert r2.exit_code == 0
        assert "Ringkasan: 0 terkirim, 2 dilewati" in r2.output
        assert handler.count_by_unit() == {"Dinas Contoh": 1, "Biro Umum": 1}

        # A new report file is a new message (new key), so it is sent.
        (outdir / "biro.pdf").write_bytes(b"laporan biro versi 2")
        r3 = send(outdir, csv, smtp_env(port), "--attach", "pdf,annotated")
        assert "Ringkasan: 1 terkirim, 1 dilewati" in r3.output
        assert handler.count_by_unit() == {"Dinas Contoh": 1, "Biro Umum": 2}


def test_starttls_with_authentication_verifies_certificate(tmp_path: Path, certs) -> None:
    outdir, csv = standard_outdir(tmp_path, 2)
    handler = RecordingHandler()
    with smtp_server(handler, tls=certs.server_context(), auth=("zi-user", SECRET)) as port:
        env = smtp_env(port, security="starttls", user="zi-user", password=SECRET)
        r = send(outdir, csv, env, "--cafile", str(certs.ca_file))
        assert r.exit_code == 0, r.output
        assert handler.count_by_unit() == {"Unit 1": 1, "Unit 2": 1}
    # The password is nowhere: output, send log, anything written in OUTDIR.
    assert SECRET not in r.output
    for f in outdir.rglob("*"):
        if f.is_file():
            assert SECRET.encode() not in f.read_bytes(), f


def test_starttls_without_trusted_ca_is_refused_not_bypassed(tmp_path: Path, certs) -> None:
    outdir, csv = standard_outdir(tmp_path, 1)
    handler = RecordingHandler()
    with smtp_server(handler, tls=certs.server_context()) as port:
        r = send(outdir, csv, smtp_env(port, security="starttls"))
    assert r.exit_code == 2
    assert "tidak dapat diverifikasi" in r.stderr and "--cafile" in r.stderr
    assert handler.received == []
    assert all(e["state"] != "queued" for e in read_log(outdir / "sendlog.jsonl"))


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_ssl_mode(tmp_path: Path, certs) -> None:
    outdir, csv = standard_outdir(tmp_path, 1)
    handler = RecordingHandler()
    with smtp_server(handler, tls=certs.server_context(), implicit_tls=True, auth=("u", SECRET)) as port:
        cfg = tmp_path / "smtp.toml"
        # cafile relative to the config file
        cfg.write_text(f'host = "127.0.0.1"\nport = {port}\nsecurity = "ssl"\nuser = "u"\n'
                       f'from = "zi@instansi.go.id"\ncafile = "{certs.ca_file.as_posix()}"\n')
        r = send(outdir, csv, {"LKETOOL_SMTP_PASSWORD": SECRET}, "--config", str(cfg))
        assert r.exit_code == 0, r.output
        assert handler.count_by_unit() == {"Unit 1": 1}


def test_wrong_password_is_a_config_error(tmp_path: Path, certs) -> None:
    outdir, csv = standard_outdir(tmp_path, 2)
    handler = RecordingHandler()
    with smtp_server(handler, tls=certs.server_context(), auth=("u", SECRET)) as port:
        r = send(outdir, csv, smtp_env(port, security="starttls", user="u", password="salah-" + SECRET),
                 "--cafile", str(certs.ca_file))
    assert r.exit_code == 2
    assert "Login SMTP ditolak" in r.stderr and "535" in r.stderr
    assert SECRET not in r.output
    assert handler.received == []


def test_password_prompt_when_not_in_environment(tmp_path: Path, certs) -> None:
    outdir, csv = standard_outdir(tmp_path, 1)
    handler = RecordingHandler()
    with smtp_server(handler, tls=certs.server_context(), auth=("u", SECRET)) as port:
        r = send(outdir, csv, smtp_env(port, security="starttls", user="u"), "--cafile", str(certs.ca_file),
                 input=SECRET + "\n")
        assert r.exit_code == 0, r.output
        assert "Kata sandi SMTP untuk u" in r.output
        assert SECRET not in r.output  # hidden input is not echoed
        assert handler.count_by_unit() == {"Unit 1": 1}


def test_refused_recipient_is_failed_not_sent_and_retried_alone(tmp_path: Path) -> None:
    outdir = make_outdir(tmp_path / "out", [unit_report("Unit A", "a"), unit_report("Unit B", "b")])
    csv = write_csv(tmp_path / "u.csv", ['Unit A,"baik@x.go.id;salah@x.go.id",,', "Unit B,b@x.go.id,,"])
    handler = RecordingHandler(reject={"salah@x.go.id"})
    log = outdir / "sendlog.jsonl"
    with smtp_server(handler) as port:
        r = send(outdir, csv, smtp_env(port))
        assert r.exit_code == 1
        assert "[SEBAGIAN] Unit A: terkirim ke baik@x.go.id; ditolak: salah@x.go.id (550 5.1.1" in r.output
        assert "Ringkasan: 1 terkirim, 0 dilewati (sudah terkirim), 1 gagal." in r.output
        partial = [e for e in read_log(log) if e["state"] == "partial"]
        assert partial and partial[0]["accepted"] == ["baik@x.go.id"]
        assert list(partial[0]["refused"]) == ["salah@x.go.id"]

        # Still refused: only the refused address is tried again, and it fails.
        r2 = send(outdir, csv, smtp_env(port))
        assert r2.exit_code == 1
        assert "[GAGAL] Unit A: semua penerima ditolak server" in r2.output
        assert "[DILEWATI] Unit B" in r2.output

        # Mailbox fixed on the server side: the rest is delivered, nobody twice.
        handler.reject.clear()
        r3 = send(outdir, csv, smtp_env(port))
        assert r3.exit_code == 0, r3.output
        assert handler.deliveries() == {"baik@x.go.id": 1, "salah@x.go.id": 1, "b@x.go.id": 1}
        last = handler.received[-1]
        assert last.rcpt_tos == ["salah@x.go.id"]
        assert last.message["To"] == "baik@x.go.id, salah@x.go.id"  # headers unchanged
    assert states(log)[-2:] == [("Unit A", "queued"), ("Unit A", "sent")]


def test_connection_dropped_mid_batch_then_rerun_completes_without_duplicates(tmp_path: Path) -> None:
    outdir, csv = standard_outdir(tmp_path, 4)
    handler = RecordingHandler(drop_on={2})  # server cuts the line during the 2nd message
    with smtp_server(handler) as port:
        r = send(outdir, csv, smtp_env(port))
        assert r.exit_code == 1
        assert "[GAGAL] Unit 2: koneksi ke server terputus" in r.output
        assert handler.count_by_unit() == {"Unit 1": 1, "Unit 3": 1, "Unit 4": 1}  # reconnected for 3 and 4

        r2 = send(outdir, csv, smtp_env(port))
        assert r2.exit_code == 0, r2.output
        assert "Ringkasan: 1 terkirim, 3 dilewati" in r2.output
        assert handler.count_by_unit() == {"Unit 1": 1, "Unit 2": 1, "Unit 3": 1, "Unit 4": 1}


def test_server_hanging_up_between_messages_is_reconnected_transparently(tmp_path: Path, monkeypatch) -> None:
    outdir, csv = standard_outdir(tmp_path, 3)
    handler = RecordingHandler(close_after_each=True)
    real_wait = transport_mod.RateLimiter.wait

    def wait_for_hang_up(self):
        if handler.received:  # make the idle timeout happen before the next message, every time
            assert handler.closed.wait(5)
            handler.closed.clear()
        real_wait(self)

    monkeypatch.setattr(transport_mod.RateLimiter, "wait", wait_for_hang_up)
    with smtp_server(handler) as port:
        r = send(outdir, csv, smtp_env(port))
    assert r.exit_code == 0, r.output
    assert handler.count_by_unit() == {"Unit 1": 1, "Unit 2": 1, "Unit 3": 1}


def test_message_over_server_size_limit_is_a_clear_failure(tmp_path: Path) -> None:
    outdir, csv = standard_outdir(tmp_path, 2)
    for name in ("unit-1.pdf", "unit-2.pdf"):
        (outdir / name).write_bytes(b"%PDF" + b"\0" * 20_000)
    handler = RecordingHandler()
    with smtp_server(handler, data_size_limit=15_000) as port:  # advertised as SIZE 15000
        r = send(outdir, csv, smtp_env(port), "--attach", "pdf")
        assert r.exit_code == 1
        assert "[GAGAL] Unit 1: ukuran email melebihi batas server: 552" in r.output
        assert handler.received == []
        r2 = send(outdir, csv, smtp_env(port), "--attach", "none")  # without attachments it fits
        assert r2.exit_code == 0, r2.output
        assert handler.count_by_unit() == {"Unit 1": 1, "Unit 2": 1}


def test_unreachable_server_loses_nothing(tmp_path: Path) -> None:
    outdir, csv = standard_outdir(tmp_path, 2)
    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    r = send(outdir, csv, smtp_env(dead_port))
    assert r.exit_code == 1
    failed = [ln for ln in r.output.splitlines() if ln.startswith("[GAGAL]")]
    assert len(failed) == 2 and all("tidak dicoba: tidak dapat terhubung ke server SMTP" in ln for ln in failed)
    assert not (outdir / "sendlog.jsonl").exists() or "queued" not in (outdir / "sendlog.jsonl").read_text()
    handler = RecordingHandler()
    with smtp_server(handler) as port:
        r2 = send(outdir, csv, smtp_env(port))
        assert r2.exit_code == 0
        assert handler.count_by_unit() == {"Unit 1": 1, "Unit 2": 1}


def test_timeout_applies_to_a_silent_server(tmp_path: Path) -> None:
    outdir, csv = standard_outdir(tmp_path, 1)
    with socket.socket() as silent:  # accepts TCP but never sends the SMTP greeting
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        args = ["mail", "--recipients", str(csv), "--reports", str(outdir), "--send", "--timeout", "0.3"]
        t0 = time.monotonic()
        r = CliRunner().invoke(main, args, env=smtp_env(silent.getsockname()[1]), catch_exceptions=False)
        elapsed = time.monotonic() - t0
    assert r.exit_code == 1
    assert "tidak dicoba" in r.output and "timed out" in r.output
    assert elapsed < 5


def test_rate_limit_spaces_messages(tmp_path: Path) -> None:
    outdir, csv = standard_outdir(tmp_path, 3)
    handler = RecordingHandler()
    with smtp_server(handler) as port:
        args = ["mail", "--recipients", str(csv), "--reports", str(outdir), "--send", "--rate", "600"]
        t0 = time.monotonic()
        r = CliRunner().invoke(main, args, env=smtp_env(port), catch_exceptions=False)
        elapsed = time.monotonic() - t0
    assert r.exit_code == 0
    assert elapsed >= 0.2  # 600/min = 0.1 s apart, 3 messages -> two gaps
    assert len(handler.received) == 3


def test_crash_during_transaction_is_reported_uncertain_not_resent(tmp_path: Path, monkeypatch) -> None:
    outdir, csv = standard_outdir(tmp_path, 3)
    log = outdir / "sendlog.jsonl"
    real_send = transport_mod.SmtpSender.send
    calls = {"n": 0}

    def crash_after_server_accepted(self, msg, envelope):
        calls["n"] += 1
        result = real_send(self, msg, envelope)
        if calls["n"] == 2:
            raise KeyboardInterrupt  # killed after the server said 250, before the log knew
        return result

    handler = RecordingHandler()
    with smtp_server(handler) as port:
        monkeypatch.setattr(transport_mod.SmtpSender, "send", crash_after_server_accepted)
        r = send(outdir, csv, smtp_env(port))
        assert r.exit_code == 130 and "Dibatalkan" in r.stderr
        assert states(log) == [("Unit 1", "queued"), ("Unit 1", "sent"), ("Unit 2", "queued")]
        monkeypatch.setattr(transport_mod.SmtpSender, "send", real_send)

        r2 = send(outdir, csv, smtp_env(port))
        assert r2.exit_code == 1
        assert "[GAGAL] Unit 2: status tidak pasti" in r2.output and "--retry-uncertain" in r2.output
        assert handler.count_by_unit() == {"Unit 1": 1, "Unit 2": 1, "Unit 3": 1}  # nothing twice

        # The user checked and wants it resent: same Message-ID, so clients can spot a copy.
        r3 = send(outdir, csv, smtp_env(port), "--retry-uncertain")
        assert r3.exit_code == 0
        unit2 = [m.message["Message-ID"] for m in handler.received if "Unit 2" in str(m.message["Subject"])]
        assert len(unit2) == 2 and unit2[0] == unit2[1]


def test_crash_before_transaction_loses_nothing(tmp_path: Path, monkeypatch) -> None:
    outdir, csv = standard_outdir(tmp_path, 3)
    real_wait = transport_mod.RateLimiter.wait
    calls = {"n": 0}

    def interrupted(self):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl+C while waiting for the next slot
        real_wait(self)

    handler = RecordingHandler()
    with smtp_server(handler) as port:
        monkeypatch.setattr(transport_mod.RateLimiter, "wait", interrupted)
        assert send(outdir, csv, smtp_env(port)).exit_code == 130
        monkeypatch.setattr(transport_mod.RateLimiter, "wait", real_wait)
        assert handler.count_by_unit() == {"Unit 1": 1}
        r = send(outdir, csv, smtp_env(port))
        assert r.exit_code == 0, r.output
        assert handler.count_by_unit() == {"Unit 1": 1, "Unit 2": 1, "Unit 3": 1}


def test_concurrent_run_is_refused(tmp_path: Path) -> None:
    from lketool.mailer import SendLogWriter

    outdir, csv = standard_outdir(tmp_path, 1)
    handler = RecordingHandler()
    with smtp_server(handler) as port, SendLogWriter(outdir / "sendlog.jsonl"):
        r = send(outdir, csv, smtp_env(port))
    assert r.exit_code == 2 and "sedang dipakai" in r.stderr
    assert handler.received == []
