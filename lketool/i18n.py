"""Every user-facing word of lketool, keyed by language.

The texts live in data files, one per language: ``lketool/data/messages/<lang>.json`` (``id``
Bahasa Indonesia, ``en`` English).  A file is a JSON object whose nested keys are joined
with dots (``{"severity": {"error": "Kesalahan"}}`` is the key ``severity.error``); a list
of strings is one text of several lines.  Adding a language is adding a file: every
language present is offered by ``--lang``, and a key it lacks falls back to English, then
to Indonesian.  Folders named in the environment variable ``LKETOOL_MESSAGES_PATH``
(separated by ``os.pathsep``) are read after the packaged one, so a translation can be
tried without touching the package; a file there for an existing language overrides
single keys.

    from lketool.i18n import t, get_lang
    t("severity.error", "en")                          # 'Error'
    t("problem.answer-missing.message", "id", text="…")

The language is chosen once, in this order: ``--lang`` (the CLI calls :func:`set_lang`),
the environment variable ``LKETOOL_LANG``, the system locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``; on Windows the user's regional setting).  A locale that names English gives
English; anything else — including the bare ``C``/``POSIX`` locale of servers — gives
Indonesian, the language of the programme's users.

Deliberately imports nothing else from lketool (and nothing heavy), so any module,
``lketool check`` included, can use it."""
from __future__ import annotations

import json
import os
import string
from pathlib import Path
from typing import Any

DEFAULT_LANG = "id"
MESSAGES_DIR = Path(__file__).with_name("data") / "messages"
ENV_LANG = "LKETOOL_LANG"
ENV_PATH = "LKETOOL_MESSAGES_PATH"
# The order in which a missing key is looked up after the requested language.
_FALLBACKS = ("en", "id")
# Locale names (lowercase prefixes) that are not ISO codes: Windows spells them out.
_LOCALE_WORDS = {"english": "en", "indonesian": "id", "bahasa": "id", "in_": "id"}

_catalogues: dict[str, dict[str, dict[str, str]]] = {}  # by LKETOOL_MESSAGES_PATH
_current: str | None = None


# ------------------------------------------------------------------ loading

def _search_path() -> tuple[str, ...]:
    extra = os.environ.get(ENV_PATH, "")
    return (str(MESSAGES_DIR),) + tuple(p for p in extra.split(os.pathsep) if p)


def _flatten(obj: Any, prefix: str, out: dict[str, str], where: Path) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out, where)
    elif isinstance(obj, str):
        out[prefix] = obj
    elif isinstance(obj, list) and all(isinstance(x, str) for x in obj):
        out[prefix] = "\n".join(obj)
    else:
        raise ValueError(f"{where}: the text of '{prefix}' must be a string or a list of strings")


def _load() -> dict[str, dict[str, str]]:
    # hot path (every message): one environment lookup, then a dict hit
    cached = _catalogues.get(os.environ.get(ENV_PATH, ""))
    if cached is not None:
        return cached
    key = _search_path()
    cats = {}
    for folder in key:
        d = Path(folder)
        if not d.is_dir():
            continue
        for f in sorted(d.glob("*.json")):
            lang = f.stem
            if not lang.replace("-", "").replace("_", "").isalnum():
                continue
            try:
                data = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ValueError(f"{f}: message file cannot be read ({exc})") from exc
            if not isinstance(data, dict):
                raise ValueError(f"{f}: a message file must hold a JSON object")
            flat: dict[str, str] = {}
            _flatten(data, "", flat, f)
            cats.setdefault(lang, {}).update(flat)
    _catalogues.clear()  # one search path at a time; tests may change the environment
    _catalogues[os.environ.get(ENV_PATH, "")] = cats
    return cats


def reload() -> None:
    """Forget the loaded message files (after a file or ``LKETOOL_MESSAGES_PATH`` changed)."""
    _catalogues.clear()


