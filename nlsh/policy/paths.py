"""rule: protected-path — file steps stay inside known cleanup roots and off protected paths.

The paths in ``protect.paths`` of config.toml are protected too, with everything below
them and every item that holds one.

Every path is normalised (``..`` removed) and its parent resolved before it is judged,
and a path that reaches its target through a symbolic link is refused: links are never
followed. The planner already keeps out files open by a process or owned by another
user (it walks the trees, and reads ``/proc`` once per plan); this rule re-checks the
owner of each listed item, which costs one ``lstat``, and the executor re-checks
everything right before acting, since that is the check that counts.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from nlsh.actions.cleaners import Cleaner, Items, catalogue, is_core_dump, is_inside
from nlsh.context import Context
from nlsh.stages import FileRef, Plan, Reply, Status, Step
from nlsh.system.trash import INFO_SUFFIX, is_trash_dir
from nlsh.system.trees import PROTECTED_NAMES

RULE = "protected-path"

# Never acted on, nor anything below them.
_SYSTEM_TREES = ("/etc", "/usr", "/boot", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
                 "/libx32", "/dev", "/proc", "/sys", "/run", "/snap", "/srv", "/opt",
                 "/var/lib", "/var/log", "/var/cache", "/var/spool")
# Never acted on themselves (what is inside may be).
_SYSTEM_DIRS = ("/", "/home", "/root", "/tmp", "/var", "/var/tmp", "/mnt", "/media")


@dataclass(frozen=True)
class PathGuard:
    """Everything needed to judge file steps, gathered once per plan (or per step run)."""

    ctx: Context
    cleaners: tuple[Cleaner, ...]
    mounts: frozenset[str]
    trees: tuple[str, ...]
    exact: frozenset[str]
    configured: tuple[str, ...] = ()  # protect.paths of config.toml, both forms

    @classmethod
    def now(cls, ctx: Context) -> PathGuard:
        from nlsh.system.in_use import mount_points

        home, paths = ctx.paths.home, ctx.paths
        trees = (*_SYSTEM_TREES, *(str(p) for p in (
            home / ".ssh", home / ".gnupg", home / ".local/share/keyrings",
            home / ".password-store", home / ".cargo/bin", paths.config, paths.state,
            paths.cache, paths.models)))
        exact = (*_SYSTEM_DIRS, *(str(p) for p in (
            home, paths.data, paths.cache.parent, paths.state.parent, paths.config.parent,
            paths.trash)))
        cleaners = catalogue(ctx)
        exact += tuple(root for cleaner in cleaners for root in cleaner.roots)
        return cls(ctx, cleaners, mount_points(), _both_forms(trees), frozenset(
            _both_forms(exact)), _both_forms(ctx.settings.protected_paths))

    def protected_reason(self, path: str, as_item: bool = True) -> str | None:
        """Why ``path`` (absolute, normalised) must never be touched, or None.

        ``as_item=False`` asks about a place to clean *inside* (``~/.cache`` itself is
        fine to name, but is never removed).
        """
        names = set(path.split("/")) & PROTECTED_NAMES
        if names:
            return f"{sorted(names)[0]} is protected"
        for tree in self.trees:
            if path == tree or is_inside(path, tree):
                return f"{tree} is protected"
        for kept in self.configured:
            if path == kept or is_inside(path, kept):
                return f"{kept} is protected in your config.toml (protect.paths)"
            if as_item and is_inside(kept, path):
                return f"it holds {kept}, protected in your config.toml (protect.paths)"
        if as_item and path in self.exact:
            return f"{path} is protected"
        return None

    def problem(self, step: Step) -> str | None:
        """Why a file step may not run (now), or None. Shared by this rule and the executor."""
        if not isinstance(step.target, FileRef):
            return None
        forms = normalised(step.target.path)
        if forms is None:
            return "not an absolute path"
        plain, resolved = forms
        for form in (plain, resolved):
            reason = self.protected_reason(form)
            if reason:
                return reason
        if plain != resolved:
            return "reached through a symbolic link"
        if step.action in ("trash", "delete") and "found_in" in step.params:
            return self._found_problem(step, plain)
        if step.action in ("trash", "delete"):
            return self._cleanup_problem(step, plain)
        if step.action == "restore":
            return self._restore_problem(step)
        return f"unknown file action {step.action!r}"

    def _cleanup_problem(self, step: Step, path: str) -> str | None:
        cleaner = next((c for c in self.cleaners if c.name == step.params.get("cleaner")), None)
        root = step.params.get("root")
        if cleaner is None or root not in cleaner.roots:
            return "not in a cleanup location"
        if not is_inside(path, str(root)):
            return f"outside {root}"
        if step.action != cleaner.disposal.value:
            return f"the {cleaner.name} cleaner does not {step.action}"
        if cleaner.items is Items.CORE_FILES and not is_core_dump(path):
            return "not a core dump"
        info_file = step.params.get("info_file")
        if info_file is not None:
            info_dir = os.path.join(os.path.dirname(str(root)), "info")
            if os.path.dirname(os.path.normpath(str(info_file))) != info_dir:
                return "its .trashinfo is not in the same Trash"
        try:
            info = os.lstat(path)
            root_device = os.lstat(str(root)).st_dev
        except FileNotFoundError:
            return None  # gone: the executor reports it as skipped
        if info.st_uid != os.geteuid():
            return "owned by another user"
        if path in self.mounts or info.st_dev != root_device:
            return "a mount point"
        return None

    def _found_problem(self, step: Step, path: str) -> str | None:
        """A file a search found: only ever moved to the Trash, only a regular file of the
        user's own, inside the searched place and on its filesystem."""
        if step.action != "trash":
            return "files a search found are only moved to the Trash"
        place = os.path.normpath(str(step.params.get("found_in", "")))
        if not os.path.isabs(place) or not is_inside(path, place):
            return f"outside {place}, the place searched"
        try:
            info = os.lstat(path)
            place_device = os.lstat(place).st_dev
        except FileNotFoundError:
            return None  # gone: the executor reports it as skipped
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        if info.st_uid != os.geteuid():
            return "owned by another user"
        if path in self.mounts or info.st_dev != place_device:
            return "on another filesystem than the place searched"
        return None

    def _restore_problem(self, step: Step) -> str | None:
        trash_file = os.path.normpath(str(step.params.get("trash_file", "")))
        info_file = os.path.normpath(str(step.params.get("info_file", "")))
        files_dir = os.path.dirname(trash_file)
        trash_dir = os.path.dirname(files_dir)
        if os.path.basename(files_dir) != "files" or not is_trash_dir(
                trash_dir, Path(self.ctx.paths.trash), os.geteuid()):
            return "the item to restore is not in a Trash"
        expected = os.path.join(trash_dir, "info", os.path.basename(trash_file) + INFO_SUFFIX)
        if info_file != expected:
            return "its .trashinfo does not match"
        return None


