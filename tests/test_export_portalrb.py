"""lketool export-portalrb: both layouts give the same PortalRB JSON, the JSON follows
the schema written from PortalRB's API guide, and incomplete workbooks are refused with
the cells to fix."""
from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from lketool.cli import main
from lketool.export_portalrb import export_files, load_schema
from lketool.rubric import load_rubric
from lketool.template import write_template

RUBRIC = load_rubric()
SPEC_ROWS = json.loads((Path(__file__).resolve().parents[1] / "lketool" / "layouts" / "portalrb-2026.json")
                       .read_text(encoding="utf-8"))["rows"]  # soal_id -> row of sheet Jawaban
DRIVE = "https://drive.google.com/file/d/{}/view"


def _answers() -> dict:
    """Every answer cell filled, cycling through the options so values differ by item."""
    out = {}
    for n, eid in enumerate(RUBRIC.entry_ids()):
        item = RUBRIC.items.get(eid)
        if item is None:
            out[eid] = 3 + n % 5  # a Jumlah count
        elif item.type == "survey":
            out[eid] = 3.25 if n % 2 else 3.8
        else:
            opts = list(RUBRIC.options(item.type))
            out[eid] = opts[n % len(opts)]
    return out


ANSWERS = _answers()
NOTES = {"P.1.i.a": "SK tim kerja ZI", "P.2.i.b": "SOP diterapkan\nseluruh bidang", "R.1.i.a.1": "7 agen"}
EVIDENCE = {"P.1.i.a": DRIVE.format("sk-tim"), "P.2.i.b": f"{DRIVE.format('sop-1')}\n{DRIVE.format('sop-2')}",
            "R.1.i.a": DRIVE.format("agen")}  # R.1.i.a is a % row: PortalRB has no soal for it


def _schema_validator(defn: str | None = None):
    jsonschema = pytest.importorskip("jsonschema")  # only these checks need it
    schema = load_schema()
    if defn is not None:
        schema = {**schema["$defs"][defn], "$defs": schema["$defs"]}
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("export")
    lamp = write_template(d / "lampiran.xlsx", "lampiran-iii", unit="Dinas Contoh", answers=ANSWERS,
                          notes=NOTES, evidence=EVIDENCE)
    portal = write_template(d / "portalrb.xlsx", "portalrb-2026", unit="Dinas Contoh", answers=ANSWERS,
                            notes=NOTES, evidence=EVIDENCE)
    return {"lampiran-iii": lamp, "portalrb-2026": portal, "dir": d}


def _export(args):
    return CliRunner().invoke(main, ["export-portalrb", *map(str, args)])


def test_both_layouts_give_the_same_json(books, tmp_path):
    outs = {}
    for layout in ("lampiran-iii", "portalrb-2026"):
        out = tmp_path / f"{layout}.json"
        r = _export([books[layout], "-o", out, "--unit-id", "UNIT-001"])
        assert r.exit_code == 0, r.output
        outs[layout] = json.loads(out.read_text(encoding="utf-8"))
    assert outs["lampiran-iii"] == outs["portalrb-2026"]

    data = outs["portalrb-2026"]
    assert (data["unit_id"], data["nama_unit"], data["tahun"]) == ("UNIT-001", "Dinas Contoh", 2026)
    ids = [a["soal_id"] for a in data["answers"]]
    assert ids == sorted(int(k) for k in SPEC_ROWS)  # every PortalRB soal once, in order
    by_soal = {a["soal_id"]: a for a in data["answers"]}
    for soal, obj in RUBRIC.by_soal.items():
        written = ANSWERS[obj.id]
        got = by_soal[soal]["jawaban_unit"]
        assert got == written, (soal, obj.id)
        assert type(got) is type(written)  # counts stay integers, surveys numbers, choices keys
        assert by_soal[soal]["jawaban_tpi"] is None
    # notes/evidence by soal: P.1.i.a is soal 1; several links become one per line
    assert by_soal[1]["catatan_unit"] == "SK tim kerja ZI"
    assert by_soal[1]["bukti_dukung_unit"] == DRIVE.format("sk-tim")
    p2ib = RUBRIC.items["P.2.i.b"].soal_id
    assert by_soal[p2ib]["bukti_dukung_unit"] == f"{DRIVE.format('sop-1')}\n{DRIVE.format('sop-2')}"
    assert by_soal[p2ib]["catatan_unit"] == "SOP diterapkan\nseluruh bidang"
    # the % row's evidence travels with its first Jumlah soal, as PortalRB's sheet holds it
    first_input = RUBRIC.inputs["R.1.i.a.1"].soal_id
    assert by_soal[first_input]["bukti_dukung_unit"] == DRIVE.format("agen")
    assert by_soal[first_input]["catatan_unit"] == "7 agen"
    assert by_soal[2]["catatan_unit"] is None and by_soal[2]["bukti_dukung_unit"] is None


