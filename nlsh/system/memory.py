"""RAM, swap and memory pressure, read from psutil and ``/proc/pressure/memory``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psutil

PRESSURE_FILE = Path("/proc/pressure/memory")


@dataclass(frozen=True)
class PressureLine:
    """One line of a PSI file: the share of time (percent) tasks stalled on memory."""

    avg10: float
    avg60: float
    avg300: float
    total_us: int


@dataclass(frozen=True)
class MemoryPressure:
    """``some``: at least one task stalled; ``full``: every non-idle task stalled."""

    some: PressureLine
    full: PressureLine | None


@dataclass(frozen=True)
class MemoryReading:
    """RAM and swap in bytes, as the kernel counts them.

    ``available`` is what programs can still get without swapping: free RAM plus the
    page cache and buffers the kernel reclaims on demand. ``swapped_in``/``swapped_out``
    are cumulative since boot.
    """

    total: int
    available: int
    used: int
    free: int
    buffers: int
    cached: int
    percent: float
    swap_total: int
    swap_used: int
    swap_free: int
    swap_percent: float
    swapped_in: int
    swapped_out: int
    pressure: MemoryPressure | None

    @property
    def reclaimable(self) -> int:
        """Memory in use as cache that the kernel hands back when programs need it."""
        return max(self.available - self.free, 0)


def read_memory(pressure_file: Path = PRESSURE_FILE) -> MemoryReading:
    ram = psutil.virtual_memory()
    swap = psutil.swap_memory()
    return MemoryReading(
        total=int(ram.total), available=int(ram.available), used=int(ram.used),
        free=int(ram.free),
        # buffers/cached exist on Linux only; elsewhere they are simply not known
        buffers=int(getattr(ram, "buffers", 0)), cached=int(getattr(ram, "cached", 0)),
        percent=float(ram.percent),
        swap_total=int(swap.total), swap_used=int(swap.used), swap_free=int(swap.free),
        swap_percent=float(swap.percent), swapped_in=int(swap.sin), swapped_out=int(swap.sout),
        pressure=read_pressure(pressure_file),
    )


def read_pressure(path: Path = PRESSURE_FILE) -> MemoryPressure | None:
    """PSI for memory; None when the kernel lacks it or it cannot be read."""
    try:
        content = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    lines: dict[str, PressureLine] = {}
    for raw in content.splitlines():
        kind, _, rest = raw.partition(" ")
        fields = dict(item.split("=", 1) for item in rest.split() if "=" in item)
        try:
            lines[kind] = PressureLine(avg10=float(fields["avg10"]), avg60=float(fields["avg60"]),
                                       avg300=float(fields["avg300"]),
                                       total_us=int(fields["total"]))
        except (KeyError, ValueError):
            continue
    if "some" not in lines:
        return None
    return MemoryPressure(some=lines["some"], full=lines.get("full"))
