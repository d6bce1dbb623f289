"""The plugin's manifest: what the ``nlsh.plugins`` entry point names.

Only loaders here (each imports its module when nlsh calls it), so importing this file
costs nothing; nlsh imports it only once one of this plugin's intents was understood.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nlsh.plugins import Plugin
from nlsh.registry import IntentDefinition, VerbDefinition, ViewDefinition

if TYPE_CHECKING:
    from nlsh.registry import Executor, Handler, Rule, View


def _plan_kill_session() -> Handler:
    from nlsh_tmux.answers import plan_kill_session

    return plan_kill_session


def _sessions_by_cpu() -> Handler:
    from nlsh_tmux.answers import sessions_by_cpu

    return sessions_by_cpu


def _kill_session() -> Executor:
    from nlsh_tmux.sessions import kill_session

    return kill_session


def _protect_own_session() -> Rule:
    from nlsh_tmux.policy import protect_own_session

    return protect_own_session


def _sessions_view() -> View:
    from nlsh_tmux.view import sessions_view

    return sessions_view


def _session_kind() -> type:
    from nlsh_tmux.sessions import TmuxSession

    return TmuxSession


PLUGIN = Plugin(
    description="tmux sessions: end one by name, compare them by CPU",
    definitions=(
        IntentDefinition("tmux.kill", _plan_kill_session, changes_system=True),
        IntentDefinition("tmux.top", _sessions_by_cpu, changes_system=False),
        VerbDefinition("tmux_kill_session", _session_kind(), _kill_session,
                       _protect_own_session),
        ViewDefinition("tmux_sessions", _sessions_view),
    ),
)
