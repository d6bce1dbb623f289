"""Acting on the files the last search found: the REPL's "them".

After a ``file.find`` answer, the REPL keeps its rows as a typed ``FoundSet``. A next
sentence that refers to them ("move them to the trash", "delete the first two", "how
much space do they take", "open the folder of the first one") is read here, by a small
fixed grammar, never by the model, and only ever selects among those rows:

- trash (also "delete", "remove", "get rid of"): a plan that moves exactly the selected
  files to the Trash, through the policy (protected paths, links, other users' files,
  mount points) and the executor's re-checks (same inode, unchanged, not open), with undo;
- space: the selected files' sizes added up (an answer);
- folder: the folder holding each selected file, printed (nothing is opened).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nlsh.render.units import human_bytes
from nlsh.stages import Answer, FileRef, Parse, Plan, Reply, Risk, Status, Step

TRASH_INTENT = "file.trash"  # the plan's name in the journal and in --json


@dataclass(frozen=True)
class FoundFile:
    path: str
    size: int
    mtime: float
    device: int
    inode: int


@dataclass(frozen=True)
class FoundSet:
    """What "them" means: the rows the last search showed, in the order shown."""

    sentence: str
    place: str
    files: tuple[FoundFile, ...]
    found: int  # how many the search found in all (more than shown: "and N more")

    def describe(self, chosen: Sequence[int]) -> str:
        count = len(chosen)
        which = ("the file" if self.found == 1 else
                 f"the {count} file{'s' if count != 1 else ''}") if len(chosen) == len(
            self.files) else f"file{'s' if count != 1 else ''} " + ", ".join(
            f"#{i + 1}" for i in chosen)
        shown = f" (of {self.found:,} found)" if self.found > len(self.files) else ""
        return f"{which}{shown} found by the last search ('{self.sentence}')"


def found_set(sentence: str, result: Mapping[str, Any]) -> FoundSet | None:
    """The rows of a file.find answer, or None when it found nothing."""
    rows = []
    for row in result.get("files") or []:
        try:
            rows.append(FoundFile(str(row["path"]), int(row["bytes"]), float(row["modified"]),
                                  int(row["device"]), int(row["inode"])))
        except (KeyError, TypeError, ValueError):
            return None
    if not rows:
        return None
    return FoundSet(sentence, str(result.get("place", "")), tuple(rows),
                    int(result.get("count", len(rows))))


@dataclass(frozen=True)
class FollowUp:
    verb: str  # "trash", "space" or "folder"
    selection: tuple[int, ...] | None  # 0-based rows; None: all of them
    first: int | None = None  # "the first N"
    last: int | None = None  # "the last N"


_THEM = (r"(?:them|they|these|those|it|all\s+of\s+them|all\s+(?:of\s+)?(?:these|those|the\s+"
         r"files)|th(?:e|ese|ose)\s+(?:files?|ones?|results?)|everything(?:\s+found)?)")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}
_COUNT = r"(?:\d{1,4}|" + "|".join(_NUMBERS) + r")"
_PICK = re.compile(
    rf"(?i)(?:the\s+)?(?P<end>first|last|top)\s+(?P<count>{_COUNT})(?:\s+(?:files?|ones?))?"
    r"|(?:the\s+)?(?P<ord>" + "|".join(_ORDINALS) + r"|last)(?:\s+(?:file|one))?"
    r"|(?:files?|numbers?|#|no\.?\s*)\s*(?P<list>\d{1,4}(?:\s*(?:,|and|&)\s*\d{1,4})*)"
    rf"|{_THEM}")
_END = r"\W*$"
_GRAMMAR = {
    "trash": re.compile(
        r"(?i)^\s*(?:please\s+)?(?:move|put|send|throw)\s+(?P<pick>.+?)\s+(?:to|in|into)\s+"
        r"(?:the\s+)?(?:trash|bin|rubbish\s+bin|recycle\s+bin)" + _END +
        r"|^\s*(?:please\s+)?(?:trash|delete|remove|bin|get\s+rid\s+of|throw\s+away)\s+"
        r"(?P<pick2>.+?)" + _END),
    "space": re.compile(
        r"(?i)^\s*how\s+(?:much\s+(?:space|room|disk(?:\s+space)?)|big|large)\s+(?:do|does|"
        r"are|is)\s+(?P<pick>.+?)(?:\s+(?:take(?:\s+up)?|use|need|occupy))?(?:\s+(?:together|"
        r"in\s+total|altogether))?" + _END +
        r"|^\s*(?:what(?:'s|\s+is)\s+)?(?:the\s+)?total\s+size(?:\s+of\s+(?P<pick2>.+?))?"
        + _END),
    "folder": re.compile(
        r"(?i)^\s*(?:please\s+)?(?:open|show(?:\s+me)?|print|where\s+is|which\s+is)\s+"
        r"(?:the\s+)?(?:folder|directory|dir|location)\s+(?:of|for|holding|with)\s+"
        r"(?P<pick>.+?)" + _END +
        r"|^\s*where\s+(?:is|are)\s+(?P<pick2>.+?)" + _END),
}


def read_follow_up(line: str) -> FollowUp | None:
    """The follow-up ``line`` asks for, or None when it is not about the found files."""
    for verb, grammar in _GRAMMAR.items():
        match = grammar.match(line)
        if match is None:
            continue
        said = match.group("pick") or match.group("pick2")
        if said is None:  # "total size": all of them
            return FollowUp(verb, None)
        pick = _PICK.fullmatch(said.strip())
        if pick is not None:
            return _selection(verb, pick)
    return None


def _selection(verb: str, match: re.Match[str]) -> FollowUp:
    groups = {k: v for k, v in match.groupdict().items() if v}
    if "list" in groups:
        numbers = tuple(int(n) - 1 for n in re.findall(r"\d+", groups["list"]))
        return FollowUp(verb, numbers)
    if "count" in groups:
        raw = groups["count"].lower()
        count = int(raw) if raw.isdigit() else _NUMBERS[raw]
        if groups.get("end", "").lower() == "last":
            return FollowUp(verb, None, last=count)
        return FollowUp(verb, None, first=count)
    if "ord" in groups:
        word = groups["ord"].lower()
        if word == "last":
            return FollowUp(verb, None, last=1)
        return FollowUp(verb, (_ORDINALS[word] - 1,))
    return FollowUp(verb, None)


def chosen_rows(follow_up: FollowUp, found: FoundSet) -> tuple[int, ...] | str:
    """The 0-based rows the follow-up selects, or why it cannot (a row that was not shown)."""
    total = len(found.files)
    if follow_up.first is not None:
        rows = tuple(range(min(follow_up.first, total)))
        if follow_up.first > total:
            return f"The last search showed only {total} file{'s' if total != 1 else ''}"
        return rows
    if follow_up.last is not None:
        if follow_up.last > total:
            return f"The last search showed only {total} file{'s' if total != 1 else ''}"
        return tuple(range(total - follow_up.last, total))
    if follow_up.selection is None:
        return tuple(range(total))
    bad = [n + 1 for n in follow_up.selection if not 0 <= n < total]
    if bad:
        return (f"There is no file #{bad[0]} in the last search's results "
                f"(it showed {total})")
    return tuple(dict.fromkeys(follow_up.selection))


def act_on_found(line: str, follow_up: FollowUp, found: FoundSet,
                 home_trash: str) -> tuple[Parse, Answer | Reply | Plan]:
    """The parse to journal and what to do for a follow-up on ``found``."""
    rows = chosen_rows(follow_up, found)
    intent = TRASH_INTENT if follow_up.verb == "trash" else "file.find"
    parse = Parse(text=line, intent=intent, confidence=1.0, source="followup")
    if isinstance(rows, str):
        return parse, Reply(Status.NOTHING_TO_DO, rows + "; nothing was done")
    them = found.describe(rows)
    files = [found.files[i] for i in rows]
    if follow_up.verb == "space":
        total = sum(f.size for f in files)
        result = {"them": them, "count": len(files), "total_bytes": total,
                  "files": [{"path": f.path, "bytes": f.size} for f in files]}
        return parse, Answer(kind="found_total", message=f"{human_bytes(total)} in "
                             f"{len(files)} file{'s' if len(files) != 1 else ''} ({them})",
                             result=result)
    if follow_up.verb == "folder":
        folders = list(dict.fromkeys(os.path.dirname(f.path) for f in files))
        result = {"them": them, "folders": folders}
        return parse, Answer(kind="found_folders", message="\n".join(folders), result=result)
    return parse, _trash_plan(found, rows, them, home_trash)


def _trash_plan(found: FoundSet, rows: tuple[int, ...], them: str, home_trash: str) -> Plan:
    steps = []
    for index in rows:
        item = found.files[index]
        ref = FileRef(path=item.path, size=item.size, device=item.device, inode=item.inode,
                      mtime=item.mtime)
        steps.append(Step(action="trash", target=ref,
                          detail=f"#{index + 1} of the search; restorable with 'undo'",
                          params={"found_in": found.place}, group="found"))
    count = len(steps)
    total = sum(found.files[i].size for i in rows)
    summary = (f"Move {count} file{'s' if count != 1 else ''} "
               f"({human_bytes(total)}) to the Trash")
    return Plan(intent=TRASH_INTENT, summary=summary, steps=tuple(steps), risk=Risk.LOW,
                reversible=True, notes=(f"them = {them}", f"the Trash: {home_trash}"))
