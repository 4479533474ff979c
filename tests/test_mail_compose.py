"""Message composition: templates, escaping, attachments, size, message key."""
from __future__ import annotations

from pathlib import Path

import pytest
from mail_helpers import attachments_of, make_outdir, parse_eml, unit_report

from lketool.mailer import (
    EmailTemplates,
    MailConfigError,
    UnitProblem,
    build_message,
    load_manifest,
    message_key,
    parse_attach,
)
from lketool.mailer.compose import (
    Attachment,
    check_size,
    collect_attachments,
    format_date,
    format_number,
    template_context,
    verdict_text,
)


def render_for(tmp_path: Path, unit: str, **kw):
    outdir = make_outdir(tmp_path / "out", [unit_report(unit, "u", **kw)])
    manifest = load_manifest(outdir)
    rep = manifest.reports[0]
    atts = collect_attachments(rep, outdir, ("pdf",), 10 * 2**20)
    rendered = EmailTemplates().render(template_context(rep, manifest, "Ibu Kepala", atts))
    return rendered, atts


def test_templates_render_indonesian_verdict_and_counts(tmp_path: Path) -> None:
    rendered, _ = render_for(tmp_path, "Dinas Contoh", total=85.12, wbk=True, errors=3, warnings=5)
    assert rendered.subject == "Hasil Evaluasi LKE Zona Integritas - Dinas Contoh (Menuju WBK: MEMENUHI; Menuju WBBM: BELUM MEMENUHI)"
    assert "Yth. Ibu Kepala," in rendered.text
    assert "85,12" in rendered.text and "Temuan kesalahan : 3" in rendered.text
    assert "Peringatan       : 5" in rendered.text and "u.pdf" in rendered.text
    assert "<strong>85,12</strong>" in rendered.html
    assert "dari laporan tanggal 21 November 2026 pukul 10.00" in rendered.text


def test_html_is_escaped_but_text_and_subject_are_not(tmp_path: Path) -> None:
    rendered, _ = render_for(tmp_path, "Biro A & <B>")
    assert "Biro A &amp; &lt;B&gt;" in rendered.html and "<B>" not in rendered.html
    assert "Biro A & <B>" in rendered.text
    assert "Biro A & <B>" in rendered.subject


def test_strict_undefined_stops_the_run(tmp_path: Path) -> None:
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "subject.txt.j2").write_text("Hasil {{ unit }}")
    (tpl / "body.txt.j2").write_text("Yth. {{ nama_salah_ketik }}")
    (tpl / "body.html.j2").write_text("<p>{{ unit }}</p>")
    with pytest.raises(MailConfigError, match=r"body.txt.j2, baris 1\).*nama_salah_ketik"):
        EmailTemplates(tpl).render({"unit": "A"})


def test_missing_template_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(MailConfigError, match="subject.txt.j2"):
        EmailTemplates(tmp_path)


def test_verdict_and_number_format() -> None:
    from lketool.mailer import ReportEntry

    # the manifest's verdict line (written by lketool report from lketool.verdict) is used as it is
    line = "Menuju WBK: MEMENUHI (SEMENTARA); Menuju WBBM: BELUM MEMENUHI (SEMENTARA)"
    assert verdict_text(ReportEntry("A", "a", verdict=line)) == line
    # an older manifest with only the flags is worded by the same module
    assert verdict_text(ReportEntry("A", "a", wbk_eligible=True, wbbm_eligible=True)) == \
        "Menuju WBK: MEMENUHI; Menuju WBBM: MEMENUHI"
    assert verdict_text(ReportEntry("A", "a")) == "Menuju WBK: BELUM MEMENUHI; Menuju WBBM: BELUM MEMENUHI"
    assert format_number(1234.5) == "1.234,50"
    assert format_number(None) == "-"
    assert format_date("2026-11-21T10:00:00") == "21 November 2026 pukul 10.00"
    assert format_date("2026-01-05") == "5 Januari 2026"
    assert format_date("bukan tanggal") == "bukan tanggal"


