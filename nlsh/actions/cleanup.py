"""disk.cleanup: reclaim space from caches, thumbnails, package caches, temp files, logs and
the Trash — every item listed with its bytes before anything is asked.

Without a ``target`` the plan is the safe set (caches, thumbnails, package caches, old
temp files, and root-only cleanups as named suggestions); the Trash and rotated logs
only when asked. ``path`` narrows the plan to what lies under it (it must be inside a
cleaner's root, or hold some), ``older_than_days`` to what is older.

The parse's operators narrow it further, never widen it: ``named`` cleaners ("clear pip
caches") are exactly the cleaners used, whatever the ``target`` slot says (a root-only one,
apt, is only ever a suggestion); an exclusion of a cleaner or a path leaves it out; age
limits keep what is older (per file) or newer (per item) than asked, size limits compare
each item's bytes. The header shows every limit and exclusion; a named cleaner, or an
exclusion, that matches nothing here is reported.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import stat
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nlsh.actions import cleaners
from nlsh.actions.cleaner_names import CLEANER_ALIASES, CLEANER_NAMES, unknown_cache_reply
from nlsh.actions.cleaners import (
    TARGETS,
    Cleaner,
    Disposal,
    Items,
    RootCleaner,
    catalogue,
    is_inside,
)
from nlsh.actions.cleanup_items import (
    Findings,
    Item,
    Scan,
    find_items,
    modified_before,
    root_reading,
)
from nlsh.actions.disk_full import FullDisks, full_disks, says_disk_full
from nlsh.context import Context
from nlsh.render.units import human_bytes, human_duration
from nlsh.stages import (
    Choice,
    Exclusion,
    FileRef,
    Limit,
    Parse,
    Plan,
    Reply,
    Risk,
    Status,
    Step,
)
from nlsh.system.tool_space import describe, read_all

_RISK_ORDER = (Risk.LOW, Risk.MEDIUM, Risk.HIGH)

Scope = dict[Cleaner, list[tuple[str, str]]]

__all__ = ["plan_cleanup", "unknown_cache_reply"]


@dataclass
class _Request:
    """What the sentence asks beyond the target: names, exclusions and limits."""

    named: tuple[str, ...] = ()
    except_cleaners: tuple[str, ...] = ()  # canonical names or targets ("except the cache")
    dropped: set[str] = field(default_factory=set)  # keys the exclusions removed
    except_paths: dict[str, str] = field(default_factory=dict)  # resolved → as said
    older_than_days: float | None = None
    newer_than_days: float | None = None
    sizes: tuple[Limit, ...] = ()
    qualifiers: list[str] = field(default_factory=list)  # for the header: limits, exclusions
    notes: list[str] = field(default_factory=list)


def plan_cleanup(parse: Parse, ctx: Context) -> Plan | Reply:
    from nlsh.system.in_use import mount_points, open_files

    target = parse.slot("target")
    named = parse.operators.named
    if not named and target is not None and target not in TARGETS:
        return Reply(Status.CLARIFY, "Clean up what?", choices=tuple(
            Choice(label=t, sentence=f"clean up {t}") for t in TARGETS))
    days = parse.slot("older_than_days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
        return Reply(Status.CLARIFY, "How many days old should files be, at least?")
    if target == "tools" and not named:
        return _tool_owned(parse.text)
    request = _request(parse, days, ctx)
    if isinstance(request, Reply):
        return request
    path = parse.slot("path")
    full = None
    if target is None and not request.named and path is None and says_disk_full(parse.text):
        full = full_disks()  # every cleaner, as if each were asked for by name
        request.notes.extend(describe(read_all()))
    chosen, root_pool = _chosen(catalogue(ctx), target, request)
    if path is not None:
        # "old logs in /var/log": the system's logs too, when "logs" named the user's cleaner
        wanted = {str(target)} | set(request.named) | {c.target for c in chosen}
        candidates = [c for c in cleaners.ROOT_CLEANERS if c.key not in request.dropped and (
            c in root_pool or c.target in wanted or c.key in wanted)]
        root_only = _root_only_place(str(path), candidates, ctx)
        if root_only is not None:
            return root_only
    scope = _scope(chosen, bool(target or request.named or full),
                   None if path is None else str(path), _what(target, request), ctx)
    if isinstance(scope, Reply):
        return scope
    scan = Scan(uid=os.geteuid(), open_files=open_files(), mounts=mount_points(),
                now=time.time(), older_than_days=request.older_than_days,
                home_trash=Path(ctx.paths.trash), newer_than_days=request.newer_than_days,
                sizes=request.sizes, except_paths=tuple(request.except_paths))
    found: list[tuple[Cleaner, Findings]] = []
    with ctx.progress("Measuring what can be cleaned") as progress:
        for cleaner, starts in scope.items():
            progress.update(cleaner.name)
            found.append((cleaner, find_items(cleaner, starts, scan)))
    if full is not None:
        found = _on_full_disks(found, full, request)
    file_steps = [_file_step(item, scan) for _, findings in found
                  for item in sorted(findings.items, key=lambda i: -i.bytes)]
    root_steps = [] if path is not None else _root_steps(root_pool, scan.now)
    missing = _missing(request, chosen, found, root_pool, root_steps, ctx)
    request.notes.extend(_unmatched_paths(request, found))
    if not file_steps:
        return _nothing_to_do(found, root_steps, request, missing)
    return _plan(found, file_steps, root_steps, request, missing)


_TOOL_WORDS = {"docker": re.compile(r"(?i)\b(?:docker|containers?|build\s*cache|volumes?)\b"),
               "snap": re.compile(r"(?i)\bsnap(?:s|d)?\b"),
               "flatpak": re.compile(r"(?i)\bflatpaks?\b|\bruntimes?\b"),
               "kernels": re.compile(r"(?i)\bkernels?\b|\blinux-image")}


def _tool_owned(text: str) -> Reply:
    """Space docker, snap, flatpak or the package manager owns: read, never reclaimed by
    nlsh; the reply names each command. Only the tools the sentence names (all when it
    names none)."""
    from nlsh.system import tool_space

    readers = {"docker": tool_space.read_docker, "snap": tool_space.read_snaps,
               "flatpak": tool_space.read_flatpak, "kernels": tool_space.read_kernels}
    named = [tool for tool, words in _TOOL_WORDS.items() if words.search(text)]
    readings = tuple(readers[tool]() for tool in named or readers)
    lines = describe(readings, absent=True)
    return Reply(Status.NOTHING_TO_DO, "nlsh never runs docker, snap, flatpak, a package "
                 "manager or sudo; what they could reclaim, and the command for it: "
                 + "; ".join(lines))


def _on_full_disks(found: list[tuple[Cleaner, Findings]], full: FullDisks,
                   request: _Request) -> list[tuple[Cleaner, Findings]]:
    """The disk-full flow: only what lies on a full filesystem (nothing else frees space
    where it is short), each cleaner's items together, the largest total first."""
    if full.described:
        request.qualifiers.insert(0, "disk full: " + "; ".join(full.described))
        elsewhere = 0
        for _, findings in found:
            kept = [i for i in findings.items if i.info.st_dev in full.devices]
            elsewhere += len(findings.items) - len(kept)
            findings.items[:] = kept
        if elsewhere:
            request.notes.append(f"{elsewhere} item(s) on filesystems that are not full were "
                                 "left out: removing them frees nothing where space is short")
    else:
        request.notes.append("no filesystem is full" + (
            f" (the fullest: {full.fullest})" if full.fullest else "")
            + "; this is everything nlsh can safely reclaim")
    return sorted(found, key=lambda pair: -sum(i.bytes for i in pair[1].items))


