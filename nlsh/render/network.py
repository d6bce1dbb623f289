"""The network.connections view: one row per socket, with its owner stated honestly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.fit import Fitted
from nlsh.render.safe import printable, text

_OWNER_UNKNOWN = {
    "hidden": "owner hidden (run as root)",
    "unattributed": "no visible owner (kernel or another container)",
    "denied": "not readable",
    "gone": "process ended",
}


def address(ip: str | None, port: int | None) -> str:
    """``127.0.0.1:8080``, ``[::1]:8080``; ``*`` for an unbound side."""
    if ip is None and port is None:
        return "*"
    host = ip or "*"
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port if port is not None else '*'}"


def _owner_cells(row: Mapping[str, Any]) -> tuple[Text, Text, Text]:
    pid = Text(str(row["pid"]) if row["pid"] is not None else "—")
    name = row.get("name")
    if name is None:
        program = Text(_OWNER_UNKNOWN.get(str(row["owner"]), "unknown"), style="yellow")
    else:
        program = text(name, style="bold")
        exe = row.get("exe")
        if exe and exe != name:
            program.append(f" ({printable(exe)})", style="dim")
    return pid, program, text(row.get("user") or "")


# Least valuable first, dropped when a row would fold over more than two lines.
DROPPABLE = ("user", "remote", "state")


def connections_view(result: Mapping[str, Any]) -> RenderableType:
    rows = result["connections"]
    summary = result["summary"]
    parts: list[RenderableType] = []
    if rows:
        parts.append(Fitted(lambda dropped, _width: _table(rows, dropped), DROPPABLE))
    else:
        parts.append(Text("no matching sockets", style="yellow"))
    programs = summary["programs"]
    parts.append(Text.assemble(
        (f"{summary['listening']} listening", "bold"), ", ",
        (f"{summary['established']} established", "bold"), ", ",
        (f"{len(programs)} program{'s' if len(programs) != 1 else ''}", "bold"),
        ": " if programs else "", text(", ".join(programs)),
    ))
    for note in result.get("notes", []):
        parts.append(Text.assemble(("note: ", "cyan"), printable(note)))
    return Group(*parts)


def _table(rows: list[Mapping[str, Any]], dropped: frozenset[str]) -> Table:
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    headings = [h for h in ("proto", "local", "remote", "state", "pid", "program", "user")
                if h not in dropped]
    for heading in headings:
        table.add_column(heading, justify="right" if heading == "pid" else "left",
                         no_wrap=heading in ("proto", "state", "pid"))
    for row in rows:
        state = "LISTEN" if row["listening"] else str(row["status"])
        if state == "NONE":
            state = "connected" if row["remote_port"] is not None else ""
        pid, program, user = _owner_cells(row)
        cells = {"proto": Text(row["proto"] + ("6" if row["family"] == "ipv6" else "")),
                 "local": text(address(row["local_ip"], row["local_port"])),
                 "remote": text(address(row["remote_ip"], row["remote_port"])
                                if row["remote_port"] is not None else ""),
                 "state": Text(state, style="green" if row["listening"] else ""),
                 "pid": pid, "program": program, "user": user}
        table.add_row(*(cells[h] for h in headings))
    return table
