"""Raw ``/proc`` reads: the fields a request needs, for every process, at ``ps`` speed.

psutil reads a process with many small calls, each opening files and building objects;
over 10,000 processes that is seconds. These readers open only the files a request needs
(``stat`` for name, state, parent, CPU time, start time and RSS; ``status`` for the owner;
``cmdline`` and ``exe`` only when names are compared) and give the same values psutil
would: the same creation time (boot time + start ticks), the same 15-character name
extended from the command line, the same *real* uid as owner, the same command-line
splitting. A process that ends while it is read is left out; a field it refuses is None.
"""

from __future__ import annotations

import functools
import os
import pwd
import sys
from dataclasses import dataclass

PROC = "/proc"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_ENCODING = sys.getfilesystemencoding()
_ERRORS = sys.getfilesystemencodeerrors()
_DELETED = " (deleted)"

# The state letter in /proc/PID/stat, as psutil names it (psutil.STATUS_*).
STATES = {"R": "running", "S": "sleeping", "D": "disk-sleep", "T": "stopped",
          "t": "tracing-stop", "Z": "zombie", "X": "dead", "x": "dead", "K": "wake-kill",
          "W": "waking", "I": "idle", "P": "parked"}


@dataclass(frozen=True)
class Stat:
    """What ``/proc/PID/stat`` says about one process."""

    pid: int
    comm: str
    status: str
    ppid: int
    cpu_ticks: int  # user + system, in clock ticks
    start_ticks: int  # since boot, in clock ticks
    rss: int  # bytes, approximate (per-CPU counters); ``Status.rss`` is exact

    @property
    def create_time(self) -> float:
        """Seconds since the epoch, exactly as psutil computes it."""
        return self.start_ticks / CLOCK_TICKS + boot_time()

    @property
    def cpu_seconds(self) -> float:
        return self.cpu_ticks / CLOCK_TICKS


@functools.cache
def boot_time() -> float:
    """``btime`` from /proc/stat, read once per nlsh process (so every creation time this
    process computes uses the same boot time, even if the wall clock is stepped)."""
    with open(f"{PROC}/stat", "rb") as handle:
        for line in handle:
            if line.startswith(b"btime"):
                return float(line.split()[1])
    raise OSError("no btime in /proc/stat")


def pids(proc: str = PROC) -> list[int]:
    """Every process id listed in ``/proc`` now (thread ids are not listed)."""
    try:
        return [int(name) for name in os.listdir(proc) if name.isdigit()]
    except OSError:
        return []


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb", buffering=0) as handle:
            return handle.read()
    except OSError:
        return None


def read_stat(pid: int, proc: str = PROC) -> Stat | None:
    """``/proc/PID/stat`` parsed; None when the process is gone."""
    data = _read(f"{proc}/{pid}/stat")
    if not data:
        return None
    right = data.rfind(b")")
    fields = data[right + 2:].split()
    try:
        return Stat(pid=pid, comm=data[data.find(b"(") + 1:right].decode(_ENCODING, _ERRORS),
                    status=STATES.get(fields[0].decode("ascii", "replace"), "?"),
                    ppid=int(fields[1]), cpu_ticks=int(fields[11]) + int(fields[12]),
                    start_ticks=int(fields[19]), rss=int(fields[21]) * PAGE_SIZE)
    except (IndexError, ValueError):
        return None


@dataclass(frozen=True)
class Status:
    """What ``/proc/PID/status`` says about one process (or thread)."""

    real_uid: int | None
    thread_group: int | None
    rss: int  # bytes, exact (the kernel's RSS in stat is an approximate counter)


def _field(data: bytes, key: bytes) -> bytes | None:
    start = data.find(b"\n" + key)
    if start < 0:
        return None
    start += len(key) + 1
    end = data.find(b"\n", start)
    return data[start:end if end >= 0 else len(data)]


