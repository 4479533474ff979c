"""Progress for long recap runs: a rich bar with counts and time left on a terminal,
plain lines (a few per run) when the output goes to a file or a CI log."""
from __future__ import annotations

import sys
import time
from typing import IO

from lketool.recap.labels import t as _t


class Progress:
    """Callable as ``progress(stage, done, total)``; use as a context manager."""

    def __init__(self, lang: str = "id", stream: IO[str] | None = None, quiet: bool = False,
                 rich: bool | None = None):
        self.lang, self.quiet = lang, quiet
        self.stream = stream or sys.stderr
        self.rich = (self.stream.isatty() if rich is None else rich) and not quiet
        self._bar = None
        self._tasks: dict[str, int] = {}
        self._plain: dict[str, tuple[float, int, float]] = {}  # stage -> (start, last pct step, last time)

    def __enter__(self) -> "Progress":
        if self.rich:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as RichProgress, TaskProgressColumn,
                                       TextColumn, TimeElapsedColumn, TimeRemainingColumn)

            self._bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TaskProgressColumn(), TimeElapsedColumn(), TextColumn(_t("progress.left",
                                                                                               self.lang)),
                                     TimeRemainingColumn(), console=Console(file=self.stream), transient=False)
            self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet or total <= 0:
            return
        if self._bar is not None:
            if stage not in self._tasks:
                self._tasks[stage] = self._bar.add_task(_t(f"progress.{stage}", self.lang), total=total)
            self._bar.update(self._tasks[stage], completed=done, total=total)
            return
        self._line(stage, done, total)

    def _line(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        start, step, last = self._plain.setdefault(stage, (now, -1, 0.0))
        pct = done * 100 // total
        # At most every 10 % or every 10 s, and always the last one.
        if done != total and pct // 10 == step and now - last < 10:
            return
        self._plain[stage] = (start, pct // 10, now)
        eta = ""
        if 0 < done < total:
            left = (now - start) / done * (total - done)
            eta = f", {_t('progress.left', self.lang)} \u00b1{_clock(left)}"
        print(f"{_t(f'progress.{stage}', self.lang)}: {done}/{total} ({pct}%){eta}", file=self.stream, flush=True)


def _clock(seconds: float) -> str:
    s = int(seconds + 0.5)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
