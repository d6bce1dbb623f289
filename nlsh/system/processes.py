"""Processes as read from the live system: a race-tolerant snapshot and typed values.

Every read tolerates a process that ends, turns into a zombie or refuses access while
it is being read: such a process is left out (ended) or keeps ``None`` for the fields
that could not be read. How processes are named and matched is in ``names.py``.

Reads go straight to ``/proc`` (``procfs.py``, psutil's values at a fraction of its
cost). Inside ``one_reading()`` (one request: its meaning, plan and policy checks) each
file is read once: what names a program for every process, the owner and RSS only for
the processes a request keeps, a pid asked for once. ``live_reads()`` (acting) and code
outside a request always read now.
"""

from __future__ import annotations

import functools
import pwd
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import psutil

from nlsh.journal.redact import redact_argv
from nlsh.knowledge.programs import program_map
from nlsh.stages import ProcessRef
from nlsh.system import procfs
from nlsh.system.names import app_name_of, names_match, names_of, wanted_names

T = TypeVar("T")

# Creation times count clock ticks (10 ms) since boot: the same process always reads the
# same; half a tick absorbs float rounding only.
SAME_PROCESS_TOLERANCE = 0.005

__all__ = [
    "CpuWindow",
    "ProcessInfo",
    "ancestor_pids",
    "children_first",
    "live_names",
    "live_reads",
    "matches",
    "memory_use",
    "named_processes",
    "one_reading",
    "per_reading",
    "process_of_pid",
    "process_ref_from_json",
    "read_live",
    "read_process",
    "same_process",
    "sample_cpu",
    "snapshot",
    "thread_group",
    "user_exists",
    "user_name",
    "uss_of",
]

@dataclass(frozen=True)
class ProcessInfo:
    """One process at the moment it was read; ``None`` fields could not be read."""

    pid: int
    ppid: int | None
    name: str
    exe: str | None
    cmdline: tuple[str, ...]
    username: str | None
    create_time: float
    status: str | None
    rss: int | None

    @property
    def is_kernel_thread(self) -> bool:
        return self.pid == 2 or (self.ppid == 2 and not self.cmdline and not self.exe)

    @property
    def is_zombie(self) -> bool:
        return self.status == psutil.STATUS_ZOMBIE

    @property
    def is_stopped(self) -> bool:
        return self.status == psutil.STATUS_STOPPED

    @functools.cached_property
    def names(self) -> frozenset[str]:
        return names_of(self.name, self.exe, self.cmdline)

    @property
    def app_name(self) -> str:
        """What a user calls this program: the script an interpreter runs, else the
        executable's basename, else the process name."""
        return app_name_of(self.name, self.exe, self.cmdline)

    def ref(self, uss: int | None = None) -> ProcessRef:
        """The plan's view of this process; the command line has its secrets redacted."""
        return ProcessRef(pid=self.pid, create_time=self.create_time, name=self.name,
                          username=self.username, cmdline=tuple(redact_argv(self.cmdline)),
                          rss=self.rss, uss=uss, ppid=self.ppid, status=self.status,
                          exe=self.exe)


def matches(info: ProcessInfo, wanted: str) -> bool:
    """Whether ``info`` is the program ``wanted`` (see ``names.py``)."""
    return names_match(info.names, wanted)


def read_live(pid: int) -> ProcessInfo | None:
    """The process with ``pid`` read from ``/proc`` now, never from a request's reading;
    None when there is none (or it ended while being read)."""
    if pid <= 0:
        return None
    stat = procfs.read_stat(pid)
    argv = procfs.cmdline(pid) if stat is not None else None
    if stat is None or argv is None:
        return None  # none, or ended meanwhile
    return _completed(stat, argv, procfs.exe(pid, argv))


def _completed(stat: procfs.Stat, argv: tuple[str, ...], exe: str | None) -> ProcessInfo | None:
    """The whole ``ProcessInfo`` once stat, command line and executable are read."""
    status = procfs.read_status(stat.pid)
    if status is None:
        return None
    uid = status.real_uid
    return ProcessInfo(pid=stat.pid, ppid=stat.ppid, name=procfs.full_name(stat.comm, argv),
                       exe=exe, cmdline=argv,
                       username=procfs.user_of(uid) if uid is not None else None,
                       create_time=stat.create_time, status=stat.status, rss=status.rss)


