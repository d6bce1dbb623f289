"""The process_table view (process.list and process.find): one row per process, escaped."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.fit import Fitted
from nlsh.render.safe import printable, shorten, text
from nlsh.render.units import human_bytes

COMMAND_WIDTH = 60
MIN_COMMAND = 12  # narrower, a command line says nothing: columns are dropped first
MIN_NAME = 8


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


# Least valuable first: dropped in this order when a row would fold over 3+ lines.
DROPPABLE = ("started", "user", "command-on-one-line")


def process_table(result: Mapping[str, Any]) -> RenderableType:
    rows = result.get("processes") or []
    parts: list[RenderableType] = []
    column = result.get("column")
    extra = (column, COLUMNS[column]) if column in COLUMNS else None
    if rows:
        parts.append(Fitted(lambda dropped, width: _table(rows, dropped, width, extra),
                            DROPPABLE))
    for note in result.get("notes") or []:
        parts.append(Text.assemble(("note: ", "cyan"), printable(note)))
    return Group(*parts)


# The sorted-by column of process.list's other sorts: JSON field → heading.
COLUMNS = {"swap_bytes": "swap", "io_bytes_per_s": "disk I/O/s", "threads": "threads",
           "open_files": "open files"}


def _measure_cell(field: str, value: Any) -> Text:
    if value is None:
        return Text("—")
    if field == "swap_bytes":
        return Text(human_bytes(value))
    if field == "io_bytes_per_s":
        return Text(human_bytes(value))
    return Text(str(int(value)))


def _table(rows: list[Mapping[str, Any]], dropped: frozenset[str], width: int,
           extra: tuple[str, str] | None = None) -> Table:
    sampled = any(r.get("cpu_percent") is not None for r in rows)
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    measured = extra[1] if extra else None
    shown = [heading for heading in ("pid", "name", "user", "cpu%", measured, "memory",
                                     "started", "command")
             if heading is not None and heading not in dropped
             and (heading != "cpu%" or sampled)]
    cells = [_cells(row) for row in rows]
    if extra is not None:
        for row, cell in zip(rows, cells, strict=True):
            cell[extra[1]] = _measure_cell(extra[0], row.get(extra[0]))
    one_line = "command-on-one-line" in dropped
    others = sum(max(len(h), *(len(c[h].plain) for c in cells)) + 3
                 for h in shown if h != "command")
    for heading in shown:
        if heading == "command":
            table.add_column(heading, no_wrap=one_line, overflow="ellipsis" if one_line
                             else "fold", min_width=MIN_COMMAND,
                             max_width=max(MIN_COMMAND, width - others) if one_line else None)
        else:  # short values: never folded, so the command gives way first
            table.add_column(heading, justify="right" if heading in ("pid", "cpu%", "memory",
                                                                     measured)
                             else "left", no_wrap=heading != "name",
                             min_width=MIN_NAME if heading == "name" else None)
    for row, cell in zip(rows, cells, strict=True):
        table.add_row(*(cell[heading] for heading in shown))
        for use in row.get("uses") or []:
            table.add_row(*([Text("")] * (len(shown) - 1)), text(f"↳ {use}", style="cyan"))
    return table


def _cells(row: Mapping[str, Any]) -> dict[str, Text]:
    cpu = row.get("cpu_percent")
    return {"pid": Text(str(row["pid"])), "name": text(row["name"], style="bold"),
            "user": text(row.get("user") or "?"),
            "cpu%": Text(f"{cpu:.1f}" if cpu is not None else "—"),
            "memory": Text(human_bytes(row.get("memory_rss"))),
            "started": Text(started(row["create_time"]), style="dim"),
            "command": Text(_command(row), style="dim")}
