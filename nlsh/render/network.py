"""The network.connections view: one row per socket, with its owner stated honestly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

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


def connections_view(result: Mapping[str, Any]) -> RenderableType:
    rows = result["connections"]
    summary = result["summary"]
    parts: list[RenderableType] = []
    if rows:
        table = Table(show_edge=False, pad_edge=False, header_style="bold")
        for heading, justify in (("proto", "left"), ("local", "left"), ("remote", "left"),
                                 ("state", "left"), ("pid", "right"), ("program", "left"),
                                 ("user", "left")):
            table.add_column(heading, justify=justify)  # type: ignore[arg-type]
        for row in rows:
            state = "LISTEN" if row["listening"] else str(row["status"])
            if state == "NONE":
                state = "connected" if row["remote_port"] is not None else ""
            proto = row["proto"] + ("6" if row["family"] == "ipv6" else "")
            table.add_row(
                proto,
                text(address(row["local_ip"], row["local_port"])),
                text(address(row["remote_ip"], row["remote_port"])
                     if row["remote_port"] is not None else ""),
                Text(state, style="green" if row["listening"] else ""),
                *_owner_cells(row),
            )
        parts.append(table)
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
