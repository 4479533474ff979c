"""The label matcher's shortcut (exact word-set matches settled before the fuzzy
assignment) must give exactly the mapping of the fuzzy assignment alone, on template
sheets and on edited ones (near-duplicate labels, broken answer types, inserted and
deleted rows)."""
from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest

from lketool.layouts import lampiran_iii
from lketool.reader import open_workbook
from lketool.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("ya/tidak", "a/b/c", "a/b/c/d", "a/b/c/d/e")


def _dump(m):
    return ({k: (e.row, [(v.col, v.links) for v in e.evidence]) for k, e in m.entries.items()},
            {k: (a.row, a.children_rows) for k, a in m.aggregates.items()},
            [(u.rubric_id, u.row) for u in m.unmapped])


def _edit(grid, rng: random.Random):
    g = copy.deepcopy(grid)
    rows = g.rows
    for _ in range(rng.randint(2, 12)):
        r = rng.randrange(len(rows))
        row, op = rows[r], rng.random()
        texts = [c for c, v in enumerate(row) if isinstance(v, str) and len(v.split()) > 3]
        if op < 0.3 and texts:  # a near-duplicate just below, the original's type broken
            types = [c for c, v in enumerate(row) if isinstance(v, str) and v.strip().lower() in TYPES]
            if types:
                new = list(row)
                for c in texts:
                    new[c] += " tambahan"
                rows.insert(r + 1, new)
                row[types[0]] = rng.choice(["", "Jumlah", "%"])
        elif op < 0.55 and texts:  # words dropped or added
            c = rng.choice(texts)
            words = row[c].split()
            if rng.random() < 0.5:
                del words[rng.randrange(len(words))]
            else:
                words.insert(rng.randrange(len(words)), rng.choice(["unit", "kerja", "pelayanan", "baru"]))
            row[c] = " ".join(words)
        elif op < 0.7:  # a label copied from another row
            other = rows[rng.randrange(len(rows))]
            c = rng.randrange(min(len(row), len(other)) or 1)
            if c < len(row) and c < len(other):
                row[c] = other[c]
        elif op < 0.85:
            rows.insert(r, list(row))
        else:
            del rows[r]
    return g


@pytest.mark.parametrize("sample", ["01-wbbm-rsud-kota-contoh.xlsx", "04-berantakan-puskesmas-contoh-raya.xlsx"])
def test_exact_first_equals_fuzzy_only(sample, monkeypatch):
    rubric = load_rubric()
    grid = open_workbook(ROOT / "samples" / sample).grid("LKE ZI")
    rng = random.Random(16)
    grids = [grid] + [_edit(grid, rng) for _ in range(40)]
    fast = [_dump(lampiran_iii.map_sheet(copy.deepcopy(g), rubric)) for g in grids]
    monkeypatch.setattr(lampiran_iii, "_exact_pairs", lambda *a, **k: {})
    slow = [_dump(lampiran_iii.map_sheet(copy.deepcopy(g), rubric)) for g in grids]
    assert fast == slow


def test_template_labels_match_without_fuzzy_pairs(monkeypatch):
    """On an unedited sheet nearly every row is settled by its exact label."""
    rubric = load_rubric()
    grid = open_workbook(ROOT / "samples" / "01-wbbm-rsud-kota-contoh.xlsx").grid("LKE ZI")
    settled, asked = [], []
    real = lampiran_iii._exact_pairs

    def spy(keys, *args):
        out = real(keys, *args)
        asked.append(len(keys))
        settled.append(len(out))
        return out

    monkeypatch.setattr(lampiran_iii, "_exact_pairs", spy)
    lampiran_iii.map_sheet(grid, rubric)
    assert sum(settled) >= 0.95 * sum(asked) > 100
