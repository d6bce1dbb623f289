"""Which code answers or plans each intent.

One entry per catalog intent, imported lazily so that a one-shot request loads only
the module it needs. A handler takes the parse and the context and returns an
``Answer`` (read-only intents), a ``Plan`` (intents that change the system) or a
``Reply`` (nothing to do, a question, a refusal).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from nlsh.context import Context
from nlsh.stages import Answer, Parse, Plan, Reply

Handler = Callable[[Parse, Context], Answer | Plan | Reply]

HANDLERS: dict[str, str] = {
    "process.list": "nlsh.answers.processes:list_processes",
    "process.find": "nlsh.answers.processes:find_processes",
    "process.kill": "nlsh.actions.kill:plan_kill",
    "process.suspend": "nlsh.actions.signals:plan_suspend",
    "process.resume": "nlsh.actions.signals:plan_resume",
    "process.renice": "nlsh.actions.priority:plan_renice",
    "process.ionice": "nlsh.actions.priority:plan_ionice",
    "memory.status": "nlsh.answers.memory:memory_status",
    "memory.free": "nlsh.actions.memory_free:plan_memory_free",
    "disk.usage": "nlsh.answers.disks:disk_usage",
    "disk.largest": "nlsh.answers.disks:disk_largest",
    "disk.cleanup": "nlsh.actions.cleanup:plan_cleanup",
    "file.find": "nlsh.answers.files:find_files",
    "network.connections": "nlsh.answers.network:network_connections",
    "system.status": "nlsh.answers.system:system_status",
    "system.diagnose": "nlsh.answers.diagnose:diagnose",
    "help": "nlsh.answers.help:show_help",
    "undo": "nlsh.actions.undo:plan_undo",
    "history": "nlsh.answers.history:show_history",
}

READ_ONLY = frozenset({
    "process.list", "process.find", "memory.status", "disk.usage", "disk.largest", "file.find",
    "network.connections", "system.status", "system.diagnose", "help", "history",
})


def handler_for(intent: str) -> Handler:
    """The handler for ``intent``; KeyError when the catalog has no such intent."""
    module_name, _, attribute = HANDLERS[intent].partition(":")
    handler: Handler = getattr(importlib.import_module(module_name), attribute)
    return handler
