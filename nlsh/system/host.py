"""CPU, load, uptime, temperature sensors and battery: the machine's vital signs.

Sensors and batteries are optional hardware: their readers return an empty tuple or
None when there is nothing to read, never an error.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import psutil

CPU_SAMPLE_SECONDS = 0.25


@dataclass(frozen=True)
class CpuReading:
    """Busy share over a short sample; ``per_core`` in the order the kernel numbers them."""

    percent: float
    per_core: tuple[float, ...]
    logical: int
    physical: int | None
    mhz: float | None
    max_mhz: float | None


@dataclass(frozen=True)
class LoadReading:
    """Run-queue averages over 1, 5 and 15 minutes, and the cores that serve them."""

    one: float
    five: float
    fifteen: float
    cores: int


@dataclass(frozen=True)
class UptimeReading:
    boot_time: float
    seconds: float


@dataclass(frozen=True)
class Temperature:
    """One sensor reading in °C; ``high``/``critical`` are the hardware's own thresholds."""

    sensor: str
    label: str
    current: float
    high: float | None
    critical: float | None


@dataclass(frozen=True)
class BatteryReading:
    percent: float
    plugged: bool | None
    seconds_left: int | None  # None: unknown or not discharging


def read_cpu(sample: float = CPU_SAMPLE_SECONDS) -> CpuReading:
    per_core = tuple(float(p) for p in psutil.cpu_percent(interval=sample, percpu=True))
    logical = psutil.cpu_count() or len(per_core) or 1
    mhz = max_mhz = None
    try:
        frequency = psutil.cpu_freq()
    except (OSError, NotImplementedError, RuntimeError):
        frequency = None  # not exposed in some VMs and containers
    if frequency is not None:
        mhz = float(frequency.current) or None
        max_mhz = float(frequency.max) or None
    percent = round(sum(per_core) / len(per_core), 1) if per_core else 0.0
    return CpuReading(percent=percent, per_core=per_core, logical=logical,
                      physical=psutil.cpu_count(logical=False), mhz=mhz, max_mhz=max_mhz)


def read_load() -> LoadReading:
    one, five, fifteen = psutil.getloadavg()
    return LoadReading(one=float(one), five=float(five), fifteen=float(fifteen),
                       cores=psutil.cpu_count() or 1)


def read_uptime() -> UptimeReading:
    boot = float(psutil.boot_time())
    return UptimeReading(boot_time=boot, seconds=max(time.time() - boot, 0.0))


def read_temperatures() -> tuple[Temperature, ...]:
    reader = getattr(psutil, "sensors_temperatures", None)
    if reader is None:
        return ()
    try:
        groups = reader()
    except (OSError, RuntimeError):
        return ()
    readings: list[Temperature] = []
    for sensor, entries in groups.items():
        for entry in entries:
            current = entry.current
            # Unwired inputs report 0, -273 or absurd values; they are not temperatures.
            if current is None or not 0 < current < 150:
                continue
            readings.append(Temperature(
                sensor=sensor, label=entry.label or sensor, current=float(current),
                high=float(entry.high) if entry.high else None,
                critical=float(entry.critical) if entry.critical else None,
            ))
    return tuple(readings)


def read_battery() -> BatteryReading | None:
    reader = getattr(psutil, "sensors_battery", None)
    if reader is None:
        return None
    try:
        battery = reader()
    except (OSError, RuntimeError):
        return None
    if battery is None:
        return None
    seconds = battery.secsleft
    # POWER_TIME_UNKNOWN and POWER_TIME_UNLIMITED are negative
    known = isinstance(seconds, int) and seconds >= 0
    return BatteryReading(percent=float(battery.percent), plugged=battery.power_plugged,
                          seconds_left=int(seconds) if known else None)

