"""Every word of the recap a user reads: the ``recap.*`` keys of the message catalogue
(:mod:`lketool.i18n`, ``lketool/data/messages/<lang>.json``), plus the shared severity
words.  Kept behind this small ``t()`` so the recap modules need not know the key prefix;
a new language is one more message file."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Iterator

from lketool import i18n

_PREFIX = "recap."


def _key(key: str) -> str:
    # severity words are the package's one table, not the recap's own
    return key if key.startswith("severity.") else _PREFIX + key


def t(key: str, lang: str = "id", **params) -> str:
    """The text for ``key`` in ``lang`` with ``{params}`` filled in."""
    return i18n.t(_key(key), lang, **params)


class _Text(Mapping):
    """``TEXT[key] == (id, en)`` for every recap key (read-only view of the catalogue)."""

    def _keys(self) -> list[str]:
        keys = [k[len(_PREFIX):] for k in i18n.messages("id") if k.startswith(_PREFIX)]
        return keys + [f"severity.{s}" for s in ("error", "warning", "info")]

    def __getitem__(self, key: str) -> tuple[str, str]:
        full = _key(key)
        if not i18n.has(full, "id"):
            raise KeyError(key)
        return (i18n.template(full, "id"), i18n.template(full, "en"))

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())


TEXT: Mapping[str, tuple[str, str]] = _Text()
