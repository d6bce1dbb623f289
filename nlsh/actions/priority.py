"""process.renice and process.ionice: change CPU and disk I/O priority, for every thread.

CPU: ``nice`` sets the value exactly (−20…19). ``priority`` is absolute, never relative,
so repeating a request changes nothing: low → nice 10 (the usual "background" level,
which anyone may set), high → nice −5 (a clear boost; lowering a nice value needs root
or CAP_SYS_NICE), idle → 19. A process already past that level is left as it is, so
"lower the priority" never raises it.

I/O: idle → the idle class (disk time only when nobody else wants it), low →
best-effort 7, high → best-effort 0. Only the BFQ and CFQ schedulers honour I/O
priorities; the plan says when the disks use one that ignores them.
"""

from __future__ import annotations

import os

from nlsh.actions.targets import find_targets, plural
from nlsh.context import Context
from nlsh.stages import Parse, Plan, Reply, Risk, Status, Step
from nlsh.system.processes import ProcessInfo, user_name
from nlsh.system.scheduling import (
    NICE_MAX,
    NICE_MIN,
    IoPriority,
    has_cap_sys_nice,
    lowest_nice_allowed,
    schedulers_ignoring_priorities,
    thread_io_priorities,
    thread_nices,
)

NICE_FOR = {"low": 10, "high": -5, "idle": 19}
IO_FOR = {"idle": IoPriority("idle", None), "low": IoPriority("best-effort", 7),
          "high": IoPriority("best-effort", 0)}
RAISE_NEEDS = "root or the CAP_SYS_NICE capability"


def privileged(ctx: Context) -> bool:
    """Whether plans are made for a user who may raise priorities and touch others' processes."""
    return ctx.euid == 0 or (ctx.euid == os.geteuid() and has_cap_sys_nice())


def _wanted_nice(parse: Parse) -> int | str | Reply:
    """The exact nice asked for, or ``low``/``high``/``idle``; a Reply when unusable."""
    nice, priority = parse.slot("nice"), parse.slot("priority")
    if nice is not None:
        if isinstance(nice, bool) or not isinstance(nice, int) or not NICE_MIN <= nice <= NICE_MAX:
            return Reply(Status.CLARIFY, f"A nice value runs from {NICE_MIN} (highest priority) "
                                         f"to {NICE_MAX} (lowest); {nice!r} is not one")
        return nice
    if priority in NICE_FOR:
        return str(priority)
    if priority is not None:
        return Reply(Status.CLARIFY, f"Lower or raise? '{priority}' is not a priority nlsh knows "
                                     "(low, high, or a nice value from -20 to 19)")
    return Reply(Status.CLARIFY, "Lower or raise the priority? Say e.g. 'lower the priority of "
                                 "blender', 'boost blender' or 'renice blender to 10'")


def _target_nice(wanted: int | str, current: int) -> int:
    if isinstance(wanted, int):
        return wanted
    level = NICE_FOR[wanted]
    return min(current, level) if wanted == "high" else max(current, level)


def plan_renice(parse: Parse, ctx: Context) -> Plan | Reply:
    wanted = _wanted_nice(parse)
    if isinstance(wanted, Reply):
        return wanted
    found = find_targets(parse, ctx, what="process should change priority")
    if isinstance(found, Reply):
        return found
    root, me = privileged(ctx), user_name(ctx.euid)
    steps: list[Step] = []
    notes, needs, irreversible = list(found.notes), [], False
    for info in found.processes:
        nices = thread_nices(info.pid)
        if not nices:
            continue  # ended since it was found
        current = nices.get(info.pid, max(nices.values()))
        target = _target_nice(wanted, current)
        if all(value == target for value in nices.values()):
            continue
        why = None if root else _renice_blocker(info, me, target, max(nices.values()))
        if why:
            needs.append(why)
        # Undoing a lowered priority means lowering nice again: root only, unless RLIMIT_NICE.
        allowed = NICE_MIN if root else lowest_nice_allowed(info.pid)
        irreversible |= any(old < target and old < allowed for old in nices.values())
        threads = plural(len(nices), "thread", "threads")
        steps.append(Step(action="renice", target=info.ref(), params={"nice": target},
                          detail=f"nice {current} → {target} ({threads})",
                          needs_root=why is not None))
    if not steps:
        level = wanted if isinstance(wanted, int) else NICE_FOR[wanted]
        return Reply(Status.NOTHING_TO_DO, f"Every process {found.description} already runs at "
                                           f"nice {level} or {_beyond(wanted)}")
    notes.extend(f"needs root: {why}; run nlsh as root, or this step fails" for why in needs)
    if irreversible:
        notes.append("cannot be undone without root: only root or CAP_SYS_NICE may lower a "
                     "nice value again")
    return Plan(intent="process.renice", steps=tuple(steps), risk=Risk.LOW,
                reversible=not irreversible, notes=tuple(notes),
                summary=f"{_renice_verb(wanted)} {plural(len(steps), 'process')} "
                        f"{found.description}")


