"""tmux sessions read from the tmux server, and the one verb that changes them.

tmux is run with an argument list, never a shell string. The server is the one tmux
itself would use (``$TMUX_TMPDIR``, ``$TMUX``).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import psutil

from nlsh.context import Context
from nlsh.stages import Step, StepResult, StepStatus

_FORMAT = "#{session_id}\t#{session_created}\t#{session_windows}\t#{session_name}"


@dataclass(frozen=True)
class TmuxSession:
    """A session as it was when the plan was made; id + creation time pin its identity."""

    session_id: str  # "$3"
    created: int
    name: str
    windows: int

    def label(self) -> str:
        return f"tmux {self.name}"

    def to_json(self) -> dict[str, Any]:
        return {"session": self.name, "session_id": self.session_id,
                "created": self.created, "windows": self.windows}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TmuxSession:
        return cls(session_id=str(data["session_id"]), created=int(data["created"]),
                   name=str(data["session"]), windows=int(data["windows"]))


def _tmux(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("tmux")
    if binary is None:
        raise FileNotFoundError("tmux is not installed")
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=10,
                          stdin=subprocess.DEVNULL)


def list_sessions() -> list[TmuxSession]:
    """Every session of the tmux server; empty when there is no server (or no tmux)."""
    try:
        done = _tmux("list-sessions", "-F", _FORMAT)
    except (OSError, subprocess.TimeoutExpired):
        return []
    sessions = []
    for line in done.stdout.splitlines() if done.returncode == 0 else []:
        session_id, created, windows, name = line.split("\t", 3)
        sessions.append(TmuxSession(session_id, int(created), name, int(windows)))
    return sessions


def pane_pids(session: TmuxSession) -> list[int]:
    try:
        done = _tmux("list-panes", "-s", "-t", session.session_id, "-F", "#{pane_pid}")
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [int(p) for p in done.stdout.split() if p.isdigit()] if done.returncode == 0 else []


def session_processes(session: TmuxSession) -> list[psutil.Process]:
    """The programs running in the session's panes, with their children."""
    found: list[psutil.Process] = []
    for pid in pane_pids(session):
        try:
            pane = psutil.Process(pid)
            found += [pane, *pane.children(recursive=True)]
        except psutil.Error:
            continue
    return found


def kill_session(step: Step, ctx: Context) -> StepResult:
    """Executor of ``tmux_kill_session``: re-checks the session's identity, then kills it."""
    planned = step.target
    if not isinstance(planned, TmuxSession):
        return StepResult(step, StepStatus.FAILED, "not a tmux session")
    live = next((s for s in list_sessions() if s.session_id == planned.session_id), None)
    if live is None or live.created != planned.created:
        return StepResult(step, StepStatus.SKIPPED, "the session is gone (or was replaced)")
    done = _tmux("kill-session", "-t", planned.session_id)
    if done.returncode != 0:
        return StepResult(step, StepStatus.FAILED,
                          done.stderr.strip() or f"tmux exited with {done.returncode}")
    return StepResult(step, StepStatus.DONE, f"ended {planned.windows} window(s)")