def _root_only_place(path: str, pool: list[RootCleaner], ctx: Context) -> Reply | None:
    """A path in a system folder that only a root-only cleanup clears (/var/log): its
    sizes and the command that clears it, never a refusal with no figures."""
    resolved = os.path.normpath(os.path.abspath(_expand(path, ctx.paths.home)))
    deep = resolved.count("/") >= 2  # /var/log holds the journal's folder; / and /var hold more
    mine = [c for c in pool if any(resolved == p or is_inside(resolved, p)
                                   or (deep and is_inside(p, resolved)) for p in c.paths)]
    if not mine:
        return None
    steps = _root_steps(mine, time.time())
    if not steps:
        return Reply(Status.NOTHING_TO_DO, f"Nothing to clean in {path} that nlsh can see "
                     f"({', '.join(c.name for c in mine)})")
    return Reply(Status.NOTHING_TO_DO, f"Only root can clean {path}; nlsh never uses sudo, "
                 "but you could run: " + "; ".join(step.detail for step in steps))


def _request(parse: Parse, days: object, ctx: Context) -> _Request | Reply:
    """Names, exclusions and limits, checked: a part nlsh cannot honour is asked about."""
    operators = parse.operators
    request = _Request()
    named = [CLEANER_ALIASES.get(str(name).lower(), str(name)) for name in operators.named]
    unknown = [name for name in named if name not in CLEANER_NAMES]
    if unknown:
        return unknown_cache_reply(unknown)
    request.named = tuple(dict.fromkeys(named))
    older: list[float] = []
    newer: list[float] = []
    limits: list[Limit] = []
    if isinstance(days, int) and not any(
            x.quantity == "age" and x.op in (">", ">=") and x.value == days
            for x in operators.limits):  # the same words, read twice
        limits.append(Limit("age", ">", float(days), f"{days} days"))
    for limit in operators.limits:
        if limit.quantity not in ("age", "size"):
            return Reply(Status.CLARIFY, f"I understood the cleanup but not '{limit.text}': "
                         "a cleanup chooses files by age or size, not by memory or CPU use")
        if not math.isfinite(limit.value) or limit.value < 0:
            return Reply(Status.INVALID, f"'{limit.text}' is negative: an age or size is "
                         "zero or more")
        limits.append(limit)
    sizes = []
    for limit in limits:
        if limit.quantity == "age":
            (older if limit.op in (">", ">=") else newer).append(float(limit.value))
        else:
            sizes.append(limit)
    request.older_than_days = max(older) if older else None
    request.newer_than_days = min(newer) if newer else None
    if request.older_than_days is not None and request.newer_than_days is not None and \
            request.older_than_days >= request.newer_than_days:
        return Reply(Status.INVALID, "Nothing is both older than "
                     f"{request.older_than_days:g} days and newer than "
                     f"{request.newer_than_days:g} days")
    lower = max((x.value for x in sizes if x.op in (">", ">=")), default=None)
    upper = min((x.value for x in sizes if x.op in ("<", "<=")), default=None)
    if lower is not None and upper is not None and lower >= upper:
        return Reply(Status.INVALID, f"Nothing is both larger than {human_bytes(int(lower))} "
                     f"and smaller than {human_bytes(int(upper))}")
    request.sizes = tuple(sizes)
    request.qualifiers.extend(dict.fromkeys(_describe(limit) for limit in limits))
    problem = _exclusions(operators.exclusions, request, ctx)
    return problem or request


