"""Build the sample workbooks in ``samples/`` (fictional units, seeded and reproducible).

    python tools/make_samples.py            # needs LibreOffice (the files carry computed values)
    python tools/make_samples.py --raw DIR  # only the openpyxl files, no LibreOffice

Each sample is made from answers chosen to land on a verdict (checked here with
lketool's own scorer before writing), written with :func:`lketool.template.write_template`,
damaged on purpose where the sample is about mistakes, then saved through LibreOffice so
that, like a file saved by Excel, it carries the computed values of its formulas.
"""
from __future__ import annotations

import argparse
import random
import re
import string
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lketool.layouts import LAMPIRAN_III, PORTALRB_2026  # noqa: E402
from lketool.rubric import load_rubric  # noqa: E402
from lketool.score import compute_scores  # noqa: E402
from lketool.verdict import evaluate  # noqa: E402
from lketool.template import lampiran_rows, portalrb_rows, save_atomic, write_template  # noqa: E402

SEED = 20260521
SAMPLES_DIR = ROOT / "samples"
RUBRIC = load_rubric()
CHOICE = ("yn", "abc", "abcd", "abcde")
_ID_CHARS = string.ascii_letters + string.digits + "-_"

NOTES = (
    "Ditetapkan dengan SK Kepala {short} Nomor {n}/{m}/2025",
    "Dokumen dan foto kegiatan tersedia pada tautan bukti dukung",
    "Laporan pemantauan triwulan I-IV tahun 2025",
    "Notulen rapat, undangan dan daftar hadir pada tautan",
    "Dilaksanakan setiap bulan; laporan terakhir Desember 2025",
    "Hasil evaluasi telah ditindaklanjuti (lihat laporan tindak lanjut)",
)


@dataclass
class Sample:
    name: str
    layout: str
    unit: str
    short: str
    describe: str


SAMPLES = [
    Sample("01-wbbm-rsud-kota-contoh", LAMPIRAN_III, "RSUD Kota Contoh", "RSUD",
           "memenuhi semua syarat WBBM (dan WBK)"),
    Sample("02-wbk-dinas-dukcapil-kabupaten-sampel", LAMPIRAN_III,
           "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Sampel", "Dinas", "layak WBK, belum WBBM"),
    Sample("03-gagal-ipak-kantor-pertanahan-kota-contoh", LAMPIRAN_III, "Kantor Pertanahan Kota Contoh",
           "Kantor", "gagal satu syarat WBK saja: nilai survei IPAK 3,40 (minimal 3,60)"),
    Sample("04-berantakan-puskesmas-contoh-raya", LAMPIRAN_III, "Puskesmas Contoh Raya", "Puskesmas",
           "belum lengkap dan banyak kesalahan isian"),
    Sample("05-portalrb-samsat-kabupaten-sampel", PORTALRB_2026, "UPT Samsat Kabupaten Sampel", "UPT",
           "format PortalRB 2026 dengan jawaban TPI yang berbeda pada beberapa butir"),
]


# ---------------------------------------------------------------- answers

def full_answers(rng: random.Random) -> dict[str, Any]:
    """Every entry at its best answer; counts that give 100 %."""
    a: dict[str, Any] = {}
    for item in RUBRIC.items.values():
        if item.type in CHOICE:
            a[item.id] = next(iter(RUBRIC.options(item.type)))
        elif item.type == "survey":
            a[item.id] = 4.0
        elif item.formula == "decrease":
            a[item.input("prev").id] = rng.randint(3, 8)
            a[item.input("curr").id] = 0
            a[item.input("sanctioned").id] = rng.randint(0, 2)
        else:
            parts = [i for i in item.inputs if i.role == "part"]
            if parts:
                vals = [rng.randint(1, 12) for _ in parts]
                for p, v in zip(parts, vals):
                    a[p.id] = v
                total = item.input("total")
                if not total.computed:
                    a[total.id] = sum(vals)
                a[item.input("num").id] = sum(vals)
            else:
                den = rng.randint(4, 40)
                a[item.input("den").id] = den
                a[item.input("num").id] = den
                if item.input("in_process"):
                    a[item.input("in_process").id] = 0
    return a


def values_of(answers: dict[str, Any]) -> dict[str, Any]:
    """Answers as the scorer takes them (option keys as typed, numbers as floats)."""
    out = {}
    for k, v in answers.items():
        if isinstance(v, (int, float)):
            out[k] = float(v)
        elif k in RUBRIC.items and RUBRIC.items[k].type in CHOICE:
            key = next((o for o in RUBRIC.options(RUBRIC.items[k].type) if o.casefold() == str(v).casefold()), None)
            out[k] = key
    return out


