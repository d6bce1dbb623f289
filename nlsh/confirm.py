"""Asking the user in a terminal before anything changes (shared by the CLI and the REPL)."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.text import Text

from nlsh.render.plan import plan_view
from nlsh.render.safe import printable
from nlsh.stages import Plan

Ask = Callable[[str], str]

_YES = {"y", "yes"}


class TerminalConfirmer:
    """Shows the plan, then asks; extra confirmations need the word 'yes' typed out."""

    reason = "cancelled: nothing was changed"

    def __init__(self, console: Console, ask: Ask) -> None:
        self.console = console
        self.ask = ask

    def select(self, plan: Plan) -> Plan | None:
        groups = plan.groups
        self.console.print(Text(printable(plan.selection_question or "Which of these?"),
                                style="bold"))
        for number, choice in enumerate(plan.choices, start=1):
            self.console.print(Text(f"  {number}. {printable(choice.label)}"))
        answer = self.ask("Numbers to act on (e.g. 1 3), or Enter for none: ").strip().lower()
        picked: set[str] = set()
        for word in answer.replace(",", " ").split():
            if word == "all":
                picked.update(groups)
            elif word.isdigit() and 1 <= int(word) <= len(groups):
                picked.add(groups[int(word) - 1])
            else:
                self.console.print(Text(f"not a choice: {printable(word)}", style="red"))
                return None
        if not picked:
            return None
        names = ", ".join(g for g in groups if g in picked)
        return plan.narrowed_to(picked, summary=f"Close {names}")

    def confirm(self, plan: Plan) -> bool:
        self.console.print(plan_view(plan))
        if self.ask("Go ahead? [y/N] ").strip().lower() not in _YES:
            return False
        for reason in plan.confirmations:
            prompt = f"{printable(reason)}. Type 'yes' to continue: "
            if self.ask(prompt).strip().lower() != "yes":
                return False
        return True

    def offer(self, plan: Plan) -> bool:
        self.console.print(plan_view(plan))
        return self.ask(f"{printable(plan.summary)}? [y/N] ").strip().lower() in _YES
