"""Turning responses into what the terminal shows. Logic never prints; this package does.

Each answer ``kind`` has one view function, imported lazily so a one-shot request only
loads the view it shows.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from rich.console import RenderableType

View = Callable[[Mapping[str, Any]], RenderableType]

VIEWS: dict[str, str] = {
    "process_table": "nlsh.render.processes:process_table",
    "memory": "nlsh.render.memory:memory_view",
    "disk_usage": "nlsh.render.disks:disk_usage_view",
    "disk_largest": "nlsh.render.disks:disk_largest_view",
    "file_find": "nlsh.render.files:file_find_view",
    "found_total": "nlsh.render.files:found_total_view",
    "found_folders": "nlsh.render.files:found_folders_view",
    "connections": "nlsh.render.network:connections_view",
    "system_status": "nlsh.render.system:system_status_view",
    "diagnosis": "nlsh.render.diagnosis:diagnosis_view",
    "help": "nlsh.render.help:help_view",
    "history": "nlsh.render.history:history_view",
    "would": "nlsh.render.question:would_view",
}


def view_for(kind: str) -> View:
    module_name, _, attribute = VIEWS[kind].partition(":")
    view: View = getattr(importlib.import_module(module_name), attribute)
    return view