def _renice_blocker(info: ProcessInfo, me: str, target: int, highest: int) -> str | None:
    """Why an unprivileged user cannot make this change, or None when they can."""
    if info.username != me:
        return f"pid {info.pid} ({info.name}) belongs to {info.username or 'another user'}"
    if target < highest and target < lowest_nice_allowed(info.pid):
        return (f"raising the priority of pid {info.pid} ({info.name}) to nice {target} needs "
                f"{RAISE_NEEDS}")
    return None


def _beyond(wanted: int | str) -> str:
    return "higher priority" if wanted == "high" else "lower priority" if isinstance(
        wanted, str) else "exactly"


def _renice_verb(wanted: int | str) -> str:
    if isinstance(wanted, int):
        return f"Set nice {wanted} for"
    return {"low": "Lower the CPU priority of", "high": "Raise the CPU priority of",
            "idle": "Run only when the CPU is idle:"}[wanted]


def plan_ionice(parse: Parse, ctx: Context) -> Plan | Reply:
    priority = parse.slot("priority")
    if priority not in IO_FOR:
        shown = f"'{priority}' is not one" if priority is not None else "say which"
        return Reply(Status.CLARIFY, f"Which disk priority: idle, low or high? ({shown}; e.g. "
                                     "'give rsync idle disk priority')")
    wanted = IO_FOR[str(priority)]
    found = find_targets(parse, ctx, what="process should change disk priority")
    if isinstance(found, Reply):
        return found
    root, me = privileged(ctx), user_name(ctx.euid)
    steps: list[Step] = []
    notes = list(found.notes)
    for info in found.processes:
        current = thread_io_priorities(info.pid)
        if not current or all(p == wanted for p in current.values()):
            continue
        foreign = not root and info.username != me
        if foreign:
            notes.append(f"needs root: pid {info.pid} ({info.name}) belongs to "
                         f"{info.username or 'another user'}; run nlsh as root, or this step "
                         "fails")
        old = current.get(info.pid, next(iter(current.values())))
        threads = plural(len(current), "thread", "threads")
        steps.append(Step(action="ionice", target=info.ref(), needs_root=foreign,
                          params={"ioclass": wanted.ioclass, "value": wanted.value},
                          detail=f"I/O {old.describe()} → {wanted.describe()} ({threads})"))
    if not steps:
        return Reply(Status.NOTHING_TO_DO, f"Every process {found.description} already has "
                                           f"I/O priority {wanted.describe()}")
    ignoring = schedulers_ignoring_priorities()
    if ignoring:
        disks = ", ".join(f"{disk} ({name})" for disk, name in ignoring.items())
        notes.append(f"the I/O scheduler of {disks} ignores I/O priorities; only BFQ or CFQ "
                     "honour them, so this has no effect on those disks")
    return Plan(intent="process.ionice", steps=tuple(steps), risk=Risk.LOW, reversible=True,
                notes=tuple(notes),
                summary=f"Set disk I/O priority {wanted.describe()} for "
                        f"{plural(len(steps), 'process')} {found.description}")
