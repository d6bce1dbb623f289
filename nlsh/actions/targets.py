"""The processes a request names: by process name, pid, port or user, resolved live.

Shared by every process action. Slots are not trusted: a wrong type or an empty name is
a question back to the user, never a guess. Several slots narrow each other ("python
owned by bob"). Zombies are left out: they have already exited and no signal reaches
them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from nlsh.context import Context
from nlsh.knowledge.programs import Category, program_map
from nlsh.stages import (
    NO_OPERATORS,
    PID_LIMIT,
    Choice,
    Exclusion,
    Limit,
    Operators,
    Parse,
    Reply,
    Status,
)
from nlsh.system.lookalike import flagged
from nlsh.system.names import names_match
from nlsh.system.ports import listeners
from nlsh.system.processes import (
    ProcessInfo,
    children_first,
    matches,
    named_processes,
    process_of_pid,
    read_process,
    sample_cpu,
    snapshot,
    user_exists,
)

# A pid the language layer took for a program name ("pid -5", "process id 12").
_PID_AS_NAME = re.compile(r"(?i)(?:pid|process\s+id)\s*#?\s*([-+\u2212]?\s*\d{1,30})")

CPU_LIMIT_SECONDS = 0.5  # one sampling window shared by every candidate

# Words that point back at something earlier rather than naming a program.
PRONOUNS = frozenset({"it", "them", "that", "this", "those", "these", "they"})


@dataclass(frozen=True)
class Targets:
    """Live processes a request names, children before parents.

    ``description`` completes a sentence: "3 processes" + " named 'firefox'".
    """

    processes: tuple[ProcessInfo, ...]
    description: str
    notes: tuple[str, ...] = ()
    port: int | None = None


def _int_slot(parse: Parse, name: str) -> int | Reply | None:
    value = parse.slot(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return Reply(Status.CLARIFY, f"The {name} must be a whole number, not {value!r}")
    return value


def _name_slot(parse: Parse, name: str) -> str | Reply | None:
    value = parse.slot(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        return Reply(Status.CLARIFY, f"Which {name}? {value!r} does not name one")
    return value.strip()


def named_process(parse: Parse) -> str | None:
    """The ``process`` slot, unless it is a pronoun ("resume it") or absent."""
    value = parse.slot("process")
    if isinstance(value, str) and value.strip() and value.strip().lower() not in PRONOUNS:
        return value.strip()
    return None


def find_targets(parse: Parse, ctx: Context, what: str = "process",
                 choose_one: bool = True) -> Targets | Reply:
    """The live processes a request names: its target slots, the further targets it lists
    ("kill A and B"), less what it excludes ("except pid 4312"), within its limits
    ("using more than 2 GB").

    ``what`` names the request for the question asked when no target was given.
    ``choose_one``: a kind of program said in the singular ("the browser") while several
    such programs run is a question back (for acting); a reading lists them all.
    """
    found = _find_named(parse, ctx, what, choose_one)
    operators = parse.operators
    if not operators.also and not operators.exclusions and not operators.limits:
        return found
    parts = [found]
    for slot, value in operators.also:
        slots = {k: v for k, v in parse.slots.items() if k not in ("process", "pid", "port")}
        slots[slot] = value
        parts.append(_find_named(replace(parse, slots=slots, operators=NO_OPERATORS), ctx, what,
                                 choose_one))
    chosen = [p for p in parts if isinstance(p, Targets)]
    replies = [p for p in parts if isinstance(p, Reply)]
    if not chosen:
        return replies[0]
    if any(r.status is not Status.NOTHING_TO_DO for r in replies):
        return next(r for r in replies if r.status is not Status.NOTHING_TO_DO)
    processes: dict[int, ProcessInfo] = {}
    for part in chosen:
        processes.update((p.pid, p) for p in part.processes)
    notes = [n for part in chosen for n in part.notes] + [r.message for r in replies]
    description = _joined(part.description for part in chosen)
    return narrowed(list(processes.values()), description, notes, chosen[0].port, operators)


def _joined(descriptions: Iterable[str]) -> str:
    """"named 'a'" and "named 'b'" → "named 'a' and 'b'"."""
    unique = list(dict.fromkeys(descriptions))
    if len(unique) > 1 and all(d.startswith("named '") and d.count("'") == 2 for d in unique):
        return "named " + " and ".join(d.removeprefix("named ") for d in unique)
    return " and ".join(unique)


def narrowed(processes: list[ProcessInfo], description: str, notes: list[str],
              port: int | None, operators: Operators) -> Targets | Reply:
    """Exclusions and limits applied; each one named in the description."""
    kept = processes
    for exclusion in operators.exclusions:
        before = len(kept)
        kept = [p for p in kept if not _excludes(exclusion, p)]
        description += f" {exclusion.describe()}"
        if len(kept) == before:
            notes.append(f"'{exclusion.text.strip()}' matched none of them")
    for limit in operators.limits:
        kept = _within(kept, limit)
        description += f", {limit.describe()}"
    if not kept:
        return Reply(Status.NOTHING_TO_DO, f"No process {description} is running")
    return Targets(tuple(children_first(kept)), description, tuple(notes), port)


def _excludes(exclusion: Exclusion, process: ProcessInfo) -> bool:
    if exclusion.kind == "pid":
        return process.pid == exclusion.value
    if exclusion.kind == "user":
        return process.username == exclusion.value
    if exclusion.kind == "process":
        return matches(process, str(exclusion.value))
    if exclusion.kind == "port":
        return process.pid in set(listeners(int(exclusion.value)).pids)
    return False


def _within(processes: list[ProcessInfo], limit: Limit) -> list[ProcessInfo]:
    if limit.quantity == "memory":
        return [p for p in processes if p.rss is not None and limit.admits(p.rss)]
    if limit.quantity == "cpu":
        cpu = sample_cpu((p.pid for p in processes), CPU_LIMIT_SECONDS)
        return [p for p in processes if p.pid in cpu and limit.admits(cpu[p.pid])]
    return processes


def _find_named(parse: Parse, ctx: Context, what: str, choose_one: bool) -> Targets | Reply:
    """The live processes named by ``parse``'s process, pid, port and user slots."""
    pid, port = _int_slot(parse, "pid"), _int_slot(parse, "port")
    name, user = _name_slot(parse, "process"), _name_slot(parse, "user")
    for value in (pid, port, name, user):
        if isinstance(value, Reply):
            return value
    assert not isinstance(pid, Reply) and not isinstance(port, Reply)
    assert not isinstance(name, Reply) and not isinstance(user, Reply)
    if name is not None and name.lower() in PRONOUNS:
        name = None
    written_pid = _PID_AS_NAME.fullmatch(name) if name is not None else None
    if written_pid is not None and pid is None:
        # "kill pid -5" read as a program named "pid -5": it is a pid, checked as one.
        pid = int(written_pid.group(1).replace("\u2212", "-").replace(" ", ""))
        name = None
    elif (name is not None and pid is None and name.isdecimal() and len(name) <= 10
          and re.search(rf"(?i)\b(?:pid|process(?:\s+id)?)\s*#?\s*{name}\b", parse.text)):
        # "kill pid 1914" where the model took the number for a program's name
        pid, name = int(name), None
    if pid is None and port is None and name is None and user is None:
        return Reply(Status.CLARIFY, f"Which {what}? Name a program, a pid, a port or a user "
                                     "(e.g. 'firefox', 'pid 4312', 'port 8080')")
    if port is not None and not 1 <= port <= 65535:
        return Reply(Status.CLARIFY, f"Port {port} does not exist: ports run from 1 to 65535")
    if pid is not None and pid <= 0:
        return Reply(Status.INVALID if written_pid else Status.CLARIFY,
                     f"{pid} is not a process id")
    if written_pid is not None and pid is not None and pid > PID_LIMIT:
        return Reply(Status.INVALID, f"pid must be in 1–{PID_LIMIT} (got {pid})")
    if user is not None and not user_exists(user):
        return Reply(Status.NOTHING_TO_DO, f"There is no user named '{user}' on this system")

    notes: list[str] = []
    known_names: set[str] = set()  # every name looked at, for "did you mean …?"
    if pid is not None:
        info, description, thread_note = process_of_pid(pid)
        found = [info] if info is not None else []
        notes.extend(thread_note)
    elif port is not None:
        owners = listeners(port)
        found = [i for i in map(read_process, owners.pids) if i is not None]
        description = f"listening on port {port}"
        if owners.ownerless or not owners.complete:
            reason = owners.ownerless_reason(ctx.euid)
            if not found:
                return Reply(Status.NOTHING_TO_DO,
                             f"Port {port} is in use, but nlsh cannot tell by whom: {reason}")
            notes.append(f"{owners.ownerless} more socket(s) on port {port} have no visible "
                         f"owner: {reason}")
    elif name is not None:
        found, description = list(named_processes(name, known_names).values()), ""
    else:
        def owned(info: ProcessInfo) -> bool:
            return info.username == user

        found, description = list(snapshot(owned).values()), ""
    if name is not None:
        found = [p for p in found if matches(p, name)]
        description = f"named '{name}'" + (f" {description}" if description else "")
    if user is not None:
        found = [p for p in found if p.username == user]
        description = (description + " " if description else "") + f"owned by {user}"

    category = program_map().category(name) if name is not None else None
    if category is not None and name is not None and not any(
            name.lower() in p.names for p in found):
        return _of_category(parse, category, name, found, notes, choose_one)
    if name is not None:
        notes.extend(_known_as(name, found))

    zombies = [p for p in found if p.is_zombie]
    for zombie in zombies:
        notes.append(f"pid {zombie.pid} ({zombie.name}) has already exited; it is a zombie "
                     f"until its parent (pid {zombie.ppid}) collects it, and no signal reaches it")
    alive = [p for p in found if not p.is_zombie]
    if not alive:
        if name is not None and not zombies and user is None:
            left_out = {str(v).lower() for v in parse.operators.excluded("process")}
            guess = _did_you_mean(parse.text, name, description, known_names, left_out)
            if guess is not None:
                return guess
        return Reply(Status.NOTHING_TO_DO, _nothing_message(description, bool(zombies)))
    return Targets(tuple(children_first(alive)), description, tuple(notes), port)


