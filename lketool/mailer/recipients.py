"""Recipients: which addresses receive which unit's report.

The file is CSV (no extra package needed) or YAML (only if PyYAML is
installed). CSV columns, case-insensitive, Indonesian aliases accepted:

=========  =================================  ==========================
column     aliases                            content
=========  =================================  ==========================
unit       unit kerja, satker, nama unit      unit name (or report key)
file       berkas, source_file                LKE file the report came from
email      e-mail, surel, to, kepada          one or more, ``;`` or ``,``
cc         tembusan                           zero or more, ``;`` or ``,``
name       nama, nama penerima                name used in the greeting
=========  =================================  ==========================

A unit is never guessed: names are compared only after folding case and
whitespace, and a unit with no row (or an empty ``email``) is reported as
"tanpa alamat". Every address is validated while the file is read, i.e.
before anything is sent.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Iterable

from lketool.i18n import Msg
from lketool.mailer.errors import MailConfigError
from lketool.mailer.manifest import ReportEntry

_COLUMNS = {
    "unit": {"unit", "unit kerja", "satker", "nama unit"},
    "file": {"file", "berkas", "source file", "file lke"},
    "email": {"email", "e-mail", "e mail", "surel", "to", "kepada", "alamat email"},
    "cc": {"cc", "tembusan"},
    "name": {"name", "nama", "nama penerima"},
}

# Deliberately stricter than RFC 5322: what a government mail server will
# actually accept, and what catches typos such as "a@b", "a@@b.id" or
# "a b@c.id". Non-ASCII addresses are refused (SMTPUTF8 is rarely enabled).
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS_RE = re.compile(rf"^{_LOCAL}@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$")


def address_problem(address: str) -> str | None:
    """Return why ``address`` is not a usable e-mail address, or None if it is (a
    :class:`lketool.i18n.Msg`: Indonesian as a str, worded anew in any message it fills)."""
    if not address:
        return Msg("mail.address.empty")
    if len(address) > 254:
        return Msg("mail.address.too-long")
    if any(ch.isspace() for ch in address):
        return Msg("mail.address.space")
    if not address.isascii():
        return Msg("mail.address.non-ascii")
    if address.count("@") != 1:
        return Msg("mail.address.at")
    if not _ADDRESS_RE.match(address):
        return Msg("mail.address.format")
    return None


def split_addresses(value: Any) -> list[str]:
    """Split a cell (or YAML list) into address strings.

    Accepts ``a@x.id; b@x.id``, ``a@x.id, b@x.id`` and ``Nama <a@x.id>``.
    """
    if value is None:
        return []
    items: Iterable[Any] = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    for item in items:
        for part in re.split(r"[;,\n]", str(item)):
            part = part.strip()
            if not part:
                continue
            if "<" in part or ">" in part:
                _, addr = parseaddr(part)
                part = addr.strip() or part
            out.append(part)
    return out


def normalize_unit(name: str) -> str:
    """Fold case, Unicode forms and whitespace so 'Dinas  contoh ' == 'DINAS CONTOH'."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def _normalize_file(name: str) -> str:
    name = unicodedata.normalize("NFKC", name).strip().replace("\\", "/").casefold()
    while name.startswith("./"):
        name = name[2:]
    return name


@dataclass
class RecipientEntry:
    """Addresses for one unit (rows naming the same unit are merged)."""

    match: str
    by: str  # "unit" or "file"
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    name: str | None = None
    invalid: list[str] = field(default_factory=list)  # "addr (why)" per bad address
    where: list[str] = field(default_factory=list)  # "baris 3", for messages

    def matches(self, report: ReportEntry) -> bool:
        """True if this entry names ``report`` by unit, report key or source file."""
        if self.by == "unit":
            wanted = normalize_unit(self.match)
            return wanted in (normalize_unit(report.unit), normalize_unit(report.key))
        wanted = _normalize_file(self.match)
        source = _normalize_file(report.source_file)
        if not source:
            return False
        if "/" in wanted:
            return source == wanted or source.endswith("/" + wanted)
        return source.rsplit("/", 1)[-1] == wanted


@dataclass(frozen=True)
class Recipients:
    """The addresses resolved for one report."""

    to: tuple[str, ...]
    cc: tuple[str, ...]
    name: str | None
    invalid: tuple[str, ...]


@dataclass
class RecipientBook:
    """All entries from the recipients file, plus warnings met while reading."""

    source: Path
    entries: list[RecipientEntry]
    warnings: list[str] = field(default_factory=list)

    def lookup(self, report: ReportEntry) -> Recipients | None:
        """Merge every entry that names ``report``; None when no entry does."""
        found = [e for e in self.entries if e.matches(report)]
        if not found:
            return None
        to: list[str] = []
        cc: list[str] = []
        invalid: list[str] = []
        name = None
        for entry in found:
            _extend_unique(to, entry.to)
            _extend_unique(cc, entry.cc)
            invalid.extend(entry.invalid)
            name = name or entry.name
        # An address both in To and Cc would receive two copies' worth of headers
        # but one delivery; keep it in To only so the envelope is not confusing.
        seen = {a.casefold() for a in to}
        cc = [a for a in cc if a.casefold() not in seen]
        return Recipients(tuple(to), tuple(cc), name, tuple(invalid))

    def unused(self, reports: Iterable[ReportEntry]) -> list[RecipientEntry]:
        """Entries that match no report - usually a typo in a unit name."""
        reports = list(reports)
        return [e for e in self.entries if not any(e.matches(r) for r in reports)]


