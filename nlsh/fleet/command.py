"""``nlsh --hosts PATTERN [-i INVENTORY] SENTENCE``: one sentence on many hosts.

    understand here, once ─► plan on every matched host ─► one view of all plans
    ─► one confirmation (all / some hosts by number / none) ─► execute ─► a row per host

The host pattern comes only from the flag: nothing in the sentence is read for hosts.
Each host plans under its own policy and carries out only the steps the user confirmed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nlsh.errors import ExitStatus, UsageError
from nlsh.fleet import ansible
from nlsh.fleet.frame import frame_of
from nlsh.fleet.rank import is_answer, ranked
from nlsh.fleet.rows import HostRow, HostState, missing_row, row_of, worst
from nlsh.stages import JSON, Parse, Response, Status

if TYPE_CHECKING:
    from nlsh.cli import Options

Ask = Callable[[str], str]

_EXIT = {HostState.DONE: ExitStatus.OK, HostState.PLANNED: ExitStatus.OK,
         HostState.ANSWERED: ExitStatus.OK, HostState.NOTHING: ExitStatus.NOTHING_DONE,
         HostState.SKIPPED: ExitStatus.NOTHING_DONE, HostState.ASKS: ExitStatus.NOTHING_DONE,
         HostState.REFUSED: ExitStatus.NOTHING_DONE, HostState.NO_NLSH: ExitStatus.FAILED,
         HostState.TIMEOUT: ExitStatus.FAILED, HostState.UNREACHABLE: ExitStatus.FAILED,
         HostState.FAILED: ExitStatus.FAILED, HostState.INTERRUPTED: ExitStatus.INTERRUPTED}

NOT_PICKED = "not picked: nothing was changed"
NOT_CONFIRMED = "not run: this changes the system and needs confirmation (use --yes, or a " \
                "terminal)"


@dataclass(frozen=True)
class HostsOutcome:
    """What one request across hosts came to: its exit status, a row per host, the hosts
    the pattern matched (None: Ansible did not say), and the reading the hosts got."""

    status: ExitStatus
    rows: tuple[HostRow, ...] = ()
    matched: tuple[str, ...] | None = None
    reading: Parse | None = None

    @property
    def acted(self) -> tuple[str, ...]:
        """The hosts where a step was carried out (what ``undo`` reverses there)."""
        return tuple(row.host for row in self.rows if row.state is HostState.DONE)


@dataclass(frozen=True)
class Choice:
    """The hosts the user agreed to act on, or why none."""

    hosts: tuple[str, ...]
    reason: str = ""


# Words that only point at the hosts --hosts already names ("on all hosts", "across the
# fleet"): read as nothing, since the hosts come from the flag alone. They never name a host.
_ALL_HOSTS = re.compile(
    r"\s*,?\s*\b(?:on|across|over|for|in)\s+(?:all\s+|every\s+|each\s+|the\s+|these\s+|"
    r"those\s+|my\s+)*(?:of\s+)?(?:the\s+|my\s+)?(?:hosts?|servers?|machines?|boxes|nodes?|"
    r"fleet)\b", re.IGNORECASE)


# "which servers are low on disk" asks each host "am I low on disk?"; the merged table,
# worst first, is the answer to "which".
_WHICH_HOSTS = re.compile(
    r"^\s*(?:which|what)\s+(?:of\s+(?:the|my)\s+)?(?:hosts|servers|machines|boxes|nodes)"
    r"\s+(?:are|is)\b", re.IGNORECASE)


def without_host_words(text: str) -> str:
    """``text`` without the words that only point at the hosts of ``--hosts``."""
    stripped = " ".join(_ALL_HOSTS.sub(" ", _WHICH_HOSTS.sub("am I", text)).split())
    return stripped or text


def understand_once(text: str, understand: Callable[[str], Parse]) -> Parse | Response:
    """The reading every host gets, or the reply to give here without asking any host."""
    from nlsh.meaning import read
    from nlsh.pipeline import clarify_intent

    requests = read(without_host_words(text), understand)
    if len(requests) != 1:
        raise UsageError(f"--hosts takes one request at a time; this sentence makes "
                         f"{len(requests)}: say them one by one")
    request = requests[0]
    parse = request.parse
    if request.verdict is not None:
        verdict = request.verdict
        return Response(parse=parse, status=verdict.status, message=verdict.message,
                        choices=verdict.choices, rule=verdict.rule)
    if parse.intent is None:
        return Response(parse=parse, status=Status.OUT_OF_SCOPE,
                        message="That is not something nlsh does, on one host or many.")
    if parse.uncertain:
        return clarify_intent(parse)
    if parse.rejected_values:
        return Response(parse=parse, status=Status.INVALID, message=parse.rejected_values[0])
    return parse


def rows_of(run: ansible.Run) -> list[HostRow]:
    """A row for every host the pattern matched, in inventory order."""
    hosts = list(run.hosts or [])
    hosts += [host for host in run.results if host not in hosts]
    return [row_of(run.results[host]) if host in run.results
            else missing_row(host, run.interrupted) for host in hosts]


def choose(planned: list[HostRow], max_hosts: int, yes: bool, ask: Ask | None,
           say: Callable[[str], None]) -> Choice:
    """One confirmation for all plans: all hosts, some by number, or none; more than
    ``max_hosts`` hosts (or a host's own caution) needs 'yes' typed out as well."""
    from nlsh.confirm import Verdict, read_answer

    hosts = tuple(row.host for row in planned)
    if yes:
        return Choice(hosts)
    if ask is None:
        return Choice((), NOT_CONFIRMED)
    count = len(hosts) if len(hosts) > 1 else 0  # one host: yes or no
    prompt = (f"Go ahead on all {len(hosts)} hosts? [y/N/?, or pick hosts 1-{len(hosts)}] "
              if count else f"Go ahead on {hosts[0]}? [y/N/?] ")
    for _ in range(2):
        answer = read_answer(ask(prompt), count)
        if answer.verdict is Verdict.HELP:
            say("  y  all hosts   n  none   1,3  2-4  all but 2   only those hosts")
            continue
        if answer.verdict is not Verdict.UNCLEAR:
            break
        say(f"Not understood: {answer.problem}")
    else:
        return Choice((), "cancelled: nothing was changed")
    if answer.verdict is Verdict.NO:
        return Choice((), "cancelled: nothing was changed")
    picked = hosts if answer.verdict is Verdict.YES else tuple(
        hosts[n - 1] for n in answer.picked)
    cautions = [f"{row.host}: {caution}" for row in planned if row.host in picked
                for caution in (row.plan or {}).get("confirmations", ())]
    if len(picked) > max_hosts:
        cautions.insert(0, f"this acts on {len(picked)} hosts (more than fleet.max_hosts = "
                           f"{max_hosts})")
    if cautions:
        say("This needs a second yes:\n" + "\n".join(f"  - {c}" for c in cautions))
        if ask("Type 'yes' to continue: ").strip().lower() != "yes":
            return Choice((), "cancelled: nothing was changed")
    return Choice(picked)


def execute(target: ansible.Target, frame: dict[str, Any], planned: list[HostRow],
            picked: tuple[str, ...], pinned: Mapping[int, float] | None = None
            ) -> tuple[list[HostRow], bool]:
    """Carry out each picked host's confirmed steps there: a row per picked host, and
    whether Ctrl-C stopped the run."""
    requests = {row.host: _request("execute", frame, pinned, confirmed=row.steps)
                for row in planned if row.host in picked}
    done = ansible.run(target, requests, limit_to=list(picked))
    if done.error is not None and not done.results:
        return [HostRow(host, HostState.FAILED, done.error) for host in picked], False
    return [row_of(done.results[host]) if host in done.results
            else missing_row(host, done.interrupted) for host in picked], done.interrupted


def _request(mode: str, frame: dict[str, Any], pinned: Mapping[int, float] | None,
             **more: Any) -> JSON:
    """One host's request; ``pinned``: pid → start time of processes a reference pointed at
    ("kill the biggest on web2"), which the host refuses to act on if another holds the pid."""
    request: JSON = {"mode": mode, "frame": frame, **more}
    if pinned:
        request["pinned"] = {str(pid): started for pid, started in pinned.items()}
    return request


def exit_status(rows: list[HostRow]) -> ExitStatus:
    state = worst(rows)
    return ExitStatus.NOTHING_DONE if state is None else _EXIT[state]


def run_on_hosts(text: str, options: Options, target: ansible.Target,
                 understand: Callable[[str], Parse], console: Any,
                 show_local: Callable[[Response], None]) -> ExitStatus:
    """The whole flow (see the module docstring); ``console`` is None for --json."""
    return run_request(text, options, target, understand, console, show_local).status


def run_request(text: str, options: Options, target: ansible.Target,
                understand: Callable[[str], Parse], console: Any,
                show_local: Callable[[Response], None], *,
                limit_to: list[str] | None = None,
                pinned: Mapping[int, float] | None = None) -> HostsOutcome:
    """:func:`run_on_hosts`, on ``limit_to`` only when given (hosts the pattern matched),
    with ``pinned`` processes; what it came to, for a session's next line."""
    from nlsh.cli import exit_status_for
    from nlsh.config import load
    from nlsh.fleet import view

    reading = understand_once(text, understand)
    if isinstance(reading, Response):
        show_local(reading)
        return HostsOutcome(exit_status_for(reading))
    frame = frame_of(reading)
    planned_run = ansible.run(target, {ansible.EVERY_HOST: _request("plan", frame, pinned)},
                              limit_to=limit_to)
    if planned_run.error is not None:
        raise UsageError(f"--hosts {target.pattern}: {planned_run.error}")
    rows = rows_of(planned_run)
    matched = tuple(planned_run.hosts) if planned_run.hosts is not None else None

    def outcome(status: ExitStatus, final: list[HostRow]) -> HostsOutcome:
        return HostsOutcome(status, tuple(final), matched, reading)

    if is_answer(rows) and not planned_run.interrupted:
        ranks = ranked(rows)
        others = [row for row in rows if row.state is not HostState.ANSWERED]
        if console is None:
            view.write_json(rows, sys.stdout, ranks)
        else:
            console.print(view.ranked_view(ranks, others))
        return outcome(exit_status(rows), rows)
    planned = [row for row in rows if row.state is HostState.PLANNED]
    others = [row for row in rows if row.state is not HostState.PLANNED]
    if planned_run.interrupted:  # nothing is carried out after a Ctrl-C
        _show_rows(rows, console, [], others)
        _say_interrupted(planned=True)
        return outcome(ExitStatus.INTERRUPTED, rows)
    if options.dry_run or not planned:
        _show_rows(rows, console, planned, others)
        return outcome(exit_status(rows), rows)
    interactive = console is not None and sys.stdin.isatty() and sys.stdout.isatty()
    if console is not None:
        console.print(view.plans_view(planned, others))

    def say(line: str) -> None:
        if console is not None:
            console.print(line, markup=False, highlight=False)

    ask = (lambda prompt: str(console.input(prompt, markup=False))) if interactive else None
    choice = choose(planned, load().fleet_max_hosts, options.yes, ask, say)
    interrupted = False
    if not choice.hosts:
        final = [HostRow(row.host, HostState.SKIPPED, choice.reason, row.reply)
                 if row.state is HostState.PLANNED else row for row in rows]
    else:
        done, interrupted = execute(target, frame, planned, choice.hosts, pinned)
        executed = {row.host: row for row in done}
        final = [executed.get(row.host) or (
            HostRow(row.host, HostState.SKIPPED, NOT_PICKED, row.reply)
            if row.state is HostState.PLANNED else row) for row in rows]
    if console is None:
        view.write_json(final, sys.stdout)
    else:
        console.print(view.report_view(final))
    if interrupted:
        _say_interrupted(planned=False)
        return outcome(ExitStatus.INTERRUPTED, final)
    # A host the user chose to leave out is what they asked for: it makes no run worse.
    return outcome(exit_status([row for row in final if row.reason != NOT_PICKED] or final),
                   final)


def _say_interrupted(planned: bool) -> None:
    what = ("nothing was carried out" if planned else
            "ansible was stopped; a host without a result may have acted (its own journal "
            "says what; nlsh --hosts HOST undo reverses it)")
    sys.stderr.write(f"nlsh: interrupted: {what}; each row says what became of its host\n")
    sys.stderr.flush()


def _show_rows(rows: list[HostRow], console: Any, planned: list[HostRow],
               others: list[HostRow]) -> None:
    from nlsh.fleet import view

    if console is None:
        view.write_json(rows, sys.stdout)
    elif planned:
        console.print(view.plans_view(planned, others))
    else:
        console.print(view.report_view(rows))
