"""``lketool mail`` without --send: .eml files in the outbox, nothing sent."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from mail_helpers import (  # noqa: F401  (clean_smtp_env is an autouse fixture)
    attachment_bytes,
    attachments_of,
    clean_smtp_env,
    make_outdir,
    parse_eml,
    unit_report,
    write_csv,
)

from lketool.cli import main


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["mail", *args], env=env, catch_exceptions=False)


@pytest.fixture()
def outdir(tmp_path: Path) -> Path:
    reports = [
        unit_report("Dinas Contoh", "dinas-contoh", total=85.12, wbk=True, errors=3, warnings=5),
        unit_report("Biro A & B", "biro-ab", total=72.5, wbk=False, errors=0, warnings=1, kinds=("docx",)),
        unit_report("Unit Tanpa Alamat", "tanpa", kinds=("docx",)),
    ]
    return make_outdir(tmp_path / "out", reports, failures=[{"source_file": "in/rusak.xlsx", "error": "rusak"}])


@pytest.fixture()
def recipients(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "units.csv", [
        'DINAS  contoh,"a@dinas.go.id; b@dinas.go.id",inspektorat@x.go.id,Kepala Dinas',
        "Biro A & B,biro@x.go.id,,",
        "Unit Typo,t@x.go.id,,",
    ])


def test_dry_run_writes_parseable_eml_and_sends_nothing(outdir: Path, recipients: Path) -> None:
    r = run("--recipients", str(recipients), "--reports", str(outdir), "--attach", "docx,pdf",
            env={"LKETOOL_SMTP_FROM": "Tim ZI <zi@instansi.go.id>"})
    # "Unit Tanpa Alamat" is listed as failed (never guessed) -> exit 1
    assert r.exit_code == 1, r.output
    assert "[GAGAL] Unit Tanpa Alamat: tidak ada alamat email" in r.output
    assert "Uji coba - belum ada email yang dikirim. 1 email ditulis" in r.output
    # Biro A & B has no pdf: a clear per-unit failure, not a crash
    assert "[GAGAL] Biro A & B: lampiran pdf tidak ada di manifest" in r.output
    assert "Unit Typo" in r.stderr and "rusak.xlsx" in r.stderr  # warnings
    assert not (outdir / "sendlog.jsonl").exists()  # a dry run must not mark anything as sent

    eml = outdir / "outbox" / "dinas-contoh.eml"
    msg = parse_eml(eml.read_bytes())
    assert msg["From"] == "Tim ZI <zi@instansi.go.id>"
    assert msg["To"] == "a@dinas.go.id, b@dinas.go.id"
    assert msg["Cc"] == "inspektorat@x.go.id"
    assert msg["Subject"] == "Hasil Evaluasi LKE Zona Integritas - Dinas Contoh (Memenuhi syarat untuk diusulkan WBK)"
    text = msg.get_body(("plain",)).get_content()
    assert "Yth. Kepala Dinas," in text and "85,12" in text and "Temuan kesalahan : 3" in text
    assert "Memenuhi syarat untuk diusulkan WBK" in msg.get_body(("html",)).get_content()
    assert attachments_of(msg) == {
        "dinas-contoh.docx": attachment_bytes("dinas-contoh.docx"),
        "dinas-contoh.pdf": attachment_bytes("dinas-contoh.pdf"),
    }
    assert list((outdir / "outbox").glob(".tmp-*")) == []  # atomic write left no temp file


def test_all_ok_exit_zero_and_html_escaping(tmp_path: Path) -> None:
    outdir = make_outdir(tmp_path / "out", [unit_report("Biro A & <B>", "biro", kinds=("docx",))])
    csv = write_csv(tmp_path / "u.csv", ["Biro A & <B>,biro@x.go.id,,"])
    outbox = tmp_path / "kotak keluar"
    r = run("--recipients", str(csv), "--reports", str(outdir), "--outbox", str(outbox))
    assert r.exit_code == 0, r.output
    assert "pengirim-belum-diatur" in r.stderr  # no From configured: said so, not hidden
    msg = parse_eml((outbox / "biro.eml").read_bytes())
    assert "Biro A &amp; &lt;B&gt;" in msg.get_body(("html",)).get_content()
    assert "Biro A & <B>" in msg.get_body(("plain",)).get_content()


def test_invalid_address_fails_the_unit_before_anything_is_written(tmp_path: Path) -> None:
    outdir = make_outdir(tmp_path / "out", [unit_report("A", "a", kinds=("docx",)),
                                            unit_report("B", "b", kinds=("docx",))])
    csv = write_csv(tmp_path / "u.csv", ["A,ok@x.go.id;rusak@x,,", "B,b@x.go.id,,"])
    r = run("--recipients", str(csv), "--reports", str(outdir))
    assert r.exit_code == 1
    assert "[GAGAL] A: alamat email tidak sah: 'rusak@x'" in r.output
    assert not (outdir / "outbox" / "a.eml").exists()  # not sent to a partial list
    assert (outdir / "outbox" / "b.eml").exists()


def test_max_size_gives_clear_message(outdir: Path, recipients: Path) -> None:
    r = run("--recipients", str(recipients), "--reports", str(outdir), "--max-size", "0.0001")
    assert r.exit_code == 1
    assert "[GAGAL] Dinas Contoh: ukuran email" in r.output and "melebihi batas --max-size" in r.output


def test_missing_attachment_file_is_a_unit_failure(outdir: Path, recipients: Path) -> None:
    (outdir / "dinas-contoh.docx").unlink()
    r = run("--recipients", str(recipients), "--reports", str(outdir))
    assert r.exit_code == 1
    assert "[GAGAL] Dinas Contoh: file lampiran docx tidak ditemukan" in r.output
    assert "[DITULIS] Biro A & B" in r.output


def test_attach_none_sends_without_attachments(outdir: Path, recipients: Path) -> None:
    r = run("--recipients", str(recipients), "--reports", str(outdir), "--attach", "none")
    assert "[DITULIS] Dinas Contoh" in r.output
    msg = parse_eml((outdir / "outbox" / "dinas-contoh.eml").read_bytes())
    assert attachments_of(msg) == {}


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--attach", "xlsx"], "jenis lampiran 'xlsx' tidak dikenal"),
        (["--send"], "LKETOOL_SMTP_HOST"),
        (["--templates", "."], "Template email tidak lengkap"),
    ],
)
def test_usage_and_config_errors_exit_2(outdir: Path, recipients: Path, extra: list[str], message: str) -> None:
    r = run("--recipients", str(recipients), "--reports", str(outdir), *extra)
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert "Mengirim lewat" not in r.output and "[" not in r.stdout  # stopped before any unit


def test_missing_manifest_and_bad_manifest_exit_2(tmp_path: Path, recipients: Path) -> None:
    r = run("--recipients", str(recipients), "--reports", str(tmp_path))
    assert r.exit_code == 2 and "manifest.json" in r.stderr and "lketool report" in r.stderr
    (tmp_path / "manifest.json").write_text("{rusak", encoding="utf-8")
    r = run("--recipients", str(recipients), "--reports", str(tmp_path))
    assert r.exit_code == 2 and "bukan JSON" in r.stderr


def test_password_is_not_a_command_line_option(outdir: Path, recipients: Path) -> None:
    r = run("--recipients", str(recipients), "--reports", str(outdir), "--password", "rahasia",
            env={"LKETOOL_LANG": "en"})
    assert r.exit_code == 2 and "No such option" in r.output


def test_dry_run_skips_what_the_send_log_says_was_sent(outdir: Path, recipients: Path) -> None:
    # First dry run to learn the key, then pretend it was sent.
    run("--recipients", str(recipients), "--reports", str(outdir), "--attach", "docx")
    msg = parse_eml((outdir / "outbox" / "dinas-contoh.eml").read_bytes())
    key = msg["X-LKE-Key"]
    line = {"time": "t", "key": key, "unit": "Dinas Contoh", "state": "sent",
            "accepted": ["a@dinas.go.id", "b@dinas.go.id", "inspektorat@x.go.id"], "refused": {}}
    (outdir / "sendlog.jsonl").write_text(json.dumps(line) + "\n")
    (outdir / "outbox" / "dinas-contoh.eml").unlink()
    r = run("--recipients", str(recipients), "--reports", str(outdir), "--attach", "docx")
    assert "[DILEWATI] Dinas Contoh: sudah terkirim sebelumnya" in r.output
    assert not (outdir / "outbox" / "dinas-contoh.eml").exists()
