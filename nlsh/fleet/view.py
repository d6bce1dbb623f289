"""Tables of hosts for people, and one JSON object per host for programs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.fleet.rank import Ranked
from nlsh.fleet.rows import HostRow, HostState
from nlsh.render.safe import printable
from nlsh.render.units import human_bytes

_STYLE = {HostState.DONE: "green", HostState.PLANNED: "bold", HostState.FAILED: "red",
          HostState.UNREACHABLE: "red", HostState.NO_NLSH: "red", HostState.TIMEOUT: "red",
          HostState.REFUSED: "yellow", HostState.INTERRUPTED: "yellow",
          HostState.SKIPPED: "dim", HostState.NOTHING: "dim"}


def _step_cells(step: Mapping[str, Any]) -> tuple[str, str, str]:
    """pid, the name or path, and the bytes of one planned step."""
    if "pid" in step:
        return str(step["pid"]), printable(str(step.get("name", ""))), ""
    if "path" in step:
        size = step.get("bytes")
        return "", printable(str(step["path"])), human_bytes(size) if size is not None else ""
    return "", printable(str(step.get("detail", ""))), ""


def plans_view(planned: list[HostRow], others: list[HostRow]) -> RenderableType:
    """Every host's plan, a table each, numbered by host (the numbers one confirmation
    picks from)."""
    parts: list[RenderableType] = []
    for number, row in enumerate(planned, start=1):
        summary = printable(str(row.reply.get("summary") or row.reason))
        parts.append(Text.assemble((f"{number:>2}  ", "bold"), (printable(row.host), "bold"),
                                   f"  {summary}"))
        table = Table(show_edge=False, pad_edge=False, box=None, header_style="dim")
        table.add_column("    ")
        for column in ("action", "pid", "name / path", "bytes"):
            table.add_column(column, justify="right" if column in ("pid", "bytes") else "left")
        for step in row.steps:
            pid, what, size = _step_cells(step)
            table.add_row("", printable(str(step.get("action", ""))), pid, what, size)
        parts.append(table)
        for caution in (row.plan or {}).get("confirmations", ()):
            parts.append(Text(f"    needs a second yes: {printable(str(caution))}",
                              style="yellow"))
    if others:
        parts.append(report_view(others))
    return Group(*parts)


def report_view(rows: list[HostRow]) -> RenderableType:
    """One row per host: its state and why."""
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for column in ("host", "state", "what"):
        table.add_column(column)
    for row in rows:
        what = row.reason
        gone = row.reply.get("gone")
        if gone:
            what += f" ({len(gone)} confirmed step(s) gone since planned: not done)"
        table.add_row(printable(row.host),
                      Text(row.state.value, style=_STYLE.get(row.state, "")),
                      printable(what))
    return table


def ranked_view(ranked: list[Ranked], others: list[HostRow]) -> RenderableType:
    """A read-only question's answers from every host, worst first."""
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for column in ("#", "host", "evidence"):
        table.add_column(column, justify="right" if column == "#" else "left")
    for number, entry in enumerate(ranked, start=1):
        table.add_row(str(number), printable(entry.host), printable(entry.evidence))
    return Group(table, report_view(others)) if others else table


def write_json(rows: list[HostRow], out: IO[str], ranks: list[Ranked] | None = None) -> None:
    """One JSON object per host, a line each (worst first for a merged answer)."""
    by_host = {row.host: row for row in rows}
    ordered = rows
    if ranks is not None:
        ranked_hosts = [entry.host for entry in ranks]
        ordered = [by_host[h] for h in ranked_hosts] + [r for r in rows
                                                         if r.host not in ranked_hosts]
    for rank, row in enumerate(ordered, start=1):
        data = row.to_json()
        if ranks is not None and rank <= len(ranks):
            data["rank"] = rank
            data["evidence"] = ranks[rank - 1].evidence
        out.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    out.flush()