def test_lampiran_only_total_rows_are_not_exported(books):
    s = export_files([books["lampiran-iii"]], books["dir"] / "l-only.json", unit_id="X1")
    payload = s.results[0].payload
    lampiran_only = [i for i in RUBRIC.inputs.values() if i.soal_id is None]
    assert lampiran_only  # the LHKPN/LHKASN "Jumlah yang harus melaporkan" rows
    assert len(payload["answers"]) == len(SPEC_ROWS)
    assert all(a["soal_id"] is not None for a in payload["answers"])


def test_export_follows_the_schema(books, tmp_path):
    _schema_validator().check_schema(load_schema())
    out = tmp_path / "folder"
    r = _export([books["portalrb-2026"], "-o", out, "--unit-id", "UNIT-001", "--kategori", "WBK-AFIRMASI"])
    assert r.exit_code == 0, r.output
    data = json.loads((out / "UNIT-001.json").read_text(encoding="utf-8"))
    _schema_validator().validate(data)
    units = json.loads((out / "unit-wbk.json").read_text(encoding="utf-8"))
    _schema_validator("unit_list").validate(units)
    assert units == {"tahun": 2026, "units": [{"id": "UNIT-001", "nama": "Dinas Contoh",
                                               "kategori": "WBK-AFIRMASI", "afirmasi": True}]}
    assert not (out / "unit-wbbm.json").exists()
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temp files
    if os.name == "posix":  # readable by a web server serving the folder, like any new file
        mask = os.umask(0)
        os.umask(mask)
        assert stat.S_IMODE((out / "UNIT-001.json").stat().st_mode) == 0o666 & ~mask


def test_schema_rejects_what_portalrb_would_not_take(books):
    v = _schema_validator()
    good = {"unit_id": "U", "nama_unit": "N", "tahun": 2026,
            "answers": [{"soal_id": 1, "jawaban_unit": "Ya", "jawaban_tpi": None, "catatan_unit": None,
                         "bukti_dukung_unit": None, "catatan_tpi": None}]}
    v.validate(good)
    bad_answers = [
        {"jawaban_unit": "Ya"},  # no soal_id
        {"soal_id": 1},  # jawaban_unit is required
        {"soal_id": 1, "jawaban_unit": "F"},  # not an option key
        {"soal_id": 1, "jawaban_unit": "ya"},  # keys are case-sensitive in skema_penilaian
        {"soal_id": 1, "jawaban_unit": -1},  # counts and surveys are not negative
        {"soal_id": "1", "jawaban_unit": "A"},  # soal_id is an integer
        {"soal_id": 1, "jawaban_unit": "A", "nilai": 1},  # not a field of the guide
    ]
    for ans in bad_answers:
        assert not v.is_valid({**good, "answers": [ans]}), ans
    assert not v.is_valid({k: good[k] for k in ("unit_id", "tahun", "answers")})
    assert not _schema_validator("unit").is_valid({"id": "U", "nama": "N", "kategori": "WBK2"})


