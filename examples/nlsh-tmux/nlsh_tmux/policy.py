"""rule tmux-own-session: nlsh never ends the tmux session it is running in.

(nlsh's core protections still apply to every plan; this checker is the one the
``tmux_kill_session`` verb declares.)
"""

from __future__ import annotations

import os

from nlsh.context import Context
from nlsh.stages import Plan, Reply, Status

from nlsh_tmux.sessions import TmuxSession, _tmux

RULE = "tmux-own-session"


def _own_session() -> str | None:
    if not os.environ.get("TMUX"):
        return None
    done = _tmux("display-message", "-p", "#{session_id}")
    return done.stdout.strip() or None if done.returncode == 0 else None


def protect_own_session(plan: Plan, ctx: Context) -> Plan | Reply:
    """rule: tmux-own-session."""
    sessions = [s.target for s in plan.steps if isinstance(s.target, TmuxSession)]
    if not sessions:
        return plan
    own = _own_session()
    for session in sessions:
        if session.session_id == own:
            return Reply(Status.REFUSED, f"Refused: nlsh is running inside the tmux session "
                         f"{session.name!r}; end it from outside", rule=RULE)
    return plan
