"""The ``tmux_sessions`` view: one row per session, busiest first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.safe import text


def sessions_view(result: Mapping[str, Any]) -> RenderableType:
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for heading, justify in (("session", "left"), ("cpu %", "right"), ("windows", "right"),
                             ("programs", "right")):
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    for row in result["sessions"]:
        table.add_row(text(str(row["session"])), Text(f"{row['cpu_percent']:.1f}"),
                      Text(str(row["windows"])), Text(str(row["programs"])))
    return table
