"""Files that cannot be read: a clear message naming the file, exit 2, no traceback,
and the other files of the run are still checked."""
import io
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from lketool.api import check_file


def _run(*args):
    return subprocess.run([sys.executable, "-m", "lketool", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8")


@pytest.fixture
def bad_files(tmp_path):
    corrupt = tmp_path / "rusak.xlsx"
    good = io.BytesIO()
    openpyxl.Workbook().save(good)
    corrupt.write_bytes(good.getvalue()[:300])  # truncated zip
    text = tmp_path / "catatan.xlsx"
    text.write_text("ini bukan excel", encoding="utf-8")
    empty = tmp_path / "kosong.xlsx"
    openpyxl.Workbook().save(empty)
    other = tmp_path / "lain.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Daftar hadir"
    wb.save(other)
    files = {"file-corrupt": corrupt, "file-not-xlsx": text, "workbook-empty": empty, "sheet-missing": other}
    try:
        import msoffcrypto  # noqa: F401
        from msoffcrypto.format.ooxml import OOXMLFile
        buf = io.BytesIO()
        wb = openpyxl.Workbook()
        wb.active["A1"] = "x"
        wb.save(buf)
        buf.seek(0)
        enc = tmp_path / "terkunci.xlsx"
        out = io.BytesIO()
        OOXMLFile(buf).encrypt("rahasia", out)
        enc.write_bytes(out.getvalue())
        files["file-encrypted"] = enc
    except ImportError:
        pass
    return files


def test_each_bad_file_has_a_clear_error(bad_files):
    assert "file-encrypted" in bad_files, "msoffcrypto-tool (test extra) is needed to build an encrypted file"
    for code, path in bad_files.items():
        res = check_file(path)
        assert res.error is not None and res.error.code == code, (path, res.error)
        assert path.name in res.error.message("id") and path.name in res.error.message("en")


def test_cli_exit_2_without_traceback_and_others_still_checked(bad_files, tmp_path):
    missing = tmp_path / "tidak-ada.xlsx"
    out = _run("check", *bad_files.values(), missing)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr + out.stdout
    for path in list(bad_files.values()) + [missing]:
        assert path.name in out.stdout


def test_zip_that_is_not_a_workbook(tmp_path):
    p = tmp_path / "arsip.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "hi")
    res = check_file(p)
    assert res.error is not None and res.error.code in ("file-corrupt", "workbook-empty")