def _exclusions(exclusions: Sequence[Exclusion], request: _Request,
                ctx: Context) -> Reply | None:
    import pwd

    from nlsh.policy.paths import normalised

    except_cleaners = []
    for exclusion in exclusions:
        value = str(exclusion.value)
        if exclusion.kind == "cleaner":
            key = CLEANER_ALIASES.get(value.lower(), value.lower())
            if key not in CLEANER_NAMES and key not in TARGETS:  # "except the cache"
                request.notes.append(f"'{exclusion.text}' left nothing out: nlsh has no "
                                     f"cleaner called {value}")
                continue
            except_cleaners.append(key)
        elif exclusion.kind == "path":
            forms = normalised(os.path.abspath(_expand(value, ctx.paths.home)))
            if forms is not None:
                request.except_paths[forms[1]] = value
        elif exclusion.kind == "user":
            try:
                me = pwd.getpwuid(os.geteuid()).pw_name
            except KeyError:
                me = ""
            if value in (me, str(os.geteuid())):
                return Reply(Status.CLARIFY, f"I understood the cleanup but not "
                             f"'{exclusion.text}': nlsh cleans only your own files, so that "
                             "would leave nothing")
            request.notes.append(f"'{exclusion.text}': nlsh never cleans other users' files")
        else:
            return Reply(Status.CLARIFY, f"I understood the cleanup but not "
                         f"'{exclusion.text}': a cleanup removes files, not processes")
        request.qualifiers.append(exclusion.describe())
    request.except_cleaners = tuple(dict.fromkeys(except_cleaners))
    return None


