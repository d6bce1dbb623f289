"""The memory.status view: a bar of RAM by use, then the figures behind it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.units import human_bytes

BAR_WIDTH = 50
_VERDICT_STYLE = {"ok": "green", "tight": "yellow", "critical": "bold red"}


def ram_bar(total: int, in_use: int, reclaimable: int, width: int = BAR_WIDTH) -> Text:
    """``███▒▒▒····``: memory programs hold, cache the kernel can reclaim, unused."""
    if total <= 0:
        return Text("")
    held = round(width * in_use / total)
    cache = min(round(width * reclaimable / total), width - held)
    bar = Text()
    bar.append("█" * held, style="red" if held > width * 0.85 else "cyan")
    bar.append("▒" * cache, style="blue")
    bar.append("·" * (width - held - cache), style="dim")
    return bar


def memory_view(result: Mapping[str, Any]) -> RenderableType:
    total = int(result["total"])
    available = int(result["available"])
    reclaimable = int(result["reclaimable"])
    in_use = max(total - available, 0)
    verdict = str(result.get("verdict", "ok"))

    heading = Text.assemble(
        ("Memory ", "bold"), (verdict, _VERDICT_STYLE.get(verdict, "")), "  ",
        f"{human_bytes(available)} of {human_bytes(total)} available",
    )
    bar = Text.assemble(ram_bar(total, in_use, reclaimable), "  ",
                        (f"{result['percent']:.0f}% used", "bold"))
    legend = Text.assemble(("█", "cyan"), " in use  ", ("▒", "blue"),
                           " cache (reclaimable)  ", ("·", "dim"), " free")

    figures = Table(show_edge=False, pad_edge=False, header_style="bold", box=None)
    figures.add_column("")
    figures.add_column("total", justify="right")
    figures.add_column("used", justify="right")
    figures.add_column("available", justify="right")
    figures.add_column("free", justify="right")
    figures.add_column("buffers/cache", justify="right")
    figures.add_row("RAM", human_bytes(total), human_bytes(int(result["used"])),
                    human_bytes(available), human_bytes(int(result["free"])),
                    human_bytes(int(result["buffers"]) + int(result["cached"])))
    swap = result["swap"]
    if swap["total"]:
        figures.add_row("swap", human_bytes(swap["total"]), human_bytes(swap["used"]), "",
                        human_bytes(swap["free"]), "")

    parts: list[RenderableType] = [heading, bar, legend, Text(""), figures]
    if swap["total"]:
        parts.append(Text(f"swap activity since boot: {human_bytes(swap['swapped_in'])} in, "
                          f"{human_bytes(swap['swapped_out'])} out"))
    else:
        parts.append(Text("no swap configured"))
    parts.append(_pressure_line(result.get("pressure")))
    parts.append(Text(
        "'available' counts the page cache the kernel hands back on demand, so it is what "
        "programs can still use; 'free' is only RAM nothing has touched yet.", style="dim"))
    return Group(*parts)


def _pressure_line(pressure: Mapping[str, Any] | None) -> Text:
    if pressure is None:
        return Text("memory pressure: not reported by this kernel", style="dim")
    some = pressure["some"]
    line = Text(f"memory pressure: tasks stalled {some['avg10']:.1f}% of the last 10 s "
                f"({some['avg60']:.1f}% over 1 min)")
    full = pressure.get("full")
    if full is not None:
        line.append(f"; all tasks stalled {full['avg10']:.1f}%")
    if some["avg10"] >= 10:
        line.stylize("yellow")
    return line
