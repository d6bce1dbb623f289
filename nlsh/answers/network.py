"""network.connections: sockets, listening ports, and which programs use the network."""

from __future__ import annotations

from typing import Any

from nlsh.context import Context
from nlsh.stages import Answer, Parse
from nlsh.system.network import Connection, read_connections

HIDDEN_NOTE = ("owner hidden for {count} socket{s}: {they} belong{verb} to another user; "
               "run as root to see which program holds {them}")
UNATTRIBUTED_NOTE = ("no visible owner for {count} socket{s}: {they} {are} held by the kernel "
                     "or by a process in another container")


def network_connections(parse: Parse, ctx: Context) -> Answer:
    process = parse.slot("process")
    port = parse.slot("port")
    wanted = process.lower() if isinstance(process, str) and process.strip() else None
    wanted_port = port if isinstance(port, int) and not isinstance(port, bool) else None
    listening_only = parse.slot("listening") is True

    reading = read_connections()
    scoped = [c for c in reading.connections
              if (not listening_only or c.listening)
              and (wanted_port is None or wanted_port in (c.local_port, c.remote_port))]
    rows = [c for c in scoped if wanted is None or owned_by(c, wanted)]
    rows.sort(key=lambda c: (not c.listening, c.local_port or 0, c.proto, c.remote_port or 0))

    hidden = sum(c.owner.pid is None for c in rows)
    notes: list[str] = []
    if not reading.complete:
        notes.append("the system refused to list sockets to this user; run as root to see them")
    for visibility, template in (("hidden", HIDDEN_NOTE), ("unattributed", UNATTRIBUTED_NOTE)):
        count = sum(c.owner.visibility == visibility for c in rows)
        if count:
            notes.append(_owner_note(template, count))
    if wanted is not None:
        # A hidden owner never matches a name, but it might be that program: say so.
        unknown = sum(c.owner.visibility == "hidden" for c in scoped)
        if unknown:
            notes.append(f"{unknown} more socket(s) have a hidden owner and may also "
                         f"belong to {wanted}; run as root to be sure")
    programs = sorted({c.owner.name for c in rows if c.owner.name})
    summary = {
        "listening": sum(c.listening for c in rows),
        "established": sum(c.established for c in rows),
        "programs": programs,
        "owner_hidden": hidden,
    }
    result: dict[str, Any] = {
        "filters": {"process": wanted, "port": wanted_port, "listening": listening_only},
        "connections": [connection_json(c) for c in rows],
        "summary": summary,
        "notes": notes,
        "complete": reading.complete,
    }
    return Answer(kind="connections", result=result,
                  message=_message(rows, summary, wanted, wanted_port, listening_only))


def owned_by(connection: Connection, wanted: str) -> bool:
    """Whether the owner's name or executable contains ``wanted`` (lower-case)."""
    owner = connection.owner
    return any(wanted in value.lower() for value in (owner.name, owner.exe_name) if value)


def connection_json(connection: Connection) -> dict[str, Any]:
    owner = connection.owner
    return {
        "proto": connection.proto,
        "family": connection.family,
        "local_ip": connection.local_ip,
        "local_port": connection.local_port,
        "remote_ip": connection.remote_ip,
        "remote_port": connection.remote_port,
        "status": connection.status,
        "listening": connection.listening,
        "pid": owner.pid,
        "name": owner.name,
        "exe": owner.exe_name,
        "user": owner.username,
        "owner": owner.visibility,
    }


def _owner_note(template: str, count: int) -> str:
    one = count == 1
    return template.format(count=count, s="" if one else "s", they="it" if one else "they",
                           verb="s" if one else "", them="it" if one else "them",
                           are="is" if one else "are")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _message(rows: list[Connection], summary: dict[str, Any], wanted: str | None,
             port: int | None, listening_only: bool) -> str:
    scope = "".join([f" on port {port}" if port is not None else "",
                     f" for {wanted}" if wanted is not None else ""])
    if not rows:
        what = "listening sockets" if listening_only else "sockets"
        return f"No {what}{scope}"
    if port is not None:
        listeners = [c for c in rows if c.listening]
        if listeners:
            holders = sorted({_holder(c) for c in listeners})
            return f"Port {port}: {', '.join(holders)} listening"
    parts = [_plural(summary["listening"], "listening socket")]
    if not listening_only:
        parts.append(_plural(summary["established"], "established connection"))
    parts.append(_plural(len(summary["programs"]), "program"))
    message = ", ".join(parts) + scope
    if summary["owner_hidden"]:
        message += f" ({summary['owner_hidden']} with no visible owner)"
    return message


def _holder(connection: Connection) -> str:
    owner = connection.owner
    if owner.visibility == "hidden":
        return "a hidden owner (run as root to see it)"
    if owner.visibility == "unattributed":
        return "no visible process (the kernel or another container)"
    if owner.name is None:
        return f"pid {owner.pid}"
    return f"{owner.name} (pid {owner.pid})"
