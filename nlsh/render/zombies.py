"""The zombies view (process.zombies): each zombie, its parent, and what they cost."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.safe import printable, text
from nlsh.render.units import human_duration


def zombies_view(result: Mapping[str, Any]) -> RenderableType:
    rows = result.get("zombies") or []
    parts: list[RenderableType] = []
    if rows:
        table = Table(show_edge=False, pad_edge=False, header_style="bold")
        for heading in ("pid", "zombie", "user", "zombie for at most", "parent pid", "parent",
                        "parent user"):
            table.add_column(heading, justify="right" if "pid" in heading else "left")
        for row in rows:
            parent = row.get("parent") or {}
            table.add_row(Text(str(row["pid"])), text(row["name"], style="bold"),
                          text(row.get("user") or "?"),
                          Text(human_duration(row["zombie_for_at_most_seconds"]), style="dim"),
                          Text(str(parent.get("pid", "?"))), text(parent.get("name") or "?"),
                          text(parent.get("user") or "?"))
        parts.append(table)
    for note in result.get("notes") or []:
        parts.append(Text.assemble(("note: ", "cyan"), printable(note)))
    return Group(*parts)