def _known_as(name: str, found: list[ProcessInfo]) -> list[str]:
    """A note when a program was found by what nlsh's map calls it ("vscode" runs as code)."""
    runs_as = sorted({p.name for p in found if name.lower() not in p.names})
    if not runs_as:
        return []
    return [f"'{name}' runs as {', '.join(runs_as)} (nlsh's map of programs)"]


def _of_category(parse: Parse, category: Category, said: str, found: list[ProcessInfo],
                 notes: list[str], choose_one: bool) -> Targets | Reply:
    """The processes of a kind of program: "the browser", "databases". Several programs of
    that kind running and one asked for → a question; none → said so, never a guess."""
    alive = [p for p in found if not p.is_zombie]
    running: dict[str, list[ProcessInfo]] = {}
    for process in alive:
        program = program_map().program_of_process(process.names, category.programs)
        if program is not None:
            running.setdefault(program.key, []).append(process)
    kind = category.name
    if not running:
        known = ", ".join(p.key for p in category.programs[:8])
        return Reply(Status.NOTHING_TO_DO,
                     f"No {kind} is running (nlsh knows {known}… as {kind}s; "
                     f"~/.config/nlsh/programs.yaml adds more)")
    # A program the sentence excludes ("the browser except chromium") is no candidate.
    left_out = {str(v).lower() for v in parse.operators.excluded("process")}
    for key in [k for k, group in running.items()
                if any(names_match(p.names, excluded) for p in group for excluded in left_out)
                or program_map().programs[k].names & left_out]:
        del running[key]
    if not running:
        return Reply(Status.NOTHING_TO_DO, f"No {kind} is running besides the ones excluded")
    # "both browsers" with three running names two of them: which two is a question
    both = re.search(r"(?i)\bboth\b", parse.text) is not None and len(running) != 2
    if len(running) > 1 and choose_one and (not category.plural or both) and \
            not parse.operators.question:
        return _which_program(parse.text, said, kind, running)
    chosen = [p for group in running.values() for p in group]
    keys = ", ".join(running)
    description = (f"named '{keys}' (the {kind})" if len(running) == 1
                   else f"of the {kind}s running ({keys})")
    notes.append(f"'{said}' read as {keys}, the {kind} running (nlsh's map of programs)"
                 if len(running) == 1 else
                 f"'{said}' read as the {kind}s running: {keys} (nlsh's map of programs)")
    return Targets(tuple(children_first(chosen)), description, tuple(notes), None)


