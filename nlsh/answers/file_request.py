"""A ``file.find`` parse → the search to run (``FileQuery``), how to rank what it finds,
and the ``find`` command line that would do the same (shown by ``--explain``, never run).

Every part comes from what was said: the place (home when none), the name or pattern (a
glob only when written as one), the kinds, the size and age comparisons of the
faithfulness layer (access time when the sentence says opened/accessed/used…), the owner,
the text to contain, and what the sentence leaves out ("not in ~/Downloads", "except isos").
"""

from __future__ import annotations

import os
import re
import shlex
import time
from dataclasses import dataclass

from nlsh.context import Context
from nlsh.stages import Limit, Parse, Reply, Status
from nlsh.system.file_kinds import EXTENSIONS, LARGE_BYTES
from nlsh.system.file_search import Bound, FileQuery, glob_pattern

DEFAULT_SHOWN = 50
_ACCESS_WORDS = re.compile(r"(?i)\b(?:open(?:ed)?|access(?:ed)?|used|read|viewed|watched|"
                           r"played|listened|looked\s+at)\b")
_BY_SIZE = re.compile(r"(?i)\b(?:biggest|largest|heaviest|fattest|huge(?:st)?|big|large)\b")
_SMALLEST = re.compile(r"(?i)\bsmallest\b")
_NEWEST = re.compile(r"(?i)\b(?:latest|newest|most\s+recent(?:ly)?|recent(?:ly)?|last)\b")
_OLDEST = re.compile(r"(?i)\boldest\b")
_CROSS = re.compile(r"(?i)\b(?:all|other|every)\s+(?:file\s*systems|filesystems|drives|disks|"
                    r"mounts)\b|\bacross\s+(?:file\s*systems|filesystems|drives|mounts)\b")
_HOME_WORDS = re.compile(r"(?i)^(?:(?:anywhere\s+)?(?:in\s+)?(?:my\s+)?(?:home|~)"
                         r"(?:\s+(?:folder|directory|dir))?)$")


@dataclass(frozen=True)
class FileRequest:
    query: FileQuery
    place_shown: str  # as the user said it ("~/Downloads"), or "~"
    order: str  # "size", "smallest", "newest", "oldest" or "path"
    shown: int  # how many rows at most
    find_equivalent: str
    limits: tuple[Limit, ...] = ()  # the comparisons applied, calendar words included



# A "content" the model took from a negated description rather than a quoted text.
_CONTENT_CUE = re.compile(r"(?i)(?:contain\w*|mention\w*|say\w*|with|text|string|word|phrase|grep|"
                          r"['\"])\W*$")
_NEGATED_TEXT = re.compile(r"(?i)(?:are\s*n[o']?t|is\s*n[o']?t|do(?:es)?\s*n[o']?t|not|never|no)\b")

