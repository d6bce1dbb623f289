"""The help view: what nlsh understands, by area, with sentences to try."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.safe import text


def help_view(result: Mapping[str, Any]) -> RenderableType:
    parts: list[RenderableType] = [Text("Say what you want; for example:", style="bold")]
    intents = result["intents"]
    for area in result["areas"]:
        table = Table.grid(padding=(0, 2))
        table.add_column(min_width=2)
        table.add_column()
        for entry in (e for e in intents if e["area"] == area):
            heading = text(entry["summary"], style="bold")
            if entry["changes_system"]:
                heading.append("  asks before changing anything", style="yellow")
            table.add_row("", heading)
            for example in entry["examples"]:
                table.add_row("", Text.assemble(("  “", "dim"), text(example, style="cyan"),
                                                ("”", "dim")))
        title = area if area.startswith("nlsh") else area.capitalize()  # nlsh is lower-case
        parts.extend([Text(""), text(title, style="bold underline"), table])

    options = Table.grid(padding=(0, 2))
    options.add_column(style="bold")
    options.add_column()
    for option in result["options"]:
        options.add_row(text(option["flag"]), text(option["meaning"]))
    parts.extend([Text(""), Text("Options", style="bold underline"), options,
                  Text(""), text(result["repl"])])
    return Group(*parts)