def _both_forms(paths: tuple[str, ...]) -> tuple[str, ...]:
    """Each path as written (normalised) and resolved, so a linked home is covered too."""
    forms = (form for p in paths for form in (os.path.normpath(p), os.path.realpath(p)))
    return tuple(dict.fromkeys(forms))


def normalised(path: str) -> tuple[str, str] | None:
    """(``path`` with ``..`` removed, the same with its parent resolved); None if relative."""
    if not os.path.isabs(path):
        return None
    plain = os.path.normpath(path)
    if plain == "/":
        return plain, plain
    resolved = os.path.join(os.path.realpath(os.path.dirname(plain)), os.path.basename(plain))
    return plain, resolved


def protect_paths(plan: Plan, ctx: Context) -> Plan | Reply:
    """rule: protected-path — drop file steps that may not run; refuse if none remain."""
    if not any(isinstance(s.target, FileRef) for s in plan.steps):
        return plan
    guard = PathGuard.now(ctx)
    kept: list[Step] = []
    notes: list[str] = []
    for step in plan.steps:
        problem = guard.problem(step)
        if problem is None:
            kept.append(step)
        else:
            assert isinstance(step.target, FileRef)
            notes.append(f"left out {step.target.path}: {problem}")
    if not notes:
        return plan
    if not any(isinstance(s.target, FileRef) for s in kept):
        first = notes[0].removeprefix("left out ")
        more = f" (and {len(notes) - 1} more)" if len(notes) > 1 else ""
        return Reply(Status.REFUSED, f"Refused: {first}{more}", rule=RULE)
    summary = f"{plan.summary} ({len(notes)} item(s) left out: protected or out of bounds)"
    return replace(plan, steps=tuple(kept), notes=(*plan.notes, *notes), summary=summary)
