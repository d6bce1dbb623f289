"""Render a view the way a terminal would show it, as plain text tests can read."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType

# What a hostile process name or file name could hold: a clear-screen escape and markup.
HOSTILE = "evil\x1b[2J[bold]name"
HOSTILE_SHOWN = "evil\\e[2J[bold]name"


def render_text(renderable: RenderableType, width: int = 120) -> str:
    """What ``renderable`` prints on a 120-column console without colour."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, highlight=False).print(renderable)
    return buffer.getvalue()


def assert_shown_escaped(output: str) -> None:
    """The hostile string appears escaped, and no raw escape character reached the output."""
    assert HOSTILE_SHOWN in output, output
    assert "\x1b" not in output