def _describe(limit: Limit) -> str:
    """A limit for the header ("older than 1000 days (2 years 9 months)")."""
    try:
        return limit.describe()
    except ImportError:  # nlsh.language.quantities not installed in this tree
        word = {("age", True): "older", ("age", False): "newer",
                ("size", True): "larger", ("size", False): "smaller"}[
            (limit.quantity, limit.op in (">", ">="))]
        amount = (f"{limit.value:g} days" if limit.quantity == "age"
                  else human_bytes(int(limit.value)))
        return f"{word} than {amount}"


def _chosen(catalogued: tuple[Cleaner, ...], target: object,
            request: _Request) -> tuple[list[Cleaner], list[RootCleaner]]:
    """The cleaners a request may use: exactly the named ones, else the target's (all of
    them before the safe set is applied), less the excluded ones."""
    if request.named:
        chosen = [c for c in catalogued if c.key in request.named]
        pool = [c for c in cleaners.ROOT_CLEANERS if c.key in request.named]
    else:
        chosen = [c for c in catalogued if target is None or c.target == target]
        pool = [c for c in cleaners.ROOT_CLEANERS if target is None or c.target == target]
    explicit = bool(target or request.named)
    left_out = set(request.except_cleaners)
    for key in request.except_cleaners:
        mine = [c for c in chosen if key in (c.key, c.target) and (explicit or c.in_safe_set)]
        if not mine and not any(key in (c.key, c.target) for c in pool):
            request.notes.append(f"'except {key}' left nothing out: {key} was not part of "
                                 "this cleanup")
        elif mine and not any(os.path.isdir(root) for c in mine for root in c.roots):
            request.notes.append(f"'except {key}' left nothing out: there is no "
                                 f"{mine[0].name} on this machine")
    request.dropped = {c.key for c in chosen if {c.key, c.target} & left_out} | {
        c.key for c in pool if {c.key, c.target} & left_out}
    return ([c for c in chosen if c.key not in request.dropped],
            [c for c in pool if c.key not in request.dropped])


def _what(target: object, request: _Request) -> str | None:
    if request.named:
        return " or ".join(request.named) + " cache"
    return None if target is None else str(target)


def _scope(chosen: list[Cleaner], explicit: bool, path: str | None, what: str | None,
           ctx: Context) -> Scope | Reply:
    from nlsh.policy.paths import RULE, PathGuard, normalised

    if path is None:
        return {c: [(r, r) for r in c.roots] for c in chosen if explicit or c.in_safe_set}
    forms = normalised(os.path.abspath(_expand(path, ctx.paths.home)))
    assert forms is not None
    resolved = forms[1]
    guard = PathGuard.now(ctx)
    reason = guard.protected_reason(resolved, as_item=False)
    if reason:
        return Reply(Status.REFUSED, f"Refused: {reason}; nlsh never cleans there", rule=RULE)
    scope: Scope = {}
    for cleaner in chosen:
        if cleaner.items is Items.CORE_FILES and not explicit:
            continue  # its root is home: only a request for core dumps walks it
        starts = [(root, root if resolved in _anchors(cleaner, root) else resolved)
                  for root in cleaner.roots
                  if resolved in _anchors(cleaner, root) or is_inside(resolved, root)]
        if not starts and (explicit or cleaner.in_safe_set):
            starts = [(root, root) for root in cleaner.roots if is_inside(root, resolved)]
        if starts:
            scope[cleaner] = starts
    if not scope:
        what = f"no {what} that nlsh cleans" if what else "nothing nlsh cleans"
        return Reply(Status.REFUSED, f"{path} holds {what}: nlsh cleans only caches, "
                     "thumbnails, package caches, temp files, rotated logs and the Trash "
                     "(e.g. ~/.cache, /tmp)", rule="cleanup-roots")
    if not os.path.lexists(resolved):
        return Reply(Status.NOTHING_TO_DO, f"{path} does not exist")
    return scope


