"""What the system holds right now that cleanup must leave alone: open files, mount points."""

from __future__ import annotations

import os
import re

_OCTAL_ESCAPE = re.compile(rb"\\([0-7]{3})")


def open_files() -> frozenset[tuple[int, int]]:
    """(device, inode) of every file open in a process whose ``/proc/PID/fd`` we can read.

    Another user's processes are invisible to a non-root user; that is the limit of
    what can be known without privilege.
    """
    held: set[tuple[int, int]] = set()
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return frozenset()
    for pid in pids:
        fd_dir = f"/proc/{pid}/fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:  # gone, or not ours to read
            continue
        for fd in fds:
            try:
                # stat() through the magic link reaches the open file itself, renamed or not.
                info = os.stat(f"{fd_dir}/{fd}")
            except OSError:
                continue
            held.add((info.st_dev, info.st_ino))
    return frozenset(held)


def mount_points() -> frozenset[str]:
    """Every mount point of this process's namespace, bind mounts included."""
    points: set[str] = set()
    try:
        with open("/proc/self/mountinfo", "rb") as handle:
            for line in handle:
                fields = line.split()
                if len(fields) > 4:
                    raw = _OCTAL_ESCAPE.sub(lambda m: bytes([int(m.group(1), 8)]), fields[4])
                    points.add(os.fsdecode(raw))
    except OSError:
        return frozenset()
    return frozenset(points)
