"""Command-line entry point: a thin click group whose subcommands live in
``lketool.commands.<name>`` and are imported only when used, so that
``lketool check`` never pays for pandas, docxtpl or openpyxl."""
from __future__ import annotations

import importlib
import sys

import click

# name -> (module under lketool.commands, one-line help shown by `lketool --help`)
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


class LazyGroup(click.Group):
    """A group that imports a subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (mod, _) in COMMANDS.items() if _available(mod)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or not _available(entry[0]):
            return None
        module = importlib.import_module(f"lketool.commands.{entry[0]}")
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table above, so `lketool --help` imports nothing heavy.
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Perintah / Commands"):
                formatter.write_dl(rows)


def _available(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(f"lketool.commands.{module}") is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lketool")
def main() -> None:
    """lketool - pemeriksa dan penghitung LKE Zona Integritas (WBK/WBBM).

    Contoh: lketool check samples/*.xlsx
    """


def run() -> None:  # pragma: no cover - used by __main__
    sys.exit(main())
