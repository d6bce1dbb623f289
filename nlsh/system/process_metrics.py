"""Per-process figures beyond CPU and memory, for ranking processes: swap, disk I/O rate,
threads and open files.

Swap (``VmSwap``) and threads come from ``/proc/PID/status``, open files from counting
``/proc/PID/fd``. The disk I/O rate is sampled as iotop does: ``read_bytes`` and
``write_bytes`` of ``/proc/PID/io`` read twice, about a second apart, divided by each
process's own interval. Another user's ``io`` and ``fd`` cannot be read without root: such
processes are left out and counted, never shown as zero.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from nlsh.system import procfs

IO_SAMPLE_SECONDS = 1.0

# sort_by value → what is measured, how it is read, and its unit in the JSON
INSTANT_METRICS: dict[str, Callable[[int], int | None]] = {
    "swap": lambda pid: procfs.status_number(pid, "VmSwap"),
    "threads": lambda pid: procfs.status_number(pid, "Threads"),
    "files": procfs.open_fds,
}
FIELDS = {"swap": "swap_bytes", "io": "io_bytes_per_s", "threads": "threads",
          "files": "open_files"}


@dataclass(frozen=True)
class Measured:
    """One figure per process that could be read, and how many could not."""

    values: dict[int, float]
    unreadable: int


def measure(metric: str, pids: Iterable[int]) -> Measured:
    """``metric`` (a key of ``FIELDS``) for each of ``pids``; I/O is sampled over a window."""
    if metric == "io":
        return IoWindow(pids).rates(IO_SAMPLE_SECONDS)
    read = INSTANT_METRICS[metric]
    values: dict[int, float] = {}
    unreadable = 0
    for pid in pids:
        value = read(pid)
        if value is None:
            unreadable += procfs.read_stat(pid) is not None  # gone is not unreadable
        else:
            values[pid] = value
    return Measured(values, unreadable)


class IoWindow:
    """One I/O sampling window over many processes (as ``CpuWindow`` for CPU time)."""

    def __init__(self, pids: Iterable[int]) -> None:
        self.opened = time.monotonic()
        self._first: dict[int, tuple[int, int, float]] = {}
        self._unreadable = 0
        for pid in pids:
            stat = procfs.read_stat(pid)
            io = procfs.read_io(pid) if stat is not None else None
            if stat is None:
                continue
            if io is None:
                self._unreadable += 1
            else:
                self._first[pid] = (stat.start_ticks, sum(io), time.monotonic())

    def rates(self, seconds: float) -> Measured:
        """Bytes read and written per second by each readable process, at least
        ``seconds`` after the window opened; processes that ended meanwhile are left out."""
        left = seconds - (time.monotonic() - self.opened)
        if left > 0:
            time.sleep(left)
        rates: dict[int, float] = {}
        for pid, (ticks, before, read_at) in self._first.items():
            stat = procfs.read_stat(pid)
            io = procfs.read_io(pid) if stat is not None else None
            if stat is None or io is None or stat.start_ticks != ticks:
                continue
            elapsed = max(time.monotonic() - read_at, 1e-3)
            rates[pid] = round(max(sum(io) - before, 0) / elapsed, 1)
        return Measured(rates, self._unreadable)
