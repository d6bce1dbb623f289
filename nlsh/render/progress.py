"""Progress displays for long operations: a rich bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO


class _BarProgress:
    def __init__(self, progress: object, task: object) -> None:
        self._progress = progress
        self._task = task

    def update(self, description: str, completed: float | None = None,
               total: float | None = None) -> None:
        self._progress.update(  # type: ignore[attr-defined]
            self._task, description=description, completed=completed, total=total)


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


@contextmanager
def terminal_progress(title: str, stream: IO[str]) -> Iterator[_BarProgress | _LineProgress]:
    if not stream.isatty():
        line = _LineProgress(stream)
        line.update(title)
        yield line
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=stream, highlight=False)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task(title, total=None)
        yield _BarProgress(progress, task)
