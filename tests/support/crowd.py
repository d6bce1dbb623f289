"""Thousands of real sleeping processes, cheaply: one copy of ``sleep`` under a unique name,
started with ``posix_spawn`` (no Python per child), ended and reaped by pid.

Used by the scale tests (3,000 processes) and by ``scripts/bench.py --scale`` (10,000).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time
import uuid
from pathlib import Path
from types import TracebackType


class Crowd:
    """``count`` children of this process, all the program ``name``; a context manager
    that always ends and reaps every one of them by pid."""

    def __init__(self, directory: Path, count: int, name: str | None = None,
                 seconds: int = 3600) -> None:
        self.name = name or f"crowd{uuid.uuid4().hex[:6]}"
        self.binary = directory / self.name
        shutil.copy2(shutil.which("sleep") or "/bin/sleep", self.binary)
        self.count = count
        self.seconds = seconds
        self.pids: list[int] = []

    def __enter__(self) -> Crowd:
        argv = [str(self.binary), str(self.seconds)]
        try:
            for _ in range(self.count):
                self.pids.append(os.posix_spawn(str(self.binary), argv, {}))
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """SIGCONT (a paused child), SIGKILL and reap each child, by pid."""
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
                os.kill(pid, signal.SIGKILL)
        for pid in self.pids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.pids = []

    def states(self) -> dict[int, str]:
        """The state letter of each child now (``S`` sleeping, ``T`` stopped, …)."""
        letters: dict[int, str] = {}
        for pid in self.pids:
            with contextlib.suppress(OSError), open(f"/proc/{pid}/stat", "rb") as handle:
                data = handle.read()
                letters[pid] = chr(data[data.rfind(b")") + 2])
        return letters

    def wait_started(self, timeout: float = 60.0) -> None:
        """Until every child runs ``sleep`` under its name (exec has happened)."""
        deadline = time.monotonic() + timeout
        pending = list(self.pids)
        while pending and time.monotonic() < deadline:
            pending = [pid for pid in pending if not _runs(pid, self.name)]
            if pending:
                time.sleep(0.05)
        if pending:
            raise AssertionError(f"{len(pending)} children never started {self.name}")


def _runs(pid: int, name: str) -> bool:
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as handle:
            return handle.read().strip() == name[:15]
    except OSError:
        return False