def read_process(pid: int) -> ProcessInfo | None:
    """The process with ``pid``; None when there is none.

    Within ``one_reading()`` (one request) each pid is read once; otherwise now.
    """
    table = _READING.get()
    return read_live(pid) if table is None else table.process(pid)


def thread_group(pid: int, proc: str = "/proc") -> int | None:
    """The process (thread group) that ``pid`` belongs to; ``pid`` itself for a process.

    Thread ids live in /proc too, hidden from listings, and kill() on one signals its whole
    process: a thread id must be checked and shown as the process it belongs to.
    None when ``pid`` does not exist (or its status cannot be read).
    """
    table = _READING.get()
    if table is None or proc != procfs.PROC:
        return procfs.thread_group_of(int(pid), proc)
    return table.group(int(pid))


@dataclass(frozen=True)
class Naming:
    """What tells one process's program apart (``stat``, command line, executable): read
    for every process to find a name; the owner and RSS (``status``) only for candidates."""

    stat: procfs.Stat
    cmdline: tuple[str, ...]
    exe: str | None

    @functools.cached_property
    def names(self) -> frozenset[str]:
        return names_of(procfs.full_name(self.stat.comm, self.cmdline), self.exe, self.cmdline)

    @functools.cached_property
    def text(self) -> str:
        return " ".join((self.stat.comm, self.exe or "", *self.cmdline)).lower()

    def completed(self) -> ProcessInfo | None:
        info = _completed(self.stat, self.cmdline, self.exe)
        if info is not None and "names" in self.__dict__:
            # The same name, executable and command line: its names are these (a cached
            # property, computed once per process rather than once per reader).
            info.__dict__["names"] = self.names
        return info


def _read_naming() -> list[Naming]:
    found: list[Naming] = []
    for pid in procfs.pids():
        stat = procfs.read_stat(pid)
        argv = procfs.cmdline(pid) if stat is not None else None
        if stat is not None and argv is not None:
            found.append(Naming(stat, argv, procfs.exe(pid, argv)))
    return found


def named_processes(wanted: str, seen: set[str] | None = None) -> dict[int, ProcessInfo]:
    """The processes that are the program ``wanted`` (``names.names_match``).

    Only processes whose name, command line or executable contains one of the names
    ``wanted`` stands for can match (every name a process is known by is a piece of
    those), so only they are read in full. ``seen`` collects every name looked at.
    """
    table = _READING.get()
    needles = [*wanted_names(wanted)] if program_map().names_for(wanted) else [
        n for word in wanted.split() for n in wanted_names(word)]
    found: dict[int, ProcessInfo] = {}
    for naming in table.naming() if table is not None else _read_naming():
        if seen is not None:
            seen.update(naming.names)
        if not any(needle in naming.text for needle in needles):
            continue
        info = table.complete(naming) if table is not None else naming.completed()
        if info is not None and matches(info, wanted):
            found[info.pid] = info
    return found


def snapshot(keep: Callable[[ProcessInfo], bool] | None = None) -> dict[int, ProcessInfo]:
    """Every process readable now, by pid; processes that end meanwhile are left out.

    Within ``one_reading()`` /proc is read once for the whole request. ``keep`` selects.
    """
    table = _READING.get()
    everything = table.everything() if table is not None else _read_everything()
    if keep is None:
        return dict(everything)
    return {pid: info for pid, info in everything.items() if keep(info)}


def memory_use() -> dict[int, int]:
    """The RSS of every process (exact, one small file each): what ranking processes by
    memory needs, before reading in full only the few that are shown."""
    found: dict[int, int] = {}
    for pid in procfs.pids():
        rss = procfs.read_rss(pid)
        if rss is not None:
            found[pid] = rss
    return found


