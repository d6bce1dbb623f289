"""How a whole response looks in the terminal (the human counterpart of ``--json``)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from nlsh.render import view_for
from nlsh.render.plan import outcome_view, plan_view
from nlsh.render.safe import printable, text
from nlsh.stages import Parse, Plan, Response, Status

_STATUS_STYLE = {
    Status.DONE: "green", Status.PLANNED: "cyan", Status.NOTHING_TO_DO: "yellow",
    Status.CLARIFY: "yellow", Status.REFUSED: "bold red", Status.OUT_OF_SCOPE: "yellow",
    Status.FAILED: "bold red", Status.CANCELLED: "yellow", Status.INTERRUPTED: "bold red",
    Status.ANSWERED: "cyan",
}


def explain_view(parse: Parse) -> RenderableType:
    """What the language layer understood: intent, confidence, alternatives, slots."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("intent", text(parse.intent or "none (out of scope)"))
    table.add_row("confidence", f"{parse.confidence:.2f}" + (" (uncertain)" if parse.uncertain
                                                             else ""))
    table.add_row("understood by", parse.source)
    if parse.alternatives:
        table.add_row("alternatives", ", ".join(
            f"{a.intent or 'out of scope'} {a.confidence:.2f}" for a in parse.alternatives))
    for span in parse.spans:
        shown = "unresolved: " + (span.problem or "?") if span.value is None else repr(span.value)
        table.add_row(f"slot {span.slot}", text(f"{span.text!r} → {shown}"))
    if not parse.spans and parse.slots:
        for name, value in parse.slots.items():
            table.add_row(f"slot {name}", text(repr(value)))
    for name, value in parse.operators.to_json().items():
        table.add_row(f"operator {name}", text(repr(value)))
    if parse.operators.words:
        table.add_row("words", Text.assemble(*(
            part for word, role in parse.operators.words
            for part in (text(word), (f"[{role}] ", "dim")))))
    return table


def classic_view(plan: Plan) -> RenderableType:
    """The classic command for each step, for learning (nlsh never runs them)."""
    from nlsh.classic import classic_lines

    lines = [Text("By hand, the classic commands would be (shown only; nlsh runs none):",
                  style="dim")]
    lines += [Text("  " + printable(line)) for line in classic_lines(plan.steps)]
    return Group(*lines)


def response_view(response: Response, explain: bool = False) -> RenderableType:
    if response.parts:
        shown: list[RenderableType] = []
        for number, part in enumerate(response.parts, start=1):
            shown.append(Text.assemble((f"{number}. ", "bold"), text(part.parse.text),
                                       style="bold"))
            shown.append(response_view(part, explain))
        return Group(*shown)
    parts: list[RenderableType] = []
    if explain:
        parts.append(explain_view(response.parse))
    if response.answer is not None:
        parts.append(Text(printable(response.message), style="bold"))
        parts.append(view_for(response.answer.kind)(response.answer.result))
        equivalent = response.answer.result.get("find_equivalent")
        if explain and equivalent:  # for learning: nlsh never runs it
            parts.append(Text.assemble(("as a find command: ", "dim"), text(str(equivalent))))
        return Group(*parts)
    if (response.plan is not None and response.status is not Status.CLARIFY
            and not response.plan_shown):
        parts.append(plan_view(response.plan))
        if explain:
            parts.append(classic_view(response.plan))
    if response.outcome is not None:
        parts.append(outcome_view(response.outcome))
    style = _STATUS_STYLE.get(response.status, "")
    parts.append(Text(printable(response.message), style=style))
    for number, choice in enumerate(response.choices, start=1):
        parts.append(Text.assemble(f"  {number}. ", text(choice.label)))
    if response.rule:
        parts.append(Text(f"(rule: {response.rule})", style="dim"))
    return Group(*parts)
