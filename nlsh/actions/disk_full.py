"""The disk-full flow: "no space left on device", "my disk is full" → which filesystems
are full, then one cleanup plan of everything safe to reclaim on them, largest first.

What counts as full: used at or above ``FULL_PERCENT`` (``NLSH_FULL_PERCENT`` overrides it,
so tests can call a real, barely used filesystem full). When none is full, the plan is
still made, over every filesystem, and says so.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from nlsh.render.units import human_bytes

FULL_PERCENT = 90.0

DISK_FULL = re.compile(
    r"(?i)\bno\s+(?:more\s+)?space\s+left\b|\bENOSPC\b|\b(?:disk|drive|partition|filesystem|"
    r"file\s+system|ssd|hdd|root|home|storage)\s+(?:is\s+|was\s+|got\s+|'s\s+)?(?:completely\s+|"
    r"totally\s+|almost\s+|nearly\s+)?full\b|\bfull\s+(?:disk|drive|partition|filesystem)\b|"
    r"\bout\s+of\s+(?:disk\s+)?space\b|\b(?:disk|drive|partition)\s+(?:is\s+)?at\s+(?:9\d|100)\s*%"
    r"|\bdisk\s+quota\s+exceeded\b")


@dataclass(frozen=True)
class FullDisks:
    """The filesystems short of space (device ids, for the items on them) and how they
    stand, in words."""

    devices: frozenset[int]
    described: tuple[str, ...]
    fullest: str | None  # when none is full: the fullest, in words


def says_disk_full(text: str) -> bool:
    return DISK_FULL.search(text) is not None


def full_disks() -> FullDisks:
    from nlsh.system.disks import read_filesystems

    try:
        threshold = float(os.environ.get("NLSH_FULL_PERCENT", FULL_PERCENT))
    except ValueError:
        threshold = FULL_PERCENT
    devices: set[int] = set()
    described: list[str] = []
    measured = [f for f in read_filesystems().filesystems if not f.readonly]
    for filesystem in sorted(measured, key=lambda f: -f.percent):
        if filesystem.percent < threshold:
            continue
        try:
            devices.add(os.stat(filesystem.mountpoint).st_dev)
        except OSError:
            continue
        described.append(_words(filesystem.mountpoint, filesystem.percent, filesystem.free,
                                filesystem.total))
    fullest = None
    if not described and measured:
        top = max(measured, key=lambda f: f.percent)
        fullest = _words(top.mountpoint, top.percent, top.free, top.total)
    return FullDisks(frozenset(devices), tuple(described), fullest)


def _words(mountpoint: str, percent: float, free: int, total: int) -> str:
    return (f"{mountpoint} is {percent:.0f}% full ({human_bytes(free)} free of "
            f"{human_bytes(total)})")
