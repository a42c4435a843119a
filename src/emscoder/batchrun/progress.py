"""Progress reporting for batch runs: a rich progress bar on stderr (records/s and ETA), or nothing.

The runner calls `start`, `advance` and `stop`; messages printed while the bar is shown go through
`log`, so they appear above the bar instead of breaking it.
"""
from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text


class BatchProgress:
    """No progress display (the default, and the interface the runner uses)."""

    wants_total = False

    def start(self, total: int | None, completed: int) -> None:
        """The run begins; `total` records (None = unknown), `completed` of them done before a resume."""

    def advance(self, records: int) -> None:
        """`records` more records are written."""

    def stop(self) -> None:
        """The run has ended (also after an error or Ctrl-C)."""

    def log(self, message: str) -> None:
        """Print one line on stderr."""
        print(message, file=sys.stderr)


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- rec/s" if speed is None else f"{speed:,.0f} rec/s", style="progress.data.speed")


class RichProgress(BatchProgress):
    """A progress bar with records done, records/s, elapsed time and ETA (indeterminate without a total)."""

    wants_total = True

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._progress = Progress(TextColumn("coding"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                                  TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                                  console=self.console, transient=True)
        self._task = None

    def start(self, total: int | None, completed: int) -> None:
        self._task = self._progress.add_task("coding", total=total, completed=completed)
        self._progress.start()

    def advance(self, records: int) -> None:
        self._progress.advance(self._task, records)

    def stop(self) -> None:
        if self._task is not None:
            self._progress.stop()

    def log(self, message: str) -> None:
        self.console.print(message, markup=False, highlight=False, soft_wrap=True)


def progress_for(quiet: bool, *, results_on_stdout: bool = False) -> BatchProgress:
    """A progress bar when stderr is a terminal (and results do not go to that terminal too) and
    not `quiet`; else the silent reporter."""
    on_terminal = sys.stderr.isatty() and not (results_on_stdout and sys.stdout.isatty())
    return RichProgress() if on_terminal and not quiet else BatchProgress()
