"""memory.status: how much RAM is really available, swap, and memory pressure."""

from __future__ import annotations

from typing import Any

from nlsh.context import Context
from nlsh.render.units import human_bytes
from nlsh.stages import Answer, Parse
from nlsh.system.memory import MemoryPressure, MemoryReading, PressureLine, read_memory

# Below these shares of RAM still available, memory is tight / critical.
TIGHT_AVAILABLE = 0.15
CRITICAL_AVAILABLE = 0.05
# PSI avg10 (percent of the last 10 s that tasks stalled waiting for memory).
TIGHT_STALL = 10.0
CRITICAL_FULL_STALL = 5.0


def memory_status(parse: Parse, ctx: Context) -> Answer:
    reading = read_memory()
    verdict = assess(reading)
    return Answer(kind="memory", message=_message(reading, verdict),
                  result=memory_result(reading, verdict))


def assess(reading: MemoryReading) -> str:
    """``ok``, ``tight`` or ``critical``, from what is available and how much tasks stall."""
    share = reading.available / reading.total if reading.total else 1.0
    pressure = reading.pressure
    full = pressure.full.avg10 if pressure and pressure.full else 0.0
    some = pressure.some.avg10 if pressure else 0.0
    if share < CRITICAL_AVAILABLE or full >= CRITICAL_FULL_STALL:
        return "critical"
    if share < TIGHT_AVAILABLE or some >= TIGHT_STALL:
        return "tight"
    return "ok"


def memory_result(reading: MemoryReading, verdict: str) -> dict[str, Any]:
    return {
        "total": reading.total,
        "available": reading.available,
        "used": reading.used,
        "free": reading.free,
        "buffers": reading.buffers,
        "cached": reading.cached,
        "reclaimable": reading.reclaimable,
        "percent": reading.percent,
        "swap": {
            "total": reading.swap_total,
            "used": reading.swap_used,
            "free": reading.swap_free,
            "percent": reading.swap_percent,
            "swapped_in": reading.swapped_in,
            "swapped_out": reading.swapped_out,
        },
        "pressure": _pressure(reading.pressure),
        "verdict": verdict,
    }


def _pressure(pressure: MemoryPressure | None) -> dict[str, Any] | None:
    if pressure is None:
        return None

    def line(values: PressureLine) -> dict[str, float]:
        return {"avg10": values.avg10, "avg60": values.avg60, "avg300": values.avg300}

    return {"some": line(pressure.some),
            "full": line(pressure.full) if pressure.full else None}


def _message(reading: MemoryReading, verdict: str) -> str:
    parts = [f"{human_bytes(reading.available)} of {human_bytes(reading.total)} available"]
    if reading.swap_total:
        parts.append(f"swap {human_bytes(reading.swap_used)} used")
    else:
        parts.append("no swap")
    if reading.pressure and reading.pressure.some.avg10 >= 1.0:
        parts.append(f"tasks stalled on memory {reading.pressure.some.avg10:.0f}% of the "
                     "last 10 s")
    message = "; ".join(parts)
    if verdict != "ok":
        message = f"Memory is {verdict}: {message} (try 'free up memory')"
    return message