def _read_everything() -> dict[int, ProcessInfo]:
    found: dict[int, ProcessInfo] = {}
    for entry in _read_naming():
        info = entry.completed()
        if info is not None:
            found[info.pid] = info
    return found


class Reading:
    """One request's view of the process table: each process read at most once.

    Planning and checking a plan see the same processes; acting never uses it (the
    executor re-reads every target right before acting: ``identity.pin_to_act``).
    """

    def __init__(self) -> None:
        self._everything: dict[int, ProcessInfo] | None = None
        self._one: dict[int, ProcessInfo | None] = {}
        self._groups: dict[int, int | None] = {}
        self._facts: dict[tuple[str, int], object] = {}
        self._names: frozenset[str] | None = None
        self._naming: list[Naming] | None = None
        self._listed: set[int] = set()

    def fact(self, kind: str, pid: int, read: Callable[[int], T]) -> T:
        """``read(pid)``, read once in this request (a process's cgroup, …)."""
        key = (kind, pid)
        if key not in self._facts:
            self._facts[key] = read(pid)
        return self._facts[key]  # type: ignore[return-value]

    def names(self) -> frozenset[str]:
        """Every name any process is known by (``ProcessInfo.names``)."""
        if self._names is None:
            self._names = frozenset(n for p in self.naming() for n in p.names)
        return self._names

    def naming(self) -> list[Naming]:
        """What tells each process's program apart, read once."""
        if self._naming is None:
            self._naming = _read_naming()
            self._listed = {n.stat.pid for n in self._naming}
        return self._naming

    def complete(self, naming: Naming) -> ProcessInfo | None:
        """The whole process ``naming`` began, read once (``status`` added)."""
        pid = naming.stat.pid
        if pid not in self._one:
            self._one[pid] = naming.completed()
        return self._one[pid]

    def forget(self) -> None:
        """Drop everything read (the system was just changed)."""
        self._everything = None
        self._one.clear()
        self._groups.clear()
        self._facts.clear()
        self._names = None
        self._naming = None
        self._listed = set()

    def everything(self) -> dict[int, ProcessInfo]:
        if self._everything is None:
            everything: dict[int, ProcessInfo] = {}
            for naming in self.naming():
                info = self.complete(naming)
                if info is not None:
                    everything[info.pid] = info
            self._everything = everything
        return self._everything

    def process(self, pid: int) -> ProcessInfo | None:
        if pid not in self._one:
            self._one[pid] = read_live(pid)
        return self._one[pid]

    def group(self, pid: int) -> int | None:
        if pid not in self._groups:
            if pid in self._listed:
                self._groups[pid] = pid  # listed in /proc: a process, not a thread
            else:
                self._groups[pid] = procfs.thread_group_of(pid)
        return self._groups[pid]


_READING: ContextVar[Reading | None] = ContextVar("nlsh_process_reading", default=None)


def per_reading(kind: str, pid: int, read: Callable[[int], T]) -> T:
    """``read(pid)``, read once per request inside ``one_reading()``; now outside it."""
    table = _READING.get()
    return read(pid) if table is None else table.fact(kind, pid, read)


def live_names() -> frozenset[str]:
    """Every name a running process is known by (once per request in ``one_reading()``)."""
    table = _READING.get()
    if table is None:
        return frozenset(n for p in _read_everything().values() for n in p.names)
    return table.names()


@contextmanager
def one_reading() -> Iterator[None]:
    """Read /proc once for everything inside (one request's understanding and planning)."""
    token = _READING.set(Reading())
    try:
        yield
    finally:
        _READING.reset(token)


@contextmanager
def live_reads() -> Iterator[None]:
    """Every read inside goes to /proc now (acting on a plan); afterwards the request's
    reading starts again, since what was acted on has changed."""
    outer = _READING.get()
    token = _READING.set(None)
    try:
        yield
    finally:
        _READING.reset(token)
        if outer is not None:
            outer.forget()


