"""The follow-ups a finding may suggest: typed requests, not sentences to read again.

Each ``FollowUp`` carries the intent and slots it runs, and the process it acts on as a
typed reference (pid + creation time), so "do 1" acts on exactly the process the finding
named: no process name goes back through the language model (a process named "clear
cache" cannot turn a suggestion into a cleanup). ``sentence`` is only what is shown.
Rules build suggestions only through these functions and constants.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class Named(Protocol):
    """A process as a finding saw it (a ``ProcessSample``)."""

    @property
    def pid(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def create_time(self) -> float | None: ...


@dataclass(frozen=True)
class FollowUp:
    """A request a finding offers: shown as ``sentence``, run as ``intent`` + ``slots``.

    ``pid`` and ``create_time`` pin the one process it acts on (None: no process).
    """

    sentence: str
    intent: str
    slots: Mapping[str, int | str | bool] = field(default_factory=dict)
    pid: int | None = None
    create_time: float | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"intent": self.intent, "slots": dict(self.slots)}
        if self.pid is not None:
            data["target"] = {"pid": self.pid, "create_time": self.create_time}
        return data


@dataclass(frozen=True)
class Seen:
    """A process known by pid and name (and creation time, where it was read)."""

    pid: int
    name: str
    create_time: float | None = None


def _on(process: Named, sentence: str, intent: str, **slots: int | str | bool) -> FollowUp:
    return FollowUp(sentence, intent, {"pid": process.pid, **slots}, process.pid,
                    process.create_time)


def lower_priority(process: Named) -> FollowUp:
    return _on(process, f"lower the priority of {process.name.lower()}", "process.renice",
               priority="low")


def lower_io_priority(process: Named) -> FollowUp:
    return _on(process, f"lower the io priority of {process.name.lower()}", "process.ionice",
               ioclass="idle")


def kill_pid(process: Named) -> FollowUp:
    return _on(process, f"kill pid {process.pid}", "process.kill")


def show_process(process: Named) -> FollowUp:
    return _on(process, f"show process {process.pid}", "process.find")


def what_takes_space(mountpoint: str) -> FollowUp:
    return FollowUp(f"what is taking space in {mountpoint}", "disk.largest",
                    {"path": mountpoint})


FREE_MEMORY = FollowUp("free up memory", "memory.free")
TOP_CPU = FollowUp("show processes using the most cpu", "process.list", {"sort_by": "cpu"})
TOP_IO = FollowUp("show processes doing the most disk io", "process.list", {"sort_by": "io"})
TOP_MEMORY = FollowUp("show processes using the most memory", "process.list",
                      {"sort_by": "memory"})
CLEAN_UP_DISK = FollowUp("clean up disk space", "disk.cleanup")
SHOW_TEMPERATURE = FollowUp("show the temperature", "system.status", {"topic": "temperature"})


def offer(follow_up: FollowUp) -> dict[str, Any]:
    """A finding's ``suggestion`` and ``follow_up`` fields for ``follow_up``."""
    return {"suggestion": follow_up.sentence, "follow_up": follow_up}