def _missing(request: _Request, chosen: list[Cleaner], found: list[tuple[Cleaner, Findings]],
             pool: list[RootCleaner], root_steps: list[Step], ctx: Context) -> dict[str, str]:
    """Each named cleaner that has nothing here, and why ("no pip cache found on this
    machine (looked in ~/.cache/pip)")."""
    missing: dict[str, str] = {}
    with_items = {c.key for c, findings in found if findings.items}
    scanned = {c.key for c, _ in found}
    suggested = {str(s.group) for s in root_steps}
    for key in request.named:
        if key in request.dropped or key in with_items:
            continue
        mine = [c for c in chosen if c.key == key]
        roots = [root for c in mine for root in c.roots]
        if mine and any(os.path.isdir(root) for root in roots):
            if key not in scanned:  # a path narrowed the cleanup away from it
                missing[key] = f"nothing of the {mine[0].name} lies in the path asked"
            continue  # there, but nothing to clean: the kept notes say why
        if mine:
            where = ", ".join(_shown(root, ctx.paths.home) for root in roots)
            missing[key] = f"no {mine[0].name} found on this machine (looked in {where})"
            continue
        for cleaner in (c for c in pool if c.key == key):
            if cleaner.name in suggested:
                break
            missing[key] = (f"no {cleaner.name} here ({cleaner.tool} is not installed)"
                            if not shutil.which(cleaner.tool)
                            else f"the {cleaner.name} is empty")
            break
        else:
            if not any(c.key == key for c in pool):
                missing[key] = f"nlsh finds no {key} cache on this machine"
    return missing


def _shown(path: str, home: Path) -> str:
    home_text = os.path.realpath(home)
    return "~" + path[len(home_text):] if is_inside(path, home_text) else path


def _unmatched_paths(request: _Request, found: list[tuple[Cleaner, Findings]]) -> list[str]:
    hits: Counter[str] = Counter()
    for _, findings in found:
        hits.update(findings.excepted)
    return [f"'except {said}' left nothing out: nothing to clean lies there"
            for resolved, said in request.except_paths.items() if not hits[resolved]]


def _anchors(cleaner: Cleaner, root: str) -> tuple[str, ...]:
    """Paths that name a root as a whole: the root, and for a trash its trash directory."""
    return (root, os.path.dirname(root)) if cleaner.items is Items.TRASHED else (root,)


def _expand(path: str, home: Path) -> str:
    if path == "~" or path.startswith("~/"):
        return str(home) + path[1:]
    return os.path.expanduser(path)


def _file_step(item: Item, scan: Scan) -> Step:
    cleaner = item.cleaner
    ref = FileRef(path=item.path, size=item.bytes, is_dir=stat.S_ISDIR(item.info.st_mode),
                  device=item.info.st_dev, inode=item.info.st_ino,
                  mtime=item.size.newest_mtime or item.info.st_mtime)
    params: dict[str, object] = {"cleaner": cleaner.name, "root": item.root}
    cutoff = modified_before(cleaner, scan)
    if cutoff is not None and cleaner.disposal is Disposal.DELETE:
        params["modified_before"] = cutoff
    if item.info_file is not None:
        params["info_file"] = item.info_file
    return Step(action=cleaner.disposal.value, target=ref, detail=_detail(item, scan),
                params=params, group=cleaner.name)


def _detail(item: Item, scan: Scan) -> str:
    size = item.size
    if item.cleaner.items is Items.TRASHED:
        parts = [f"from {item.origin}" if item.origin else "in the Trash", "deleted for good"]
    else:
        age = human_duration(scan.now - (size.newest_mtime or item.info.st_mtime))
        count = f"{size.entries} entries, " if size.entries > 1 else ""
        parts = [item.cleaner.why, f"{count}last modified {age} ago"]
    if size.kept_count:
        parts.append(f"{size.kept_count} kept in place")
    if item.trash_dir:
        parts.append(f"goes to {item.trash_dir} (its filesystem's Trash)")
    return "; ".join(parts)


def _root_steps(pool: list[RootCleaner], now: float) -> list[Step]:
    """One named, never-run step per root-only cleanup that would free something: what its
    files take first, then the command and what it would free, and why nlsh does not."""
    steps = []
    for cleaner in pool:
        if not shutil.which(cleaner.tool):
            continue
        reading = root_reading(cleaner, now)
        if reading.freed <= 0:
            continue
        command = "sudo " + " ".join(cleaner.command)
        held = f"{human_bytes(reading.held)}{' or more' if reading.unreadable else ''}"
        steps.append(Step(action="needs_root", target=None,
                          detail=f"{cleaner.name} takes {held} in {', '.join(cleaner.paths)}; "
                                 f"{command} frees ~{human_bytes(reading.freed)} (not run: "
                                 f"{cleaner.why})",
                          params={"command": ["sudo", *cleaner.command],
                                  "bytes": reading.freed, "held_bytes": reading.held},
                          group=cleaner.name, needs_root=True))
    return sorted(steps, key=lambda step: -int(str(step.params["bytes"])))


