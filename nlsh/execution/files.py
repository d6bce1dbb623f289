"""File verbs: ``trash``, ``delete``, ``restore``, ``needs_root``.

Right before acting each verb re-checks its target: same device and inode as planned
(a vanished or replaced path is skipped), still inside its cleaner's root, not a mount
point, not protected (the policy's own checks, run again), and nothing in it open by a
process. ``trash`` returns the ``restore`` step that undoes it.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from pathlib import Path

from nlsh.context import Context
from nlsh.render.units import human_bytes
from nlsh.stages import FileRef, Step, StepResult, StepStatus
from nlsh.system.trees import Keep, TreeRules, identities


def _skip(step: Step, why: str) -> StepResult:
    return StepResult(step, StepStatus.SKIPPED, f"not touched: {why}")


def _recheck(step: Step, ctx: Context) -> tuple[FileRef, TreeRules] | StepResult:
    """The planned file, unchanged and still allowed, with the rules to act under."""
    from nlsh.actions.cleaners import find_cleaner
    from nlsh.policy.paths import PathGuard
    from nlsh.system.in_use import open_files

    ref = step.target
    if not isinstance(ref, FileRef):
        return StepResult(step, StepStatus.FAILED, "no file to act on")
    guard = PathGuard.now(ctx)
    problem = guard.problem(step)
    if problem:
        return _skip(step, problem)
    try:
        info = os.lstat(ref.path)
    except FileNotFoundError:
        return _skip(step, "it is gone")
    if (info.st_dev, info.st_ino) != (ref.device, ref.inode):
        return _skip(step, "it was replaced since the plan was made")
    if stat.S_ISDIR(info.st_mode) != ref.is_dir:  # an inode number reused by another kind
        return _skip(step, "it was replaced since the plan was made (it is a "
                           f"{'folder' if stat.S_ISDIR(info.st_mode) else 'file'} now)")
    if "found_in" in step.params:  # a file a search found: no cleaner, nothing excluded
        return ref, TreeRules(uid=os.geteuid(), open_files=open_files(), mounts=guard.mounts,
                              excluded=identities(()), modified_before=None)
    cleaner = find_cleaner(ctx, str(step.params.get("cleaner")))
    assert cleaner is not None  # the guard checked it
    cutoff = step.params.get("modified_before")
    # A fresh /proc scan per step: a file opened after planning must still be noticed.
    rules = TreeRules(uid=os.geteuid(), open_files=open_files(), mounts=guard.mounts,
                      excluded=identities(cleaner.excluded),
                      modified_before=float(cutoff) if cutoff is not None else None)
    return ref, rules


def trash(step: Step, ctx: Context) -> StepResult:
    """Move the item to the Trash, whole; the undo record puts it back."""
    from nlsh.execution.trash import TrashUnavailable, move_to_trash
    from nlsh.system.trees import measure

    checked = _recheck(step, ctx)
    if isinstance(checked, StepResult):
        return checked
    ref, rules = checked
    root = str(step.params.get("found_in") or step.params["root"])
    size = measure(ref.path, rules, os.lstat(root).st_dev)
    if not size.whole:
        reason = next(iter(size.kept), Keep.UNREADABLE)
        return _skip(step, f"{'something inside is ' if ref.is_dir else ''}{reason.value}")
    if ref.mtime is not None and size.newest_mtime > ref.mtime:
        return _skip(step, "it was modified since the plan was made")
    try:
        moved = move_to_trash(ref.path, Path(ctx.paths.trash), rules.uid)
    except TrashUnavailable as error:
        return StepResult(step, StepStatus.FAILED, str(error))
    placed = os.lstat(moved.trash_file)
    undo = Step(action="restore",
                target=FileRef(path=ref.path, size=ref.size, is_dir=ref.is_dir),
                detail=f"put {ref.path} back from the Trash",
                params={"trash_file": moved.trash_file, "info_file": moved.info_file,
                        "device": placed.st_dev, "inode": placed.st_ino}).to_json()
    return StepResult(step, StepStatus.DONE, f"moved to the Trash as {moved.trash_file}",
                      undo=undo)


def delete(step: Step, ctx: Context) -> StepResult:
    """Remove the item and what may go inside it; entries that must stay are left."""
    from nlsh.execution.removal import remove_tree
    from nlsh.system.trees import allocated

    checked = _recheck(step, ctx)
    if isinstance(checked, StepResult):
        return checked
    ref, rules = checked
    try:
        removal = remove_tree(str(step.params["root"]), ref.path, rules)
    except OSError as error:
        return _skip(step, f"a folder on its path changed ({error.strerror})")
    info_file = step.params.get("info_file")
    if removal.whole and info_file is not None:
        try:
            info_stat = os.lstat(str(info_file))
            os.unlink(str(info_file))
            removal.freed += allocated(info_stat)
        except FileNotFoundError:
            pass
    message = f"freed {human_bytes(removal.freed)} ({removal.removed} entries removed)"
    if removal.kept:
        message += f"; left in place ({_reasons(removal.kept)})"
    if removal.errors:
        failed = ", ".join(f"{path} ({why})" for path, why in removal.errors[:3])
        more = f" and {len(removal.errors) - 3} more" if len(removal.errors) > 3 else ""
        return StepResult(step, StepStatus.FAILED,
                          f"{message}; could not remove {len(removal.errors)}: {failed}{more}")
    if removal.removed == 0:
        return StepResult(step, StepStatus.SKIPPED, message)
    return StepResult(step, StepStatus.DONE, message)


def _reasons(kept: Counter[Keep]) -> str:
    return "; ".join(f"{reason.value}: {n}" for reason, n in kept.most_common())


def restore(step: Step, ctx: Context) -> StepResult:
    """Put a trashed item back where it was, unless something now occupies that place."""
    from nlsh.execution.trash import restore_from_trash
    from nlsh.policy.paths import PathGuard
    from nlsh.system.trash import parse_info, topdir_of

    ref = step.target
    if not isinstance(ref, FileRef):
        return StepResult(step, StepStatus.FAILED, "no file to restore")
    problem = PathGuard.now(ctx).problem(step)
    if problem:
        return _skip(step, problem)
    trash_file, info_file = str(step.params["trash_file"]), str(step.params["info_file"])
    try:
        info = os.lstat(trash_file)
        with open(info_file, encoding="utf-8", errors="surrogateescape") as handle:
            recorded, _ = parse_info(handle.read(), topdir_of(os.path.dirname(
                os.path.dirname(trash_file))))
    except FileNotFoundError:
        return _skip(step, "it is no longer in the Trash")
    if (info.st_dev, info.st_ino) != (step.params.get("device"), step.params.get("inode")):
        return _skip(step, "the Trash entry was replaced")
    if recorded != ref.path:
        return _skip(step, "the Trash entry no longer names this place")
    try:
        restore_from_trash(trash_file, info_file, ref.path)
    except FileExistsError:
        return StepResult(step, StepStatus.FAILED,
                          f"not restored: something now exists at {ref.path}; the item stays "
                          f"in the Trash as {trash_file}")
    return StepResult(step, StepStatus.DONE, "put back from the Trash")


def needs_root(step: Step, ctx: Context) -> StepResult:
    """Never runs anything: says what to run, since nlsh never uses sudo."""
    command = " ".join(str(part) for part in step.params.get("command", ())) or step.detail
    return StepResult(step, StepStatus.SKIPPED,
                      f"not run: this needs root, and nlsh never uses sudo; to do it yourself, "
                      f"run: {command}")
