"""Three changes that once went unnoticed by the suite, each pinned here:

(a) a % item counts as answered when ANY of its Jumlah inputs is filled (not all), so a
    half-filled % item without evidence still gets ``evidence-missing``;
(b) a write that fails leaves no temporary file behind (and the old output intact);
(c) every formula prefix of the CSV escaping, ``\\r`` included, gets its apostrophe."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from lketool import atomic
from lketool.api import check_file
from lketool.atomic import atomic_path, write_bytes
from lketool.cells import csv_text
from lketool.layouts import LAMPIRAN_III, PORTALRB_2026
from lketool.rubric import load_rubric
from lketool.template import save_atomic, write_template

RUBRIC = load_rubric()


# ---------------------------------------------------------------- (a) answered = any input

def evidence_missing(path: Path) -> set[str]:
    res = check_file(path)
    assert res.error is None
    return {p.location.item for p in res.problems if p.code == "evidence-missing"}


@pytest.mark.parametrize("layout", [LAMPIRAN_III, PORTALRB_2026])
@pytest.mark.parametrize("item_id,filled", [
    ("R.1.i.a", {"R.1.i.a.1": 10}),                               # ratio: required count only
    ("R.1.i.a", {"R.1.i.a.2": 4}),                                # ratio: done count only
    ("R.3.iii.a", {"R.3.iii.a.1": 5, "R.3.iii.a.3": 1}),          # decrease: 2 of 3
    ("R.5.iii.a.a", {"R.5.iii.a.a.1": 3}),                        # sum of parts: 1 part of 4 inputs
])
def test_partly_filled_pct_item_without_evidence_is_evidence_missing(tmp_path, layout, item_id, filled):
    item = RUBRIC.items[item_id]
    assert item.type == "pct" and 0 < len(filled) < len([i for i in item.inputs if not i.layout_only])
    path = write_template(tmp_path / "lke.xlsx", layout, unit="Dinas Uji", answers=filled)
    assert item_id in evidence_missing(path)


@pytest.mark.parametrize("layout", [LAMPIRAN_III, PORTALRB_2026])
def test_unfilled_or_evidenced_pct_item_is_not_evidence_missing(tmp_path, layout):
    blank = write_template(tmp_path / "blank.xlsx", layout, unit="Dinas Uji")
    assert "R.1.i.a" not in evidence_missing(blank)
    with_link = write_template(tmp_path / "link.xlsx", layout, unit="Dinas Uji", answers={"R.1.i.a.1": 10},
                               evidence={"R.1.i.a": "https://drive.google.com/drive/folders/abcdefghijklmnop"})
    assert "R.1.i.a" not in evidence_missing(with_link)


# ---------------------------------------------------------------- (b) no temp file after a failed write

def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failed_write_in_atomic_path_leaves_no_temp_and_old_output(tmp_path, exc):
    out = tmp_path / "Rekap.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(type(exc)):
        with atomic_path(out) as tmp:
            tmp.write_bytes(b"half")
            raise exc
    assert leftovers(tmp_path, {"Rekap.xlsx"}) == []
    assert out.read_bytes() == b"old"


def test_failed_replace_leaves_no_temp(tmp_path, monkeypatch):
    out = tmp_path / "laporan.docx"

    def refuse(src, dst):
        raise PermissionError(13, "The file is open in another program", str(dst))

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_bytes(out, b"new")
    assert leftovers(tmp_path, set()) == []


def test_failed_workbook_save_leaves_no_temp(tmp_path):
    class Broken:
        def save(self, path):
            Path(path).write_bytes(b"PK\x03\x04 half a zip")
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        save_atomic(Broken(), tmp_path / "LKE.xlsx")
    assert leftovers(tmp_path, set()) == []


def test_successful_write_leaves_only_the_output(tmp_path):
    write_bytes(tmp_path / "a.csv", b"x")
    assert leftovers(tmp_path, set()) == ["a.csv"]
    assert (tmp_path / "a.csv").read_bytes() == b"x"
    if os.name == "posix":
        assert (tmp_path / "a.csv").stat().st_mode & 0o044  # readable by others, not mkstemp's 0600


# ---------------------------------------------------------------- (c) CSV formula prefixes

# Written out, not taken from lketool.cells: dropping one from the module must fail here.
@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"], ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_every_formula_prefix_is_neutralised_in_csv(prefix):
    value = prefix + 'HYPERLINK("http://x.invalid","klik")'
    assert csv_text(value) == "'" + value


@pytest.mark.parametrize("value", ["Dinas Kesehatan", "10", "", "a=b", "x\r=y", "'=already"])
def test_other_text_is_left_alone_in_csv(value):
    assert csv_text(value) == value