def read_status(pid: int, proc: str = PROC) -> Status | None:
    """``/proc/PID/status`` parsed; None when the process is gone."""
    data = _read(f"{proc}/{pid}/status")
    if data is None:
        return None
    uid, tgid, rss = _field(data, b"Uid:"), _field(data, b"Tgid:"), _field(data, b"VmRSS:")
    try:
        return Status(real_uid=int(uid.split()[0]) if uid else None,
                      thread_group=int(tgid) if tgid else None,
                      rss=int(rss.split()[0]) * 1024 if rss else 0)  # no VmRSS: a kernel thread
    except (ValueError, IndexError):
        return None


def status_number(pid: int, key: str, proc: str = PROC) -> int | None:
    """One number of ``/proc/PID/status`` (``VmSwap`` in bytes, ``Threads`` as a count);
    None when the process is gone or has no such line (a kernel thread has no VmSwap)."""
    data = _read(f"{proc}/{pid}/status")
    value = _field(data, key.encode() + b":") if data is not None else None
    try:
        words = value.split() if value is not None else []
        number = int(words[0]) if words else None
    except ValueError:
        return None
    if number is not None and len(words) > 1 and words[1] == b"kB":
        number *= 1024
    return number


def open_fds(pid: int, proc: str = PROC) -> int | None:
    """How many file descriptors the process has open; None when not readable (another
    user's process) or gone."""
    try:
        return len(os.listdir(f"{proc}/{pid}/fd"))
    except OSError:
        return None


def thread_group_of(pid: int, proc: str = PROC) -> int | None:
    """The Tgid (process) that ``pid`` belongs to; None when it does not exist."""
    status = read_status(pid, proc)
    return status.thread_group if status is not None else None


def read_rss(pid: int, proc: str = PROC) -> int | None:
    """The exact RSS of ``pid`` in bytes (``statm``, as psutil's ``memory_info``); None
    when the process is gone."""
    data = _read(f"{proc}/{pid}/statm")
    try:
        return int(data.split()[1]) * PAGE_SIZE if data else None
    except (IndexError, ValueError):
        return None


def read_io(pid: int, proc: str = PROC) -> tuple[int, int] | None:
    """Bytes the process made the storage layer read and write (``/proc/PID/io``,
    ``read_bytes``/``write_bytes``, as psutil's ``io_counters``); None when not readable
    (another user's process)."""
    data = _read(f"{proc}/{pid}/io")
    if data is None:
        return None
    read, written = _field(data, b"read_bytes:"), _field(data, b"write_bytes:")
    try:
        return (int(read), int(written)) if read is not None and written is not None else None
    except ValueError:
        return None


def cmdline(pid: int, proc: str = PROC) -> tuple[str, ...] | None:
    """The command line split as psutil splits it; None when the process is gone."""
    raw = _read(f"{proc}/{pid}/cmdline")
    if raw is None:
        return None
    data = raw.decode(_ENCODING, _ERRORS)
    if not data:
        return ()
    separator = "\0" if data.endswith("\0") else " "
    data = data.removesuffix(separator)
    parts = data.split(separator)
    if separator == "\0" and len(parts) == 1 and " " in data:
        parts = data.split(" ")  # a process that rewrote its title with spaces
    return tuple(parts)


def exe(pid: int, argv: tuple[str, ...], proc: str = PROC) -> str | None:
    """The executable as psutil reports it: the link target, else (when the link may not
    be read) the command's absolute path if it is an executable file; None when unknown."""
    try:
        path = os.readlink(f"{proc}/{pid}/exe").split("\0")[0]
    except PermissionError:
        path = ""
    except OSError:
        return None
    if path.endswith(_DELETED) and not os.path.exists(path):
        path = path[:-len(_DELETED)]
    if not path and argv:
        first = argv[0]
        if os.path.isabs(first) and os.path.isfile(first) and os.access(first, os.X_OK):
            return first
    return path or None


def full_name(comm: str, argv: tuple[str, ...]) -> str:
    """The kernel keeps 15 characters of a name; psutil (and so nlsh) takes the whole name
    from the command line when it starts with those 15."""
    if len(comm) >= 15 and argv:
        extended = os.path.basename(argv[0])
        if extended.startswith(comm):
            return extended
    return comm


@functools.lru_cache(maxsize=4096)
def user_of(uid: int) -> str:
    """The login name of ``uid``, looked up once per uid (the number when it has none)."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)
