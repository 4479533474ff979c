"""The letter parts of the LHE from the user: a small settings file (TOML, JSON or
YAML) and the letterhead image, checked before any report is written.

A settings file holds any of the keys of :data:`SETTINGS_KEYS`, e.g. ``lhe.toml``::

    nomor = "700/123/ITKAB/2026"
    sifat = "Biasa"
    kepada = "Kepala Dinas Kesehatan Kabupaten Sampel"
    penandatangan = "Dra. Siti Aminah, M.Si."
    jabatan = "Ketua TPI"
    nip = "19700101 199503 2 001"
    tempat = "Sampel"
    instansi = "Inspektorat Kabupaten Sampel"
    kop = "kop.png"          # relative to the settings file

Options given on the command line win over the file."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lketool.errors import Keyed
from lketool.report.context import LETTER_FIELDS

SETTINGS_KEYS = LETTER_FIELDS + ("kop", "instansi")
KOP_MAX_BYTES = 5 * 1024 * 1024


class LetterSettingsError(Keyed, ValueError):
    """A settings file or letterhead image cannot be used (message names the file; worded
    from the catalogue, keys ``report.settings.*`` and ``report.kop.*``)."""


def load_settings(path: str | Path) -> dict[str, Any]:
    """The settings file as ``{key: text}``; ``kop`` made absolute (relative to the file)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise LetterSettingsError("report.settings.unreadable", path=p, reason=exc.strerror or str(exc)) from None
    suffix = p.suffix.lower()
    try:
        if suffix == ".toml":
            import tomllib

            data = tomllib.loads(raw.decode("utf-8-sig"))
        elif suffix in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError:
                raise LetterSettingsError("report.settings.no-yaml", name=p.name) from None
            data = yaml.safe_load(raw.decode("utf-8-sig"))
        elif suffix == ".json":
            data = json.loads(raw.decode("utf-8-sig"))
        else:
            raise LetterSettingsError("report.settings.suffix", name=p.name)
    except LetterSettingsError:
        raise
    except Exception as exc:  # tomllib/json/yaml errors and bad UTF-8: one sentence naming the file
        raise LetterSettingsError("report.settings.invalid", path=p, detail=str(exc)) from None
    if isinstance(data, dict) and isinstance(data.get("surat"), dict):
        data = {**{k: v for k, v in data.items() if k != "surat"}, **data["surat"]}
    if not isinstance(data, dict):
        raise LetterSettingsError("report.settings.not-pairs", path=p)
    unknown = sorted(str(k) for k in data if k not in SETTINGS_KEYS)
    if unknown:
        raise LetterSettingsError("report.settings.unknown-keys", path=p, keys=", ".join(unknown),
                                  known=", ".join(SETTINGS_KEYS))
    out = {k: str(v) for k, v in data.items() if v is not None and not isinstance(v, (dict, list))}
    if out.get("kop"):
        out["kop"] = str((p.parent / out["kop"]).resolve()) if not Path(out["kop"]).is_absolute() else out["kop"]
    return out


def load_kop(path: str | Path) -> bytes:
    """The letterhead image's bytes (PNG or JPEG, at most 5 MB), checked to open."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise LetterSettingsError("report.kop.unreadable", path=p, reason=exc.strerror or str(exc)) from None
    if len(data) > KOP_MAX_BYTES:
        raise LetterSettingsError("report.kop.too-large", path=p, kb=len(data) // 1024)
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise LetterSettingsError("report.kop.not-image", path=p)
    try:
        from PIL import Image
        import io

        with Image.open(io.BytesIO(data)) as img:
            img.verify()
    except Exception:
        raise LetterSettingsError("report.kop.broken", path=p) from None
    return data
