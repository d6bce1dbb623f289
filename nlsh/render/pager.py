"""A long answer in a terminal goes through the user's pager, as git does.

The pager is the configured one (``pager.command``), else ``$PAGER`` (``less`` when
unset, with ``LESS=FRX`` unless the user set ``LESS``: quit if one screen, keep colours,
leave the text on screen). It is the user's
own program, split like a command line and started without a shell; if it cannot be
started, the answer is printed as it is.
"""

from __future__ import annotations

import os
import shlex
import subprocess

from rich.console import Console, RenderableType


def show(console: Console, renderable: RenderableType, pager: str = "") -> None:
    """Print ``renderable``; page it when it is taller than the terminal. ``pager`` is the
    configured command ("" for ``$PAGER`` or less, "off" for never)."""
    if not console.is_terminal or pager.lower() == "off":
        console.print(renderable)
        return
    with console.capture() as captured:
        console.print(renderable)
    output = captured.get()
    if output.count("\n") < console.size.height - 1 or not _page(output, pager):
        console.file.write(output)
        console.file.flush()


def _page(output: str, pager: str) -> bool:
    try:
        argv = shlex.split(pager or os.environ.get("PAGER") or "less")
    except ValueError:
        return False
    if not argv or argv[0] == "cat":
        return False
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    try:
        child = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    try:
        child.communicate(output.encode("utf-8", errors="replace"))
    except (BrokenPipeError, KeyboardInterrupt):  # the user quit the pager early
        child.wait()
    return True
