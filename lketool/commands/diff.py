"""``lketool diff``: what changed between two versions of one unit's LKE."""
from __future__ import annotations

import json
import re
import sys

import click

from lketool.commands import _common as c
from lketool.display import number, percent
from lketool.i18n import t


@click.command("diff")
@click.argument("old", type=click.Path(path_type=str))
@click.argument("new", type=click.Path(path_type=str))
@c.LANG
@c.format_option("table", "json", "csv")
@c.OUTPUT
@c.STRICT
@c.PER_HALF
@c.RUBRIC
def command(old, new, lang, fmt, output, strict, per_half, edition):
    """Bandingkan dua versi LKE satu unit (OLD = versi lama, NEW = versi baru):
    jawaban unit dan TPI, catatan, bukti dukung, serta nilai dan kelayakan WBK/WBBM
    sebelum dan sesudah. Butir dicocokkan menurut nomor rubrik, jadi baris yang
    bergeser (sisipan/hapus baris) tetap dibandingkan dengan benar.

    Kode keluar: 0 tidak ada perbedaan, 1 ada perbedaan, 2 berkas tidak terbaca."""
    from lketool.diff import diff_files

    try:
        d = diff_files(old, new, rubric=edition, strict=strict, per_half=per_half)
    except ValueError as exc:  # unknown rubric edition
        from lketool.errors import message_in

        raise click.UsageError(message_in(exc, lang))
    try:
        if fmt == "json":
            c.write_text(json.dumps(d.to_dict(lang), ensure_ascii=False, indent=2, default=str) + "\n", output)
        elif fmt == "csv":
            from lketool import csvout

            csvout.write(csvout.cols("diff", *DIFF_COLUMNS), csv_rows(d, lang), lang, output)
        elif output is not None:
            c.write_text(render(d, lang) + "\n", output)
        else:
            c.emit(render(d, lang))
    except OSError as exc:
        raise click.UsageError(t("cli.cannot-write", lang, path=output, reason=exc.strerror or exc))
    sys.exit(d.exit_code)


_URL_NOISE = re.compile(r"^https?://|(?:/view|/edit)?(?:\?usp=\w+)?$")


def _short(s: str, width: int) -> str:
    if "://" in s:  # links differ in their file id: drop the scheme and Drive's suffixes
        s = _URL_NOISE.sub("", s)
    if len(s) <= width:
        return s
    if "/" in s and " " not in s:  # keep both ends of a link
        head = (width - 3) // 2
        return s[:head] + "..." + s[-(width - 3 - head):]
    return s[:width - 3] + "..."


def _show(v, width: int, empty: str) -> str:
    if v is None or v == [] or v == "":
        return empty
    if isinstance(v, list):
        return _short(v[0], width - (len(f" (+{len(v) - 1})") if len(v) > 1 else 0)) + \
            (f" (+{len(v) - 1})" if len(v) > 1 else "")
    if isinstance(v, float):
        v = f"{v:g}"
    s = " / ".join(part.strip() for part in str(v).splitlines() if part.strip())
    return _short(s, width)


def _values(ch, lang: str, width: int = 30) -> tuple[str, str]:
    """The Old and New columns; for link lists, what was removed and what was added."""
    empty = t("diff.empty", lang)
    old, new = ch.old or [], ch.new or []
    if ch.field != "evidence" or not old or not new:
        return _show(ch.old, width, empty), _show(ch.new, width, empty)
    removed = [u for u in old if u not in new]
    added = [u for u in new if u not in old]
    if not removed and not added:  # same links, another order
        return _show(old, width, empty), _show(new, width, empty)
    kept = len(old) - len(removed)
    o = "- " + _show(removed, width - 2, empty) if removed else t("diff.links-kept", lang, n=kept)
    n = "+ " + _show(added, width - 2, empty) if added else t("diff.links-kept", lang, n=kept)
    return o, n


def _cell(ch, lang: str) -> str:
    where = ch.cell or "-"
    if ch.old_cell and ch.new_cell and ch.old_cell != ch.new_cell:
        o_sheet, o_ref = ch.old_cell.split("!", 1)
        n_sheet = ch.new_cell.split("!", 1)[0]
        shown = o_ref if o_sheet == n_sheet else ch.old_cell
        where += " (" + t("diff.cell-was", lang, cell=shown) + ")"
    elif ch.old_cell and not ch.new_cell:
        where += " (" + t("diff.not-in-new", lang) + ")"
    elif ch.new_cell and not ch.old_cell:
        where += " (" + t("diff.not-in-old", lang) + ")"
    return where


