"""file.holders: which processes hold files open under a path or mount point.

What "umount: /mnt/x: target is busy" and "Device or resource busy" are about: a process
with a file open there (psutil ``open_files``), its working directory there, or its
executable there. Read-only: nlsh names the holders and never ends them for the user.
Another user's open files can only be read as root; those processes are counted.
"""

from __future__ import annotations

import os
from typing import Any

import psutil

from nlsh.actions.targets import plural
from nlsh.answers.processes import process_row, uses_of
from nlsh.context import Context
from nlsh.stages import Answer, Parse, Reply, Status
from nlsh.system.processes import snapshot
from nlsh.system.trash import mount_of_directory


def file_holders(parse: Parse, ctx: Context) -> Answer | Reply:
    spoken = parse.slot("path")
    if not isinstance(spoken, str) or not spoken.strip():
        return Reply(Status.CLARIFY, "Which path or mount point? (e.g. 'what holds files open "
                                     "under /mnt/usb')")
    spoken = spoken.strip().strip("'\"")
    expanded = os.path.expanduser(spoken) if spoken.startswith("~") else spoken
    if spoken == "~" or spoken.startswith("~/"):
        expanded = str(ctx.paths.home) + spoken[1:]
    target = os.path.realpath(expanded)
    if not os.path.exists(target):
        return Reply(Status.NOTHING_TO_DO, f"{target} does not exist")
    mount = mount_of_directory(target)
    rows: list[dict[str, Any]] = []
    unreadable = 0
    total = psutil.virtual_memory().total
    for info in snapshot().values():
        if info.pid == ctx.self_pid:
            continue  # nlsh itself, reading the answer
        uses = uses_of(info, target)
        if uses is None:
            unreadable += 1
        elif uses:
            rows.append(process_row(info, None, total, uses=uses))
    rows.sort(key=lambda r: r["pid"])
    where = f"{target} (the mount point)" if mount == target else target
    summary = (f"{plural(len(rows), 'process')} hold{'s' if len(rows) == 1 else ''} files "
               f"open under {where}" if rows else f"No process of yours holds files open "
                                                  f"under {where}")
    notes = []
    if unreadable:
        notes.append(f"{plural(unreadable, 'process')} of other users could not be checked; "
                     "run nlsh as root to see them")
    if rows:
        notes.append("to free it, close these programs or move their shells out of it; "
                     "nlsh does not end them for you")
    if mount != target:
        notes.append(f"{target} lies on the mount {mount}: unmounting needs every file on "
                     "the mount closed, not only those under this path")
    result = {"summary": summary, "path": target, "query": {"path": spoken},
              "mountpoint": mount, "is_mountpoint": mount == target, "running": bool(rows),
              "processes": rows, "unreadable": unreadable, "notes": notes}
    return Answer(kind="process_table", message=summary, result=result)