def test_parse_attach() -> None:
    assert parse_attach("pdf, DOCX,pdf") == ("pdf", "docx")
    assert parse_attach("none") == ()
    with pytest.raises(MailConfigError, match="xlsx"):
        parse_attach("pdf,xlsx")


def test_missing_or_escaping_attachment_is_a_unit_problem(tmp_path: Path) -> None:
    outdir = make_outdir(tmp_path / "out", [unit_report("A", "a", kinds=("docx",))])
    rep = load_manifest(outdir).reports[0]
    with pytest.raises(UnitProblem, match="lampiran pdf tidak ada di manifest"):
        collect_attachments(rep, outdir, ("pdf",), 2**20)
    (outdir / "a.docx").unlink()
    with pytest.raises(UnitProblem, match="tidak ditemukan"):
        collect_attachments(rep, outdir, ("docx",), 2**20)
    (tmp_path / "rahasia.txt").write_text("jangan dilampirkan")
    evil = rep.__class__(unit="A", key="a", outputs={"docx": "../rahasia.txt"})
    with pytest.raises(UnitProblem, match="di luar folder laporan"):
        collect_attachments(evil, outdir, ("docx",), 2**20)


def test_size_limit_counts_the_encoded_message(tmp_path: Path) -> None:
    data = b"x" * 900_000  # under 1 MB raw, over 1 MB once base64-encoded
    att = [Attachment("pdf", "besar.pdf", data)]
    (tmp_path / "besar.pdf").write_bytes(data)
    rendered, _ = render_for(tmp_path, "A")
    msg = build_message(sender="a@x.go.id", to=["b@x.go.id"], cc=[], rendered=rendered, attachments=att, key="k" * 64)
    with pytest.raises(UnitProblem, match=r"melebihi batas --max-size 1,0 MB.*besar\.pdf"):
        check_size(msg, 2**20, att)
    check_size(msg, 2 * 2**20, att)  # fits in 2 MB


def test_message_round_trips_through_the_email_parser(tmp_path: Path) -> None:
    rendered, atts = render_for(tmp_path, "Dinas Contoh")
    msg = build_message(sender="Tim ZI <zi@instansi.go.id>", to=["a@x.go.id", "b@x.go.id"], cc=["c@x.go.id"],
                        rendered=rendered, attachments=atts, key="ab" * 32)
    back = parse_eml(msg.as_bytes())
    assert back["To"] == "a@x.go.id, b@x.go.id" and back["Cc"] == "c@x.go.id"
    assert back["Message-ID"] == f"<lketool.{'ab' * 16}@instansi.go.id>"
    # policy SMTP writes CRLF line ends (what Outlook expects in an .eml)
    assert back.get_body(("plain",)).get_content().replace("\r\n", "\n") == rendered.text
    assert back.get_body(("html",)).get_content_type() == "text/html"
    assert attachments_of(back) == {"u.pdf": atts[0].data}
    assert next(back.iter_attachments()).get_content_type() == "application/pdf"


def test_message_key_is_stable_and_tracks_recipients_and_contents() -> None:
    a = [Attachment("pdf", "a.pdf", b"1")]
    k = message_key("Unit A", ["x@a.id", "y@a.id"], ["z@a.id"], a)
    assert k == message_key(" unit  a ", ["Y@a.id", "x@a.id"], ["z@a.id"], a)  # order/case do not matter
    assert k != message_key("Unit A", ["x@a.id"], ["z@a.id"], a)
    assert k != message_key("Unit A", ["x@a.id", "y@a.id"], [], a)
    assert k != message_key("Unit A", ["x@a.id", "y@a.id"], ["z@a.id"], [Attachment("pdf", "a.pdf", b"2")])
    assert k != message_key("Unit B", ["x@a.id", "y@a.id"], ["z@a.id"], a)