class CpuWindow:
    """One CPU sampling window shared by many processes: opened by reading each one's CPU
    time, closed by reading it again. Each process's own interval is timed, so a long
    pass over /proc does not skew the figures."""

    def __init__(self, pids: Iterable[int]) -> None:
        self.opened = time.monotonic()
        self._first: dict[int, tuple[procfs.Stat, float]] = {}
        for pid in pids:
            stat = procfs.read_stat(pid)
            if stat is not None:
                self._first[pid] = (stat, time.monotonic())

    def usage(self, seconds: float) -> dict[int, float]:
        """Percent of one core each process used (as top shows it), at least ``seconds``
        after the window opened; a process that ended or whose pid was reused is left out."""
        left = seconds - (time.monotonic() - self.opened)
        if left > 0:
            time.sleep(left)
        usage: dict[int, float] = {}
        for pid, (before, read_at) in self._first.items():
            after = procfs.read_stat(pid)
            if after is None or after.start_ticks != before.start_ticks:
                continue
            elapsed = max(time.monotonic() - read_at, 1e-3)
            usage[pid] = round((after.cpu_seconds - before.cpu_seconds) / elapsed * 100, 1)
        return usage


def sample_cpu(pids: Iterable[int], seconds: float) -> dict[int, float]:
    """CPU use of each process over one window of ``seconds`` shared by all of them."""
    return CpuWindow(pids).usage(seconds)


def uss_of(pid: int) -> int | None:
    """Memory only this process uses (freed when it exits); None when not readable."""
    try:
        return int(psutil.Process(pid).memory_full_info().uss)
    except (psutil.Error, AttributeError):  # AttributeError: a platform without USS
        return None


def ancestor_pids(pid: int) -> list[int]:
    """The parent, grandparent, … of ``pid`` up to init, as far as they can be read."""
    chain: list[int] = []
    current = pid
    while current > 1:
        stat = procfs.read_stat(current)
        if stat is None:
            break
        current = stat.ppid
        if current <= 0 or current in chain:
            break
        chain.append(current)
    return chain


def children_first(processes: Iterable[ProcessInfo]) -> list[ProcessInfo]:
    """``processes`` ordered so that a child comes before its parent when both are listed."""
    by_pid = {p.pid: p for p in processes}

    def depth(info: ProcessInfo) -> int:
        level, parent, seen = 0, info.ppid, {info.pid}
        while parent in by_pid and parent not in seen:
            seen.add(parent)
            level += 1
            parent = by_pid[parent].ppid
        return level

    return sorted(by_pid.values(), key=lambda p: (-depth(p), p.create_time, p.pid))


def user_name(uid: int) -> str:
    """The login name of ``uid`` (the number itself when it has no passwd entry)."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def same_process(create_time: float, ref: ProcessRef) -> bool:
    """Whether a process created at ``create_time`` is the one ``ref`` pinned."""
    return abs(create_time - ref.create_time) <= SAME_PROCESS_TOLERANCE


def process_ref_from_json(data: Mapping[str, Any]) -> ProcessRef | None:
    """A ``ProcessRef`` back from ``ProcessRef.to_json()`` (journal undo records)."""
    pid, create_time = data.get("pid"), data.get("create_time")
    if not isinstance(pid, int) or isinstance(pid, bool) or not isinstance(create_time,
                                                                          int | float):
        return None
    cmdline = data.get("cmdline") or ()
    return ProcessRef(pid=pid, create_time=float(create_time), name=str(data.get("name", "?")),
                      username=data.get("user"), cmdline=tuple(str(a) for a in cmdline),
                      rss=data.get("rss"), uss=data.get("uss"))


def process_of_pid(pid: int) -> tuple[ProcessInfo | None, str, tuple[str, ...]]:
    """The process a typed pid names, how a plan describes it, and a note for a thread id.

    A thread id resolves to its process (signals and priorities reach the whole process,
    and protection is decided on it): "thread T of process P (name)".
    """
    group = thread_group(pid)
    if group is None or group == pid:
        return read_process(pid), f"with pid {pid}", ()
    info = read_process(group)
    if info is None:
        return None, f"with pid {pid}", ()
    where = f"thread {pid} of process {group} ({info.name})"
    return info, f"that thread {pid} belongs to", (
        f"pid {pid} is {where}: a signal or priority reaches the whole process",)