def languages() -> list[str]:
    """Codes of every language with a message file: ``id`` and ``en`` first."""
    cats = _load()
    first = [x for x in ("id", "en") if x in cats]
    return first + sorted(x for x in cats if x not in first)


def messages(lang: str) -> dict[str, str]:
    """The texts of one language as a flat ``{key: text}`` dict (no fallback applied)."""
    return dict(_load().get(lang, {}))


# ------------------------------------------------------------------ choosing the language

def normalize_lang(value: str | None) -> str | None:
    """A known language code for ``value`` ("en", "en_US.UTF-8", "English_United States",
    "id-ID", ...), or None when it names none (also for ``C``/``POSIX``)."""
    if not value:
        return None
    v = str(value).strip().lower()
    if v in ("c", "posix") or v.startswith(("c.", "posix.")):
        return None
    known = languages()
    if v in known:
        return v
    for sep in ("_", "-", ".", "@"):
        head = v.split(sep, 1)[0]
        if head in known:
            return head
    for word, code in _LOCALE_WORDS.items():
        if v.startswith(word) and code in known:
            return code
    return None


def system_lang() -> str:
    """The language the system locale asks for: English when it names English (or another
    language lketool has), else Indonesian."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:  # POSIX: the first one set decides, even when it is 'C'
            return normalize_lang(value) or DEFAULT_LANG
    if os.name == "nt":  # pragma: no cover - Windows keeps the choice in the regional settings
        import locale

        try:
            name = locale.getlocale()[0]
        except ValueError:
            name = None
        return normalize_lang(name) or DEFAULT_LANG
    return DEFAULT_LANG


def set_lang(lang: str | None) -> None:
    """Fix the language of this run (the CLI's ``--lang``); None goes back to the
    environment/locale default."""
    global _current
    _current = normalize_lang(lang) if lang else None


def get_lang() -> str:
    """The language of this run: :func:`set_lang`, else ``LKETOOL_LANG``, else the locale."""
    if _current:
        return _current
    env = normalize_lang(os.environ.get(ENV_LANG))
    return env or system_lang()


# ------------------------------------------------------------------ looking up

def has(key: str, lang: str | None = None) -> bool:
    """True when ``key`` has a text in ``lang`` itself (no fallback)."""
    return key in _load().get(lang or get_lang(), {})


def template(key: str, lang: str | None = None, default: str | None = None) -> str:
    """The raw text of ``key`` in ``lang``; a missing key falls back to English, then
    Indonesian, then ``default``; KeyError when none has it and no default is given."""
    cats = _load()
    lang = lang or get_lang()
    for code in (lang,) + _FALLBACKS:
        text = cats.get(code, {}).get(key)
        if text is not None:
            return text
    if default is not None:
        return default
    raise KeyError(f"no message {key!r}")


def t(key: str, /, lang: str | None = None, **params: Any) -> str:
    """The text for ``key`` in ``lang`` (default: :func:`get_lang`) with ``{params}`` filled.

    A parameter the text names but the caller did not give shows empty, never raises.
    For a parameter ``x`` the value ``x_<lang>`` is preferred when given (checks pass
    ``detail`` and ``detail_en`` where the words differ by language)."""
    lang = lang or get_lang()
    return fill(template(key, lang), params, lang)


def tn(key: str, n: int, /, lang: str | None = None, **params: Any) -> str:
    """A count in words, singular or plural: ``key.one`` when ``n == 1`` (if the language
    has it), else ``key.other``; ``{n}`` is filled.  ``tn("count.errors", 1, "en")`` ->
    ``'1 error'``; Indonesian has one form."""
    lang = lang or get_lang()
    form = f"{key}.one" if n == 1 and has(f"{key}.one", lang) else f"{key}.other"
    return fill(template(form, lang), {"n": n, **params}, lang)


def fill(text: str, params: dict[str, Any], lang: str = DEFAULT_LANG) -> str:
    """``text`` with its ``{name}`` fields taken from ``params`` (see :func:`t`)."""
    if "{" not in text:
        return text
    try:
        return text.format_map(_Params(params, lang))
    except (ValueError, IndexError, AttributeError, KeyError):  # a stray brace in a translation
        return text


def resolved(lang: str | None = None) -> dict[str, str]:
    """Every key with its text in ``lang`` after fallback (English, then Indonesian): the
    whole catalogue of one language as a flat dict, e.g. for a page that words its own
    labels in the browser."""
    cats = _load()
    lang = lang or get_lang()
    out: dict[str, str] = {}
    for code in reversed((lang,) + _FALLBACKS):
        out.update(cats.get(code, {}))
    return out


def fields(text: str) -> set[str]:
    """Names of the ``{fields}`` a text uses (for tests and docs)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Msg(str):
    """A text worded only when shown, in the language of the output it lands in: a
    parameter value that is itself a catalogue text (e.g. the reason inside a message).

    It is also a plain ``str`` holding the Indonesian wording, so params that carry it
    still serialise (JSON, pickle) and print as before; :func:`fill`/:func:`t` word it in
    the language being filled."""

    def __new__(cls, key: str, /, **params: Any):
        self = super().__new__(cls, t(key, DEFAULT_LANG, **params))
        self.key = key
        self.params = params
        return self

    def render(self, lang: str | None = None) -> str:
        """The text in ``lang`` (default: :func:`get_lang`)."""
        return t(self.key, lang, **self.params)

    def __reduce__(self):
        return (_msg, (self.key, self.params))

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, **{self.params!r})"


