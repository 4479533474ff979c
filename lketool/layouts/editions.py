"""Tell an LKE ZI of PermenPANRB 90/2021 from sheets that look alike but are not it, so
that they are refused by name instead of scored with the wrong rubric:

* an LKE PMPRB/RB (the same Lampiran III columns, other questions: 'PROSES (60)', eight
  areas): its columns are found but only a handful of ZI items match;
* a pre-2021 LKE ZI (PermenPANRB 52/2014, amended by 10/2019): six areas weighted
  5/5/15/10/15/10 with no PEMENUHAN/REFORM split, whose item texts mostly match 2021's.
  Scoring it with 2021 weights would be silent and wrong; it is refused until a rubric
  file for that edition exists."""
from __future__ import annotations

from lketool.errors import WorkbookError
from lketool.i18n import Msg
from lketool.text import norm

# 52/2014 Bab III B.4: Manajemen Perubahan 5, Penataan Tatalaksana 5, Penataan Sistem
# Manajemen SDM 15 (2021: 5, 3.5, 5 per half; 8, 7, 10 whole)
OLD_AREA_WEIGHTS = {"manajemen perubahan": 5.0, "penataan tatalaksana": 5.0, "sumber daya manusia": 15.0,
                    "sistem manajemen sdm": 15.0}


def _texts(grid, max_cols: int = 8):
    for r, row in enumerate(grid.rows, start=1):
        for v in row[:max_cols]:
            if isinstance(v, str) and v.strip():
                yield r, row, norm(v)


def is_pre_2021(grid) -> bool:
    """A ZI sheet without the PEMENUHAN/REFORM split whose area rows carry 52/2014 weights."""
    has_split = False
    old_weights = 0
    for _, row, text in _texts(grid):
        if text.rstrip(".: ").endswith(("pemenuhan", "reform")) and len(text) < 30:
            has_split = True
            break
        for name, w in OLD_AREA_WEIGHTS.items():
            if name in text and len(text) < 80 and any(
                    isinstance(v, (int, float)) and not isinstance(v, bool) and float(v) == w for v in row):
                old_weights += 1
    return not has_split and old_weights >= 2


def refuse_pre_2021(path, sheet: str) -> WorkbookError:
    return WorkbookError("edition-unsupported", str(path), key="file.pre-2021", sheet=sheet)


def looks_like_pmprb(grid) -> bool:
    """The LKE PMPRB/RB's own markers: its 'PROSES (60)' component or the name."""
    return any(("proses" in t and "60" in t) or "pmprb" in t for _, _, t in _texts(grid))


def refuse_other_lke(path, sheet: str, found: int, total: int, grid) -> WorkbookError:
    """Lampiran III columns but too few ZI items: most likely an LKE PMPRB/RB."""
    guess = Msg("file.guess-pmprb" if looks_like_pmprb(grid) else "file.guess-not-zi")
    return WorkbookError("edition-unsupported", str(path), key="file.other-lke", sheet=sheet, found=found,
                         total=total, guess=guess)
