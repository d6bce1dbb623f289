"""file.trash: the user's own files in a named place, chosen by age, size, kind, extension
or name, moved to the Trash ("delete everything in ~/Downloads older than 30 days").

The files are chosen exactly as ``file.find`` chooses them (:mod:`nlsh.answers.file_request`
turns the parse into a search, with what the sentence leaves out), so a search and a
trash of the same words list the same files. The plan never widens what was said:

- a place must be named; with none, nlsh asks (it never trashes files all over home);
- a protected place (``/etc``, ``~/.ssh``, nlsh's own folders, protect.paths…) or the
  Trash itself is refused before anything is walked;
- only regular files of the user's own, found without following a link and on the
  place's filesystem; a file a program has open, or in a protected spot (a ``.git``
  folder), is left in place and counted.

Each step is a ``trash`` of one file with the place as ``found_in``: the policy and the
executor check it as they check files a search found (inside the place, same filesystem,
a regular file of the user's own, unchanged, not open), and ``undo`` restores them.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter

from nlsh.actions.cleaners import is_inside
from nlsh.answers.file_request import FileRequest, file_request
from nlsh.context import Context
from nlsh.policy.paths import RULE, PathGuard
from nlsh.render.units import human_bytes, human_duration
from nlsh.stages import FileRef, Parse, Plan, Reply, Risk, Status, Step

INTENT = "file.trash"
_VAGUE_AGE = re.compile(r"(?i)\b(?:old|older|stale|ancient|outdated)\b")


def plan_file_trash(parse: Parse, ctx: Context) -> Plan | Reply:
    from nlsh.system.file_search import Tally, search
    from nlsh.system.in_use import open_files

    said = parse.slot("path")
    if not isinstance(said, str) or not said.strip():
        return Reply(Status.CLARIFY, "Which folder? nlsh moves files to the Trash only from "
                     "a folder you name (e.g. 'delete files in ~/Downloads older than 30 "
                     "days')")
    request = file_request(parse, ctx)
    if isinstance(request, Reply):
        return request
    query = request.query
    if _VAGUE_AGE.search(parse.text) and not query.ages:
        return Reply(Status.CLARIFY, "How old? Say an age, e.g. 'older than 30 days' "
                     "(nlsh never guesses which files are old)")
    if query.uid is not None and query.uid != os.geteuid():
        return Reply(Status.REFUSED, "Refused: nlsh moves only your own files to the Trash",
                     rule=RULE)
    guard = PathGuard.now(ctx)
    reason = guard.protected_reason(query.root, as_item=False)
    trash = os.path.realpath(ctx.paths.trash)
    if reason is None and (query.root == trash or is_inside(query.root, trash)):
        reason = "that is the Trash (say 'empty the trash' to delete what is in it)"
    if reason is None:
        reason = _outside_own_places(query.root, ctx)
    if reason:
        return Reply(Status.REFUSED, f"Refused: {reason}; nlsh never moves files out of "
                     f"{request.place_shown}", rule=RULE)
    held = open_files()
    uid = os.geteuid()
    kept: Counter[str] = Counter()
    steps: list[Step] = []
    now = time.time()
    with ctx.progress(f"Looking in {request.place_shown}") as bar:
        for found in search(query, Tally()):
            bar.update(f"{len(steps):,} found")
            why_kept = _kept(found.path, found.uid, found.device, found.inode, uid, held,
                             guard, trash)
            if why_kept:
                kept[why_kept] += 1
                continue
            steps.append(_step(found.path, found.size, found.mtime, found.device, found.inode,
                               query.root, now))
    qualifiers = _qualifiers(parse, request)
    if not steps:
        what = "No file" + (f" ({', '.join(qualifiers)})" if qualifiers else "") + \
            f" in {request.place_shown}"
        return Reply(Status.NOTHING_TO_DO, what + _kept_text(kept) + "; nothing was moved")
    steps.sort(key=lambda s: -s.target.size if isinstance(s.target, FileRef) else 0)
    total = sum(s.target.size for s in steps if isinstance(s.target, FileRef))
    count = len(steps)
    summary = (f"Move {count} file{'s' if count != 1 else ''} ({human_bytes(total)}) from "
               f"{request.place_shown} to the Trash")
    if qualifiers:
        summary += " — " + ", ".join(qualifiers)
    notes = ["files moved to the Trash still take space until it is emptied, and 'undo' "
             "puts them back", f"the same files: {request.find_equivalent}"]
    if kept:
        notes.append("left in place:" + _kept_text(kept).removeprefix(";"))
    return Plan(intent=INTENT, summary=summary, steps=tuple(steps), risk=Risk.MEDIUM,
                reversible=True, notes=tuple(notes))


def _outside_own_places(place: str, ctx: Context) -> str | None:
    """Why ``place`` is not one to trash files from: only folders inside home (not home
    itself, nor a hidden settings folder at its top) and temp folders are."""
    from nlsh.actions.cleaners import temp_dirs

    home = os.path.realpath(ctx.paths.home)
    temps = [os.path.realpath(t) for t in temp_dirs(ctx)]
    if any(place == t or is_inside(place, t) for t in temps):
        return None
    if place == home:
        return "that is your whole home; name a folder inside it (e.g. ~/Downloads)"
    if not is_inside(place, home):
        return (f"{place} is outside your home and the temp folders: nlsh moves files to "
                "the Trash only from your own folders")
    top = os.path.relpath(place, home).split(os.sep)[0]
    if top.startswith("."):
        return f"~/{top} holds settings and program data, not files of yours to clear out"
    return None


def _kept(path: str, owner: int, device: int, inode: int, uid: int,
          held: frozenset[tuple[int, int]], guard: PathGuard, trash: str) -> str | None:
    """Why a found file stays where it is, or None."""
    if owner != uid:
        return "owned by another user"
    if (device, inode) in held:
        return "open in a program"
    if is_inside(path, trash):
        return "already in the Trash"
    if guard.protected_reason(path) is not None:
        return "in a protected place"
    try:
        if not os.path.isfile(path) or os.path.islink(path):
            return "not a regular file"
    except OSError:
        return "unreadable"
    return None


def _step(path: str, size: int, mtime: float, device: int, inode: int, root: str,
          now: float) -> Step:
    ref = FileRef(path=path, size=size, device=device, inode=inode, mtime=mtime)
    folder = os.path.dirname(path)
    group = "." if folder == root else os.path.relpath(folder, root)
    return Step(action="trash", target=ref,
                detail=f"last modified {human_duration(max(now - mtime, 0))} ago; "
                       "restorable with 'undo'",
                params={"found_in": root}, group=group)


def _qualifiers(parse: Parse, request: FileRequest) -> list[str]:
    """What chose the files, for the summary: the name, kind, limits and exclusions."""
    query = request.query
    parts = []
    if query.pattern:
        parts.append(f"named {query.pattern}")
    parts.extend(sorted(f"{kind} files" for kind in query.kinds))
    parts.extend(sorted(f".{ext}" for ext in query.extensions))
    for limit in request.limits:
        try:
            parts.append(limit.describe())
        except ImportError:
            parts.append(limit.text)
    parts.extend(exclusion.describe() for exclusion in parse.operators.exclusions)
    return list(dict.fromkeys(parts))


def _kept_text(kept: Counter[str]) -> str:
    if not kept:
        return ""
    return "; " + ", ".join(f"{n} {reason}" for reason, n in kept.most_common())
