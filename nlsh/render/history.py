"""The history view: newest request first, with what became of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.fit import Fitted
from nlsh.render.safe import printable, text

_STATUS_STYLE = {"done": "green", "planned": "cyan", "failed": "bold red",
                 "interrupted": "bold red", "incomplete": "bold red", "refused": "red",
                 "cancelled": "yellow", "nothing_to_do": "yellow", "clarify": "yellow",
                 "out_of_scope": "dim"}


def _when(ts: float) -> str:
    if not ts:
        return "?"
    moment = dt.datetime.fromtimestamp(ts)
    if moment.date() == dt.date.today():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M")


def _outcome(row: Mapping[str, Any]) -> Text:
    outcome = text(row["message"])
    if row.get("steps") is not None and row.get("done") is not None:
        outcome.append(f"  [{row['done']}/{row['steps']} steps done]", style="dim")
    if row.get("undone"):
        outcome.append("  undone later", style="magenta")
    elif row.get("undo_status"):
        outcome.append(f"  undo {printable(row['undo_status'])}", style="magenta")
    if row.get("undoes"):
        outcome.append(f"  (undid {printable(row['undoes'])})", style="dim")
    return outcome


def history_view(result: Mapping[str, Any]) -> RenderableType:
    rows = result["requests"]
    parts: list[RenderableType] = []
    focus = result.get("focus")
    if not rows:
        if not focus:  # a focused question's message already says there was none
            parts.append(Text("Nothing yet: nlsh has not been asked to do anything here.",
                              style="yellow"))
    else:
        parts.append(Fitted(lambda dropped, _width: _table(rows, dropped), DROPPABLE))
        if result["total"] > len(rows) and not (focus and focus.get("last_only")):
            parts.append(Text(f"{len(rows)} of {result['total']} requests shown "
                              "(ask for more, e.g. 'show the last 50 actions')", style="dim"))
    for warning in result.get("warnings", []):
        parts.append(Text.assemble(("warning: ", "bold yellow"), printable(warning)))
    return Group(*parts)


# Least valuable first, dropped when a row would fold over more than two lines.
DROPPABLE = ("intent", "result")


def _table(rows: list[Mapping[str, Any]], dropped: frozenset[str]) -> Table:
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    headings = [h for h in ("when", "request", "intent", "status", "result")
                if h not in dropped]
    for heading in headings:
        table.add_column(heading, no_wrap=heading in ("when", "status"))
    for row in rows:
        status = str(row["status"])
        status_text = Text(status, style=_STATUS_STYLE.get(status, ""))
        if row.get("dry_run"):
            status_text.append(" (dry run)", style="dim")
        cells = {"when": Text(_when(float(row["ts"] or 0))), "request": text(row["text"]),
                 "intent": text(row["intent"] or "—"), "status": status_text,
                 "result": _outcome(row)}
        table.add_row(*(cells[h] for h in headings))
    return table
