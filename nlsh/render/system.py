"""The system.status view: one line per vital sign, and details for a single topic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.safe import text
from nlsh.render.units import human_bytes, human_duration

_LEVEL_STYLE = {"ok": "green", "warm": "yellow", "hot": "bold red", "critical": "bold red"}
_SPARK = " ▁▂▃▄▅▆▇█"


def _load_style(verdict: str) -> str:
    if verdict.startswith(("overloaded", "heavily")):
        return "bold red"
    return "yellow" if verdict.startswith("busy") else "green"


def _cpu_line(cpu: Mapping[str, Any]) -> Text:
    line = Text(f"{cpu['percent']:.0f}% busy", style="bold")
    cores = f" on {cpu['logical']} logical cores"
    if cpu.get("physical"):
        cores += f" ({cpu['physical']} physical)"
    line.append(cores)
    if cpu.get("mhz"):
        line.append(f", {cpu['mhz'] / 1000:.2f} GHz")
        if cpu.get("max_mhz"):
            line.append(f" (max {cpu['max_mhz'] / 1000:.2f} GHz)")
    per_core = cpu.get("per_core") or []
    if len(per_core) > 1:
        line.append("  per core ")
        line.append("".join(_SPARK[min(int(p / 100 * 8 + 0.5), 8)] for p in per_core),
                    style="cyan")
    return line


def _load_line(load: Mapping[str, Any]) -> Text:
    return Text.assemble(
        (f"{load['one']:.2f}", "bold"), f" / {load['five']:.2f} / {load['fifteen']:.2f}",
        f" (1/5/15 min) on {load['cores']} cores: ",
        (str(load["verdict"]), _load_style(str(load["verdict"]))), f", {load['trend']}")


def _uptime_line(uptime: Mapping[str, Any]) -> Text:
    booted = dt.datetime.fromtimestamp(uptime["boot_time"])
    return Text.assemble((human_duration(uptime["seconds"]), "bold"),
                         f", booted {booted:%Y-%m-%d %H:%M}")


def _memory_line(memory: Mapping[str, Any]) -> Text:
    line = Text.assemble((f"{memory['percent']:.0f}% used", "bold"),
                         f", {human_bytes(memory['available'])} of "
                         f"{human_bytes(memory['total'])} available")
    if memory["swap_total"]:
        line.append(f"; swap {human_bytes(memory['swap_used'])} of "
                    f"{human_bytes(memory['swap_total'])} used")
    return line


def _disks_line(disks: Mapping[str, Any]) -> Text:
    fullest = disks.get("fullest")
    if fullest is None:
        return Text("no disk filesystems found", style="dim")
    style = "bold red" if fullest["mountpoint"] in disks.get("full", []) else "bold"
    return Text.assemble(f"{disks['count']} filesystem(s); fullest ", text(fullest["mountpoint"]),
                         " ", (f"{fullest['percent']:.0f}%", style),
                         f" ({human_bytes(fullest['free'])} free)")


def _temperature_line(temperature: Mapping[str, Any]) -> Text:
    hottest = temperature.get("hottest")
    if hottest is None:
        return Text("no sensors readable", style="dim")
    verdict = str(hottest["verdict"])
    return Text.assemble((f"{hottest['current']:.0f} °C", _LEVEL_STYLE.get(verdict, "")),
                         " (", text(f"{hottest['sensor']} {hottest['label']}"), ")",
                         "" if verdict == "ok" else f": {verdict}")


def _battery_line(battery: Mapping[str, Any]) -> Text:
    if not battery.get("present"):
        return Text("no battery", style="dim")
    plugged = battery.get("plugged")
    state = "plugged in" if plugged else ("on battery" if plugged is False else "unknown source")
    line = Text.assemble((f"{battery['percent']:.0f}%", "bold"), f", {state}")
    if battery.get("seconds_left") is not None and plugged is False:
        line.append(f", {human_duration(battery['seconds_left'])} left")
    return line


_LINES = (("cpu", "CPU", _cpu_line), ("load", "load", _load_line),
          ("uptime", "uptime", _uptime_line), ("memory", "memory", _memory_line),
          ("disks", "disks", _disks_line), ("temperature", "temperature", _temperature_line),
          ("battery", "battery", _battery_line))


def _sensor_table(readings: list[Mapping[str, Any]]) -> Table:
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for heading in ("sensor", "reading", "high", "critical"):
        table.add_column(heading, justify="left" if heading == "sensor" else "right")
    for row in sorted(readings, key=lambda r: -float(r["current"])):
        table.add_row(text(f"{row['sensor']} {row['label']}"),
                      Text(f"{row['current']:.0f} °C",
                           style=_LEVEL_STYLE.get(str(row["verdict"]), "")),
                      f"{row['high']:.0f} °C" if row["high"] else "—",
                      f"{row['critical']:.0f} °C" if row["critical"] else "—")
    return table


def system_status_view(result: Mapping[str, Any]) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for key, label, line in _LINES:
        if key in result:
            grid.add_row(label, line(result[key]))
    parts: list[RenderableType] = [grid]
    topic = result.get("topic")
    if topic == "temperature" and result["temperature"]["readings"]:
        parts.append(_sensor_table(result["temperature"]["readings"]))
    if topic == "cpu" and len(result["cpu"]["per_core"]) > 1:
        cores = Table.grid(padding=(0, 2))
        for number, share in enumerate(result["cpu"]["per_core"]):
            cores.add_row(f"core {number}", f"{share:.0f}%")
        parts.append(cores)
    return Group(*parts)
