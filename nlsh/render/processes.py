"""The process_table view (process.list and process.find): one row per process, escaped."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.safe import printable, shorten, text
from nlsh.render.units import human_bytes

COMMAND_WIDTH = 60


def started(create_time: float, now: dt.datetime | None = None) -> str:
    """``14:02:11`` today, ``Mar 03 09:15`` before."""
    moment = dt.datetime.fromtimestamp(create_time)
    today = (now or dt.datetime.now()).date()
    return moment.strftime("%H:%M:%S") if moment.date() == today else moment.strftime(
        "%b %d %H:%M")


def _command(row: Mapping[str, Any]) -> str:
    """The command line, program by its basename (the arguments say more than its folder)."""
    argv = [str(a) for a in row.get("cmdline") or []]
    if not argv:
        return f"[{printable(row['name'])}]"  # a kernel thread, or a zombie
    if argv[0].startswith("/"):
        argv[0] = os.path.basename(argv[0])
    return shorten(" ".join(argv), COMMAND_WIDTH)


def process_table(result: Mapping[str, Any]) -> RenderableType:
    rows = result.get("processes") or []
    parts: list[RenderableType] = []
    if rows:
        sampled = any(r.get("cpu_percent") is not None for r in rows)
        table = Table(show_edge=False, pad_edge=False, header_style="bold")
        for heading, justify in (("pid", "right"), ("name", "left"), ("user", "left"),
                                 ("cpu%", "right"), ("memory", "right"), ("started", "left"),
                                 ("command", "left")):
            if heading == "cpu%" and not sampled:
                continue
            table.add_column(heading, justify=justify)  # type: ignore[arg-type]
        for row in rows:
            cells: list[Text] = [Text(str(row["pid"])), text(row["name"], style="bold"),
                                 text(row.get("user") or "?")]
            if sampled:
                cpu = row.get("cpu_percent")
                cells.append(Text(f"{cpu:.1f}" if cpu is not None else "—"))
            cells += [Text(human_bytes(row.get("memory_rss"))),
                      Text(started(row["create_time"]), style="dim"),
                      Text(_command(row), style="dim")]
            table.add_row(*cells)
            for use in row.get("uses") or []:
                table.add_row(*([Text("")] * (len(cells) - 1)), text(f"↳ {use}", style="cyan"))
        parts.append(table)
    for note in result.get("notes") or []:
        parts.append(Text.assemble(("note: ", "cyan"), printable(note)))
    return Group(*parts)
