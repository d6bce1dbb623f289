"""rule tmux-own-session: nlsh never ends the tmux session it is running in.

The session nlsh runs in is the one with a pane whose program is an ancestor of nlsh
(read from the process tree, not from ``$TMUX``, which a program can change). nlsh's core
protections still apply to every plan; this checker is the one the ``tmux_kill_session``
verb declares.
"""

from __future__ import annotations

import psutil

from nlsh.context import Context
from nlsh.stages import Plan, Reply, Status
from nlsh_tmux.sessions import TmuxSession, pane_pids

RULE = "tmux-own-session"


def _ancestors() -> set[int]:
    try:
        return {p.pid for p in psutil.Process().parents()}
    except psutil.Error:
        return set()


def protect_own_session(plan: Plan, ctx: Context) -> Plan | Reply:
    """rule: tmux-own-session."""
    sessions = [s.target for s in plan.steps if isinstance(s.target, TmuxSession)]
    if not sessions:
        return plan
    ancestors = _ancestors()
    for session in sessions:
        if ancestors & set(pane_pids(session)):
            return Reply(Status.REFUSED, f"Refused: nlsh is running inside the tmux session "
                         f"{session.name!r}; end it from outside", rule=RULE)
    return plan
