"""Where the files that ship beside the code are: ``report_templates/`` (Word, HTML and
e-mail templates) and ``templates_xlsx/`` (blank official workbooks).

In a source checkout or an editable install they are the top-level folders of the
project, where users and maintainers edit them.  A wheel (``pip install .``) carries a
copy inside the package, under ``lketool/_bundled/`` (``setup.py`` puts it there), so
the same code finds them after a normal install too."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
BUNDLED = ("report_templates", "templates_xlsx")


def resource_dir(name: str) -> Path:
    """The folder ``name`` (one of :data:`BUNDLED`): the checkout's own when present,
    else the copy installed with the package.  The path is returned even when neither
    exists, so callers can name it in their error message."""
    if name not in BUNDLED:
        raise ValueError(f"unknown resource folder {name!r}; one of {', '.join(BUNDLED)}")
    source = _PACKAGE.parent / name
    if source.is_dir():
        return source
    installed = _PACKAGE / "_bundled" / name
    return installed if installed.is_dir() else source


def user_cache_dir() -> Path:
    """lketool's folder in the user's cache: ``LKETOOL_CACHE_DIR`` when set, else
    ``%LOCALAPPDATA%\\lketool`` on Windows, ``$XDG_CACHE_HOME/lketool`` or ``~/.cache/lketool``
    elsewhere.  The recap and the link checks keep their caches below it."""
    import os
    import sys

    override = os.environ.get("LKETOOL_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        root = Path(base) if base else Path.home() / "AppData" / "Local"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "lketool"
