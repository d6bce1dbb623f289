"""process.list and process.find: what is running, and is X running / who holds port P.

Memory figures are RSS in bytes. CPU figures need two readings, so they are sampled
over ``CPU_SAMPLE_SECONDS`` across all processes only when the list is sorted by CPU;
otherwise ``cpu_percent`` is null rather than a made-up number.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psutil

from nlsh.actions.targets import Targets, find_targets, narrowed, plural
from nlsh.context import Context
from nlsh.journal.redact import redact_argv
from nlsh.knowledge.programs import program_map
from nlsh.stages import Answer, Parse, Reply, Status
from nlsh.system import procfs
from nlsh.system.ports import listening_ports
from nlsh.system.process_metrics import FIELDS, IO_SAMPLE_SECONDS, measure
from nlsh.system.processes import (
    CpuWindow,
    ProcessInfo,
    matches,
    memory_use,
    read_process,
    snapshot,
)

CPU_SAMPLE_SECONDS = 0.3
DEFAULT_LIMIT = 10
SORTS = ("cpu", "memory", "swap", "io", "threads", "files")
_WHAT = {"swap": "swap", "io": "disk I/O (read + write per second)", "threads": "threads",
         "files": "open files"}


def process_row(info: ProcessInfo, cpu: float | None = None, total_memory: int = 0,
                **extra: Any) -> dict[str, Any]:
    """One process as JSON-ready data (the rows of ``result.processes``)."""
    return {
        "pid": info.pid, "ppid": info.ppid, "name": info.name, "user": info.username,
        "cpu_percent": round(cpu, 1) if cpu is not None else None,
        "memory_rss": info.rss,
        "memory_percent": (round(100 * info.rss / total_memory, 1)
                           if info.rss is not None and total_memory else None),
        "create_time": info.create_time, "status": info.status,
        "cmdline": redact_argv(info.cmdline), **extra,
    }


def list_processes(parse: Parse, ctx: Context) -> Answer | Reply:
    sort_by = parse.slot("sort_by") or "memory"
    if sort_by not in SORTS:
        return Reply(Status.CLARIFY, f"Sort by {', '.join(SORTS[:-1])} or {SORTS[-1]}? "
                                     f"('{sort_by}' is none of them)")
    limit = parse.slot("limit")
    limit = DEFAULT_LIMIT if limit is None else limit
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        return Reply(Status.CLARIFY, f"How many processes? {limit!r} is not a count")
    if sort_by in FIELDS:
        return _by_measure(parse, str(sort_by), limit)
    user, name = parse.slot("user"), parse.slot("process")
    # The CPU window opens before the table is read, so reading it overlaps the wait.
    window = CpuWindow(procfs.pids()) if sort_by == "cpu" else None
    operators = parse.operators
    if (user is None and name is None and not operators.also and not operators.exclusions
            and not operators.limits):
        return _everyone(sort_by, limit, window)
    everything = snapshot()
    names = [name, *(v for s, v in parse.operators.also if s == "process")]
    rows = [p for p in everything.values()
            if (not isinstance(user, str) or p.username == user)
            and (not isinstance(name, str) or any(matches(p, str(n)) for n in names))]
    if operators.exclusions or operators.limits:
        kept = narrowed(rows, "", [], None, operators)
        rows = list(kept.processes) if isinstance(kept, Targets) else []
    cpu: dict[int, float] = {}
    if window is not None:
        cpu = window.usage(CPU_SAMPLE_SECONDS)
        rows = [p for p in rows if p.pid in cpu]  # those that ended while sampled are gone
        rows.sort(key=lambda p: (-cpu[p.pid], -(p.rss or 0)))
    else:
        rows.sort(key=lambda p: (-(p.rss or 0), p.pid))
    total = psutil.virtual_memory().total
    shown = rows[:limit]
    scope = _scope(user, " or ".join(map(str, names)) if isinstance(name, str) else None)
    scope += "".join(f" {e.describe()}" for e in operators.exclusions)
    scope += "".join(f", {x.describe()}" for x in operators.limits)
    summary = (f"Top {len(shown)} of {plural(len(rows), 'process')}{scope} by {sort_by}"
               if rows else f"No processes{scope}")
    result = {
        "summary": summary, "sort_by": sort_by, "limit": limit,
        "filters": {"user": user, "process": name},
        "cpu_sample_seconds": CPU_SAMPLE_SECONDS if sort_by == "cpu" else None,
        "matched": len(rows), "total_processes": len(everything),
        "memory_rss_total": sum(p.rss or 0 for p in rows),
        "processes": [process_row(p, cpu.get(p.pid), total) for p in shown],
    }
    return Answer(kind="process_table", message=summary, result=result)


def _everyone(sort_by: str, limit: int, window: CpuWindow | None) -> Answer:
    """Every process ranked, reading only RSS (and CPU time) for all of them and the rest
    only for the ``limit`` shown: a listing of 10,000 processes costs what ``ps`` costs."""
    rss = memory_use()
    cpu: dict[int, float] = {}
    if window is not None:
        cpu = window.usage(CPU_SAMPLE_SECONDS)
        ranked = sorted((pid for pid in rss if pid in cpu),  # gone while sampled: left out
                        key=lambda pid: (-cpu[pid], -rss[pid], pid))
    else:
        ranked = sorted(rss, key=lambda pid: (-rss[pid], pid))
    shown: list[ProcessInfo] = []
    for pid in ranked:
        if len(shown) == limit:
            break
        info = read_process(pid)
        if info is not None:  # ended since it was ranked
            shown.append(info)
    if window is None:
        shown.sort(key=lambda p: (-(p.rss or 0), p.pid))  # as read now
    total = psutil.virtual_memory().total
    summary = (f"Top {len(shown)} of {plural(len(ranked), 'process')} by {sort_by}"
               if ranked else "No processes")
    result = {
        "summary": summary, "sort_by": sort_by, "limit": limit,
        "filters": {"user": None, "process": None},
        "cpu_sample_seconds": CPU_SAMPLE_SECONDS if window is not None else None,
        "matched": len(ranked), "total_processes": len(rss),
        "memory_rss_total": sum(rss[pid] for pid in ranked),
        "processes": [process_row(p, cpu.get(p.pid), total) for p in shown],
    }
    return Answer(kind="process_table", message=summary, result=result)


def _selected(parse: Parse) -> list[ProcessInfo] | None:
    """The processes the sentence narrows the list to; None when it names none (all)."""
    user, name = parse.slot("user"), parse.slot("process")
    operators = parse.operators
    if (user is None and name is None and not operators.also and not operators.exclusions
            and not operators.limits):
        return None
    names = [name, *(v for s, v in operators.also if s == "process")]
    rows = [p for p in snapshot().values()
            if (not isinstance(user, str) or p.username == user)
            and (not isinstance(name, str) or any(matches(p, str(n)) for n in names))]
    if operators.exclusions or operators.limits:
        kept = narrowed(rows, "", [], None, operators)
        rows = list(kept.processes) if isinstance(kept, Targets) else []
    return rows


def _by_measure(parse: Parse, sort_by: str, limit: int) -> Answer:
    """Processes ranked by swap, disk I/O rate, threads or open files; the figure is shown
    in its own column. Processes whose figure cannot be read are counted in a note."""
    selected = _selected(parse)
    pids = procfs.pids() if selected is None else [p.pid for p in selected]
    measured = measure(sort_by, pids)
    values = measured.values
    ranked = sorted(values, key=lambda pid: (-values[pid], pid))
    chosen = {p.pid: p for p in selected} if selected is not None else {}
    shown: list[ProcessInfo] = []
    for pid in ranked:
        if len(shown) == limit:
            break
        info = chosen.get(pid) or read_process(pid)
        if info is not None:
            shown.append(info)
    field = FIELDS[sort_by]
    total = psutil.virtual_memory().total
    user, name = parse.slot("user"), parse.slot("process")
    names = " or ".join(map(str, [name, *(v for s, v in parse.operators.also
                                          if s == "process")])) if isinstance(name, str) else None
    scope = _scope(user, names) + "".join(f" {e.describe()}" for e in parse.operators.exclusions)
    scope += "".join(f", {x.describe()}" for x in parse.operators.limits)
    summary = (f"Top {len(shown)} of {plural(len(ranked), 'process')}{scope} by {_WHAT[sort_by]}"
               if ranked else f"No processes{scope} whose {_WHAT[sort_by]} nlsh can read")
    notes = []
    if measured.unreadable:
        notes.append(f"{plural(measured.unreadable, 'process')} of other users could not be "
                     f"read and {'is' if measured.unreadable == 1 else 'are'} left out; run "
                     "nlsh as root to see them")
    if sort_by == "io":
        notes.append(f"disk reads and writes per second, sampled over {IO_SAMPLE_SECONDS:g} s "
                     "(as iotop counts them)")
    result = {
        "summary": summary, "sort_by": sort_by, "limit": limit,
        "filters": {"user": user, "process": name},
        "cpu_sample_seconds": None,
        "io_sample_seconds": IO_SAMPLE_SECONDS if sort_by == "io" else None,
        "matched": len(ranked), "total_processes": len(pids),
        "unreadable": measured.unreadable, "column": field,
        "memory_rss_total": None,
        "processes": [process_row(p, None, total, **{field: values.get(p.pid)})
                      for p in shown],
        "notes": notes,
    }
    return Answer(kind="process_table", message=summary, result=result)


def _scope(user: object, name: object) -> str:
    parts = [f" named '{name}'" if isinstance(name, str) else "",
             f" owned by {user}" if isinstance(user, str) else ""]
    return "".join(parts)


def find_processes(parse: Parse, ctx: Context) -> Answer | Reply:
    path = parse.slot("path")
    if path is not None:
        if not isinstance(path, str) or not path.strip():
            return Reply(Status.CLARIFY, f"Which path? {path!r} is not one")
        return _find_by_path(path.strip(), ctx)
    found = find_targets(parse, ctx, what="process should nlsh look for", choose_one=False)
    total = psutil.virtual_memory().total
    if isinstance(found, Reply):
        near_miss = found.status is Status.CLARIFY and found.message.startswith("No process")
        if found.status is not Status.NOTHING_TO_DO and not near_miss:
            return found  # a "did you mean" is an answer here: no, and what runs instead
        # A port in use whose owner is hidden is neither a yes nor a no.
        unknown = found.message.startswith("Port ")
        summary = found.message if unknown else f"No: {found.message[0].lower()}{found.message[1:]}"
        result: dict[str, Any] = {"summary": summary, "running": None if unknown else False,
                  "query": _query(parse), "processes": [], "notes": []}
        return Answer(kind="process_table", message=summary, result=result)
    count = len(found.processes)
    distinct = sorted({p.name for p in found.processes})
    names = ", ".join(distinct[:5]) + (f" and {len(distinct) - 5} more" if len(distinct) > 5
                                       else "")
    if found.port is not None:
        summary = f"Port {found.port}: {names} ({_pids(found.processes)}) listening"
    else:
        summary = (f"Yes: {plural(count, 'process')} {found.description} "
                   f"{'is' if count == 1 else 'are'} running ({names})")
    result = {"summary": summary, "running": True, "query": _query(parse),
              "processes": [process_row(p, None, total) for p in found.processes],
              "notes": [*found.notes, *_listening(found.processes)]}
    return Answer(kind="process_table", message=summary, result=result)


MOST_PORT_LOOKUPS = 20  # reading who holds which socket scans every process's descriptors


def _listening(processes: tuple[ProcessInfo, ...]) -> list[str]:
    """For servers the map of programs knows to listen ("is the web server up"): the
    ports each one listens on, or that it listens on none."""
    known = tuple(program_map().programs.values())
    servers = [(p, program.key) for p in processes
               if (program := program_map().program_of_process(p.names, known)) is not None
               and program.ports]
    if not servers or len(servers) > MOST_PORT_LOOKUPS:
        return []
    ports = listening_ports({p.pid for p, _ in servers})
    return [f"{key} (pid {p.pid}) listens on port {', '.join(map(str, ports[p.pid]))}"
            if p.pid in ports else f"{key} (pid {p.pid}) listens on no port nlsh can see"
            for p, key in servers]


def _pids(processes: Iterable[ProcessInfo]) -> str:
    pids = [str(p.pid) for p in processes]
    return ("pid " if len(pids) == 1 else "pids ") + ", ".join(pids)


def _query(parse: Parse) -> dict[str, Any]:
    return {k: parse.slot(k) for k in ("process", "pid", "port", "path", "user")
            if parse.slot(k) is not None}


def _find_by_path(spoken: str, ctx: Context) -> Answer:
    """Processes that have ``spoken`` (a file, or anything under a folder) open, as their
    working directory, or as their executable. Reading others' open files needs root."""
    expanded = (str(ctx.paths.home) + spoken[1:]) if spoken == "~" or spoken.startswith("~/") \
        else spoken
    target = os.path.realpath(expanded)
    rows: list[dict[str, Any]] = []
    unreadable = 0
    total = psutil.virtual_memory().total
    for info in snapshot().values():
        uses = uses_of(info, target)
        if uses is None:
            unreadable += 1
        elif uses:
            rows.append(process_row(info, None, total, uses=uses))
    notes = []
    if unreadable:
        notes.append(f"{plural(unreadable, 'process')} of other users could not be checked; "
                     "run nlsh as root to see them")
    if not Path(target).exists():
        notes.append(f"{target} does not exist")
    summary = (f"{plural(len(rows), 'process')} use {target}" if rows
               else f"No process has {target} open")
    result = {"summary": summary, "running": bool(rows), "query": {"path": spoken},
              "path": target, "processes": rows, "notes": notes}
    return Answer(kind="process_table", message=summary, result=result)


def inside(path: str | None, target: str) -> bool:
    return path is not None and (path == target or path.startswith(target.rstrip("/") + "/"))


def uses_of(info: ProcessInfo, target: str) -> list[str] | None:
    """How ``info`` uses ``target`` (open file, cwd, exe); None when it could not be read."""
    uses: list[str] = []
    try:
        process = psutil.Process(info.pid)
        files = [f.path for f in process.open_files()]
        cwd = process.cwd()
    except psutil.AccessDenied:
        return None
    except psutil.NoSuchProcess:
        return []
    uses.extend(f"open: {f}" for f in files if inside(f, target))
    if inside(cwd, target):
        uses.append(f"working directory: {cwd}")
    if inside(info.exe, target):
        uses.append(f"executable: {info.exe}")
    return uses
