"""Which code answers or plans each intent (the registry's intents, ``nlsh/builtin.py``).

A handler takes the parse and the context and returns an ``Answer`` (read-only intents),
a ``Plan`` (intents that change the system) or a ``Reply`` (nothing to do, a question, a
refusal). Handlers are imported lazily: a one-shot request loads only the one it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nlsh import capabilities

if TYPE_CHECKING:
    from nlsh.registry import Handler


def handler_for(intent: str) -> Handler:
    """The handler for ``intent``; KeyError when no definition (core or plugin) has it."""
    definition = capabilities.intent(intent)
    if definition is None:
        raise KeyError(intent)
    return definition.handler()


def changes_system(intent: str) -> bool:
    """Whether ``intent`` may change the system: the one place this is decided."""
    definition = capabilities.intent(intent)
    return definition is not None and definition.changes_system
