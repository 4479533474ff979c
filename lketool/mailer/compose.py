"""Build one unit's e-mail: attachments, Jinja templates, MIME message, key.

Templates live in ``report_templates/email/`` (``subject.txt.j2``,
``body.txt.j2``, ``body.html.j2``) and are rendered by a single Jinja
environment with ``StrictUndefined`` - a misspelt variable stops the run
instead of silently sending "Yth. ," to forty units - and autoescaping for
the HTML template only.
"""
from __future__ import annotations

import hashlib
import json
import traceback
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, localtime, parseaddr
from pathlib import Path
from typing import Any, Sequence

from lketool.i18n import Msg
from lketool.mailer.errors import MailConfigError, UnitProblem
from lketool.mailer.manifest import Manifest, ReportEntry

#: Attachment kinds accepted by ``--attach``, in the order they are attached.
ATTACH_KINDS: tuple[str, ...] = ("docx", "pdf", "html", "annotated")

TEMPLATE_NAMES = ("subject.txt.j2", "body.txt.j2", "body.html.j2")

# Explicit table: Windows' mimetypes reads the registry and may not know .docx.
_MIME = {
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".pdf": ("application", "pdf"),
    ".html": ("text", "html"),
    ".htm": ("text", "html"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}

MB = 1024 * 1024


def default_template_dir() -> Path:
    """``report_templates/email`` (see :mod:`lketool.resources`)."""
    from lketool.resources import resource_dir

    return resource_dir("report_templates") / "email"


def parse_attach(spec: str) -> tuple[str, ...]:
    """Turn ``"docx,pdf"`` into ``("docx", "pdf")``; ``"none"`` or ``""`` means no attachment.

    Raises :class:`MailConfigError` naming the unknown kind.
    """
    kinds: list[str] = []
    for part in spec.replace(";", ",").split(","):
        part = part.strip().casefold()
        if not part or part in ("none", "tidak"):
            continue
        if part not in ATTACH_KINDS:
            raise MailConfigError("mail.attach-unknown", part=part, choices=", ".join(ATTACH_KINDS))
        if part not in kinds:
            kinds.append(part)
    return tuple(kinds)


@dataclass(frozen=True)
class Attachment:
    """A file read from OUTDIR, ready to attach."""

    kind: str
    filename: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def collect_attachments(
    report: ReportEntry, outdir: Path, kinds: Sequence[str], max_bytes: int
) -> list[Attachment]:
    """Read the files of ``kinds`` for ``report``.

    Raises :class:`UnitProblem` when a requested kind is absent from the
    manifest, its file is missing, it points outside OUTDIR, or the files alone
    already exceed ``max_bytes`` (checked before reading, so a 2 GB file is not
    loaded into memory just to be refused).
    """
    root = Path(outdir).resolve()
    paths: list[tuple[str, Path]] = []
    for kind in kinds:
        rel = report.outputs.get(kind)
        if not rel:
            raise UnitProblem("mail.unit.attach-missing", kind=kind)
        path = (root / rel).resolve()
        # The manifest is data: never let it attach files from outside OUTDIR.
        if root != path and root not in path.parents:
            raise UnitProblem("mail.unit.attach-outside", kind=kind, path=rel)
        if not path.is_file():
            raise UnitProblem("mail.unit.attach-not-found", kind=kind, path=path)
        paths.append((kind, path))
    total = sum(p.stat().st_size for _, p in paths)
    if total > max_bytes:
        raise _too_big(total, max_bytes, paths)
    out = []
    for kind, path in paths:
        try:
            out.append(Attachment(kind=kind, filename=path.name, data=path.read_bytes()))
        except OSError as exc:
            raise UnitProblem("mail.unit.attach-unreadable", kind=kind, detail=str(exc)) from exc
    return out


def _mb(n: int, lang: str = "id") -> str:
    from lketool.display import number

    return number(n / MB, 1, lang) + " MB"


def _sizes(size: int, max_bytes: int, files: Sequence[tuple[str, int]]) -> dict[str, Any]:
    """The size parameters of a too-big message, each also ``<name>_en`` (the catalogue
    takes the one of the language it words: 1,5 MB / 1.5 MB)."""
    out: dict[str, Any] = {}
    for lang, suffix in (("id", ""), ("en", "_en")):
        listed = ", ".join(f"{name} {_mb(n, lang)}" for name, n in files)
        out["size" + suffix] = _mb(size, lang)
        out["limit" + suffix] = _mb(max_bytes, lang)
        out["files" + suffix] = Msg("mail.unit.attachments", files=listed) if listed else ""
    return out


def _too_big(size: int, max_bytes: int, paths: Sequence[tuple[str, Path]]) -> UnitProblem:
    return UnitProblem("mail.unit.too-big", **_sizes(size, max_bytes, [(p.name, p.stat().st_size) for _, p in paths]))


def message_key(unit: str, to: Sequence[str], cc: Sequence[str], attachments: Sequence[Attachment]) -> str:
    """Stable identity of a message: unit + recipients + attachment contents.

    Template wording, date and sender are deliberately left out: fixing a typo
    in the body must not make a rerun send the same report twice, while a new
    report file or a new address is a new message.
    """
    payload = {
        "unit": " ".join(unit.split()).casefold(),
        "to": sorted(a.casefold() for a in to),
        "cc": sorted(a.casefold() for a in cc),
        "attachments": sorted([a.kind, a.filename, a.sha256] for a in attachments),
    }
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=True).encode("ascii")
    return hashlib.sha256(raw).hexdigest()