def _which_program(text: str, said: str, kind: str,
                   running: dict[str, list[ProcessInfo]]) -> Reply:
    """"Kill the browser" while firefox and chromium run: which one? Each choice names its
    processes by pid, so the answer acts on exactly what was offered."""
    written = re.compile(rf"(?i)(?<![\w.-])(?:(?:the|my|our|this|that)\s+)?"
                         rf"{re.escape(said)}(?![\w.-])")
    choices: list[Choice] = []
    labels: list[str] = []
    for key, processes in running.items():
        pids = sorted(p.pid for p in processes)
        label = f"{key} (pid {pids[0]})" if len(pids) == 1 else f"{key} ({len(pids)} processes)"
        labels.append(label)
        if written.search(text):
            listed = (" and ".join(f"pid {pid}" for pid in pids)
                      if len(pids) <= MOST_LISTED_PIDS else key)
            choices.append(Choice(label=label, sentence=written.sub(listed, text, count=1)))
    return Reply(Status.CLARIFY, f"Several {kind}s are running: {', '.join(labels)}. "
                                 f"Which one? (or say 'all {kind}s')", choices=tuple(choices))


def _nothing_message(description: str, zombies: bool) -> str:
    if zombies:
        return f"Every process {description} has already exited (zombies waiting for a parent)"
    if description.startswith("listening on port"):
        return f"Nothing is {description}"
    return f"No process {description} is running"


