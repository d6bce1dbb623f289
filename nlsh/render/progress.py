"""Progress displays for long operations: a rich bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO


class _BarProgress:
    """A transient bar: when it ends, only the title line and the ``finish`` line stay."""

    def __init__(self, progress: object, task: object) -> None:
        self._progress = progress
        self._task = task
        self.finished: str | None = None

    def update(self, description: str, completed: float | None = None,
               total: float | None = None) -> None:
        self._progress.update(  # type: ignore[attr-defined]
            self._task, description=description, completed=completed, total=total)

    def finish(self, message: str) -> None:
        self.finished = message


class _LineProgress:
    """Without a terminal: a line when the stage changes, at most every few seconds."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._last = ""
        self._when = 0.0

    def update(self, description: str, completed: float | None = None,
               total: float | None = None) -> None:
        now = time.monotonic()
        if description != self._last and now - self._when > 2.0:
            self._stream.write(f"nlsh: {description}\n")
            self._stream.flush()
            self._last, self._when = description, now

    def finish(self, message: str) -> None:
        self._stream.write(f"nlsh: {message}\n")
        self._stream.flush()


@contextmanager
def terminal_progress(title: str, stream: IO[str]) -> Iterator[_BarProgress | _LineProgress]:
    if not stream.isatty():
        line = _LineProgress(stream)
        line.update(title)
        yield line
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    console = Console(file=stream, highlight=False)
    console.print(Text(title, style="bold"))  # why it takes a while: stays on screen
    bar: _BarProgress | None = None
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        bar = _BarProgress(progress, progress.add_task("starting", total=None))
        yield bar
    if bar.finished:
        console.print(Text(bar.finished, style="green"))