def test_tpi_answers_are_exported_and_invalid_ones_become_null(tmp_path):
    tpi = {"P.1.i.a": "Tidak", "P.1.i.b": "Z", "R.1.i.a.1": 5, "H.I.a": 3.1}
    book = write_template(tmp_path / "tpi.xlsx", "portalrb-2026", unit="Unit TPI", answers=ANSWERS,
                          tpi_answers=tpi, notes=NOTES)
    s = export_files([book], tmp_path / "tpi.json", unit_id="T1")
    res = s.results[0]
    assert res.status == "written"
    by_soal = {a["soal_id"]: a for a in json.loads((tmp_path / "tpi.json").read_text("utf-8"))["answers"]}
    soal = {k: (RUBRIC.items.get(k) or RUBRIC.inputs[k]).soal_id for k in tpi}
    assert by_soal[soal["P.1.i.a"]]["jawaban_tpi"] == "Tidak"
    assert by_soal[soal["R.1.i.a.1"]]["jawaban_tpi"] == 5
    assert by_soal[soal["H.I.a"]]["jawaban_tpi"] == 3.1
    assert by_soal[soal["P.1.i.b"]]["jawaban_tpi"] is None  # 'Z' is not an option
    assert [n.soal_id for n in res.notices if n.code.startswith("tpi-")] == [soal["P.1.i.b"]]
    assert by_soal[3]["jawaban_tpi"] is None


@pytest.fixture(scope="module")
def incomplete(tmp_path_factory):
    """A PortalRB workbook with a blank choice, a blank count, an invalid option, a
    survey value above 4 and a fractional count."""
    d = tmp_path_factory.mktemp("incomplete")
    answers = dict(ANSWERS)
    broken = {"P.1.i.b": None, "R.1.i.a.2": None, "P.2.i.a": "F", "H.I.a": 5, "R.4.i.a.1": 2.5}
    for k, v in broken.items():
        if v is None:
            answers.pop(k)
        else:
            answers[k] = v
    book = write_template(d / "Dinas Belum Lengkap-4321.xlsx", "portalrb-2026", unit="Dinas Belum Lengkap",
                          answers=answers)
    return book, broken


def test_refuses_incomplete_workbook_and_lists_cells(incomplete, tmp_path):
    book, broken = incomplete
    out = tmp_path / "out"
    digest = hashlib.sha256(book.read_bytes()).hexdigest()
    r = _export([book, "-o", out])
    assert r.exit_code == 1, r.output
    assert "DITOLAK" in r.output
    for eid in broken:
        obj = RUBRIC.items.get(eid) or RUBRIC.inputs[eid]
        row = SPEC_ROWS[str(obj.soal_id)]
        line = next((ln for ln in r.output.splitlines() if f"Jawaban!K{row} " in ln), None)
        assert line is not None, (eid, r.output)
        assert f"soal {obj.soal_id}" in line
        assert (getattr(obj, "portalrb_text", "") or obj.text)[:30] in line
    assert not list(out.glob("*.json"))  # nothing written for the refused unit
    assert hashlib.sha256(book.read_bytes()).hexdigest() == digest  # input untouched


def test_refusal_in_english_and_json(incomplete, tmp_path):
    book, broken = incomplete
    r = _export([book, "-o", tmp_path / "x.json", "--lang", "en", "--format", "json"])
    assert r.exit_code == 1
    data = json.loads(r.output)
    res = data["results"][0]
    assert res["status"] == "refused" and res["output"] is None
    assert {b["item"] for b in res["blockers"]} == set(broken)
    codes = {b["item"]: b["code"] for b in res["blockers"]}
    assert codes["P.1.i.b"] == "answer-missing" and codes["P.2.i.a"] == "answer-invalid"
    assert codes["H.I.a"] == "survey-out-of-range" and codes["R.4.i.a.1"] == "count-invalid"
    assert not (tmp_path / "x.json").exists()


def test_allow_incomplete_writes_nulls(incomplete, tmp_path):
    book, broken = incomplete
    out = tmp_path / "out"
    r = _export([book, "-o", out, "--allow-incomplete"])
    assert r.exit_code == 0, r.output
    # PortalRB copies are named '<nama unit>-<unit_id>.xlsx': the id comes from the name
    data = json.loads((out / "4321.json").read_text(encoding="utf-8"))
    _schema_validator().validate(data)
    by_soal = {a["soal_id"]: a for a in data["answers"]}
    for eid in broken:
        obj = RUBRIC.items.get(eid) or RUBRIC.inputs[eid]
        assert by_soal[obj.soal_id]["jawaban_unit"] is None, eid
    filled = [a for a in data["answers"] if a["jawaban_unit"] is not None]
    assert len(filled) == len(SPEC_ROWS) - len(broken)