def render(d, lang: str = "id") -> str:
    """Readable terminal text: changes by sheet!cell, then scores and verdicts."""
    lines = []
    for side, err in d.errors:
        which = t("diff.side.old" if side == "old" else "diff.side.new", lang)
        lines.append(t("diff.error", lang, side=which, message=err.message(lang)))
    if d.errors:
        return "\n".join(lines)
    o, n = d.old, d.new
    old_word, new_word = t("diff.old", lang), t("diff.new", lang)
    for side, v in ((old_word, o), (new_word, n)):
        lines.append(t("diff.version", lang, side=side, file=v.file, unit=v.unit, layout=v.layout, sheet=v.sheet))
    if not d.same_unit:
        lines.append(t("diff.units-differ", lang))
    lines.append("")
    if not d.changes:
        lines.append(t("diff.no-changes", lang))
    else:
        lines.append(t("diff.changes", lang, n=len(d.changes)))
        head = (t("diff.head.cell", lang), t("diff.head.item", lang), t("diff.head.field", lang), old_word, new_word)
        rows = [(_cell(ch, lang), ch.item + (" (" + t("diff.question", lang, id=ch.soal_id) + ")" if ch.soal_id else ""),
                 ch.label(lang), *_values(ch, lang), ch.text) for ch in d.changes]
        w = [max(len(head[i]), *(len(r[i]) for r in rows)) for i in range(3)]
        wo = max(len(head[3]), *(len(r[3]) for r in rows))
        lines.append(f"  {head[0]:<{w[0]}}  {head[1]:<{w[1]}}  {head[2]:<{w[2]}}  {head[3]:<{wo}}  {head[4]}")
        for r in rows:
            lines.append(f"  {r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  {r[3]:<{wo}}  {r[4]}")
            lines += c.wrap(r[5], w[0] + 4)  # the whole question, wrapped to the terminal
    lines.append("")
    lines.append(f"  {t('diff.head.score', lang):<46}{old_word:>9}{new_word:>9}{t('diff.head.change', lang):>10}")
    for s in d.scores:
        if s.key == "answered":
            lines.append(f"  {s.label(lang):<46}{s.old:>9}{s.new:>9}{s.delta:>+10}")
            continue
        mark = "  *" if s.changed else ""
        delta = "" if s.delta is None else number(s.delta, 2, lang, signed=True)
        lines.append(f"  {s.label(lang)[:46]:<46}{c.fmt2(s.old, lang):>9}{c.fmt2(s.new, lang):>9}{delta:>10}{mark}")
        if s.weight:
            so = "-" if s.old is None else percent(s.old / s.weight, 1, lang)
            sn = "-" if s.new is None else percent(s.new / s.weight, 1, lang)
            lines.append(f"  {'    ' + t('diff.share', lang):<46}{so:>9}{sn:>9}")
    lines.append("")
    for v in d.verdicts:
        lines.append(f"  {v.label}: {_verdict(v.old, lang)} -> {_verdict(v.new, lang)}"
                     + ("" if v.old == v.new else "  *"))
        if v.old_missed != v.new_missed:
            lines.append(f"      {t('diff.missed-before', lang)}: "
                         f"{'; '.join(v.missed_labels('old', lang)) or '-'}")
            lines.append(f"      {t('diff.missed-now', lang)}: "
                         f"{'; '.join(v.missed_labels('new', lang)) or '-'}")
    return "\n".join(lines)


def _verdict(ok, lang: str) -> str:
    from lketool.verdict import status_of, word

    return word(status_of(ok), lang)


def _plain(v):
    if isinstance(v, list):
        return "\n".join(str(x) for x in v)
    return v  # numbers stay numbers: lketool.csvout writes them in the dialect's notation


DIFF_COLUMNS = ("kind", "cell", "old_cell", "item", "soal_id", "field", "label", "old", "new", "text")


def to_csv(d, lang: str = "id") -> str:
    """One CSV: ``kind`` = change | score | verdict | error, cell first (the dialect of
    ``lang``: see :mod:`lketool.csvout`)."""
    from lketool import csvout

    return csvout.render(csvout.cols("diff", *DIFF_COLUMNS), csv_rows(d, lang), lang)


def csv_rows(d, lang: str = "id") -> list[list]:
    """The rows of :func:`to_csv`, in column order."""
    def kind(k: str) -> str:
        return t(f"diff.kind.{k}", lang)

    rows: list[list] = []
    for side, err in d.errors:
        rows.append([kind("error"), "", "", "", "", side, err.code, "", "", err.message(lang)])
    if d.errors:
        return rows
    for ch in d.changes:
        rows.append([kind("change"), ch.cell or "", ch.old_cell or "", ch.item, ch.soal_id or "", ch.field,
                     ch.label(lang), _plain(ch.old), _plain(ch.new), ch.text])
    for s in d.scores:
        rows.append([kind("score"), "", "", s.key, "", "", s.label(lang).strip(), _plain(s.old), _plain(s.new), ""])
    for v in d.verdicts:
        rows.append([kind("verdict"), "", "", v.key, "", "eligible", v.label, v.old, v.new,
                     f"{'; '.join(v.old_missed)} -> {'; '.join(v.new_missed)}"])
    return rows
