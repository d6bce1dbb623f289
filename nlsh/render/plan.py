"""The preview of a plan: every object it acts on, before anything runs."""

from __future__ import annotations

import datetime as dt

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render.fit import Fitted
from nlsh.render.safe import printable, shorten, text
from nlsh.render.units import human_bytes
from nlsh.stages import FileRef, Outcome, Plan, ProcessRef, Step, StepStatus

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


# Least valuable first, dropped when a row would fold over more than two lines. The
# action, the target (pid and name, or the whole path), its owner and its size stay.
DROPPABLE = ("started", "details")


def plan_table(plan: Plan, numbered: bool = False) -> RenderableType:
    """Every step; with ``numbered``, each target's number for picking at the confirmation."""
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


def outcome_view(outcome: Outcome) -> RenderableType:
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