def _kept_notes(found: list[tuple[Cleaner, Findings]]) -> list[str]:
    notes = []
    for cleaner, findings in found:
        if findings.kept:
            reasons = "; ".join(f"{reason}: {n}" for reason, n in findings.kept.most_common())
            notes.append(f"{cleaner.name}: left in place {findings.kept.total()} "
                         f"entr{'y' if findings.kept.total() == 1 else 'ies'} ({reasons})")
        if findings.outside:
            count = findings.outside.total()
            reasons = "; ".join(f"{reason}: {n}" for reason, n in findings.outside.most_common())
            notes.append(f"{cleaner.name}: {count} item{'s' if count > 1 else ''} not "
                         f"within the limits asked ({reasons})")
    return notes


def _nothing_to_do(found: list[tuple[Cleaner, Findings]], root_steps: list[Step],
                   request: _Request, missing: dict[str, str]) -> Reply:
    parts = list(missing.values())
    present = [cleaner.name for cleaner, _ in found if cleaner.key not in missing]
    if present or not parts:
        names = ", ".join(present)
        parts.append(f"nothing to clean in {names}" if names else "nothing to clean")
        if request.qualifiers:
            parts[-1] += ", " + ", ".join(request.qualifiers)
    message = "; ".join(parts)
    message = message[:1].upper() + message[1:]
    kept = _kept_notes(found) + request.notes
    if kept:
        message += " (" + "; ".join(kept) + ")"
    if root_steps:
        message += ". Only root can free more; nlsh never uses sudo, but you could run: " + \
            "; ".join(step.detail for step in root_steps)
    return Reply(Status.NOTHING_TO_DO, message)


def _plan(found: list[tuple[Cleaner, Findings]], file_steps: list[Step],
          root_steps: list[Step], request: _Request, missing: dict[str, str]) -> Plan:
    by_name = {c.name: c for c, _ in found}
    per_group: Counter[str] = Counter()
    bytes_per_group: Counter[str] = Counter()
    for step in file_steps:
        assert step.group is not None and isinstance(step.target, FileRef)
        per_group[step.group] += 1
        bytes_per_group[step.group] += step.target.size
    parts = []
    for name, count in per_group.items():
        how = ", to the Trash" if by_name[name].disposal is Disposal.TRASH else ""
        parts.append(f"{name} {human_bytes(bytes_per_group[name])} ({count} item"
                     f"{'s' if count > 1 else ''}{how})")
    total = sum(bytes_per_group.values())
    summary = f"Clean up {human_bytes(total)}: " + ", ".join(parts)
    if request.qualifiers:
        summary += " — " + ", ".join(request.qualifiers)
    if root_steps:
        summary += f"; {len(root_steps)} root-only suggestion(s)"
    trashing = any(s.action == Disposal.TRASH.value for s in file_steps)
    deleting = any(s.action == Disposal.DELETE.value for s in file_steps)
    notes = [*missing.values(), *request.notes, *_kept_notes(found)]
    if trashing:
        notes.append("items moved to the Trash still take space until it is emptied, and "
                     "'undo' puts them back" + ("; deleted items cannot be brought back"
                                                if deleting else ""))
    if root_steps:
        notes.append("steps marked (root) are not run: nlsh never uses sudo; run the "
                     "commands shown yourself if you want them")
        if request.older_than_days or request.newer_than_days or request.sizes:
            notes.append("the root-only commands clean all they cover: the limits apply "
                         "only to what nlsh cleans")
    confirmations = []
    trash_group = [s for s in file_steps if by_name[str(s.group)].items is Items.TRASHED]
    if trash_group:
        size = sum(s.target.size for s in trash_group if isinstance(s.target, FileRef))
        confirmations.append(f"emptying the Trash deletes {len(trash_group)} item(s) "
                             f"({human_bytes(size)}) for good")
    risk = max((by_name[name].risk for name in per_group), key=_RISK_ORDER.index)
    return Plan(intent="disk.cleanup", summary=summary, steps=(*file_steps, *root_steps),
                risk=risk, reversible=trashing and not deleting,
                confirmations=tuple(confirmations), notes=tuple(notes))
