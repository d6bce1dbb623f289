"""The preview of a plan: every object it acts on, before anything runs.

A plan of more than ``GROUP_ABOVE_STEPS`` steps (3,000 processes of one name, the folders
of a huge cache) is previewed grouped: one row per action and program (or cleaner, or
folder) with its count, its bytes and the first few targets; ``--json`` lists every step.
Its outcome is grouped the same way, by status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.policy.scale import LISTED_IN_FULL_UP_TO
from nlsh.render.fit import Fitted
from nlsh.render.safe import printable, shorten, text
from nlsh.render.units import human_bytes
from nlsh.stages import FileRef, Outcome, Plan, ProcessRef, Step, StepStatus

# Longer plans and outcomes are shown grouped, never a row per step.
GROUP_ABOVE_STEPS = LISTED_IN_FULL_UP_TO
_SAMPLES = 3

_RISK_STYLE = {"low": "green", "medium": "yellow", "high": "bold red"}
_STATUS_STYLE = {StepStatus.DONE: "green", StepStatus.SKIPPED: "yellow",
                 StepStatus.FAILED: "bold red", StepStatus.NOT_RUN: "dim"}


def _started(create_time: float) -> str:
    moment = dt.datetime.fromtimestamp(create_time)
    if moment.date() == dt.date.today():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%b %d %H:%M")


def _step_row(step: Step, dropped: frozenset[str] = frozenset()) -> list[Text]:
    target = step.target
    if isinstance(target, ProcessRef):
        what = text(f"{target.pid} {target.name}")
        owner = text(target.username or "?")
        size = Text(human_bytes(target.uss if target.uss is not None else target.rss)
                    if (target.rss is not None or target.uss is not None) else "")
        extra = text(_started(target.create_time) + "  " +
                     shorten(" ".join(target.cmdline) or target.name, 60))
    elif isinstance(target, FileRef):
        # The whole path, folded over lines if need be: the user confirms exactly this.
        what = text(target.path)
        what.overflow = "fold"
        owner = Text("")
        size = Text(human_bytes(target.size))
        extra = Text("")
    elif target is not None:  # a plugin's kind of target
        what, owner, size, extra = text(target.label()), Text(""), Text(""), Text("")
    else:
        what, owner, size, extra = Text("—"), Text(""), Text(""), Text("")
    detail = text(step.detail)
    if extra.plain and "started" not in dropped:
        detail = Text.assemble(detail, "\n", Text(extra.plain, style="dim"))
    action = Text(step.action + (" (root)" if step.needs_root else ""), style="bold")
    return [action, what, owner, size, detail]


def _group_of(step: Step) -> tuple[str, str, str]:
    """(action, what, owner) shared by the steps shown as one row of a grouped preview."""
    target = step.target
    action = step.action + (" (root)" if step.needs_root else "")
    if isinstance(target, ProcessRef):
        return action, target.name, target.username or "?"
    if isinstance(target, FileRef):
        parent = target.path.rsplit("/", 1)[0] or "/"
        return action, step.group or parent, ""
    return action, "—", ""


def _label(step: Step) -> str:
    target = step.target
    if isinstance(target, ProcessRef):
        return str(target.pid)
    if isinstance(target, FileRef):
        return target.path.rsplit("/", 1)[-1]
    return "—"


def _bytes_of(step: Step) -> int | None:
    target = step.target
    if isinstance(target, ProcessRef):
        return target.uss if target.uss is not None else target.rss
    if isinstance(target, FileRef):
        return target.size
    return None


def _grouped(steps: Sequence[Step], key: Callable[[Step], tuple[str, ...]]
             ) -> dict[tuple[str, ...], list[Step]]:
    groups: dict[tuple[str, ...], list[Step]] = {}
    for step in steps:
        groups.setdefault(key(step), []).append(step)
    return groups


def _samples(steps: list[Step], noun: str) -> str:
    shown = ", ".join(_label(s) for s in steps[:_SAMPLES])
    more = f" and {len(steps) - _SAMPLES:,} more" if len(steps) > _SAMPLES else ""
    return f"{noun} {shown}{more}"


def grouped_plan_table(plan: Plan) -> Table:
    """One row per (action, program or folder, owner): count, bytes, the first targets."""
    table = Table(show_edge=False, pad_edge=False, expand=False, header_style="bold")
    for heading, justify in (("action", "left"), ("count", "right"), ("targets", "left"),
                             ("user", "left"), ("size", "right"), ("details", "left")):
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    for (action, what, owner), steps in _grouped(plan.steps, _group_of).items():
        sizes = [b for b in map(_bytes_of, steps) if b is not None]
        noun = "pids" if isinstance(steps[0].target, ProcessRef) else "e.g."
        where = text(what)
        where.overflow = "fold"
        table.add_row(Text(action, style="bold"), Text(f"{len(steps):,}"),
                      Text.assemble(where, "\n", Text(printable(_samples(steps, noun)),
                                                      style="dim")),
                      text(owner), Text(human_bytes(sum(sizes)) if sizes else ""),
                      text(steps[0].detail))
    return table




# Least valuable first, dropped when a row would fold over more than two lines. The
# action, the target (pid and name, or the whole path), its owner and its size stay.
DROPPABLE = ("started", "details")


def plan_table(plan: Plan, numbered: bool = False) -> RenderableType:
    """Every step; with ``numbered``, each target's number for picking at the confirmation.
    A plan of more than ``GROUP_ABOVE_STEPS`` steps is shown grouped, never numbered."""
    if len(plan.steps) > GROUP_ABOVE_STEPS:
        return grouped_plan_table(plan)
    return Fitted(lambda dropped, _width: _plan_table(plan, numbered, dropped), DROPPABLE)


def _plan_table(plan: Plan, numbered: bool, dropped: frozenset[str]) -> Table:
    table = Table(show_edge=False, pad_edge=False, expand=False, header_style="bold")
    if numbered:
        table.add_column("#", justify="right")
    headings = [h for h in ("action", "target", "user", "size", "details") if h not in dropped]
    for heading in headings:
        table.add_column(heading, justify="right" if heading == "size" else "left",
                         no_wrap=heading in ("action", "user", "size"))
    numbers: dict[object, int] = {t: n for n, t in enumerate(plan.pickable, start=1)}
    for step in plan.steps:
        action, what, owner, size, detail = _step_row(step, dropped)
        cells = dict(action=action, target=what, user=owner, size=size, details=detail)
        row = [cells[heading] for heading in headings]
        if numbered:
            number = numbers.pop(step.target, None)  # a target's first step carries it
            row.insert(0, Text("" if number is None else str(number), style="bold"))
        table.add_row(*row)
    return table


def plan_view(plan: Plan, numbered: bool = False) -> RenderableType:
    """Summary, every step, risk and reversibility, notes and extra warnings."""
    risk = plan.risk.value
    heading = Text.assemble(
        (printable(plan.summary), "bold"), "  ",
        (f"risk: {risk}", _RISK_STYLE.get(risk, "")), "  ",
        ("reversible with 'undo'" if plan.reversible else "cannot be undone",
         "green" if plan.reversible else "yellow"),
    )
    parts: list[RenderableType] = [heading, plan_table(plan, numbered)]
    if plan.total_bytes:
        parts.append(Text(f"Total: {human_bytes(plan.total_bytes)}", style="bold"))
    for note in plan.notes:
        parts.append(Text.assemble(("note: ", "cyan"), printable(note)))
    for reason in plan.confirmations:
        parts.append(Text.assemble(("warning: ", "bold yellow"), printable(reason)))
    return Group(*parts)


def grouped_outcome_view(outcome: Outcome) -> RenderableType:
    """One row per (status, action, result): how many steps, and the first targets."""
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for heading in ("status", "count", "action", "targets", "result"):
        table.add_column(heading)
    groups: dict[tuple[StepStatus, str, str], list[Step]] = {}
    for result in outcome.results:
        groups.setdefault((result.status, result.step.action, result.message),
                          []).append(result.step)
    for (status, action, message), steps in groups.items():
        noun = "pids" if isinstance(steps[0].target, ProcessRef) else "e.g."
        table.add_row(Text(status.value, style=_STATUS_STYLE[status]), Text(f"{len(steps):,}"),
                      Text(action), text(_samples(steps, noun)), text(message))
    return table


def outcome_view(outcome: Outcome) -> RenderableType:
    if len(outcome.results) > GROUP_ABOVE_STEPS:
        return grouped_outcome_view(outcome)
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for heading in ("status", "action", "target", "result"):
        table.add_column(heading)
    for result in outcome.results:
        target = result.step.target
        if isinstance(target, ProcessRef):
            label = f"{target.pid} {target.name}"
        elif isinstance(target, FileRef):
            label = target.path
        else:
            label = "—" if target is None else target.label()
        shown = text(label)
        shown.overflow = "fold"  # what was acted on, whole
        table.add_row(Text(result.status.value, style=_STATUS_STYLE[result.status]),
                      Text(result.step.action), shown, text(result.message))
    return table
