"""The help view: one screen naming what nlsh understands and the topics; a topic in full."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.safe import text


def help_view(result: Mapping[str, Any]) -> RenderableType:
    topic = result.get("topic")
    if topic is None:
        return _overview(result)
    if topic == "keys":
        return _lines("At a confirmation and in the shell", result["keys"])
    if topic == "follow-ups":
        return _lines("After an answer", result["follow_ups"])
    if topic == "options":
        return _options(result)
    return _intents(result, result["intents"])


def _overview(result: Mapping[str, Any]) -> RenderableType:
    """One screen: each area with what it does and a sentence to try, then the topics."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    for area in result["areas"]:
        entries = [e for e in result["intents"] if e["area"] == area]
        title = area if area.startswith("nlsh") else area.capitalize()
        table.add_row(text(title), text("; ".join(e["summary"] for e in entries)))
        tries = [e["examples"][0] for e in entries if e["examples"]][:2]
        if tries:
            table.add_row("", Text.assemble(*(part for example in tries for part in (
                ("“", "dim"), text(example, style="cyan"), ("”  ", "dim")))))
    topics = " · ".join(f"help {t}" for t in result.get("topics", ()))
    return Group(
        Text("Say what you want, in your own words. For example:", style="bold"), table,
        Text(""),
        Text.assemble(("More: ", "bold"), text(topics), " · help kill (any request word)"),
        Text.assemble(("After an answer: ", "bold"),
                      "a number picks from a list; 'do 1' runs a diagnosis's first suggestion; "
                      "'undo' reverses the last change"),
        Text.assemble(("At a confirmation: ", "bold"),
                      "y, n, ? or numbers (1,3 · 2-4 · all but 2)"),
        Text.assemble(("Options: ", "bold"),
                      " ".join(o["flag"].split(",")[-1].strip() for o in result["options"]),
                      " (help options)"),
    )


def _intents(result: Mapping[str, Any], intents: list[Mapping[str, Any]]) -> RenderableType:
    parts: list[RenderableType] = [Text("Say what you want; for example:", style="bold")]
    for area in dict.fromkeys(e["area"] for e in intents):
        table = Table.grid(padding=(0, 2))
        table.add_column(min_width=2)
        table.add_column()
        for entry in (e for e in intents if e["area"] == area):
            heading = text(entry["summary"], style="bold")
            if entry["changes_system"]:
                heading.append("  asks before changing anything", style="yellow")
            table.add_row("", heading)
            if entry.get("description"):
                table.add_row("", text(entry["description"], style="dim"))
            for example in entry["examples"]:
                table.add_row("", Text.assemble(("  “", "dim"), text(example, style="cyan"),
                                                ("”", "dim")))
        title = area if area.startswith("nlsh") else area.capitalize()  # nlsh is lower-case
        parts.extend([Text(""), text(title, style="bold underline"), table])
    return Group(*parts)


def _lines(title: str, lines: list[str]) -> RenderableType:
    return Group(Text(title, style="bold underline"),
                 *(Text.assemble("  ", text(line)) for line in lines))


def _options(result: Mapping[str, Any]) -> RenderableType:
    options = Table.grid(padding=(0, 2))
    options.add_column(style="bold")
    options.add_column()
    for option in result["options"]:
        options.add_row(text(option["flag"]), text(option["meaning"]))
    return Group(Text("Options", style="bold underline"), options, Text(""),
                 text(result["repl"]))
