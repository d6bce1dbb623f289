"""process.zombies: each zombie with the parent that should collect it.

Read-only. A parent nlsh may never signal (init, a service manager, anything the policy
protects) is marked, since "get rid of the zombies" will leave its zombies to it.
"""

from __future__ import annotations

from typing import Any

from nlsh.actions.targets import plural
from nlsh.context import Context
from nlsh.policy.processes import lineage, protection_reason
from nlsh.stages import Answer, Parse
from nlsh.system.processes import ProcessInfo
from nlsh.system.zombies import Zombie, by_parent, zombies

NO_MEMORY_NOTE = ("a zombie holds no memory and uses no CPU: it is only a pid, kept until "
                  "its parent reads its exit status")
AGE_NOTE = ("the kernel does not record when a process exited: a zombie has been one for "
            "at most its age")


def reaped_by_init(parent: ProcessInfo | None, reason: str | None) -> bool:
    """Whether ``parent`` is init or a service manager (a subreaper): it collects zombies
    itself, in its own time, and nlsh never signals it."""
    return parent is None or parent.pid == 1 or reason in ("init", "the service manager")


def parent_json(parent: ProcessInfo | None, count: int, reason: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"pid": None, "name": None, "user": None, "create_time": None}
    if parent is not None:
        data = {"pid": parent.pid, "name": parent.name, "user": parent.username,
                "create_time": parent.create_time}
    data.update(zombies=count, protected=reason, reaped_by_init=reaped_by_init(parent, reason))
    return data


def list_zombies(parse: Parse, ctx: Context) -> Answer:
    found = zombies()
    family = lineage(ctx)
    parents: list[dict[str, Any]] = []
    for ppid, children in by_parent(found).items():
        parent = children[0].parent
        reason = protection_reason(parent, family, ctx.settings.protected_processes) \
            if parent is not None else None
        entry = parent_json(parent, len(children), reason)
        entry["pid"] = entry["pid"] if parent is not None else ppid or None
        parents.append(entry)
    rows = [_row(z) for z in found]
    if found:
        summary = (f"{plural(len(found), 'zombie process')}, left by "
                   f"{plural(len(parents), 'parent', 'parents')}: " + ", ".join(
                       f"{p['name'] or '?'} (pid {p['pid']}, {p['zombies']})" for p in parents))
    else:
        summary = "No zombie processes"
    notes = [NO_MEMORY_NOTE] + ([AGE_NOTE] if found else [])
    notes += [f"{p['name']} (pid {p['pid']}) is init or a service manager: it collects its "
              "zombies itself when it gets to them" for p in parents if p["reaped_by_init"]]
    result = {"summary": summary, "count": len(found), "zombies": rows, "parents": parents,
              "notes": notes}
    return Answer(kind="zombies", message=summary, result=result)


def _row(zombie: Zombie) -> dict[str, Any]:
    info, parent = zombie.process, zombie.parent
    return {"pid": info.pid, "name": info.name, "user": info.username,
            "create_time": info.create_time,
            "zombie_for_at_most_seconds": round(zombie.age_seconds, 1),
            "parent": None if parent is None else {
                "pid": parent.pid, "name": parent.name, "user": parent.username}}
