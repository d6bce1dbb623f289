"""rule look-alike-name: a target whose name only looks like another one is named so.

A process named "fіrefox" (a Cyrillic "і") asks again, saying what it imitates; a file
whose name does so gets a note. Nothing is refused: the name may be honest, but the user
must not take it for the one it resembles.
"""

from __future__ import annotations

import os
from dataclasses import replace

from nlsh.context import Context
from nlsh.stages import FileRef, Plan, ProcessRef, Reply
from nlsh.system.lookalike import look_alike


def flag_look_alikes(plan: Plan, ctx: Context) -> Plan | Reply:
    """rule: look-alike-name."""
    confirmations = list(plan.confirmations)
    notes = list(plan.notes)
    for step in plan.steps:
        target = step.target
        if isinstance(target, ProcessRef):
            for name in dict.fromkeys((target.name, *(os.path.basename(a) for a in
                                                      target.cmdline[:2]))):
                why = look_alike(name)
                if why is not None:
                    confirmations.append(f"pid {target.pid} is named '{name}', which {why}")
        elif isinstance(target, FileRef):
            why = look_alike(os.path.basename(target.path))
            if why is not None:
                notes.append(f"{target.path}: its name {why}")
    if len(confirmations) == len(plan.confirmations) and len(notes) == len(plan.notes):
        return plan
    return replace(plan, confirmations=tuple(dict.fromkeys(confirmations)),
                   notes=tuple(dict.fromkeys(notes)))
