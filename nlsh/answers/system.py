"""system.status: a compact health overview, or one topic of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from nlsh.context import Context
from nlsh.render.units import human_bytes, human_duration
from nlsh.stages import Answer, Parse
from nlsh.system import host

TOPICS = ("cpu", "load", "uptime", "temperature", "battery")
# Without thresholds from the hardware, these are warm / hot for any sensor (°C).
FALLBACK_WARM = 80.0
FALLBACK_HOT = 90.0
_SEVERITY = {"ok": 0, "warm": 1, "hot": 2, "critical": 3}


def system_status(parse: Parse, ctx: Context) -> Answer:
    topic = parse.slot("topic")
    if topic in TOPICS:
        section = _SECTIONS[str(topic)]()
        result: dict[str, Any] = {"topic": topic, str(topic): section}
        return Answer(kind="system_status", message=_TOPIC_MESSAGES[str(topic)](section),
                      result=result)
    overview: dict[str, Any] = {"topic": None}
    overview.update({name: build() for name, build in _SECTIONS.items()})
    overview.update(memory=_memory_section(), disks=_disks_section())
    return Answer(kind="system_status", message=_overview_message(overview), result=overview)


# ── sections ───────────────────────────────────────────────────────────────


def _cpu_section() -> dict[str, Any]:
    cpu = host.read_cpu()
    return {"percent": cpu.percent, "per_core": list(cpu.per_core), "logical": cpu.logical,
            "physical": cpu.physical, "mhz": cpu.mhz, "max_mhz": cpu.max_mhz}


def load_verdict(one: float, cores: int) -> str:
    """The 1-minute load against the cores there are, in plain words."""
    ratio = one / max(cores, 1)
    if ratio < 0.5:
        return "light"
    if ratio < 0.9:
        return "moderate"
    if ratio <= 1.2:
        return "busy: the CPUs are fully used"
    if ratio < 2.0:
        return "overloaded: processes are waiting for a CPU"
    return "heavily overloaded: many processes are waiting for a CPU"


def _load_section() -> dict[str, Any]:
    load = host.read_load()
    if load.one > load.fifteen * 1.25 + 0.1:
        trend = "rising"
    elif load.one < load.fifteen * 0.8 - 0.1:
        trend = "falling"
    else:
        trend = "steady"
    return {"one": load.one, "five": load.five, "fifteen": load.fifteen, "cores": load.cores,
            "per_core": round(load.one / max(load.cores, 1), 2),
            "verdict": load_verdict(load.one, load.cores), "trend": trend}


def _uptime_section() -> dict[str, Any]:
    uptime = host.read_uptime()
    boot = dt.datetime.fromtimestamp(uptime.boot_time).astimezone()
    return {"boot_time": uptime.boot_time, "booted": boot.isoformat(timespec="seconds"),
            "seconds": int(uptime.seconds)}


def temperature_verdict(current: float, high: float | None, critical: float | None) -> str:
    if critical is not None and current >= critical:
        return "critical"
    if high is not None:
        if current >= high:
            return "hot"
        return "warm" if current >= high - 10 else "ok"
    if critical is not None and current >= critical - 15:
        return "hot"
    if current >= FALLBACK_HOT:
        return "hot"
    return "warm" if current >= FALLBACK_WARM else "ok"


def _temperature_section() -> dict[str, Any]:
    readings: list[dict[str, Any]] = [
        {"sensor": t.sensor, "label": t.label, "current": t.current, "high": t.high,
         "critical": t.critical, "verdict": temperature_verdict(t.current, t.high, t.critical)}
        for t in host.read_temperatures()
    ]
    hottest = max(readings, key=lambda r: (_SEVERITY[r["verdict"]], r["current"]),
                  default=None)
    return {"available": bool(readings), "hottest": hottest, "readings": readings,
            "verdict": hottest["verdict"] if hottest else None}


def _battery_section() -> dict[str, Any]:
    battery = host.read_battery()
    if battery is None:
        return {"present": False}
    return {"present": True, "percent": battery.percent, "plugged": battery.plugged,
            "seconds_left": battery.seconds_left}


def _memory_section() -> dict[str, Any]:
    from nlsh.system.memory import read_memory

    memory = read_memory()
    return {"total": memory.total, "available": memory.available, "percent": memory.percent,
            "swap_total": memory.swap_total, "swap_used": memory.swap_used}


def _disks_section() -> dict[str, Any]:
    from nlsh.system.disks import read_filesystems

    filesystems = read_filesystems().filesystems
    fullest = max(filesystems, key=lambda f: f.percent, default=None)
    return {
        "count": len(filesystems),
        "fullest": None if fullest is None else {
            "mountpoint": fullest.mountpoint, "percent": fullest.percent,
            "free": fullest.free, "total": fullest.total},
        "full": [f.mountpoint for f in filesystems if f.full],
    }


_SECTIONS: dict[str, Callable[[], dict[str, Any]]] = {
    "cpu": _cpu_section, "load": _load_section, "uptime": _uptime_section,
    "temperature": _temperature_section, "battery": _battery_section,
}


# ── messages ───────────────────────────────────────────────────────────────


def _cpu_message(cpu: dict[str, Any]) -> str:
    message = f"CPU {cpu['percent']:.0f}% busy on {cpu['logical']} cores"
    if cpu["mhz"]:
        message += f" at {cpu['mhz'] / 1000:.1f} GHz"
    return message


def _load_message(load: dict[str, Any]) -> str:
    return (f"Load {load['one']:.2f} on {load['cores']} cores: {load['verdict']} "
            f"({load['trend']}; 5 min {load['five']:.2f}, 15 min {load['fifteen']:.2f})")


def _uptime_message(uptime: dict[str, Any]) -> str:
    booted = dt.datetime.fromtimestamp(uptime["boot_time"])
    return f"Up {human_duration(uptime['seconds'])}, since {booted:%a %d %b %H:%M}"


def _temperature_message(temperature: dict[str, Any]) -> str:
    hottest = temperature["hottest"]
    if hottest is None:
        return "No temperature sensors readable on this machine"
    message = f"Hottest sensor: {hottest['sensor']} {hottest['label']} at " \
              f"{hottest['current']:.0f} °C"
    limits = [f"{name} {hottest[name]:.0f} °C" for name in ("high", "critical") if hottest[name]]
    if limits:
        message += f" ({', '.join(limits)})"
    if hottest["verdict"] != "ok":
        message += f": {hottest['verdict']}"
    return message


def _battery_message(battery: dict[str, Any]) -> str:
    if not battery["present"]:
        return "No battery"
    state = {True: "plugged in", False: "on battery", None: "power source unknown"}
    message = f"Battery {battery['percent']:.0f}%, {state[battery['plugged']]}"
    if battery["seconds_left"] is not None and battery["plugged"] is False:
        message += f", {human_duration(battery['seconds_left'])} left"
    return message


_TOPIC_MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "cpu": _cpu_message, "load": _load_message, "uptime": _uptime_message,
    "temperature": _temperature_message, "battery": _battery_message,
}


def _overview_message(result: dict[str, Any]) -> str:
    cpu, load, memory = result["cpu"], result["load"], result["memory"]
    parts = [f"CPU {cpu['percent']:.0f}% of {cpu['logical']} cores",
             f"load {load['one']:.2f} ({load['verdict'].split(':')[0]})",
             f"up {human_duration(result['uptime']['seconds'])}",
             f"memory {memory['percent']:.0f}% used "
             f"({human_bytes(memory['available'])} available)"]
    fullest = result["disks"]["fullest"]
    if fullest:
        parts.append(f"fullest disk {fullest['mountpoint']} {fullest['percent']:.0f}%")
    hottest = result["temperature"]["hottest"]
    parts.append(f"{hottest['current']:.0f} °C" + ("" if hottest["verdict"] == "ok"
                                                  else f" ({hottest['verdict']})")
                 if hottest else "no temperature sensors")
    battery = result["battery"]
    parts.append(f"battery {battery['percent']:.0f}%" if battery["present"] else "no battery")
    return "; ".join(parts)
