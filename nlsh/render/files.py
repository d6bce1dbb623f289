"""The view of file.find: a table of what was found (path, size, modified, kind), a total."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.safe import text
from nlsh.render.units import human_bytes, human_duration


def file_find_view(result: Mapping[str, Any]) -> RenderableType:
    rows = result.get("files") or []
    parts: list[RenderableType] = []
    if rows:
        now = time.time()
        table = Table(show_edge=False, pad_edge=False, header_style="bold")
        table.add_column("#", justify="right", style="dim")
        table.add_column("path")
        table.add_column("size", justify="right")
        table.add_column("modified", justify="right")
        table.add_column("kind")
        for number, row in enumerate(rows, start=1):
            table.add_row(str(number), text(row["path"]), human_bytes(row["bytes"]),
                          f"{human_duration(max(now - float(row['modified']), 0))} ago",
                          text(row["kind"], style="dim"))
        parts.append(table)
        total = Text(f"total: {result['count']:,} file{'s' if result['count'] != 1 else ''}, "
                     f"{human_bytes(result['total_bytes'])}", style="bold")
        if result.get("more"):
            total.append(f" (and {result['more']:,} more not shown)", style="dim")
        parts.append(total)
    skipped = result.get("skipped") or {}
    quiet = [f"{n} {what.replace('_', ' ')}" for what, n in skipped.items() if n]
    if quiet:
        parts.append(Text("skipped: " + ", ".join(quiet), style="dim"))
    return Group(*parts)


def found_total_view(result: Mapping[str, Any]) -> RenderableType:
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("path")
    table.add_column("size", justify="right")
    for row in result.get("files") or []:
        table.add_row(text(row["path"]), human_bytes(row["bytes"]))
    return table


def found_folders_view(result: Mapping[str, Any]) -> RenderableType:
    return Group()  # the message is the folders, one a line; nothing is opened
