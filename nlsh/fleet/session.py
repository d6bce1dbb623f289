"""A ``--hosts`` session's dialogue: each line in the light of the previous ones (a
one-shot is a session of one line).

    "what's using the most memory on all hosts"   → one merged table, worst host first
    "kill the biggest on web2"                    → a plan for web2's top row, pinned
    "undo"                                        → undone where the last action ran

* A host named in a line ("on web2", "on web1 and web3") narrows the line to those hosts,
  which must be among the hosts ``--hosts`` matched: a sentence never widens the pattern.
* "the biggest", "the first one", "it" point at the rows the previous answer showed *on
  that host*, pinned by pid and start time (the host refuses if another process holds the
  pid now: ``changed-since-shown``). With no previous answer there, or with several hosts
  it could mean, nlsh asks; it never guesses.
* "undo" with no host named runs on the hosts where the session's last action ran, each
  from its own journal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nlsh.dialogue.references import names_own_target, refers_back, resolve
from nlsh.dialogue.state import PROCESS_INTENTS, Referent, State
from nlsh.errors import ExitStatus
from nlsh.fleet import ansible, narrow
from nlsh.fleet.command import HostsOutcome, run_request, without_host_words
from nlsh.fleet.rows import HostRow, HostState
from nlsh.stages import Parse, Response, Status

if TYPE_CHECKING:
    from nlsh.cli import Options

# "the biggest": the top row of an answer sorted by memory; "the busiest": by cpu.
_SUPERLATIVE = re.compile(
    r"\b(?:the\s+)?(?P<word>biggest|largest|heaviest|hungriest|busiest)"
    r"(?:\s+(?:one|process|program|of them))?\b", re.IGNORECASE)
_BY = {"biggest": "memory", "largest": "memory", "heaviest": "memory",
       "hungriest": "memory", "busiest": "cpu"}
_UNDO = re.compile(r"\s*(?:undo|revert|roll\s*back)(?:\s+(?:that|it|this|the last one|"
                   r"the last action|what you did))?\s*[.!]*\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Shown:
    """What one host's last answer showed: its process rows in order, and their order."""

    rows: tuple[Referent, ...]
    sort_by: str = ""


@dataclass(frozen=True)
class Line:
    """A line made ready for the hosts: the sentence they get, where, and what it pins."""

    sentence: str
    hosts: list[str] | None = None
    pinned: dict[int, float] = field(default_factory=dict)
    context: tuple[str, ...] = ()