def test_folder_of_units_and_unit_lists(books, incomplete, tmp_path):
    out = tmp_path / "api"
    r = _export([books["lampiran-iii"], "-o", out, "--unit-id", "A-1", "--kategori", "WBBM"])
    assert r.exit_code == 0, r.output
    # a second run into the same folder keeps the first unit in the lists
    r = _export([books["portalrb-2026"], incomplete[0], "-o", out])
    assert r.exit_code == 1  # the incomplete one is refused, the other written
    written = sorted(p.name for p in out.glob("*.json"))
    assert written == ["A-1.json", "dinas-contoh.json", "unit-wbbm.json", "unit-wbk.json"]
    wbbm = json.loads((out / "unit-wbbm.json").read_text("utf-8"))
    wbk = json.loads((out / "unit-wbk.json").read_text("utf-8"))
    assert [u["id"] for u in wbbm["units"]] == ["A-1"] and wbbm["units"][0]["kategori"] == "WBBM"
    assert [u["id"] for u in wbk["units"]] == ["dinas-contoh"]  # the refused unit is not listed
    for d in (wbbm, wbk):
        _schema_validator("unit_list").validate(d)


def test_same_unit_id_twice_is_refused_not_overwritten(books, tmp_path):
    copy = tmp_path / "again" / "portalrb.xlsx"
    copy.parent.mkdir()
    copy.write_bytes(books["portalrb-2026"].read_bytes())
    s = export_files([books["portalrb-2026"], copy], tmp_path / "out")
    assert [r.status for r in s.results] == ["written", "refused"]
    assert s.results[1].blockers[0].code == "unit-id-clash"
    assert s.exit_code == 1


@pytest.mark.parametrize("n_inputs,args", [
    (2, ["--unit-id", "U1", "-o", "o"]),  # one id for two workbooks
    (2, ["-o", "one.json"]),  # one .json file for two workbooks
    (1, ["--unit-id", "a/b", "-o", "o"]),  # not usable in a URL path or file name
    (1, ["--kategori", "WBK-AFIRMASI", "--no-afirmasi", "-o", "o"]),
])
def test_usage_errors_exit_2(books, tmp_path, n_inputs, args):
    ins = [books["lampiran-iii"], books["portalrb-2026"]][:n_inputs]
    args = [tmp_path / a if a in ("o", "one.json") else a for a in args]
    r = _export([*ins, *args])
    assert r.exit_code == 2, r.output
    assert not list(tmp_path.rglob("*.json"))


def test_unreadable_input_exits_2(tmp_path):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"not a workbook")
    r = _export([bad, "-o", tmp_path / "o"])
    assert r.exit_code == 2
    assert "TIDAK TERBACA" in r.output
    assert not list((tmp_path / "o").glob("*.json"))


def test_real_workbook_exports_every_master_soal(real_workbook, master_json, tmp_path):
    s = export_files([real_workbook], tmp_path / "real.json", unit_id="PKM-1")
    res = s.results[0]
    assert res.status == "written", [b.to_dict() for b in res.blockers]
    data = json.loads((tmp_path / "real.json").read_text(encoding="utf-8"))
    _schema_validator().validate(data)

    master = json.loads(master_json.read_text(encoding="utf-8"))
    soals = {}

    def walk(node):
        for so in node.get("soals", []):
            soals[so["id"]] = so
        for ch in node.get("children", []):
            walk(ch)
    for n in master["data"]:
        walk(n)
    assert [a["soal_id"] for a in data["answers"]] == sorted(soals)
    for a in data["answers"]:
        so = soals[a["soal_id"]]
        keys = [k["key"] for k in so["skema_penilaian"]]
        if keys:
            assert a["jawaban_unit"] in keys, (a["soal_id"], a["jawaban_unit"])
        elif so["jenis_jawaban"].lower() == "jumlah":
            assert isinstance(a["jawaban_unit"], int) and a["jawaban_unit"] >= 0
        else:  # 0-4 survey
            assert isinstance(a["jawaban_unit"], float) and 0 <= a["jawaban_unit"] <= 4
