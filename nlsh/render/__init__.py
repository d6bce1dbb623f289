"""Turning responses into what the terminal shows. Logic never prints; this package does.

Each answer ``kind`` has one view (``nlsh/builtin.py``, or a plugin's), imported lazily so
a one-shot request only loads the view it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.console import RenderableType

View = Callable[[Mapping[str, Any]], RenderableType]


def view_for(kind: str) -> View:
    """The view of answers of ``kind`` (the registry's views); KeyError for an unknown kind."""
    from nlsh import capabilities

    definition = capabilities.view(kind)
    if definition is None:
        raise KeyError(kind)
    return definition.view()