@dataclass
class FleetSession:
    """The state a ``--hosts`` session keeps between lines."""

    target: ansible.Target
    options: Options
    understand: Callable[[str], Parse]
    console: Any
    show_local: Callable[[Response], None]
    matched: tuple[str, ...] | None = None
    inventory: tuple[str, ...] | None = None
    shown: dict[str, Shown] = field(default_factory=dict)
    acted: tuple[str, ...] = ()

    def take(self, text: str) -> ExitStatus:
        """Run one line of the session; the exit status it earns."""
        from nlsh.cli import exit_status_for

        ready = self._ready(without_host_words(text))
        if isinstance(ready, Response):
            self.show_local(ready)
            return exit_status_for(ready)
        for note in ready.context:
            self._say(f"→ {note}")
        outcome = run_request(ready.sentence, self.options, self.target, self.understand,
                              self.console, self.show_local, limit_to=ready.hosts,
                              pinned=ready.pinned)
        self._remember(outcome, narrowed=ready.hosts is not None)
        return outcome.status

    # ── reading a line ──

    def _ready(self, text: str) -> Line | Response:
        hosts: list[str] | None = None
        if narrow.has_clause_shape(text):
            clause = narrow.host_clause(text, self._inventory_hosts())
            if clause is not None:
                matched = self._matched()
                by_lower = {host.lower(): host for host in matched}
                outside = [n for n in clause.names if n.lower() not in by_lower]
                if outside:
                    return self._reply(text, Status.REFUSED, narrow.refusal(
                        outside, self.target.pattern, matched), "host-outside-pattern")
                hosts = list(dict.fromkeys(by_lower[n.lower()] for n in clause.names))
                text = clause.rest
        if _UNDO.fullmatch(text):
            where = hosts if hosts is not None else (list(self.acted) or None)
            context = (f"undo on {', '.join(where)}, where the last action ran",) if (
                hosts is None and where) else ()
            return Line(text, where, context=context)
        return self._referred(text, hosts)

    def _referred(self, text: str, hosts: list[str] | None) -> Line | Response:
        """``text`` with its reference to an earlier answer ("the biggest") made a pid."""
        superlative = _SUPERLATIVE.search(text)
        phrase = superlative.group(0) if superlative is not None else refers_back(text)
        if phrase is None:
            return Line(text, hosts)
        parse = self.understand(text)
        if parse.intent not in PROCESS_INTENTS or names_own_target(parse, phrase):
            return Line(text, hosts)  # not a reference ("processes that use…")
        scope = hosts if hosts is not None else list(self.shown)
        answered = [host for host in scope if host in self.shown]
        if not answered:
            where = f" on {', '.join(scope)}" if scope else ""
            return self._reply(text, Status.CLARIFY,
                               f"Which process? '{phrase}' points at an earlier answer, and "
                               f"this session has shown no processes{where} yet: ask first "
                               "(e.g. \"what's using the most memory\"), or name it")
        if len(answered) > 1 or (hosts is not None and len(hosts) > 1):
            return self._reply(text, Status.CLARIFY,
                               f"Which host? '{phrase}' is a different process on each of "
                               f"{', '.join(scope)}: say it with one host (\"{text} on "
                               f"{answered[0]}\")")
        host = answered[0]
        shown = self.shown[host]
        wording = text
        if superlative is not None:
            by = _BY[superlative.group("word").lower()]
            if shown.sort_by != by:
                return self._reply(text, Status.CLARIFY,
                                   f"Which process? '{phrase}' is by {by}, and {host}'s "
                                   f"answer was ordered by {shown.sort_by or 'neither'}: say "
                                   "which (the first, the second…, or its pid)")
            wording = text[:superlative.start()] + "the first one" + text[superlative.end():]
        found = resolve(wording, State(shown=shown.rows, shown_by=f"{host}'s answer"),
                        self.understand)
        if found is None or found.message is not None or not found.sentence:
            return self._reply(text, Status.CLARIFY, found.message if found is not None
                               and found.message else
                               f"Which process on {host}? Say which (the first, the "
                               "second…, or its pid)")
        context = tuple(note.replace("the first one", phrase, 1) if superlative else note
                        for note in found.context)
        return Line(found.sentence, [host], dict(found.pinned), context)

    # ── what a line leaves for the next ──

    def _remember(self, outcome: HostsOutcome, narrowed: bool) -> None:
        if outcome.matched is not None and not narrowed:
            self.matched = outcome.matched
        answered: dict[str, Shown] = {}
        for row in outcome.rows:
            shown = _shown(row) if row.state is HostState.ANSWERED else None
            if shown is not None:
                answered[row.host] = shown
        if answered:
            self.shown = answered  # the previous answer is the newest one, on its hosts
        if outcome.acted:
            self.acted = outcome.acted

    def _matched(self) -> tuple[str, ...]:
        if self.matched is None:
            self.matched = tuple(narrow.list_hosts(self.target))
        return self.matched

    def _inventory_hosts(self) -> tuple[str, ...]:
        if self.inventory is None:
            self.inventory = tuple(narrow.list_hosts(self.target, "all"))
        return self.inventory

    def _reply(self, text: str, status: Status, message: str, rule: str | None = None
               ) -> Response:
        parse = Parse(text=text, intent=None, confidence=1.0, source="dialogue")
        return Response(parse=parse, status=status, message=message, rule=rule)

    def _say(self, line: str) -> None:
        if self.console is not None:
            self.console.print(line, markup=False, highlight=False)
        else:  # --json: stdout is one object per host; the note goes to stderr
            sys.stderr.write(f"nlsh: {line}\n")
            sys.stderr.flush()


def _shown(row: HostRow) -> Shown | None:
    """The process rows one host's answer showed, pinned by pid and start time."""
    result = row.response.get("result")
    if not isinstance(result, Mapping):
        return None
    rows = [r for r in result.get("processes") or () if isinstance(r, Mapping)
            and isinstance(r.get("pid"), int)]
    if not rows:
        return None
    started = [r.get("create_time") for r in rows]
    return Shown(tuple(Referent(int(r["pid"]), float(t) if isinstance(t, int | float) else None,
                                str(r.get("name", "?"))) for r, t in zip(rows, started,
                                                                         strict=True)),
                 str(result.get("sort_by") or ""))
