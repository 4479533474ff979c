"""Recipients file: CSV/YAML parsing, unit matching, address validation."""
from __future__ import annotations

import builtins
from pathlib import Path

import pytest

from lketool.mailer import MailConfigError, ReportEntry, address_problem, load_recipients


def report(unit: str, source: str = "in/x.xlsx", key: str = "x") -> ReportEntry:
    return ReportEntry(unit=unit, key=key, source_file=source)


def test_csv_matches_unit_case_and_whitespace_insensitively(tmp_path: Path) -> None:
    f = tmp_path / "u.csv"
    f.write_text("unit,email,cc,name\n  dinas   CONTOH ,a@dinas.go.id;b@dinas.go.id,c@x.go.id,Ibu Kepala\n",
                 encoding="utf-8")
    book = load_recipients(f)
    got = book.lookup(report("Dinas Contoh"))
    assert got is not None
    assert got.to == ("a@dinas.go.id", "b@dinas.go.id")
    assert got.cc == ("c@x.go.id",)
    assert got.name == "Ibu Kepala"
    assert book.lookup(report("Dinas Contoh Lain")) is None  # never guessed


def test_semicolon_csv_from_indonesian_excel_with_bom_and_aliases(tmp_path: Path) -> None:
    # Excel with Indonesian regional settings: ';' separator, UTF-8 BOM,
    # Indonesian headers; several addresses in one cell separated by ','.
    f = tmp_path / "u.csv"
    f.write_bytes("\ufeffUnit Kerja;Surel;Tembusan;Nama\nBiro Umum;a@x.go.id, b@x.go.id;;Pak Budi\n"
                  .encode("utf-8"))
    got = load_recipients(f).lookup(report("biro umum"))
    assert got is not None and got.to == ("a@x.go.id", "b@x.go.id") and got.name == "Pak Budi"


def test_cp1252_csv_and_display_name_addresses(tmp_path: Path) -> None:
    f = tmp_path / "u.csv"
    f.write_bytes("unit,email\nKantor Pelayanan Café,\"Kepala <kepala@kpc.go.id>\"\n".encode("cp1252"))
    got = load_recipients(f).lookup(report("Kantor Pelayanan Café"))
    assert got is not None and got.to == ("kepala@kpc.go.id",)


def test_rows_for_same_unit_are_merged_without_duplicates(tmp_path: Path) -> None:
    f = tmp_path / "u.csv"
    f.write_text("unit,email,cc\nUnit A,a@x.go.id,k@x.go.id\nUNIT A,A@X.go.id;b@x.go.id,a@x.go.id\n")
    got = load_recipients(f).lookup(report("Unit A"))
    assert got is not None
    assert got.to == ("a@x.go.id", "b@x.go.id")
    # a@x.go.id is already in To: not repeated in Cc
    assert got.cc == ("k@x.go.id",)


def test_match_by_file_column_and_by_report_key(tmp_path: Path) -> None:
    f = tmp_path / "u.csv"
    f.write_text("file,unit,email\ndinas.xlsx,,f@x.go.id\n,biro-b,k@x.go.id\n")
    book = load_recipients(f)
    by_file = book.lookup(report("Dinas Apa Saja", source="in\\Dinas.XLSX"))
    assert by_file is not None and by_file.to == ("f@x.go.id",)
    by_key = book.lookup(report("Biro B", key="biro-b"))
    assert by_key is not None and by_key.to == ("k@x.go.id",)


@pytest.mark.parametrize(
    "address",
    ["a@b", "a@@b.go.id", "a b@x.go.id", "a@x..go.id", ".a@x.go.id", "a@-x.go.id", "bädi@x.go.id", "a@x.go.id."],
)
def test_bad_addresses_are_rejected(address: str) -> None:
    assert address_problem(address) is not None


@pytest.mark.parametrize("address", ["a@x.go.id", "nama.depan+zi@kemenpan.go.id", "A_B-1@sub.domain.id"])
def test_good_addresses_pass(address: str) -> None:
    assert address_problem(address) is None


def test_invalid_address_is_kept_for_the_unit_not_silently_dropped(tmp_path: Path) -> None:
    f = tmp_path / "u.csv"
    f.write_text("unit,email\nUnit A,ok@x.go.id;salah@@x.go.id\n")
    got = load_recipients(f).lookup(report("Unit A"))
    assert got is not None
    assert got.to == ("ok@x.go.id",)
    assert len(got.invalid) == 1 and "salah@@x.go.id" in got.invalid[0] and "baris 2" in got.invalid[0]


def test_missing_required_columns_is_a_config_error(tmp_path: Path) -> None:
    f = tmp_path / "u.csv"
    f.write_text("satuan,alamat\nA,a@x.go.id\n")
    with pytest.raises(MailConfigError, match="kolom wajib"):
        load_recipients(f)


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MailConfigError, match="tidak ditemukan"):
        load_recipients(tmp_path / "none.csv")
    (tmp_path / "u.xlsx").write_bytes(b"x")
    with pytest.raises(MailConfigError, match="format tidak dikenal"):
        load_recipients(tmp_path / "u.xlsx")


def test_unused_entries_are_reported(tmp_path: Path) -> None:
    f = tmp_path / "u.csv"
    f.write_text("unit,email\nUnit A,a@x.go.id\nUnit Salah Ketik,b@x.go.id\n")
    unused = load_recipients(f).unused([report("Unit A")])
    assert [e.match for e in unused] == ["Unit Salah Ketik"]


def test_yaml_list_and_mapping_forms(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    f = tmp_path / "u.yaml"
    f.write_text(
        "- unit: Unit A\n  email: [a@x.go.id, b@x.go.id]\n  cc: c@x.go.id\n  name: Ibu A\n", encoding="utf-8"
    )
    got = load_recipients(f).lookup(report("unit a"))
    assert got is not None and got.to == ("a@x.go.id", "b@x.go.id") and got.cc == ("c@x.go.id",)
    g = tmp_path / "m.yml"
    g.write_text("Unit B: b@x.go.id; c@x.go.id\nUnit C:\n  email: d@x.go.id\n  cc: [e@x.go.id]\n")
    book = load_recipients(g)
    assert book.lookup(report("Unit B")).to == ("b@x.go.id", "c@x.go.id")  # type: ignore[union-attr]
    assert book.lookup(report("Unit C")).cc == ("e@x.go.id",)  # type: ignore[union-attr]


def test_yaml_without_pyyaml_gives_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "u.yaml"
    f.write_text("- unit: A\n  email: a@x.go.id\n")
    real_import = builtins.__import__

    def no_yaml(name, *args, **kwargs):
        if name == "yaml":
            raise ImportError("No module named 'yaml'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_yaml)
    with pytest.raises(MailConfigError, match="PyYAML"):
        load_recipients(f)


def test_excel_sep_hint_line_is_obeyed(tmp_path: Path) -> None:
    f = tmp_path / "u.csv"
    f.write_text("sep=;\nunit;email\nUnit, Koma;a@x.go.id\n", encoding="utf-8")
    got = load_recipients(f).lookup(report("Unit, Koma"))
    assert got is not None and got.to == ("a@x.go.id",)