def file_request(parse: Parse, ctx: Context) -> FileRequest | Reply:
    home = str(ctx.paths.home)
    raw = parse.slot("path")
    said = raw.strip() if isinstance(raw, str) and raw.strip() else "~"
    place = resolve_place(said, home)
    if place is None:
        return Reply(Status.NOTHING_TO_DO, f"No such folder: {said} (nothing was searched)")
    if not os.path.isdir(place):
        return Reply(Status.NOTHING_TO_DO, f"{said} is a file, not a folder to search in")
    root = os.path.realpath(place)  # the place itself may be reached through a link
    kind = parse.slot("kind")
    kinds = frozenset({kind}) if isinstance(kind, str) and kind in EXTENSIONS else frozenset()
    pattern = _text(parse.slot("pattern"))
    content = _text(parse.slot("content"))
    span = next((s for s in parse.spans if s.slot == "content"), None)
    cued = span is not None and _CONTENT_CUE.search(parse.text[max(0, span.start - 30):span.start])
    if content and _NEGATED_TEXT.match(content) and not cued:
        # "photos that aren't thumbnails": a description nlsh cannot search by, never a
        # search for the text "aren't thumbnails"
        return Reply(Status.CLARIFY, f"I understood the search but not '{content}': files "
                                     "are found by name, kind, size, age, place, owner or the "
                                     "text they contain. Say it another way, or leave it out")
    uid: int | None = None
    owner = parse.slot("user")
    if isinstance(owner, str) and owner:
        uid = _uid(owner)
        if uid is None:
            return Reply(Status.NOTHING_TO_DO, f"There is no user named {owner!r}")
    now = time.time()
    limits = parse.operators.limits
    if not any(x.quantity == "age" for x in limits):
        limits = (*limits, *calendar_limits(parse.text, now))
    sizes = tuple(Bound(x.op, x.value) for x in limits if x.quantity == "size")
    ages = tuple(Bound(x.op, x.value) for x in limits if x.quantity == "age")
    age_field = "atime" if ages and _ACCESS_WORDS.search(parse.text) else "mtime"
    except_paths = tuple(os.path.realpath(resolve_place(str(v), home) or str(v))
                         for v in parse.operators.excluded("path"))
    except_kinds = frozenset(str(v) for v in parse.operators.excluded("kind"))
    extensions = _extensions_said(parse)
    except_extensions = frozenset(str(v) for v in parse.operators.excluded("extension"))
    for left_out in parse.operators.excluded("path"):
        written = str(left_out).startswith(("~", "/", "./"))  # a path: nothing there to leave
        if resolve_place(str(left_out), home) is None and not written:
            return Reply(Status.CLARIFY, f"There is no folder '{left_out}' to leave out; say "
                                         "which folder, or leave it out")
    except_uids = []
    for name in parse.operators.excluded("user"):
        excluded_uid = _uid(str(name))
        if excluded_uid is None:
            return Reply(Status.NOTHING_TO_DO, f"There is no user named {str(name)!r}")
        except_uids.append(excluded_uid)
    query = FileQuery(root=root, pattern=pattern, kinds=kinds, extensions=extensions,
                      sizes=sizes, ages=ages,
                      age_field=age_field, uid=uid, content=content,
                      except_paths=except_paths, except_kinds=except_kinds,
                      except_extensions=except_extensions,
                      except_uids=frozenset(except_uids),
                      cross_filesystems=_CROSS.search(parse.text) is not None, now=now)
    limit = parse.slot("limit")
    shown = limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 \
        else DEFAULT_SHOWN
    return FileRequest(query, said, _order(parse.text, kinds), shown,
                       find_command(query, said, limits), limits)


_CALENDAR = re.compile(r"(?i)\b(?:(?P<today>today)|(?P<yesterday>yesterday)|"
                       r"(?:this|the\s+past|last)\s+(?P<unit>week|month|year))\b")
_UNIT_DAYS = {"week": 7, "month": 31, "year": 366}


def calendar_limits(text: str, now: float) -> tuple[Limit, ...]:
    """Ages that calendar words give: "today" (since midnight), "yesterday" (the day
    before today), "this week" (the last 7 days), "this month" (31), "this year" (366)."""
    match = _CALENDAR.search(text)
    if match is None:
        return ()
    import datetime as dt

    midnight = dt.datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0,
                                                      microsecond=0).timestamp()
    today = (now - midnight) / 86400
    said = match.group(0)
    if match.group("today"):
        return (Limit("age", "<", today, said),)
    if match.group("yesterday"):
        return (Limit("age", ">=", today, said), Limit("age", "<", today + 1, said))
    return (Limit("age", "<", float(_UNIT_DAYS[match.group("unit").lower()]), said),)


def _extensions_said(parse: Parse) -> frozenset[str]:
    """Extensions the sentence names outside a name or text it quotes ("png pictures")."""
    from nlsh.system.file_kinds import EXTENSION_WORDS

    values = [(s.start, s.end) for s in parse.spans if s.slot in ("pattern", "content")]
    return frozenset(EXTENSION_WORDS[m.group(0).lower()]
                     for m in re.finditer(r"[A-Za-z0-9]+", parse.text)
                     if m.group(0).lower() in EXTENSION_WORDS
                     and not any(a <= m.start() < b for a, b in values))


