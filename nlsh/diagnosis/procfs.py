"""Small readers for the kernel files psutil does not cover.

Each returns None when the file is absent or unreadable on this machine: the caller
reports that reading as unavailable instead of failing.
"""

from __future__ import annotations

import glob
import os
import stat
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")

# Smaller deleted files cannot matter for disk space; skipping them keeps the scan cheap.
MIN_DELETED_BYTES_RECORDED = 1024 * 1024

_DELETED_SUFFIX = " (deleted)"
_THROTTLE_COUNTERS = ("/sys/devices/system/cpu/cpu*/thermal_throttle/core_throttle_count",
                      "/sys/devices/system/cpu/cpu*/thermal_throttle/package_throttle_count")


@dataclass(frozen=True)
class PressureTotals:
    """Cumulative stall time from ``/proc/pressure/<resource>``, in microseconds."""

    some_us: int
    full_us: int | None


@dataclass(frozen=True)
class OpenDeletedFile:
    pid: int
    path: str
    allocated_bytes: int
    st_dev: int
    inode: int


def _read(path: Path | str) -> str | None:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def pressure_totals(resource: str) -> PressureTotals | None:
    """Stall totals for ``cpu``, ``memory`` or ``io``; None without PSI."""
    content = _read(PROC / "pressure" / resource)
    if content is None:
        return None
    totals: dict[str, int] = {}
    for line in content.splitlines():
        kind, _, rest = line.partition(" ")
        for pair in rest.split():
            key, _, value = pair.partition("=")
            if key == "total" and value.isdigit():
                totals[kind] = int(value)
    if "some" not in totals:
        return None
    return PressureTotals(some_us=totals["some"], full_us=totals.get("full"))


def oom_kills() -> int | None:
    """Processes the kernel's OOM killer has ended since boot (``/proc/vmstat``)."""
    content = _read(PROC / "vmstat")
    for line in (content or "").splitlines():
        key, _, value = line.partition(" ")
        if key == "oom_kill" and value.strip().isdigit():
            return int(value)
    return None


def procs_running() -> int | None:
    """Tasks runnable right now (``procs_running`` in ``/proc/stat``), the reader included."""
    content = _read(PROC / "stat")
    for line in (content or "").splitlines():
        if line.startswith("procs_running "):
            value = line.split()[1]
            return int(value) if value.isdigit() else None
    return None


def throttle_events() -> int | None:
    """The sum of the CPUs' thermal throttle counters; None where there are none."""
    total, found = 0, False
    for pattern in _THROTTLE_COUNTERS:
        for path in glob.glob(pattern):
            content = _read(path)
            if content is not None and content.strip().isdigit():
                total += int(content)
                found = True
    return total if found else None


def whole_disks() -> frozenset[str]:
    """Block devices that are disks rather than partitions (``/sys/block`` entries)."""
    try:
        return frozenset(os.listdir("/sys/block"))
    except OSError:
        return frozenset()


def deleted_open_files(skip: frozenset[int]) -> tuple[list[OpenDeletedFile], int]:
    """Regular files that were deleted but are still held open, and how many processes'
    open files could not be read (permission denied).

    One ``readlink`` per open file descriptor of every process: plain strings, no path
    objects (10,000 processes hold tens of thousands of them).
    """
    found: list[OpenDeletedFile] = []
    unreadable = 0
    try:
        entries = os.listdir(PROC)
    except OSError:
        return found, 0
    for entry in entries:
        if not entry.isdigit() or int(entry) in skip:
            continue
        fd_dir = f"{PROC}/{entry}/fd"
        try:
            fds = os.listdir(fd_dir)
        except PermissionError:
            unreadable += 1
            continue
        except OSError:  # the process ended while we looked
            continue
        for fd in fds:
            held = _deleted_file(int(entry), f"{fd_dir}/{fd}")
            if held is not None:
                found.append(held)
    return found, unreadable


def _deleted_file(pid: int, fd_path: str) -> OpenDeletedFile | None:
    try:
        target = os.readlink(fd_path)
    except OSError:
        return None
    # memfd and shared-memory objects also read "(deleted)" but hold memory, not disk.
    if (not target.endswith(_DELETED_SUFFIX) or not target.startswith("/")
            or target.startswith(("/memfd:", "/SYSV", "/dev/"))):
        return None
    try:
        info = os.stat(fd_path)  # follows the fd to the (unlinked) file itself
    except OSError:
        return None
    allocated = info.st_blocks * 512
    if not stat.S_ISREG(info.st_mode) or allocated < MIN_DELETED_BYTES_RECORDED:
        return None
    return OpenDeletedFile(pid=pid, path=target[: -len(_DELETED_SUFFIX)],
                           allocated_bytes=allocated, st_dev=info.st_dev, inode=info.st_ino)