def _msg(key: str, params: dict[str, Any]) -> Msg:
    return Msg(key, **params)


class _Params(dict):
    def __init__(self, params: dict[str, Any], lang: str):
        super().__init__(params)
        self.lang = lang

    def __getitem__(self, key: str) -> Any:
        own = f"{key}_{self.lang}"
        if self.lang != DEFAULT_LANG and own in self:
            value = super().__getitem__(own)
        elif key in self:
            value = super().__getitem__(key)
        else:
            value = self.__missing__(key)
        return value.render(self.lang) if isinstance(value, Msg) else value

    def __missing__(self, key: str) -> Any:
        base, _, suffix = key.rpartition("_")
        # ('_id' is not taken as a language suffix: soal_id, unit_id are identifiers)
        if base and suffix != "id" and len(suffix) in (2, 3) and suffix.isalpha() and base in self:
            # 'detail_en' not given: the plain 'detail' is the best there is
            return super().__getitem__(base)
        if self.lang not in (DEFAULT_LANG, "en") and f"{key}_en" in self:
            return super().__getitem__(f"{key}_en")
        return ""


# ------------------------------------------------------------------ click's own words

_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils",
                  "shell_completion")
_click_installed = False


def click_gettext(message: str) -> str:
    """click's own text (``Usage:``, ``Options``, ``[required]`` ...) in the current language:
    the key is ``click.`` followed by click's English text."""
    text = _load().get(get_lang(), {}).get("click." + message)
    return message if text is None else text


def click_ngettext(singular: str, plural: str, n: int) -> str:
    """Plural-aware variant of :func:`click_gettext` (Indonesian has one form)."""
    return click_gettext(singular if n == 1 else plural)


def install_click_translations() -> None:
    """Route click's gettext calls through the catalogue (idempotent).  click marks its
    strings with ``gettext``, which has no catalogue for lketool's languages; this
    replaces the ``_``/``ngettext`` each click module imported."""
    global _click_installed
    if _click_installed:
        return
    import importlib

    for name in _CLICK_MODULES:
        try:
            mod = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if hasattr(mod, "_"):
            mod._ = click_gettext
        if hasattr(mod, "ngettext"):
            mod.ngettext = click_ngettext
    _click_installed = True


__all__ = ["DEFAULT_LANG", "Msg", "t", "tn", "fill", "fields", "template", "has", "get_lang", "set_lang", "languages",
           "messages", "resolved", "normalize_lang", "system_lang", "reload", "click_gettext", "install_click_translations"]