def verdict(answers: dict[str, Any]):
    scores = compute_scores(RUBRIC, values_of(answers))
    return scores, evaluate(RUBRIC, values_of(answers), scores=scores)


def _lower_one(rng: random.Random, a: dict[str, Any]) -> dict[str, Any] | None:
    """A copy of ``a`` with one pengungkit answer made worse (one option down, or a
    smaller count done)."""
    items = [i for i in RUBRIC.items.values() if not i.id.startswith("H.")]
    item = rng.choice(items)
    b = dict(a)
    if item.type in CHOICE:
        opts = list(RUBRIC.options(item.type))
        i = opts.index(b[item.id])
        if i + 1 >= len(opts):
            return None
        b[item.id] = opts[i + 1]
        return b
    if item.formula == "decrease":
        prev = b[item.input("prev").id]
        if b[item.input("curr").id] >= prev:
            return None
        b[item.input("curr").id] += 1
        return b
    num = item.input("num").id
    if b[num] <= 1:
        return None
    b[num] = b[num] - max(1, b[num] // 5)
    return b


def degrade(rng: random.Random, a: dict[str, Any], target_total: float,
            keep: Callable[[Any, dict], bool]) -> dict[str, Any]:
    """Lower answers one at a time until the total is at most ``target_total``, refusing
    any step after which ``keep(scores, eligibility)`` no longer holds."""
    for _ in range(5000):
        scores, elig = verdict(a)
        if scores.total <= target_total:
            return a
        b = _lower_one(rng, a)
        if b is None:
            continue
        s2, e2 = verdict(b)
        if keep(s2, e2):
            a = b
    raise RuntimeError("could not reach the target total")


def drive_link(rng: random.Random) -> str:
    while True:
        fid = "1" + "".join(rng.choice(_ID_CHARS) for _ in range(32))
        # openpyxl writes text as is, and LibreOffice reads '_x6_' as the escape of
        # character 6 (OOXML '_xHHHH_'); real Drive ids could do this too, but these are fake
        if not re.search(r"_x[0-9a-fA-F]", fid, re.I):
            break
    if rng.random() < 0.2:
        return f"https://drive.google.com/drive/folders/{fid}?usp=drive_link"
    return f"https://drive.google.com/file/d/{fid}/view?usp=sharing"


def evidence_and_notes(rng: random.Random, sample: Sample, answers: dict[str, Any]):
    """One distinct Drive link per answered question (a % item's on its own row), and
    a short note on about half of them."""
    evidence, notes = {}, {}
    for item in RUBRIC.items.values():
        ids = [item.id] if item.type != "pct" else [i.id for i in item.inputs]
        if not any(i in answers for i in ids):
            continue
        evidence[item.id] = drive_link(rng)
        if rng.random() < 0.5:
            notes[item.id] = rng.choice(NOTES).format(short=sample.short, n=rng.randint(100, 999),
                                                      m=rng.randint(1, 30))
    return evidence, notes


# ---------------------------------------------------------------- the five samples

def wbbm(rng):
    a = full_answers(rng)
    a.update({"H.I.a": 3.82, "H.I.b": "A", "H.II.a": 3.76})
    return degrade(rng, a, 92.5, lambda s, e: e["wbbm"]["eligible"])


def wbk(rng):
    a = full_answers(rng)
    a.update({"H.I.a": 3.68, "H.I.b": "B", "H.II.a": 3.41})
    return degrade(rng, a, 81.0, lambda s, e: e["wbk"]["eligible"])


def single_criterion(rng):
    a = full_answers(rng)
    a.update({"H.I.a": 3.40, "H.I.b": "A", "H.II.a": 3.55})
    return degrade(rng, a, 82.0, lambda s, e: e["wbk"]["missed"] == ["ipak"])


def messy(rng, sample: Sample, raw_dir: Path) -> Path:
    """A half-finished workbook with the mistakes units make."""
    a = full_answers(rng)
    a.update({"H.I.a": 3.61, "H.I.b": "B", "H.II.a": 3.3})
    a = degrade(rng, a, 80.0, lambda s, e: e["wbk"]["eligible"])
    a["P.5.iv.b"] = "C"  # its Nilai formula is typed over below
    evidence, notes = evidence_and_notes(rng, sample, a)
    # blanks (each indicator keeps an answer, so the sheet's AVERAGE still computes)
    blank = ["P.1.ii.c", "P.2.ii.d", "P.3.iii.e", "P.4.ii.g", "P.6.ii.e", "R.2.iii.b"]
    for k in blank:
        a.pop(k)
        evidence.pop(k, None)
        notes.pop(k, None)
    a["P.3.iii.b"] = "F"  # not an option
    a["P.5.v.d"] = "F"
    for k in ("P.1.i.a", "P.3.i.a", "P.4.ii.a"):  # lower case: accepted (Excel ignores case)
        assert RUBRIC.items[k].type == "yn"
        a[k] = "ya"
    for k in ("P.2.i.b", "P.5.ii.a", "R.4.ii.a", "P.6.iv.b"):  # answered, no evidence at all
        evidence.pop(k)
        notes.pop(k, None)
    evidence["P.2.iii.a"] = "-"
    evidence["P.6.v.c"] = "-"
    evidence["P.3.iv.b"] = "terlampir"
    evidence["R.2.ii.a"] = "terlampir"
    raw = write_template(raw_dir / f"{sample.name}.xlsx", LAMPIRAN_III, unit=sample.unit, answers=a,
                         evidence=evidence, notes=notes)
    import openpyxl

    wb = openpyxl.load_workbook(raw)
    ws = wb["LKE ZI"]
    rows = lampiran_rows(RUBRIC, unit=sample.unit)
    # the Nilai formula of an item answered 'C' typed over with 1
    ws[f"L{rows['P.5.iv.b']}"] = 1
    # the Pilihan Jawaban of a question edited by hand
    ws[f"J{rows['P.6.ii.b']}"] = "A/B/C/D/E"
    ws[f"K{rows['P.6.ii.b']}"] = "E"
    save_atomic(wb, raw)
    return raw


def portalrb(rng, sample: Sample, raw_dir: Path) -> Path:
    a = full_answers(rng)
    a.update({"H.I.a": 3.74, "H.I.b": "A", "H.II.a": 3.66})
    a = degrade(rng, a, 86.0, lambda s, e: e["wbk"]["eligible"])
    # the TPI agrees on most answers and marks some down
    tpi = dict(a)
    choice = sorted(k for k in a if k in RUBRIC.items and RUBRIC.items[k].type in CHOICE and not k.startswith("H."))
    lowered = []
    for k in rng.sample(choice, 12):
        opts = list(RUBRIC.options(RUBRIC.items[k].type))
        i = opts.index(a[k])
        if i + 1 < len(opts):
            tpi[k] = opts[min(len(opts) - 1, i + rng.choice((1, 2)))]
            lowered.append(k)
    tpi["R.4.i.a.2"] = max(0, a["R.4.i.a.2"] - 2)  # fewer targets reached, per the TPI
    tpi["H.I.a"] = 3.74
    evidence, notes = evidence_and_notes(rng, sample, a)
    raw = write_template(raw_dir / f"{sample.name}.xlsx", PORTALRB_2026, unit=sample.unit, answers=a,
                         tpi_answers=tpi, evidence=evidence, notes=notes)
    import openpyxl

    wb = openpyxl.load_workbook(raw)
    ws = wb["Jawaban"]
    rows = portalrb_rows(RUBRIC)
    for k in lowered + ["R.4.i.a.2"]:
        ws[f"Q{rows[k]}"] = "Bukti dukung belum menunjukkan pelaksanaan pada seluruh bidang; nilai disesuaikan"
    save_atomic(wb, raw)
    return raw


def build_raw(raw_dir: Path) -> list[Path]:
    """Write the five samples with openpyxl (formulas, no computed values) into ``raw_dir``."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for n, sample in enumerate(SAMPLES):
        rng = random.Random(SEED + n)
        if sample.layout == PORTALRB_2026:
            out.append(portalrb(rng, sample, raw_dir))
        elif sample.name.startswith("04"):
            out.append(messy(rng, sample, raw_dir))
        else:
            answers = {"01": wbbm, "02": wbk, "03": single_criterion}[sample.name[:2]](rng)
            evidence, notes = evidence_and_notes(rng, sample, answers)
            out.append(write_template(raw_dir / f"{sample.name}.xlsx", sample.layout, unit=sample.unit,
                                      answers=answers, evidence=evidence, notes=notes))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--raw", type=Path, help="only write the openpyxl files to this folder (no LibreOffice)")
    ap.add_argument("--out", type=Path, default=SAMPLES_DIR, help="output folder (default: samples/)")
    args = ap.parse_args(argv)
    if args.raw:
        for p in build_raw(args.raw):
            print(p)
        return 0
    from lketool.libreoffice import recalc_many

    with tempfile.TemporaryDirectory() as tmp:
        raws = build_raw(Path(tmp) / "raw")
        # saved through LibreOffice straight into the output folder (atomically, per file)
        for p in recalc_many(raws, args.out):
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