MOST_GUESSES = 4
MOST_LISTED_PIDS = 12  # a did-you-mean choice names up to this many pids, else the name


def _did_you_mean(text: str, name: str, description: str, known_names: set[str],
                  excluded: set[str]) -> Reply | None:
    """No process is called ``name``, but some are called nearly that ("node" while only
    node-server runs, "chorme"): ask, offering each as a sentence to say. Never acted on
    without the user choosing it, and then confirming its plan."""
    wanted = name.lower()
    known = sorted(known_names or {n for p in snapshot().values() for n in p.names})
    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.75)
    containing = sorted((n for n in known if len(wanted) >= 3 and wanted in n),
                        key=lambda n: (not n.startswith(wanted), len(n), n))
    guesses = [n for n in dict.fromkeys([*close, *containing])
               if n != wanted and n not in excluded][:MOST_GUESSES]  # never what was excluded
    if not guesses:
        return None
    written = re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", re.IGNORECASE)
    choices: list[Choice] = []
    labels: list[str] = []
    for guess in guesses:
        pids = sorted(named_processes(guess))
        label = flagged(guess) + (f" (pid {pids[0]})" if len(pids) == 1 else
                                  f" ({len(pids)} processes)" if pids else "")
        labels.append(label)
        if written.search(text) and pids:
            # exactly the processes offered, by pid: one that starts later is not included
            listed = " and ".join(f"pid {pid}" for pid in pids[:MOST_LISTED_PIDS]) if len(
                pids) <= MOST_LISTED_PIDS else guess
            choices.append(Choice(label=label, sentence=written.sub(listed, text, count=1)))
    message = f"No process {description} is running; did you mean {' or '.join(labels)}?"
    return Reply(Status.CLARIFY, message, choices=tuple(choices))


def plural(count: int, word: str, many: str | None = None) -> str:
    """``3 processes``, ``1 process``."""
    return f"{count} {word if count == 1 else (many or word + 'es')}"
