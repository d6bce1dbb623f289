"""process.reap: get rid of zombies the only way there is, through their parent.

No signal reaches a zombie. The plan sends each parent SIGCHLD (harmless: "a child of
yours exited", which a parent that forgot to collect may act on); the executor's settler
then watches the zombies, with a deadline, and when some remain it offers a second plan
that ends their parent (SIGTERM), after which init adopts the zombies and collects them.
A parent that is init or a service manager collects its zombies itself; a parent the
policy protects is never signalled.
"""

from __future__ import annotations

from nlsh.actions.targets import plural
from nlsh.answers.zombies import NO_MEMORY_NOTE, reaped_by_init
from nlsh.context import Context
from nlsh.policy.processes import lineage, protection_reason
from nlsh.stages import Parse, Plan, Reply, Risk, Status, Step
from nlsh.system.zombies import by_parent, zombies

SIGCHLD_DETAIL = "SIGCHLD: remind it to collect its exited children; it ends nothing"
END_PARENT_NOTE = ("if the zombies remain, nlsh offers to end their parent (asked "
                   "separately; ending a process cannot be undone); init then collects them")


def plan_reap(parse: Parse, ctx: Context) -> Plan | Reply:
    found = zombies()
    if not found:
        return Reply(Status.NOTHING_TO_DO, "No zombie processes: nothing to get rid of")
    family = lineage(ctx)
    steps: list[Step] = []
    notes: list[str] = []
    protected: list[str] = []
    for ppid, children in by_parent(found).items():
        parent = children[0].parent
        reason = (protection_reason(parent, family, ctx.settings.protected_processes)
                  if parent is not None else None)
        count = plural(len(children), "zombie", "zombies")
        if reaped_by_init(parent, reason):
            who = f"{parent.name} (pid {parent.pid})" if parent is not None else f"pid {ppid}"
            notes.append(f"{count} of {who} will be reaped when init gets to it; nlsh never "
                         "signals init or a service manager")
            continue
        assert parent is not None
        if reason is not None:
            protected.append(f"{count} of {parent.name} (pid {parent.pid}), protected: {reason}")
            continue
        pinned = {z.process.pid: z.process.create_time for z in children}
        steps.append(Step(action="sigchld", target=parent.ref(), group=str(parent.pid),
                          detail=f"{SIGCHLD_DETAIL} ({count}: pids "
                                 f"{', '.join(map(str, pinned))})",
                          params={"zombies": [[pid, t] for pid, t in pinned.items()]}))
    notes.extend(f"left alone: {entry}; nlsh never touches protected processes"
                 for entry in protected)
    if not steps:
        if protected:
            return Reply(Status.REFUSED, "Refused: the only parents of zombies are protected: "
                         + "; ".join(protected), rule="protected-process")
        return Reply(Status.NOTHING_TO_DO, f"Nothing for nlsh to do: {'; '.join(notes)}")
    zombie_count = sum(len(s.params["zombies"]) for s in steps)
    notes += [END_PARENT_NOTE, NO_MEMORY_NOTE]
    return Plan(intent="process.reap", steps=tuple(steps), risk=Risk.LOW, reversible=False,
                notes=tuple(notes),
                summary=f"Ask {plural(len(steps), 'parent process')} to collect "
                        f"{plural(zombie_count, 'zombie', 'zombies')} (SIGCHLD)")
