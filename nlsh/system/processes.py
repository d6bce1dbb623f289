"""Processes as read from the live system: a race-tolerant snapshot, and names to find them by.

Every read tolerates a process that ends, turns into a zombie or refuses access while
it is being read: such a process is left out (ended) or keeps ``None`` for the fields
that could not be read. Names are matched literally (``*`` and ``?`` are characters,
never patterns), case-insensitively, against the process name, the executable's
basename, and the script an interpreter runs (``python manage.py`` → ``manage.py``).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import psutil

from nlsh.journal.redact import redact_argv
from nlsh.stages import ProcessRef

# Creation times count clock ticks (10 ms) since boot: the same process always reads the
# same; half a tick absorbs float rounding only.
SAME_PROCESS_TOLERANCE = 0.005

_ATTRS = ("pid", "ppid", "name", "exe", "cmdline", "username", "uids", "create_time",
          "status", "memory_info")

# What users call a family of programs; every name in a set also finds the others.
ALIASES: dict[str, frozenset[str]] = {
    "browser": frozenset({"firefox", "firefox-esr", "firefox-bin", "librewolf", "waterfox",
                          "chrome", "google-chrome", "google-chrome-stable", "chromium",
                          "chromium-browser", "brave", "brave-browser", "vivaldi",
                          "vivaldi-bin", "opera", "msedge", "microsoft-edge", "epiphany"}),
    "chrome": frozenset({"chrome", "google-chrome", "google-chrome-stable", "chromium",
                         "chromium-browser"}),
    "firefox": frozenset({"firefox", "firefox-esr", "firefox-bin"}),
    "edge": frozenset({"msedge", "microsoft-edge"}),
    "brave": frozenset({"brave", "brave-browser"}),
    "code": frozenset({"code", "code-oss", "codium"}),
    "vscode": frozenset({"code", "code-oss", "codium"}),
    "node": frozenset({"node", "nodejs"}),
    "postgres": frozenset({"postgres", "postmaster"}),
    "postgresql": frozenset({"postgres", "postmaster"}),
    "mysql": frozenset({"mysqld", "mariadbd"}),
    "redis": frozenset({"redis-server"}),
    "docker": frozenset({"dockerd", "docker"}),
}
ALIASES["chromium"] = ALIASES["chrome"]

# Interpreters whose script, not the interpreter, names the program.
_INTERPRETER = re.compile(r"^(python|pypy|node|nodejs|deno|bun|ruby|perl|php|lua|java|bash|sh|"
                          r"dash|zsh|ksh|fish|tclsh|rscript|osascript)(\d[\d.]*)?$")
_VERSIONED = re.compile(r"^(python|pypy|ruby|perl|php|lua|node)(\d)[\d.]*$")
_NO_SCRIPT = {"-c", "-e", "--eval", "-p", "--print", "-i"}
_TAKES_VALUE = {"-cp", "-classpath", "--class-path", "-W", "-X", "-r", "--require", "-I"}


@dataclass(frozen=True)
class ProcessInfo:
    """One process at the moment it was read; ``None`` fields could not be read."""

    pid: int
    ppid: int | None
    name: str
    exe: str | None
    cmdline: tuple[str, ...]
    username: str | None
    uid: int | None
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
                          rss=self.rss, uss=uss, ppid=self.ppid, status=self.status)


def _basename(path: str) -> str:
    path = path.removesuffix(" (deleted)")  # the executable was replaced on disk (upgrades)
    if ": " in path:  # argv rewritten as "nginx: worker process", "sshd: alice@pts/0"
        path = path.split(": ", 1)[0]
    return os.path.basename(path).strip()


def _script(cmdline: tuple[str, ...]) -> str | None:
    """The script or module an interpreter command line runs, if any."""
    args = iter(cmdline[1:])
    for arg in args:
        if arg in _NO_SCRIPT:
            return None
        if arg in ("-m", "-jar"):
            return next(args, None)
        if arg in _TAKES_VALUE:
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def _interpreter(name: str, exe: str | None, cmdline: tuple[str, ...]) -> bool:
    candidates = [name, _basename(exe) if exe else "", _basename(cmdline[0]) if cmdline else ""]
    return any(_INTERPRETER.match(c.lower()) for c in candidates if c)


def _plausible(program: str) -> bool:
    """False for names of anonymous executables (run from a memfd or a bare descriptor)."""
    return bool(program) and not program.isdigit() and not program.startswith("memfd:")


def names_of(name: str, exe: str | None, cmdline: tuple[str, ...],
             loose: bool = True) -> frozenset[str]:
    """Every lower-case name a user may call this process by.

    ``loose`` adds what users say but programs are not called: a script without its
    extension (``backup`` for ``backup.sh``) and an interpreter without its version.
    """
    found = {name.lower()}
    if exe:
        found.add(_basename(exe).lower())
    if cmdline and cmdline[0]:
        found.add(_basename(cmdline[0]).lower())
    for candidate in list(found):
        versioned = _VERSIONED.match(candidate)
        if versioned and loose:  # python3.11 is also python3 and python
            found.update({versioned.group(1), versioned.group(1) + versioned.group(2)})
    if _interpreter(name, exe, cmdline):
        script = _script(cmdline)
        if script and _plausible(_basename(script)):
            base = _basename(script).lower()
            found.add(base)
            if loose:
                found.add(os.path.splitext(base)[0])
    found.discard("")
    return frozenset(found)


def app_name_of(name: str, exe: str | None, cmdline: tuple[str, ...]) -> str:
    if _interpreter(name, exe, cmdline):
        script = _script(cmdline)
        if script and _plausible(_basename(script)):
            return _basename(script)
    for candidate in (exe, cmdline[0] if cmdline else None):
        if candidate and _plausible(_basename(candidate)):
            return _basename(candidate)
    return name


def wanted_names(wanted: str) -> frozenset[str]:
    """The names that ``wanted`` (as the user said it) stands for, aliases included."""
    key = wanted.strip().lower()
    return ALIASES.get(key, frozenset()) | {key}


def matches(info: ProcessInfo, wanted: str) -> bool:
    """Whether ``info`` is the program ``wanted``; literal, never a pattern.

    Several words (``python manage.py``) must each name the process.
    """
    names = info.names
    words = wanted.split()
    if len(words) > 1:
        return all(wanted_names(word) & names for word in words)
    return bool(wanted_names(wanted) & names)


def _info(raw: Mapping[str, Any]) -> ProcessInfo | None:
    create_time = raw.get("create_time")
    if create_time is None:
        return None  # without a creation time its identity cannot be pinned
    uids = raw.get("uids")
    memory = raw.get("memory_info")
    return ProcessInfo(
        pid=int(raw["pid"]),
        ppid=raw.get("ppid"),
        name=raw.get("name") or "?",
        exe=raw.get("exe") or None,
        cmdline=tuple(raw.get("cmdline") or ()),
        username=raw.get("username"),
        uid=getattr(uids, "real", None),
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


def snapshot() -> dict[int, ProcessInfo]:
    """Every process readable now, by pid; processes that end meanwhile are left out."""
    found: dict[int, ProcessInfo] = {}
    for process in psutil.process_iter():
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
