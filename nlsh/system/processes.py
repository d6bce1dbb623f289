"""Processes as read from the live system: a race-tolerant snapshot and typed values.

Every read tolerates a process that ends, turns into a zombie or refuses access while
it is being read: such a process is left out (ended) or keeps ``None`` for the fields
that could not be read. How processes are named and matched is in ``names.py``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import psutil

from nlsh.journal.redact import redact_argv
from nlsh.stages import ProcessRef
from nlsh.system.names import app_name_of, names_match, names_of, wanted_names

# Creation times count clock ticks (10 ms) since boot: the same process always reads the
# same; half a tick absorbs float rounding only.
SAME_PROCESS_TOLERANCE = 0.005

__all__ = [
    "ProcessInfo",
    "ancestor_pids",
    "children_first",
    "matches",
    "named_processes",
    "process_of_pid",
    "process_ref_from_json",
    "raw_processes",
    "read_info",
    "read_process",
    "same_process",
    "sample_cpu",
    "snapshot",
    "thread_group",
    "user_exists",
    "user_name",
    "uss_of",
]

_ATTRS = ("pid", "ppid", "name", "exe", "cmdline", "username", "create_time", "status",
          "memory_info")

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

    @property
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


def _info(raw: Mapping[str, Any]) -> ProcessInfo | None:
    create_time = raw.get("create_time")
    if create_time is None:
        return None  # without a creation time its identity cannot be pinned
    memory = raw.get("memory_info")
    return ProcessInfo(
        pid=int(raw["pid"]),
        ppid=raw.get("ppid"),
        name=raw.get("name") or "?",
        exe=raw.get("exe") or None,
        cmdline=tuple(raw.get("cmdline") or ()),
        username=raw.get("username"),
        create_time=float(create_time),
        status=raw.get("status"),
        rss=getattr(memory, "rss", None),
    )


def read_info(process: psutil.Process) -> ProcessInfo | None:
    """``process`` read now; None when it has ended."""
    try:
        return _info(process.as_dict(attrs=list(_ATTRS), ad_value=None))
    except psutil.NoSuchProcess:
        return None


def read_process(pid: int) -> ProcessInfo | None:
    """The process with ``pid`` now; None when there is none."""
    try:
        return read_info(psutil.Process(pid))
    except (psutil.NoSuchProcess, ValueError):  # ValueError: a negative pid
        return None


def thread_group(pid: int, proc: str = "/proc") -> int | None:
    """The process (thread group) that ``pid`` belongs to; ``pid`` itself for a process.

    Thread ids live in /proc too, hidden from listings, and kill() on one signals its whole
    process: a thread id must be checked and shown as the process it belongs to.
    None when ``pid`` does not exist (or its status cannot be read).
    """
    try:
        with open(f"{proc}/{int(pid)}/status", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("Tgid:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


# What telling processes apart by name or owner needs: cheap to read for every process.
_NAMING_ATTRS = ["name", "exe", "cmdline", "username"]


@dataclass(frozen=True)
class RawProcess:
    """The few /proc fields that tell programs apart, read without psutil (fast)."""

    pid: int
    comm: str
    cmdline: tuple[str, ...]
    exe: str | None

    @property
    def text(self) -> str:
        return " ".join((self.comm, self.exe or "", *self.cmdline)).lower()


def raw_processes(proc: str = "/proc") -> list[RawProcess]:
    """Every process's comm, command line and executable, straight from ``/proc``.

    A fifth of what psutil takes for the same fields; used to find candidates, which are
    then read properly (psutil) before anything is decided about them.
    """
    found: list[RawProcess] = []
    try:
        entries = os.scandir(proc)
    except OSError:
        return found
    with entries:
        for entry in entries:
            if not entry.name.isdigit():
                continue
            base = f"{proc}/{entry.name}"
            try:
                with open(f"{base}/comm", "rb") as handle:
                    comm = handle.read().decode("utf-8", "replace").rstrip("\n")
                with open(f"{base}/cmdline", "rb") as handle:
                    argv = handle.read().decode("utf-8", "replace")
            except OSError:
                continue
            try:
                exe: str | None = os.readlink(f"{base}/exe")
            except OSError:
                exe = None
            found.append(RawProcess(int(entry.name), comm,
                                    tuple(argv.rstrip("\0").split("\0")) if argv else (), exe))
    return found


def named_processes(wanted: str, seen: set[str] | None = None) -> dict[int, ProcessInfo]:
    """The processes that are the program ``wanted`` (``names.names_match``).

    Only processes whose comm, command line or executable contains one of the names
    ``wanted`` stands for can match (every name a process is known by is a piece of
    those), so only they are read in full. ``seen`` collects every name looked at.
    """
    needles = [n for word in wanted.split() for n in wanted_names(word)]
    found: dict[int, ProcessInfo] = {}
    for raw in raw_processes():
        if seen is not None:
            seen.update(names_of(raw.comm, raw.exe, raw.cmdline))
        if not any(needle in raw.text for needle in needles):
            continue
        info = read_process(raw.pid)
        if info is not None and matches(info, wanted):
            found[info.pid] = info
    return found


def snapshot(keep: Callable[[Mapping[str, Any]], bool] | None = None) -> dict[int, ProcessInfo]:
    """Every process readable now, by pid; processes that end meanwhile are left out.

    ``keep`` sees each process's name, exe, cmdline and username first, so a search for
    one program reads everything else only for the processes that may be it.
    """
    found: dict[int, ProcessInfo] = {}
    for process in psutil.process_iter(_NAMING_ATTRS if keep else None, ad_value=None):
        if keep is not None and not keep(process.info):
            continue
        info = read_info(process)
        if info is not None:
            found[info.pid] = info
    return found


def sample_cpu(pids: Iterable[int], seconds: float) -> dict[int, float]:
    """CPU use of each process over ``seconds`` (percent of one core, as top shows it)."""
    processes: dict[int, psutil.Process] = {}
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(pid)
            process.cpu_percent(None)  # the first call only starts the measurement
            processes[pid] = process
    time.sleep(seconds)
    usage: dict[int, float] = {}
    for pid, process in processes.items():
        with contextlib.suppress(psutil.Error):
            usage[pid] = process.cpu_percent(None)
    return usage


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
        try:
            current = psutil.Process(current).ppid()
        except psutil.Error:
            break
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
