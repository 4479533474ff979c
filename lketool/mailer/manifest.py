"""Read ``OUTDIR/manifest.json`` written by ``lketool report``.

Only the fields the mailer needs are kept; unknown fields are ignored so the
report command can grow the manifest without breaking mail.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lketool.mailer.errors import MailConfigError

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class ReportEntry:
    """One unit's report as listed in the manifest.

    ``outputs`` maps an attachment kind (``docx``, ``pdf``, ``html``,
    ``annotated``) to a path relative to OUTDIR; any kind may be absent.
    """

    unit: str
    key: str
    source_file: str = ""
    total: float | None = None
    wbk_eligible: bool = False
    wbbm_eligible: bool = False
    verdict: str = ""  # the verdict line written by lketool report (lketool.verdict.headline)
    errors: int = 0
    warnings: int = 0
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    """The parsed manifest plus the folder it was read from."""

    outdir: Path
    reports: list[ReportEntry]
    failures: list[dict[str, Any]] = field(default_factory=list)
    generated_at: str | None = None
    lketool_version: str | None = None


def load_manifest(outdir: Path) -> Manifest:
    """Load and check ``outdir/manifest.json``.

    Raises :class:`MailConfigError` with a message for the user when the file
    is missing or malformed, because nothing can be mailed without it.
    """
    path = Path(outdir) / MANIFEST_NAME
    if not path.is_file():
        raise MailConfigError("mail.manifest.missing", path=path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise MailConfigError("mail.manifest.bad-json", path=path, line=exc.lineno, column=exc.colno,
                              detail=exc.msg) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise MailConfigError("mail.manifest.unreadable", path=path, detail=str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("reports"), list):
        raise MailConfigError("mail.manifest.no-list", path=path)

    reports = [_report(item, i, path) for i, item in enumerate(data["reports"], start=1)]
    if not reports:
        # Mailing nothing and exiting 0 would look like success.
        raise MailConfigError("mail.manifest.empty", path=path)
    failures = data.get("failures") or []
    if not isinstance(failures, list):
        failures = []
    return Manifest(
        outdir=Path(outdir),
        reports=reports,
        failures=[f for f in failures if isinstance(f, dict)],
        generated_at=_opt_str(data.get("generated_at")),
        lketool_version=_opt_str(data.get("lketool_version")),
    )


def _report(item: Any, index: int, path: Path) -> ReportEntry:
    if not isinstance(item, dict) or not str(item.get("unit") or "").strip():
        raise MailConfigError("mail.manifest.no-unit", path=path, index=index)
    unit = str(item["unit"]).strip()
    outputs = item.get("outputs") or {}
    if not isinstance(outputs, dict):
        raise MailConfigError("mail.manifest.outputs", path=path, unit=unit)
    total = item.get("total")
    try:
        total = None if total is None else float(total)
    except (TypeError, ValueError):
        raise MailConfigError("mail.manifest.total", path=path, unit=unit) from None
    return ReportEntry(
        unit=unit,
        key=str(item.get("key") or _slug(unit)),
        source_file=str(item.get("source_file") or ""),
        total=total,
        wbk_eligible=bool(item.get("wbk_eligible")),
        wbbm_eligible=bool(item.get("wbbm_eligible")),
        verdict=str(item.get("verdict") or ""),
        errors=_int(item.get("errors")),
        warnings=_int(item.get("warnings")),
        outputs={str(k): str(v) for k, v in outputs.items() if v},
    )


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "unit"
