"""lketool: read, check and score LKE Zona Integritas (WBK/WBBM) workbooks.

Public API (see README):

    from lketool import check_file, load_rubric
    result = check_file("LKE_unit.xlsx")
"""
__version__ = "0.2.0"

__all__ = ["__version__", "check_file", "check_files", "load_rubric"]


def __getattr__(name):  # lazy, so `import lketool` stays cheap for the CLI
    if name in ("check_file", "check_files"):
        from lketool import api
        return getattr(api, name)
    if name == "load_rubric":
        from lketool.rubric import load_rubric
        return load_rubric
    raise AttributeError(name)
