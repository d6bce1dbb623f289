"""file.find: files described by name, kind, size, age, place, owner and content.

The walk (``nlsh.system.file_search``) yields matches as it finds them; the progress line
shows the count and the latest match while it runs, so a long search is never silent. The
answer keeps the ``shown`` best rows in the order the sentence implies (size for
"biggest", time for "latest"), and counts and sums everything found.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from typing import Any

from nlsh.answers.file_request import FileRequest, file_request
from nlsh.context import Context
from nlsh.render.units import human_bytes
from nlsh.stages import Answer, Parse, Reply
from nlsh.system.file_kinds import PLURALS
from nlsh.system.file_search import FoundFile, Tally, search

_KEYS: dict[str, Callable[[FoundFile], Any]] = {
    "size": lambda f: f.size, "smallest": lambda f: -f.size,
    "newest": lambda f: f.mtime, "oldest": lambda f: -f.mtime,
}


def find_files(parse: Parse, ctx: Context) -> Answer | Reply:
    request = file_request(parse, ctx)
    if isinstance(request, Reply):
        return request
    tally = Tally()
    kept: list[tuple[Any, int, FoundFile]] = []  # a heap of the best rows
    count = total = 0
    key = _KEYS.get(request.order)
    from rich.markup import escape

    from nlsh.render.safe import shorten

    with ctx.progress(f"Searching {escape(shorten(request.place_shown, 60))}") as bar:
        shown_at = 0.0
        for found in search(request.query, tally):
            count += 1
            total += found.size
            if key is None:
                if len(kept) < request.shown:
                    kept.append((count, count, found))
            else:
                item = (key(found), -count, found)
                if len(kept) < request.shown:
                    heapq.heappush(kept, item)
                else:
                    heapq.heappushpop(kept, item)
            now = time.monotonic()
            if now - shown_at > 0.05:  # the count and the latest match, as found
                shown_at = now
                bar.update(f"{count:,} found: {escape(shorten(found.path, 60))}")
    if key is not None:
        rows = [item[2] for item in sorted(kept, reverse=True)]
    else:  # the first found (folders are walked in name order), shown by path
        rows = sorted((item[2] for item in kept), key=lambda f: f.path)
    result = _result(request, rows, count, total, tally)
    return Answer(kind="file_find", message=_message(request, result), result=result)


def _result(request: FileRequest, rows: list[FoundFile], count: int, total: int,
            tally: Tally) -> dict[str, Any]:
    query = request.query
    return {
        "place": query.root,
        "files": [{"path": f.path, "bytes": f.size, "modified": f.mtime,
                   "accessed": f.atime, "kind": f.kind, "device": f.device,
                   "inode": f.inode} for f in rows],
        "count": count,
        "more": count - len(rows),
        "total_bytes": total,
        "order": request.order,
        "limits": [limit.to_json() for limit in request.limits],
        "age_field": query.age_field,
        "skipped": {"unreadable_folders": tally.unreadable,
                    "unreadable_files": tally.unreadable_files,
                    "other_filesystems": tally.other_filesystems, "links": tally.links,
                    "binary": tally.binary, "too_large_to_read": tally.too_large},
        "unreadable_paths": list(tally.unreadable_paths),
        "searched": {"folders": tally.folders, "entries": tally.entries},
        "find_equivalent": request.find_equivalent,
    }


def _message(request: FileRequest, result: dict[str, Any]) -> str:
    count = result["count"]
    kinds = sorted(request.query.kinds)
    what = PLURALS[kinds[0]] if kinds else "files"
    if count == 0:
        message = f"No {what} found in {request.place_shown}"
    else:
        noun = what if count != 1 else ("file" if what == "files" else what.rstrip("s"))
        message = (f"{count:,} {noun} found in {request.place_shown}, "
                   f"{human_bytes(result['total_bytes'])} in all")
        if result["more"]:
            message += f" (showing {len(result['files'])}, and {result['more']:,} more)"
    skipped = result["skipped"]
    notes = []
    if skipped["unreadable_folders"]:
        n = skipped["unreadable_folders"]
        notes.append(f"{n} folder{'s' if n != 1 else ''} could not be read")
    if skipped["other_filesystems"]:
        n = skipped["other_filesystems"]
        notes.append(f"{n} other filesystem{'s' if n != 1 else ''} not searched")
    if notes:
        message += "; " + "; ".join(notes)
    return message
