"""Command-line entry point: a thin click group whose subcommands live in
``lketool.commands.<name>`` and are imported only when used, so that
``lketool check`` never pays for pandas, docxtpl or openpyxl.

Language: chosen once per run, before click builds anything — ``--lang`` anywhere on the
command line (global or a subcommand's), else ``LKETOOL_LANG``, else the system locale
(:func:`lketool.i18n.get_lang`).  Help texts, option help and click's own words
(``Usage:``, ``Options``, ``[required]`` ...) then come from the message catalogue in that
language (keys ``cli.<command>.help``, ``cli.<command>.opt.<param>``, ``cli.opt.<param>``,
``click.<click's text>``); a command module's own Indonesian strings stay as the fallback."""
from __future__ import annotations

import difflib
import importlib
import sys

import click

from lketool import i18n

# name -> (module under lketool.commands, one-line help shown by `lketool --help`;
# the catalogue's cli.<name>.short wins when present)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "Periksa LKE: jawaban, bukti dukung, rumus (per sheet dan sel)."),
    "score": ("score", "Hitung nilai dan kelayakan WBK/WBBM dari satu atau banyak LKE."),
    "template": ("template", "Buat LKE kosong format resmi (Lampiran III / PortalRB 2026)."),
    "recap": ("recap", "Rekap banyak LKE ke satu workbook (Ringkasan, Area, Temuan, ...)."),
    "report": ("report", "Tulis laporan naratif per unit (Word, HTML, PDF)."),
    "mail": ("mail", "Kirim laporan ke unit lewat email (default: uji coba ke folder outbox)."),
    "links": ("links", "Periksa apakah tautan bukti dukung bisa dibuka."),
    "export-portalrb": ("export_portalrb", "Ekspor jawaban ke format integrasi PortalRB 2026."),
    "diff": ("diff", "Bandingkan dua versi LKE satu unit."),
    "serve": ("serve", "Sajikan halaman LKE (periksa di peramban) di 127.0.0.1."),
}


def _text(key: str, lang: str) -> str | None:
    text = i18n.template(key, lang, default="")
    return text or None


def localize_command(cmd: click.Command, name: str, lang: str) -> click.Command:
    """Put the catalogue's help texts for ``lang`` on a built command (in place) and make
    its ``--lang`` option offer every catalogue language, defaulting to ``lang``."""
    base = f"cli.{name}"
    _forget_help_option(cmd)
    cmd.options_metavar = _text("cli.options_metavar", lang) or cmd.options_metavar
    help_text = _text(f"{base}.help", lang)
    if help_text:
        cmd.help = help_text
    for p in cmd.params:
        if p.name == "lang" and isinstance(p, click.Option):
            p.type = click.Choice(i18n.languages())
            p.default = lang
        if isinstance(p, click.Option):
            text = _text(f"{base}.opt.{p.name}", lang) or _text(f"cli.opt.{p.name}", lang)
            if text:
                p.help = text
        metavar = _text(f"{base}.metavar.{p.name}", lang) or _text(f"cli.metavar.{p.name}", lang)
        if metavar:
            p.metavar = metavar
    return cmd


def _forget_help_option(cmd: click.Command) -> None:
    # click builds --help once per command object and keeps it, worded in the language of
    # that moment; a run in another language (tests, a long-lived process) needs it anew.
    if hasattr(cmd, "_help_option"):
        cmd._help_option = None


def lang_from_args(args: list[str]) -> str | None:
    """The value of the last ``--lang X`` / ``--lang=X`` before ``--`` (global or a
    subcommand's), or None."""
    found = None
    for i, a in enumerate(args):
        if a == "--":
            break
        if a == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif a.startswith("--lang="):
            found = a.split("=", 1)[1]
    return found


class LazyGroup(click.Group):
    """A group that imports a subcommand's module on first use, words everything in the
    run's language and suggests the nearest command for a typo."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        try:
            i18n.languages()  # loads the message files (also from LKETOOL_MESSAGES_PATH)
        except ValueError as exc:  # a broken message file: say which, no traceback
            click.echo(f"lketool: {exc}", err=True)
            sys.exit(2)
        i18n.set_lang(lang_from_args(argv))  # an unknown value is left to --lang's own check
        i18n.install_click_translations()
        lang = i18n.get_lang()
        self.help = _text("cli.main.help", lang) or self.help
        self.options_metavar = _text("cli.options_metavar", lang) or self.options_metavar
        self.subcommand_metavar = _text("cli.subcommand_metavar", lang) or self.subcommand_metavar
        _forget_help_option(self)
        for p in self.params:
            if p.name == "lang":
                p.type = click.Choice(i18n.languages())
                p.default = lang
                p.help = _text("cli.main.opt.lang", lang) or p.help
            elif p.name == "version":  # click words this help once, at import, before the language is known
                p.help = _text("cli.opt.version", lang) or p.help
        try:
            return super().main(args=argv, prog_name=prog_name, complete_var=complete_var,
                                standalone_mode=standalone_mode, **extra)
        finally:
            i18n.set_lang(None)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (mod, _) in COMMANDS.items() if _available(mod)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or not _available(entry[0]):
            return None
        module = importlib.import_module(f"lketool.commands.{entry[0]}")
        return localize_command(module.command, cmd_name, i18n.get_lang())

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None \
                and not ctx.resilient_parsing:
            message = i18n.t("cli.no_such_command", name=name)
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1, cutoff=0.6)
            if close:
                message += " " + i18n.t("cli.did_you_mean", name=close[0])
            ctx.fail(message)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the catalogue (or the table above), so `lketool --help` imports nothing heavy.
        lang = i18n.get_lang()
        rows = [(name, _text(f"cli.{name}.short", lang) or COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section(i18n.t("cli.commands", lang)):
                formatter.write_dl(rows)


class _WordedWhenUsed(str):
    """A click text that click fixes at import (the --version line) but formats with ``%``
    when shown: worded then, in the run's language."""

    def __mod__(self, values):
        return i18n.click_gettext(str(self)) % values


def _available(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(f"lketool.commands.{module}") is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", type=click.Choice(["id", "en"]), default=None, metavar="[id|en]",
              help="Bahasa keluaran dan bantuan: id (Indonesia) atau en (English).")
@click.version_option(package_name="lketool", message=_WordedWhenUsed("%(prog)s, version %(version)s"))
def main(lang: str | None) -> None:
    """lketool - pemeriksa dan penghitung LKE Zona Integritas (WBK/WBBM).

    Contoh: lketool check samples/*.xlsx
    """
    # The language was already fixed from the command line in LazyGroup.main.


def run() -> None:  # pragma: no cover - used by __main__
    sys.exit(main())
