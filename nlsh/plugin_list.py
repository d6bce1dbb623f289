"""``nlsh plugins``: what is installed in the ``nlsh.plugins`` group, and what each adds.

Listing imports each plugin (to name its verbs and views); a broken one is reported with
one warning line and listed as skipped, and nlsh goes on.
"""

from __future__ import annotations

from typing import IO

from nlsh import plugins
from nlsh.registry import Registry


def show_plugins(out: IO[str]) -> int:
    """Print one block per installed plugin; returns the exit status (always 0)."""
    if not plugins.enabled():
        out.write("Plugins are turned off (NLSH_PLUGINS=off).\n")
        return 0
    installed = plugins.installed()
    if not installed:
        out.write(f"No plugins installed (entry point group {plugins.GROUP!r}; "
                  "see docs/plugins.md).\n")
        return 0
    for plugin in installed:
        own = Registry()
        loaded = plugins.load_into(own, plugin)
        out.write(f"{plugin.name}  {plugin.distribution} {plugin.version}  "
                  f"({plugin.reference}){'' if loaded else '  skipped: broken'}\n")
        out.write(f"  intents: {', '.join(plugin.intents) or 'none'}\n")
        if loaded:
            out.write(f"  verbs: {', '.join(own.verbs) or 'none'}\n")
            out.write(f"  views: {', '.join(own.views) or 'none'}\n")
    return 0
