"""Recommendation texts per indicator, read from a file users can edit:
``report_templates/rekomendasi.yaml`` (needs pyyaml) or ``rekomendasi.json``.

The file holds ``default`` (used for an indicator without its own text) and
``indikator: {id: text}``; a flat ``{id: text, default: text}`` mapping is accepted too."""
from __future__ import annotations

import json
from pathlib import Path

from lketool.errors import Keyed
from lketool.report.templates import TEMPLATE_DIR

DEFAULT_RECOMMENDATIONS = ("Lengkapi pelaksanaan dan bukti dukung indikator ini sesuai kriteria LKE, "
                           "lalu pantau dan evaluasi hasilnya secara berkala.")


class RecommendationError(Keyed, ValueError):
    """The recommendation file cannot be read; worded from the catalogue (``report.recommend.*``)."""


def find_recommendations(folder: Path | None = None) -> Path | None:
    """``rekomendasi.yaml``, ``.yml`` or ``.json`` in ``folder`` (default: the packaged templates)."""
    for name in ("rekomendasi.yaml", "rekomendasi.yml", "rekomendasi.json"):
        p = Path(folder or TEMPLATE_DIR) / name
        if p.is_file():
            return p
    if folder is not None and Path(folder) != TEMPLATE_DIR:
        return find_recommendations(None)
    return None


def load_recommendations(path: str | Path | None = None) -> dict[str, str]:
    """``{indicator id: text, "default": text}`` from ``path`` or the packaged file."""
    p = Path(path) if path is not None else find_recommendations()
    if p is None:
        return {"default": DEFAULT_RECOMMENDATIONS}
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RecommendationError("report.recommend.unreadable", path=p, reason=str(exc)) from exc
    if p.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise RecommendationError("report.recommend.no-yaml", name=p.name) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise RecommendationError("report.recommend.bad-yaml", path=p, detail=str(exc)) from exc
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RecommendationError("report.recommend.bad-json", path=p, line=exc.lineno, column=exc.colno,
                                      detail=exc.msg) from exc
    if not isinstance(data, dict):
        raise RecommendationError("report.recommend.not-pairs", path=p)
    table = data.get("indikator", data)
    if not isinstance(table, dict):
        raise RecommendationError("report.recommend.indikator", path=p)
    out = {str(k): str(v).strip() for k, v in table.items() if not str(k).startswith("_") and v}
    out["default"] = str(data.get("default") or out.get("default") or DEFAULT_RECOMMENDATIONS).strip()
    return out
