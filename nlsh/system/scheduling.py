"""CPU and I/O priorities, read per thread, and what the system allows or honours.

On Linux ``nice`` and the I/O class belong to each thread, not to the process: a
change made to the main thread only leaves every other thread as it was. So both are
read and set for every thread in ``/proc/PID/task``.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import psutil

NICE_MIN, NICE_MAX = -20, 19
CAP_SYS_NICE = 23

# psutil's IOPRIO_CLASS_* constants by the names nlsh shows and journals.
IO_CLASSES: dict[str, int] = {
    "none": int(psutil.IOPRIO_CLASS_NONE),
    "realtime": int(psutil.IOPRIO_CLASS_RT),
    "best-effort": int(psutil.IOPRIO_CLASS_BE),
    "idle": int(psutil.IOPRIO_CLASS_IDLE),
}
_IO_CLASS_NAMES = {number: name for name, number in IO_CLASSES.items()}
# Schedulers that honour I/O priorities; none, mq-deadline and kyber ignore them.
_HONOURING = {"bfq", "cfq"}
_VIRTUAL_DISKS = ("loop", "ram", "zram", "dm-", "md", "nbd", "sr")


@dataclass(frozen=True)
class IoPriority:
    ioclass: str  # a key of IO_CLASSES
    value: int | None

    def describe(self) -> str:
        if self.ioclass in ("best-effort", "realtime"):
            return f"{self.ioclass} {self.value}"
        return self.ioclass


def thread_ids(pid: int) -> list[int]:
    """Every thread of ``pid`` (the main thread's id is ``pid``); empty once it has ended."""
    try:
        return sorted(int(entry) for entry in os.listdir(f"/proc/{pid}/task"))
    except (FileNotFoundError, ProcessLookupError, NotADirectoryError):
        return []
    except PermissionError:
        return [pid]


def thread_nices(pid: int) -> dict[int, int]:
    """The nice value of each thread of ``pid``; threads that end meanwhile are left out."""
    nices: dict[int, int] = {}
    for tid in thread_ids(pid):
        with contextlib.suppress(ProcessLookupError):
            nices[tid] = os.getpriority(os.PRIO_PROCESS, tid)
    return nices


def io_priority(tid: int) -> IoPriority | None:
    """The I/O class and level of one thread; None when it ended or cannot be read."""
    try:
        reading = psutil.Process(tid).ionice()
    except psutil.Error:
        return None
    ioclass = _IO_CLASS_NAMES.get(int(reading.ioclass), "none")
    return IoPriority(ioclass, int(reading.value) if ioclass in ("best-effort", "realtime")
                      else None)


def thread_io_priorities(pid: int) -> dict[int, IoPriority]:
    found: dict[int, IoPriority] = {}
    for tid in thread_ids(pid):
        reading = io_priority(tid)
        if reading is not None:
            found[tid] = reading
    return found


def has_cap_sys_nice() -> bool:
    """Whether this process may raise priorities without being root (CAP_SYS_NICE)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> CAP_SYS_NICE & 1)
    except (OSError, ValueError, IndexError):
        pass
    return False


def lowest_nice_allowed(pid: int) -> int:
    """The lowest nice an unprivileged owner may give ``pid`` (its RLIMIT_NICE; 20 - soft)."""
    try:
        soft, _ = psutil.Process(pid).rlimit(psutil.RLIMIT_NICE)
    except (psutil.Error, AttributeError, OSError):
        return NICE_MAX + 1
    if soft == psutil.RLIM_INFINITY:
        return NICE_MIN
    return max(NICE_MIN, 20 - int(soft))


def disk_schedulers(root: Path = Path("/sys/block")) -> dict[str, str]:
    """The active I/O scheduler of each physical disk (``[mq-deadline]`` → mq-deadline)."""
    found: dict[str, str] = {}
    try:
        disks = sorted(root.iterdir())
    except OSError:
        return found
    for disk in disks:
        if disk.name.startswith(_VIRTUAL_DISKS):
            continue
        try:
            line = (disk / "queue" / "scheduler").read_text()
        except OSError:
            continue
        for word in line.split():
            if word.startswith("[") and word.endswith("]"):
                found[disk.name] = word[1:-1]
    return found


def schedulers_ignoring_priorities(root: Path = Path("/sys/block")) -> dict[str, str]:
    """Disks whose scheduler ignores I/O priorities (only BFQ and CFQ honour them)."""
    return {disk: name for disk, name in disk_schedulers(root).items()
            if name not in _HONOURING}
