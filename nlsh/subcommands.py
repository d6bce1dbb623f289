"""The few command words nlsh reads before it reads a sentence: ``init`` and ``config``.

The rule, so that no sentence is taken for a command by surprise: the words after nlsh's
options must be exactly

* ``config``, then only ``--`` options (``--json``), or
* ``init`` followed by one word (the shell), then only ``--`` options of ``init``;
  ``init`` alone is asked about too.

Everything else is a sentence: ``nlsh init the database``, ``nlsh "config files using
disk"`` and ``nlsh kill bash`` go to the language layer as before. A shell word that nlsh
has no snippet for (``nlsh init tcsh``) is a usage error naming the ones it has.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from nlsh.errors import ExitStatus, UsageError

if TYPE_CHECKING:
    from nlsh.cli import Options

INIT_OPTIONS = ("--not-found", "--no-not-found", "--key=KEY")


def route(words: Sequence[str], options: Options) -> ExitStatus | None:
    """Run the subcommand ``words`` name and return its exit status; None for a sentence."""
    if words and words[0] == "config" and all(w.startswith("--") for w in words[1:]):
        return show_config(words[1:], options)
    if words and words[0] == "init" and (len(words) == 1 or (
            len(words) >= 2 and " " not in words[1]
            and all(w.startswith("--") for w in words[2:]))):
        return init(words[1:])
    return None


def init(words: Sequence[str]) -> ExitStatus:
    from nlsh.config import KEY_SPEC, load
    from nlsh.shell_init import SHELLS, Integration, nlsh_options, snippet

    if not words:
        raise UsageError(f"say which shell: nlsh init {'|'.join(SHELLS)}")
    shell, flags = words[0], words[1:]
    if shell not in SHELLS:
        raise UsageError(f"no shell integration for {shell!r}; nlsh init knows "
                         f"{', '.join(SHELLS)}")
    settings = load()
    key, not_found = settings.key, settings.command_not_found
    for flag in flags:
        if flag == "--not-found":
            not_found = True
        elif flag == "--no-not-found":
            not_found = False
        elif flag.startswith("--key="):
            key = flag.removeprefix("--key=").strip().lower()
            if not KEY_SPEC.fullmatch(key):
                raise UsageError(f"--key: {flag.removeprefix('--key=')!r} is not a key nlsh "
                                 "can bind; say alt-LETTER, alt-DIGIT or ctrl-LETTER")
        else:
            raise UsageError(f"init has no option {flag}; it has: "
                             f"{', '.join(INIT_OPTIONS)}")
    sys.stdout.write(snippet(Integration(shell, key, not_found, nlsh_options())))
    sys.stdout.flush()
    return ExitStatus.OK


def show_config(flags: Sequence[str], options: Options) -> ExitStatus:
    from nlsh.config import load, report, report_json

    unknown = [flag for flag in flags if flag != "--json"]
    if unknown:
        raise UsageError(f"config has no option {unknown[0]}; it has: --json")
    settings = load()
    if options.as_json or flags:
        sys.stdout.write(json.dumps(report_json(settings), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("\n".join(report(settings)) + "\n")
    sys.stdout.flush()
    return ExitStatus.OK
