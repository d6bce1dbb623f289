"""The answer to a question about an action: what nlsh would touch, as a table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.safe import text
from nlsh.render.units import human_bytes


def would_view(result: Mapping[str, Any]) -> RenderableType:
    """The steps nlsh would take (from ``result.would``), and the sentence that does it."""
    would = result.get("would")
    if not isinstance(would, Mapping):
        return Text("")
    table = Table(box=None, header_style="bold")
    for column in ("would", "target", "details"):
        table.add_column(column, overflow="fold")
    for step in would.get("steps", []):
        if "pid" in step:
            target = text(f"{step['pid']} {step.get('name', '')}")
        elif "path" in step:
            target = text(f"{step['path']} ({human_bytes(int(step.get('bytes', 0)))})")
        else:
            target = Text("")
        table.add_row(text(str(step.get("action", ""))), target,
                      text(str(step.get("detail", ""))))
    parts: list[RenderableType] = [table]
    say = result.get("say")
    if say:
        parts.append(Text.assemble("to do it, say: ", text(str(say)), style="dim"))
    return Group(*parts)


def why_view(result: Mapping[str, Any]) -> RenderableType:
    """How the last reply came about: what was understood, and which words did what."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("you said", text(str(result.get("text", ""))))
    table.add_row("understood as", text(f"{result.get('intent') or 'out of scope'} "
                                        f"(confidence {result.get('confidence')})"))
    for name, value in (result.get("slots") or {}).items():
        table.add_row(f"slot {name}", text(repr(value)))
    words = result.get("words") or []
    if words:
        table.add_row("words", Text.assemble(*(part for word, role in words
                                               for part in (text(word), (f"[{role}] ", "dim")))))
    table.add_row("reply", text(f"{result.get('status')}: {result.get('message')}"))
    if result.get("rule"):
        table.add_row("rule", text(str(result["rule"])))
    for number, command in enumerate(result.get("commands") or [], start=1):
        table.add_row("by hand" if number == 1 else "", text(command, style="cyan"))
    return table
