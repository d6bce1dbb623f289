"""Asking the user in a terminal before anything changes (shared by the CLI and the REPL).

The plan is shown once, numbered when it acts on several processes, and one question is
asked: ``y`` does all of it, ``n`` or Enter nothing, numbers (``1,3``, ``2-4``,
``all but 2``) only those, ``?`` explains the keys. An answer that is none of these is
asked again once, then taken as no. Extra confirmations (root-owned or other users'
targets, many objects) are asked once per plan, all reasons together, and only the word
``yes`` counts there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from rich.console import Console
from rich.text import Text

from nlsh.render.plan import GROUP_ABOVE_STEPS, plan_view
from nlsh.render.safe import printable
from nlsh.stages import Plan

Ask = Callable[[str], str]

_YES = {"y", "yes", "all", "ok", "sure", "go", "do it"}
_NO = {"", "n", "no", "none", "nothing", "cancel", "q", "quit", "stop", "abort"}
_HELP = {"?", "h", "help"}
_ALL_BUT = re.compile(r"^(?:all|everything|every one)\s+(?:but|except|except for|other than|"
                      r"apart from|save)\s+(.+)$")
_ONLY = re.compile(r"^(?:only|just)\s+(.+)$")
_RANGE = re.compile(r"^([0-9]{1,6})-([0-9]{1,6})$")
_SPACED_RANGE = re.compile(r"([0-9]+)\s*(?:-|–|\.\.|\bto\b)\s*([0-9]+)")

KEYS_HELP = (
    "  y, yes       go ahead with all of it\n"
    "  n, Enter     do nothing (the default)\n"
    "  ?            this help"
)
PICK_HELP = (
    "  1,3  2-4     only those, by the numbers in the # column\n"
    "  all but 2    all except those"
)


class Verdict(Enum):
    YES = "yes"
    NO = "no"
    HELP = "help"
    PICK = "pick"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Answer:
    """What an answer typed at the confirmation means; ``picked`` are 1-based numbers."""

    verdict: Verdict
    picked: tuple[int, ...] = ()
    problem: str = ""


def read_answer(typed: str, count: int) -> Answer:
    """The meaning of ``typed`` when the plan offers ``count`` numbered targets (0: none)."""
    answer = " ".join(typed.strip().lower().split())
    if answer in _YES:
        return Answer(Verdict.YES)
    if answer in _NO:
        return Answer(Verdict.NO)
    if answer in _HELP:
        return Answer(Verdict.HELP)
    if not count:
        return Answer(Verdict.UNCLEAR, problem=f"'{answer}' is not y, n or ?")
    excluded = _ALL_BUT.match(answer)
    only = _ONLY.match(answer)
    numbers = _numbers(excluded.group(1) if excluded else only.group(1) if only else answer,
                       count)
    if isinstance(numbers, str):
        return Answer(Verdict.UNCLEAR, problem=numbers)
    if excluded:
        numbers = tuple(n for n in range(1, count + 1) if n not in numbers)
        if not numbers:
            return Answer(Verdict.UNCLEAR, problem="that leaves nothing to do")
    return Answer(Verdict.PICK, picked=numbers)


def _numbers(spec: str, count: int) -> tuple[int, ...] | str:
    """``1,3 5-7`` → (1, 3, 5, 6, 7), or why it is not a list of numbers from 1 to count."""
    picked: dict[int, None] = {}
    spec = _SPACED_RANGE.sub(r"\1-\2", spec.strip())
    for part in re.split(r"\s*,\s*|\s+and\s+|\s+", spec):
        if not part:
            continue
        bounds = _RANGE.match(part)
        if bounds:
            low, high = int(bounds.group(1)), int(bounds.group(2))
        elif re.fullmatch(r"[0-9]{1,6}", part):  # ASCII digits: "²" is no number here
            low = high = int(part)
        else:
            return f"'{part}' is not a number from the list"
        if low > high:
            return f"'{part}' runs backwards"
        for number in (low, high):
            if not 1 <= number <= count:
                return f"there is no {number}: the list goes from 1 to {count}"
        picked.update(dict.fromkeys(range(low, high + 1)))
    if not picked:
        return "no numbers"
    return tuple(sorted(picked))


class TerminalConfirmer:
    """Shows the plan once, then asks; extra confirmations need the word 'yes' typed out."""

    reason = "cancelled: nothing was changed"
    shows_plan = True

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

    def confirm(self, plan: Plan) -> Plan | None:
        # A long plan is shown grouped, without numbers to pick from.
        pickable = plan.pickable if len(plan.steps) <= GROUP_ABOVE_STEPS else ()
        self.console.print(plan_view(plan, numbered=bool(pickable)))
        prompt = (f"Go ahead? [y/N/?, or pick from 1-{len(pickable)}] " if pickable
                  else "Go ahead? [y/N/?] ")
        unclear = 0
        while True:
            answer = read_answer(self.ask(prompt), len(pickable))
            if answer.verdict is Verdict.HELP:
                self.console.print(Text(KEYS_HELP + ("\n" + PICK_HELP if pickable else "")))
                continue
            if answer.verdict is not Verdict.UNCLEAR:
                break
            unclear += 1
            if unclear > 1:
                return None
            self.console.print(Text(f"Not understood: {printable(answer.problem)}. "
                                    "Type ? for the keys.", style="yellow"))
        if answer.verdict is Verdict.NO:
            return None
        if answer.verdict is Verdict.YES or len(answer.picked) == len(pickable):
            return plan
        narrowed = plan.keeping(tuple(pickable[n - 1] for n in answer.picked))
        self.console.print(Text(printable(narrowed.summary), style="bold"))
        return narrowed

    def reconfirm(self, plan: Plan) -> bool:
        if not plan.confirmations:
            return True
        self.console.print(Text("This needs a second yes:", style="bold yellow"))
        for reason in plan.confirmations:
            self.console.print(Text(f"  - {printable(reason)}"))
        return self.ask("Type 'yes' to continue: ").strip().lower() == "yes"

    def offer(self, plan: Plan) -> bool:
        self.console.print(plan_view(plan))
        return self.ask(f"{printable(plan.summary)}? [y/N] ").strip().lower() in _YES


class ControllingTerminalConfirmer:
    """Typed at a terminal, output piped (``nlsh "kill x" | tee log``): ask on
    ``/dev/tty``, as sudo and git do. The terminal is opened only when there is something
    to confirm; without one, nothing runs, as with no terminal at all."""

    reason = "not run: this changes the system and needs confirmation (use --yes, or a terminal)"

    def __init__(self, path: str = "/dev/tty") -> None:
        self.path = path
        self._terminal: TerminalConfirmer | None = None
        self._tried = False

    @property
    def shows_plan(self) -> bool:
        return self._terminal is not None

    def _open(self) -> TerminalConfirmer | None:
        if not self._tried:
            self._tried = True
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)
            except OSError:
                return None
            reader = os.fdopen(fd, "r", encoding="utf-8", errors="replace")
            writer = os.fdopen(os.dup(fd), "w", buffering=1, encoding="utf-8",
                               errors="replace")
            console = Console(file=writer, highlight=False, soft_wrap=False)

            def ask(prompt: str) -> str:
                writer.write(prompt)
                writer.flush()
                return reader.readline().rstrip("\n")  # "" at end of input: no

            self._terminal = TerminalConfirmer(console, ask)
            self.reason = TerminalConfirmer.reason
        return self._terminal

    def select(self, plan: Plan) -> Plan | None:
        terminal = self._open()
        return terminal.select(plan) if terminal else None

    def confirm(self, plan: Plan) -> Plan | None:
        terminal = self._open()
        return terminal.confirm(plan) if terminal else None

    def reconfirm(self, plan: Plan) -> bool:
        terminal = self._open()
        return terminal.reconfirm(plan) if terminal else False

    def offer(self, plan: Plan) -> bool:
        terminal = self._open()
        return terminal.offer(plan) if terminal else False