def format_number(value: float | int | None, digits: int = 2) -> str:
    """Indonesian number format: ``1234.5`` -> ``1.234,50``; None -> ``-``."""
    if value is None:
        return "-"
    from lketool.display import number

    return number(value, digits, "id", thousands=True)


_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember")


def format_date(value: str | None) -> str:
    """ISO timestamp -> ``21 November 2026 pukul 10.00``; unparsable text is kept as is."""
    if not value:
        return ""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    text = f"{when.day} {_MONTHS[when.month - 1]} {when.year}"
    if len(value) > 10:  # a time was given
        text += f" pukul {when:%H.%M}"
    return text


def verdict_text(report: ReportEntry) -> str:
    """The verdict shown in the subject/body: the line ``lketool report`` wrote into the
    manifest from :mod:`lketool.verdict` (the same words as ``lketool score``).  A manifest
    from an older lketool has only the two flags: they are worded by the same module."""
    if report.verdict:
        return report.verdict
    from lketool.verdict import MET, NOT_MET, word

    return "; ".join(f"{label}: {word(MET if ok else NOT_MET, 'id')}"
                     for label, ok in (("Menuju WBK", report.wbk_eligible), ("Menuju WBBM", report.wbbm_eligible)))


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class EmailTemplates:
    """The three e-mail templates of one folder, rendered by one environment."""

    def __init__(self, directory: Path | None = None) -> None:
        import jinja2  # imported here so `lketool --help` stays light

        self.directory = Path(directory) if directory else default_template_dir()
        missing = [n for n in TEMPLATE_NAMES if not (self.directory / n).is_file()]
        if missing:
            raise MailConfigError("mail.templates-missing", folder=self.directory, missing=", ".join(missing))
        self._jinja = jinja2
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.directory), encoding="utf-8"),
            undefined=jinja2.StrictUndefined,
            # Only the HTML body is escaped: a unit called "A & B" must stay
            # "A & B" in the subject and plain-text body.
            autoescape=lambda name: bool(name) and name.endswith((".html.j2", ".html")),
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["angka"] = format_number
        self.env.filters["tanggal"] = format_date

    def render(self, context: dict[str, Any]) -> RenderedEmail:
        """Render subject and both bodies; template mistakes raise MailConfigError."""
        subject, text, html = (self._render_one(name, context) for name in TEMPLATE_NAMES)
        # A header cannot hold line breaks; a template ending in "\n" is normal.
        subject = " ".join(subject.split())
        if not subject:
            raise MailConfigError("mail.subject-empty")
        return RenderedEmail(subject=subject, text=text, html=html)

    def _render_one(self, name: str, context: dict[str, Any]) -> str:
        try:
            return self.env.get_template(name).render(context)
        except self._jinja.TemplateError as exc:
            # Jinja puts the template's own line into the traceback; find it so
            # the user knows where to look.
            line = getattr(exc, "lineno", None)
            if line is None:
                frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(name)]
                line = frames[-1].lineno if frames else None
            where = Msg("mail.template-where", name=name, line=line) if line else name
            raise MailConfigError("mail.template-error", where=where, detail=str(exc)) from exc


def template_context(
    report: ReportEntry, manifest: Manifest, name: str | None, attachments: Sequence[Attachment]
) -> dict[str, Any]:
    """Variables available to the templates (documented in docs/mail.md)."""
    return {
        "unit": report.unit,
        "key": report.key,
        "recipient_name": name or "",
        "source_file": report.source_file,
        "total": report.total,
        "total_text": format_number(report.total),
        "wbk_eligible": report.wbk_eligible,
        "wbbm_eligible": report.wbbm_eligible,
        "verdict": verdict_text(report),
        "errors": report.errors,
        "warnings": report.warnings,
        "attachments": [a.filename for a in attachments],
        "generated_at": manifest.generated_at or "",
        "generated_at_text": format_date(manifest.generated_at),
        "lketool_version": manifest.lketool_version or "",
    }


def build_message(
    *,
    sender: str,
    to: Sequence[str],
    cc: Sequence[str],
    rendered: RenderedEmail,
    attachments: Sequence[Attachment],
    key: str,
) -> EmailMessage:
    """Assemble a multipart message (text + HTML alternative + attachments).

    The Message-ID is derived from the key, so a message sent again after an
    uncertain failure carries the same ID and mail clients can spot the copy.
    """
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(localtime())
    addr = parseaddr(sender)[1]
    domain = addr.rsplit("@", 1)[-1] if "@" in addr else "lketool.invalid"
    msg["Message-ID"] = f"<lketool.{key[:32]}@{domain}>"
    # Short header name: the 64-hex key then fits on one line (no folding).
    msg["X-LKE-Key"] = key
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    for att in attachments:
        maintype, subtype = _MIME.get(Path(att.filename).suffix.casefold(), ("application", "octet-stream"))
        msg.add_attachment(att.data, maintype=maintype, subtype=subtype, filename=att.filename)
    return msg


def message_size(msg: EmailMessage) -> int:
    """Size in bytes as it will travel (base64 makes attachments ~4/3 larger)."""
    return len(msg.as_bytes())


def check_size(msg: EmailMessage, max_bytes: int, attachments: Sequence[Attachment]) -> None:
    """Raise :class:`UnitProblem` when the encoded message exceeds ``max_bytes``."""
    size = message_size(msg)
    if size > max_bytes:
        raise UnitProblem("mail.unit.too-big-encoded",
                          **_sizes(size, max_bytes, [(a.filename, len(a.data)) for a in attachments]))
