"""The plugin's handlers: ``(Parse, Context) -> Answer | Plan | Reply``; they never act."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import psutil

from nlsh.context import Context
from nlsh.stages import Answer, Parse, Plan, Reply, Risk, Status, Step
from nlsh_tmux.sessions import list_sessions, session_processes


def plan_kill_session(parse: Parse, ctx: Context) -> Plan | Reply:
    name = parse.slots.get("session")
    if not isinstance(name, str) or not name:
        return Reply(Status.CLARIFY, "Which tmux session? Say its name, e.g. 'kill the tmux "
                     "session called build'")
    sessions = list_sessions()
    matching = [s for s in sessions if s.name.lower() == name.lower()]
    if not matching:
        known = ", ".join(sorted(s.name for s in sessions)) or "none"
        return Reply(Status.NOTHING_TO_DO, f"No tmux session is called {name!r} "
                     f"(sessions: {known}); nothing was done")
    session = matching[0]
    programs = len(session_processes(session))
    step = Step(action="tmux_kill_session", target=session,
                detail=f"{session.windows} window(s), {programs} program(s) in its panes")
    return Plan(intent="tmux.kill", summary=f"End the tmux session {session.name!r}",
                steps=(step,), risk=Risk.MEDIUM, reversible=False)


def sessions_by_cpu(parse: Parse, ctx: Context) -> Answer | Reply:
    sessions = list_sessions()
    if not sessions:
        return Reply(Status.NOTHING_TO_DO, "No tmux server is running; nothing to compare")
    processes = {s.session_id: session_processes(s) for s in sessions}
    for group in processes.values():
        for process in group:
            with contextlib.suppress(psutil.Error):
                process.cpu_percent(None)  # the first reading starts the interval
    time.sleep(0.5)
    rows: list[dict[str, Any]] = []
    for session in sessions:
        cpu = 0.0
        for process in processes[session.session_id]:
            try:
                cpu += process.cpu_percent(None)
            except psutil.Error:
                continue
        rows.append({"session": session.name, "cpu_percent": round(cpu, 1),
                     "windows": session.windows,
                     "programs": len(processes[session.session_id])})
    rows.sort(key=lambda r: (-float(r["cpu_percent"]), str(r["session"])))
    top = rows[0]
    return Answer(kind="tmux_sessions",
                  message=f"tmux session {top['session']!r} uses the most CPU "
                          f"({top['cpu_percent']}%)",
                  result={"sessions": rows})
