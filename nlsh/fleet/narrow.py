"""Host names in a sentence for ``--hosts``: "kill the biggest on web2", "undo on web1 and
web3", "on web2, pause rsync". They may only NARROW the hosts ``--hosts`` matched, never
widen them: a name outside the matched set is refused with the names that are in it.

Which names are hosts is Ansible's to say (``ansible PATTERN --list-hosts``): the matched
set and the inventory's whole set are listed once a session (a one-shot is a session of one
line), and only when a sentence starts or ends with "on NAME".
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nlsh.fleet import ansible

_NAME = r"[A-Za-z0-9](?:[\w.-]*[\w-])?"
# "... on web2", "... on web1 and web3", "... on hosts web1, web2": at the end of a sentence.
_CLAUSE = re.compile(
    rf"\s*,?\s*\bon\s+(?:the\s+)?(?:hosts?\s+|servers?\s+|machines?\s+)?"
    rf"(?P<names>{_NAME}(?:\s*(?:,\s*(?:and\s+)?|\band\s+|&\s*)\s*{_NAME})*)\s*[.!?]*\s*$",
    re.IGNORECASE)
# "on web2, kill the biggest": at the start.
_LEADING = re.compile(
    rf"^\s*on\s+(?:the\s+)?(?:hosts?\s+|servers?\s+|machines?\s+)?"
    rf"(?P<names>{_NAME}(?:\s*(?:,\s*(?:and\s+)?|\band\s+|&\s*)\s*{_NAME})*)\s*[,:]\s*",
    re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\band\s+|&)\s*", re.IGNORECASE)
# A word that looks like a host's name though no inventory lists it: letters with a digit,
# or a dotted name ("web9", "db-1", "build.example.net"); never a plain word or a number.
_HOSTLIKE = re.compile(r"(?=.*[A-Za-z])(?:[\w-]*[A-Za-z][\w-]*\d[\w-]*|[\w-]+(?:\.[\w-]+)+)")
_LIST_SECONDS = 60.0


@dataclass(frozen=True)
class HostClause:
    """The names a sentence put after "on", and the sentence without them."""

    names: tuple[str, ...]
    rest: str


def host_clause(text: str, known: Sequence[str] | None = None) -> HostClause | None:
    """The trailing "on NAME[, NAME and NAME]" of ``text`` (or a leading "on NAME, ") when
    every name is one of
    ``known`` (the inventory's hosts) or looks like a host's name; else None ("on port
    8080", "on disk" are not hosts)."""
    match = _CLAUSE.search(text) or _LEADING.match(text)
    if match is None:
        return None
    names = tuple(n for n in _SPLIT.split(match.group("names").strip()) if n)
    known_lower = {k.lower() for k in known or ()}
    if not names or not all(n.lower() in known_lower or _HOSTLIKE.fullmatch(n)
                            for n in names):
        return None
    rest = f"{text[:match.start()]} {text[match.end():]}".strip()
    if not rest:
        return None
    return HostClause(names, rest)


def has_clause_shape(text: str) -> bool:
    """Whether ``text`` starts or ends with "on WORD…" at all (worth asking Ansible which
    words are hosts)."""
    return _CLAUSE.search(text) is not None or _LEADING.match(text) is not None


def outside(names: Sequence[str], matched: Sequence[str]) -> list[str]:
    """The names that are not hosts ``--hosts`` matched."""
    return [name for name in names if name not in matched]


def refusal(names: Sequence[str], pattern: str, matched: Sequence[str]) -> str:
    """The one line for names outside the matched set."""
    shown = ", ".join(matched[:12]) + (f" and {len(matched) - 12} more"
                                       if len(matched) > 12 else "")
    which = " and ".join(names)
    return (f"Not run: {which} {'is' if len(names) == 1 else 'are'} not among the hosts of "
            f"--hosts {pattern} ({shown or 'none'}); a sentence can only narrow those "
            "hosts, never add to them")


def list_hosts(target: ansible.Target, pattern: str | None = None) -> list[str]:
    """The hosts Ansible matches for ``pattern`` (default: ``target``'s) in ``target``'s
    inventory, as ``ansible PATTERN --list-hosts`` prints them."""
    binary = Path(ansible.ansible_playbook()).with_name("ansible")
    argv = [str(binary), pattern or target.pattern, "--list-hosts"]
    if target.inventory is not None:
        argv += ["-i", target.inventory]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=_LIST_SECONDS,
                              env=ansible.environment(), check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    lines = done.stdout.splitlines()
    hosts: list[str] = []
    for index, line in enumerate(lines):
        if re.match(r"\s*hosts \(\d+\):\s*$", line):
            hosts = [h.strip() for h in lines[index + 1:] if h.strip()]
            break
    return hosts
