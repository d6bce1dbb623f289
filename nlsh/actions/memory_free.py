"""memory.free: relieve memory pressure by closing applications the user picks.

Processes are grouped by application, the way users name them: the executable's
basename (all of a browser's or an Electron app's processes share it), and for an
interpreter the script it runs (two Python programs are two applications, not one
"python"). Grouping by the top-most ancestor with the same executable would split two
windows of one browser started separately, and merge nothing more.

Groups are ranked by what closing them would free: USS (memory only that process
uses) where readable, else RSS, which also counts shared memory and so overstates it;
each choice says which was used. The plan is a selection: nlsh never picks "the top N"
for the user. Kernel caches are never dropped: they are not what is short.
"""

from __future__ import annotations

from dataclasses import dataclass

import psutil

from nlsh.actions.targets import find_targets, named_process, plural
from nlsh.context import Context
from nlsh.policy.processes import lineage, protection_reason
from nlsh.render.units import human_bytes
from nlsh.stages import Choice, Parse, Plan, Reply, Risk, Status, Step
from nlsh.system.processes import ProcessInfo, children_first, snapshot, user_name, uss_of

DEFAULT_CANDIDATES = 5
DETAIL = "SIGTERM: ask it to exit; SIGKILL is offered if it does not"


@dataclass(frozen=True)
class Candidate:
    """One application and what closing it would free."""

    name: str
    processes: tuple[ProcessInfo, ...]
    uss: dict[int, int]

    @property
    def frees(self) -> int:
        return sum(self.uss.get(p.pid, p.rss or 0) for p in self.processes)

    @property
    def measure(self) -> str:
        return "USS" if len(self.uss) == len(self.processes) else "RSS"

    def steps(self) -> tuple[Step, ...]:
        return tuple(Step(action="terminate", target=p.ref(uss=self.uss.get(p.pid)),
                          detail=DETAIL, group=self.name) for p in children_first(self.processes))

    def label(self) -> str:
        how = ("USS: memory only it uses" if self.measure == "USS"
               else "RSS: includes shared memory, so it overstates")
        return (f"{self.name}: {plural(len(self.processes), 'process')}, frees about "
                f"{human_bytes(self.frees)} ({how})")


def plan_memory_free(parse: Parse, ctx: Context) -> Plan | Reply:
    limit = parse.slot("limit")
    if limit is None:
        limit = DEFAULT_CANDIDATES
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        return Reply(Status.CLARIFY, f"How many applications should nlsh suggest? {limit!r} is "
                                     "not a count")
    if named_process(parse) is not None:
        return _close_named(parse, ctx)
    candidates = _candidates(ctx, limit)
    if not candidates:
        return Reply(Status.NOTHING_TO_DO, "No application of yours could be closed to free "
                                           "memory")
    steps = tuple(step for c in candidates for step in c.steps())
    notes = _memory_notes()
    # The question is all a selection shows (terminal or --json), so it carries the figures.
    figures = "; ".join(notes)
    question = (f"{figures[:1].upper()}{figures[1:]}. Which applications should nlsh close? "
                "Each frees about what is shown; unsaved work in them is lost")
    return Plan(intent="memory.free", steps=steps, risk=Risk.MEDIUM, reversible=False,
                notes=notes, selectable=True, selection_question=question,
                summary=f"Free memory by closing applications (pick from {len(candidates)})",
                choices=tuple(Choice(label=c.label(), sentence=f"kill {c.name}")
                              for c in candidates))


def _close_named(parse: Parse, ctx: Context) -> Plan | Reply:
    found = find_targets(parse, ctx, what="application should be closed")
    if isinstance(found, Reply):
        return found
    uss = {p.pid: value for p in found.processes if (value := uss_of(p.pid)) is not None}
    candidate = Candidate(str(named_process(parse)), found.processes, uss)
    return Plan(intent="memory.free", steps=candidate.steps(), risk=Risk.MEDIUM,
                reversible=False, notes=(*found.notes, *_memory_notes()),
                summary=f"Close {candidate.name} to free about {human_bytes(candidate.frees)} "
                        f"({candidate.measure}, {plural(len(found.processes), 'process')})")


def _candidates(ctx: Context, limit: int) -> list[Candidate]:
    """The ``limit`` applications of the user whose closing frees the most."""
    family = lineage(ctx)
    me = user_name(ctx.euid)
    groups: dict[str, list[ProcessInfo]] = {}
    for info in snapshot().values():
        if (info.username != me or info.is_zombie or info.is_kernel_thread
                or protection_reason(info, family,
                                     ctx.settings.protected_processes) is not None):
            continue  # the policy would refuse it anyway; offering it would mislead
        groups.setdefault(info.app_name, []).append(info)
    # RSS narrows the field cheaply; USS (a read of smaps per process) ranks the finalists.
    by_rss = sorted(groups.items(), key=lambda item: -sum(p.rss or 0 for p in item[1]))
    finalists = [Candidate(name, tuple(members), _uss(members))
                 for name, members in by_rss[:limit * 3]]
    finalists.sort(key=lambda c: (-c.frees, c.name))
    return [c for c in finalists[:limit] if c.frees > 0]


def _uss(members: list[ProcessInfo]) -> dict[int, int]:
    return {p.pid: value for p in members if (value := uss_of(p.pid)) is not None}


def _memory_notes() -> tuple[str, ...]:
    memory, swap = psutil.virtual_memory(), psutil.swap_memory()
    notes = [f"available memory: {human_bytes(memory.available)} of "
             f"{human_bytes(memory.total)}"]
    if swap.total:
        notes.append(f"swap in use: {human_bytes(swap.used)} of {human_bytes(swap.total)}")
    else:
        notes.append("no swap configured")
    return tuple(notes)