def _extend_unique(target: list[str], items: Iterable[str]) -> None:
    seen = {a.casefold() for a in target}
    for item in items:
        if item.casefold() not in seen:
            target.append(item)
            seen.add(item.casefold())


def load_recipients(path: Path) -> RecipientBook:
    """Read a ``.csv`` or ``.yaml``/``.yml`` recipients file.

    Raises :class:`MailConfigError` when the file cannot be used at all.
    Invalid addresses do not raise: they are kept in ``invalid`` so that the
    unit is reported as failed while the other units are still mailed.
    """
    path = Path(path)
    if not path.is_file():
        raise MailConfigError("mail.recipients.missing", path=path)
    suffix = path.suffix.casefold()
    if suffix in (".yaml", ".yml"):
        rows = _read_yaml(path)
    elif suffix in (".csv", ".txt"):
        rows = _read_csv(path)
    else:
        raise MailConfigError("mail.recipients.format", name=path.name)
    return _build_book(path, rows)


def _decode(raw: bytes) -> str:
    # Excel on Windows saves "CSV UTF-8" with a BOM and plain "CSV" in the ANSI
    # code page (cp1252 on Indonesian Windows); accept both.
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_csv(path: Path) -> list[tuple[str, dict[str, Any]]]:
    try:
        text = _decode(path.read_bytes())
    except OSError as exc:
        raise MailConfigError("mail.recipients.unreadable", path=path, detail=str(exc)) from exc
    lines = text.splitlines()
    header_line = next((ln for ln in lines if ln.strip()), "")
    if header_line.strip().casefold().startswith("sep=") and len(header_line.strip()) == 5:
        # Excel's "sep=;" hint line: obey it, then read the rest.
        delimiter = header_line.strip()[4]
        text = text.split(header_line, 1)[1]
        header_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    else:
        # Excel with Indonesian regional settings writes ';' as the separator
        # (the comma is the decimal mark there), so detect it from the header.
        delimiter = max([";", ",", "\t"], key=header_line.count)
    if header_line.count(delimiter) == 0:
        raise MailConfigError("mail.recipients.header", name=path.name)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[str, dict[str, Any]]] = []
    for lineno, cells in enumerate(reader, start=1):
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [_column(c) for c in cells]
            _check_header(path, header, cells)
            continue
        if cells[0].strip().startswith("#"):
            continue  # lets users keep notes in the sheet
        row = {col: cells[i].strip() for i, col in enumerate(header) if col and i < len(cells)}
        rows.append((Msg("mail.where.row", n=lineno), row))
    if header is None:
        raise MailConfigError("mail.recipients.empty", name=path.name)
    return rows


def _column(name: str) -> str:
    key = " ".join(name.replace("_", " ").split()).casefold()
    for column, aliases in _COLUMNS.items():
        if key in aliases:
            return column
    return ""


def _check_header(path: Path, header: list[str], raw: list[str]) -> None:
    if "email" not in header or not ({"unit", "file"} & set(header)):
        raise MailConfigError("mail.recipients.columns", name=path.name, columns=", ".join(c.strip() for c in raw))


def _read_yaml(path: Path) -> list[tuple[str, dict[str, Any]]]:
    try:
        import yaml  # optional: CSV needs nothing extra
    except ImportError:
        raise MailConfigError("mail.recipients.no-yaml", name=path.name) from None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise MailConfigError("mail.recipients.unreadable", path=path, detail=str(exc)) from exc
    except yaml.YAMLError as exc:
        raise MailConfigError("mail.recipients.bad-yaml", name=path.name, detail=str(exc)) from exc
    if isinstance(data, dict) and set(data) == {"recipients"}:
        data = data["recipients"]
    rows: list[tuple[str, dict[str, Any]]] = []
    if isinstance(data, list):
        for i, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                raise MailConfigError("mail.recipients.entry", name=path.name, index=i)
            rows.append((Msg("mail.where.entry", n=i), {_column(str(k)): v for k, v in item.items()}))
    elif isinstance(data, dict):
        # Short form:  "Dinas Contoh": a@x.id   or   "Dinas Contoh": {email: ..., cc: ...}
        for unit, value in data.items():
            row = {_column(str(k)): v for k, v in value.items()} if isinstance(value, dict) else {
                "email": value
            }
            row.setdefault("unit", unit)
            rows.append((Msg("mail.where.entry", n=unit), row))
    elif data is None:
        rows = []
    else:
        raise MailConfigError("mail.recipients.yaml-shape", name=path.name)
    return rows


def _build_book(path: Path, rows: list[tuple[str, dict[str, Any]]]) -> RecipientBook:
    merged: dict[tuple[str, str], RecipientEntry] = {}
    warnings: list[str] = []
    for where, row in rows:
        unit = str(row.get("unit") or "").strip()
        file = str(row.get("file") or "").strip()
        if not unit and not file:
            warnings.append(Msg("mail.warn.no-unit", name=path.name, where=where))
            continue
        by, match = ("unit", unit) if unit else ("file", file)
        norm = normalize_unit(match) if by == "unit" else _normalize_file(match)
        entry = merged.setdefault((by, norm), RecipientEntry(match=match, by=by))
        entry.where.append(where)
        name = str(row.get("name") or "").strip()
        entry.name = entry.name or name or None
        for column, target in (("email", entry.to), ("cc", entry.cc)):
            good: list[str] = []
            for address in split_addresses(row.get(column)):
                problem = address_problem(address)
                if problem:
                    entry.invalid.append(Msg("mail.invalid-address", address=repr(address), problem=problem, where=where))
                else:
                    good.append(address)
            _extend_unique(target, good)
    return RecipientBook(source=path, entries=list(merged.values()), warnings=warnings)