def resolve_place(said: str, home: str) -> str | None:
    """The folder ``said`` names, or None when there is none: ``~``/"my home" is home;
    a bare name that is not a folder here may be one of home's (``Downloads``)."""
    said = said.strip().strip("'\"")
    if _HOME_WORDS.match(said):
        return home
    if "/" not in said and not said.startswith("~"):
        # "in Downloads", "in my downloads", ".cache": home's own folder of that name first
        bare = re.sub(r"(?i)^(?:my\s+)|\s+(?:folder|directory|dir)$", "", said).strip()
        try:
            names = os.listdir(home)
        except OSError:
            names = []
        match = next((n for n in names if n.lower() == bare.lower()), None)
        if match is not None:
            return os.path.join(home, match)
    if said == "~" or said.startswith("~/"):
        path = os.path.normpath(home + said[1:])
    else:
        path = os.path.abspath(os.path.expanduser(said))
    return path if os.path.lexists(path) else None


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = value.strip().strip("\"'`“”‘’")
    return cleaned or None


def _uid(owner: str) -> int | None:
    import pwd

    if owner in ("me", "myself", "i"):
        return os.geteuid()
    try:
        return pwd.getpwnam(owner).pw_uid
    except KeyError:
        return None


def _order(text: str, kinds: frozenset[str]) -> str:
    if _SMALLEST.search(text):
        return "smallest"
    if _OLDEST.search(text):
        return "oldest"
    if _NEWEST.search(text):
        return "newest"
    if _BY_SIZE.search(text) or "large" in kinds:
        return "size"
    return "path"


def find_command(query: FileQuery, place: str, limits: tuple[Limit, ...]) -> str:
    """The ``find`` (or ``grep``) command line a person would type for ``query``: for
    learning only, nlsh never runs it."""
    parts = ["find", place]
    if not query.cross_filesystems:
        parts.append("-xdev")
    for excluded in query.except_paths:
        parts += ["-path", shlex.quote(excluded), "-prune", "-o"]
    parts += ["-type", "f"]
    if query.pattern:
        glob = query.pattern if glob_pattern(query.pattern) else (
            f"*{query.pattern}" if query.pattern.startswith(".") else f"*{query.pattern}*")
        parts += ["-iname", shlex.quote(glob)]
    if query.extensions:
        parts.append("\\( " + " -o ".join(f"-iname '*.{e}'" for e in sorted(query.extensions))
                     + " \\)")
    for kind in sorted(query.kinds):
        if query.extensions and kind != "large":
            continue  # the extensions said are narrower
        if kind == "large":
            parts += ["-size", f"+{LARGE_BYTES // 1024**2}M"]
            continue
        names = [f"-iname '*.{e}'" for e in sorted(EXTENSIONS[kind])]
        parts.append("\\( " + " -o ".join(names) + " \\)")
    for kind in sorted(query.except_kinds):
        parts += ["!", "\\( " + " -o ".join(f"-iname '*.{e}'"
                                              for e in sorted(EXTENSIONS[kind])) + " \\)"]
    for extension in sorted(query.except_extensions):
        parts += ["!", "-iname", f"'*.{extension}'"]
    for limit in limits:
        parts.append(_find_limit(limit, query.age_field))
    if query.uid is not None:
        parts += ["-uid", str(query.uid)]
    for uid in sorted(query.except_uids):
        parts += ["!", "-uid", str(uid)]
    if query.content:
        flags = "-lIi" if query.content == query.content.lower() else "-lI"
        parts += ["-exec", "grep", flags, "--", shlex.quote(query.content), "{}", "+"]
    else:
        parts.append("-print")
    return " ".join(parts)


def _find_limit(limit: Limit, age_field: str) -> str:
    more = limit.op in (">", ">=")
    if limit.quantity == "size":
        kib = max(int(limit.value // 1024), 0)
        return f"-size {'+' if more else '-'}{kib}k"
    days = limit.value
    test = "-amin" if age_field == "atime" else "-mmin"
    return f"{test} {'+' if more else '-'}{round(days * 1440)}"
