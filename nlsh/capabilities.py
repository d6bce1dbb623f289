"""The live registry: nlsh's own definitions, plus plugins loaded when first needed.

A plugin is imported when one of its intents was understood (``intent``), or when a verb
or view no loaded definition provides is asked for (an undo of a plugin's action, say):
then every installed plugin not loaded yet is tried, each once.
"""

from __future__ import annotations

from functools import cache

from nlsh import plugins
from nlsh.registry import IntentDefinition, Registry, VerbDefinition, ViewDefinition


@cache
def registry() -> Registry:
    """nlsh's own definitions (plugins join it as they are loaded)."""
    from nlsh.builtin import DEFINITIONS

    core = Registry()
    core.add_all(DEFINITIONS)
    return core


def intent(name: str) -> IntentDefinition | None:
    """The definition of intent ``name``, loading the plugin that provides it if needed."""
    found = registry().intents.get(name)
    if found is None:
        owner = plugins.owner_of_intent(name)
        if owner is not None and plugins.load_into(registry(), owner):
            found = registry().intents.get(name)
    return found


def verb(name: str) -> VerbDefinition | None:
    found = registry().verbs.get(name)
    if found is None:
        _load_every_plugin()
        found = registry().verbs.get(name)
    return found


def view(kind: str) -> ViewDefinition | None:
    found = registry().views.get(kind)
    if found is None:
        _load_every_plugin()
        found = registry().views.get(kind)
    return found


def _load_every_plugin() -> None:
    for plugin in plugins.installed():
        plugins.load_into(registry(), plugin)
