"""disk.cleanup: reclaim space from caches, thumbnails, package caches, temp files, logs and
the Trash — every item listed with its bytes before anything is asked.

Without a ``target`` the plan is the safe set (caches, thumbnails, package caches, old
temp files, and root-only cleanups as named suggestions); the Trash and rotated logs
only when asked. ``path`` narrows the plan to what lies under it (it must be inside a
cleaner's root, or hold some), ``older_than_days`` to what is older.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from collections import Counter
from pathlib import Path

from nlsh.actions import cleaners
from nlsh.actions.cleaners import (
    TARGETS,
    Cleaner,
    Disposal,
    Items,
    catalogue,
    is_inside,
)
from nlsh.actions.cleanup_items import (
    Findings,
    Item,
    Scan,
    find_items,
    modified_before,
    root_estimate,
)
from nlsh.context import Context
from nlsh.render.units import human_bytes, human_duration
from nlsh.stages import Choice, FileRef, Parse, Plan, Reply, Risk, Status, Step

_RISK_ORDER = (Risk.LOW, Risk.MEDIUM, Risk.HIGH)

Scope = dict[Cleaner, list[tuple[str, str]]]


def plan_cleanup(parse: Parse, ctx: Context) -> Plan | Reply:
    from nlsh.system.in_use import mount_points, open_files

    target = parse.slot("target")
    if target is not None and target not in TARGETS:
        return Reply(Status.CLARIFY, "Clean up what?", choices=tuple(
            Choice(label=t, sentence=f"clean up {t}") for t in TARGETS))
    days = parse.slot("older_than_days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
        return Reply(Status.CLARIFY, "How many days old should files be, at least?")
    path = parse.slot("path")
    scope = _scope(catalogue(ctx), target, None if path is None else str(path), ctx)
    if isinstance(scope, Reply):
        return scope
    scan = Scan(uid=os.geteuid(), open_files=open_files(), mounts=mount_points(),
                now=time.time(), older_than_days=days, home_trash=Path(ctx.paths.trash))
    found: list[tuple[Cleaner, Findings]] = []
    with ctx.progress("Measuring what can be cleaned") as progress:
        for cleaner, starts in scope.items():
            progress.update(cleaner.name)
            found.append((cleaner, find_items(cleaner, starts, scan)))
    file_steps = [_file_step(item, scan) for _, findings in found
                  for item in sorted(findings.items, key=lambda i: -i.bytes)]
    root_steps = [] if path is not None else _root_steps(target, scan.now)
    if not file_steps:
        return _nothing_to_do(found, root_steps)
    return _plan(found, file_steps, root_steps)


def _scope(catalogued: tuple[Cleaner, ...], target: object, path: str | None,
           ctx: Context) -> Scope | Reply:
    from nlsh.policy.paths import RULE, PathGuard, normalised

    chosen = [c for c in catalogued if target is None or c.target == target]
    if path is None:
        return {c: [(r, r) for r in c.roots] for c in chosen if target or c.in_safe_set}
    forms = normalised(os.path.abspath(_expand(path, ctx.paths.home)))
    assert forms is not None
    resolved = forms[1]
    guard = PathGuard.now(ctx)
    reason = guard.protected_reason(resolved, as_item=False)
    if reason:
        return Reply(Status.REFUSED, f"Refused: {reason}; nlsh never cleans there", rule=RULE)
    scope: Scope = {}
    for cleaner in chosen:
        starts = [(root, root if resolved in _anchors(cleaner, root) else resolved)
                  for root in cleaner.roots
                  if resolved in _anchors(cleaner, root) or is_inside(resolved, root)]
        if not starts and (target or cleaner.in_safe_set):
            starts = [(root, root) for root in cleaner.roots if is_inside(root, resolved)]
        if starts:
            scope[cleaner] = starts
    if not scope:
        what = f"no {target} that nlsh cleans" if target else "nothing nlsh cleans"
        return Reply(Status.REFUSED, f"{path} holds {what}: nlsh cleans only caches, "
                     "thumbnails, package caches, temp files, rotated logs and the Trash "
                     "(e.g. ~/.cache, /tmp)", rule="cleanup-roots")
    if not os.path.lexists(resolved):
        return Reply(Status.NOTHING_TO_DO, f"{path} does not exist")
    return scope


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


def _root_steps(target: object, now: float) -> list[Step]:
    steps = []
    for cleaner in cleaners.ROOT_CLEANERS:
        if (target is not None and cleaner.target != target) or not shutil.which(cleaner.tool):
            continue
        estimate = root_estimate(cleaner, now)
        if estimate <= 0:
            continue
        command = "sudo " + " ".join(cleaner.command)
        steps.append(Step(action="needs_root", target=None,
                          detail=f"{command} frees ~{human_bytes(estimate)}",
                          params={"command": ["sudo", *cleaner.command], "bytes": estimate},
                          group=cleaner.name, needs_root=True))
    return steps


def _kept_notes(found: list[tuple[Cleaner, Findings]]) -> list[str]:
    notes = []
    for cleaner, findings in found:
        if findings.kept:
            reasons = "; ".join(f"{reason}: {n}" for reason, n in findings.kept.most_common())
            notes.append(f"{cleaner.name}: left in place {findings.kept.total()} "
                         f"entr{'y' if findings.kept.total() == 1 else 'ies'} ({reasons})")
    return notes


def _nothing_to_do(found: list[tuple[Cleaner, Findings]], root_steps: list[Step]) -> Reply:
    names = ", ".join(cleaner.name for cleaner, _ in found)
    message = f"Nothing to clean in {names}" if names else "Nothing to clean"
    kept = _kept_notes(found)
    if kept:
        message += " (" + "; ".join(kept) + ")"
    if root_steps:
        message += ". Only root can free more; nlsh never uses sudo, but you could run: " + \
            "; ".join(step.detail for step in root_steps)
    return Reply(Status.NOTHING_TO_DO, message)


def _plan(found: list[tuple[Cleaner, Findings]], file_steps: list[Step],
          root_steps: list[Step]) -> Plan:
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
    if root_steps:
        summary += f"; {len(root_steps)} root-only suggestion(s)"
    trashing = any(s.action == Disposal.TRASH.value for s in file_steps)
    deleting = any(s.action == Disposal.DELETE.value for s in file_steps)
    notes = _kept_notes(found)
    if trashing:
        notes.append("items moved to the Trash still take space until it is emptied, and "
                     "'undo' puts them back" + ("; deleted items cannot be brought back"
                                                if deleting else ""))
    if root_steps:
        notes.append("steps marked (root) are not run: nlsh never uses sudo; run the "
                     "commands shown yourself if you want them")
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
