"""The catalogue of cleaners: where disk space can be reclaimed, and how.

Each cleaner serves one ``target`` of the spec (cache, trash, temp, logs, thumbnails,
packages), owns its roots, and says how its items go: regenerable data is deleted, the
user's own files are moved to the Trash (restorable with ``undo``). Cleanups that need
root are :class:`RootCleaner` entries: nlsh names the command and never runs it.

Decisions: rotated logs are looked for under ``$XDG_STATE_HOME`` and
``$XDG_DATA_HOME/xorg`` (``~/.cache`` belongs to the cache cleaner); only files whose
name says they are rotated logs (``app.log.1``, ``app.1.log``, ``Xorg.0.log.old``,
``app.log.2.gz``) qualify. The temp directories are ``/tmp`` and ``/var/tmp``, or the
absolute paths in ``NLSH_TEMP_DIRS`` (``:``-separated), which the test suite uses so it
never touches the machine's real temp files; the folders in ``cleanup.temp_dirs`` of
config.toml are added to them.

Every cleaner has a ``key``, the canonical name people use for it (``pip``, ``firefox``,
``trash``, ``apt``; the aliases are in :mod:`nlsh.actions.cleaner_names`), so a cleanup
that names one cleans exactly that one. Browser and tool caches under ``~/.cache``
(firefox, chrome, chromium, brave, go's build cache, composer) are cleaners of the
``cache`` target, so "clear the cache" still covers them; the gradle, maven and conda
caches live elsewhere and are cleaned only when named or asked for as package caches.
Their locations are the tools' defaults (only ``GRADLE_USER_HOME``, like ``CARGO_HOME``,
is honoured, and only its ``caches`` folder): a variable pointing a cache at a wider
folder must not widen what is deleted. Go's module cache is read-only and left out.

Core dumps (``coredumps``) are ELF core files named ``core``/``core.PID`` anywhere under
home, found only when asked (or when the disk is full), moved to the Trash. System folders
are root-only cleanups: rotated logs in /var/log, the journal, apt's ``.deb`` files,
systemd-coredump's folder; their sizes are read (below ``NLSH_SYSTEM_ROOT`` when set, so
tests use real files) and their commands named, never run.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from enum import StrEnum

from nlsh.context import Context
from nlsh.stages import Risk

TARGETS = ("cache", "trash", "temp", "logs", "thumbnails", "packages", "coredumps", "tools")

DEFAULT_TEMP_AGE_DAYS = 7

ROTATED_LOG = re.compile(
    r"\.log(?:\.\d+|-\d{8})(?:\.(?:gz|xz|bz2|zst))?$"  # app.log.1, app.log-20240501.gz
    r"|\.log(?:\.\d+)?\.old$"                           # Xorg.0.log.old
    r"|\.log\.(?:gz|xz|bz2|zst)$"                        # app.log.gz
    r"|\.\d+\.log(?:\.(?:gz|xz|bz2|zst))?$"              # app.1.log
)


class Disposal(StrEnum):
    """How a cleaner's items go; the value is the executor's verb."""

    DELETE = "delete"  # regenerable: removed outright
    TRASH = "trash"  # the user's own files: moved to the Trash, restorable


# Rotated or compressed system logs: syslog.1, kern.log.2.gz, dpkg.log.old, btmp.1 (never
# the journal's own files, which journalctl manages).
ROTATED_SYSTEM_LOG = re.compile(r"(?:\.\d+|\.old|\.gz|\.xz|\.bz2|\.zst|-\d{8})$")
# A core dump's name as the kernel writes it by default (core, core.4312); what is in the
# file decides too (an ELF core file, :func:`is_core_dump`).
CORE_NAME = re.compile(r"core(?:\.\d+)?$")


def is_core_dump(path: str) -> bool:
    """Whether ``path`` is a regular file named like a core dump that is an ELF core file
    (a file of the user's own called ``core`` is never taken for one by name alone)."""
    import stat as stat_module

    if not CORE_NAME.fullmatch(os.path.basename(path)):
        return False
    try:
        if not stat_module.S_ISREG(os.lstat(path).st_mode):
            return False
        with open(path, "rb") as handle:
            header = handle.read(18)
    except OSError:
        return False
    if len(header) < 18 or header[:4] != b"\x7fELF":
        return False
    e_type = header[16:18] if header[5] == 1 else header[17:15:-1]  # little-endian order
    return int.from_bytes(e_type, "little") == 4  # ET_CORE


def system_path(path: str) -> str:
    """A system path (``/var/log``) as this run reads it: below ``NLSH_SYSTEM_ROOT`` when
    that is set (the test suite's real files in a temp folder), else itself."""
    base = os.environ.get("NLSH_SYSTEM_ROOT", "")
    if not os.path.isabs(base) or base == "/":
        return path
    return os.path.join(base, path.lstrip("/"))


class Items(StrEnum):
    """How a cleaner's roots split into the items a plan lists."""

    CHILDREN = "children"  # each entry in a root; entries that must stay are left in place
    WHOLE = "whole"  # each entry in a root, only when nothing inside it must stay
    ROTATED_LOGS = "rotated_logs"  # rotated log files anywhere below a root
    TRASHED = "trashed"  # each item in a trash's files/, with its .trashinfo
    CORE_FILES = "core_files"  # core dumps (core, core.PID, ELF cores) anywhere below a root


@dataclass(frozen=True)
class Cleaner:
    name: str
    target: str
    roots: tuple[str, ...]
    disposal: Disposal
    risk: Risk
    items: Items
    why: str
    in_safe_set: bool = True
    excluded: tuple[str, ...] = ()
    min_age_days: int | None = None
    key: str = ""  # the canonical name people use (nlsh.actions.cleaner_names)

    def root_of(self, path: str) -> str | None:
        """The root that holds ``path`` (strictly inside it), if any."""
        for root in self.roots:
            if is_inside(path, root):
                return root
        return None


@dataclass(frozen=True)
class RootCleaner:
    """A system-wide cleanup only root can do; nlsh names its command and never runs it."""

    name: str
    target: str
    command: tuple[str, ...]
    tool: str
    paths: tuple[str, ...]
    older_than_days: int | None = None
    key: str = ""  # the canonical name people use (nlsh.actions.cleaner_names)
    names: re.Pattern[str] | None = None  # the files it removes (None: every file)
    why: str = "owned by root"  # why nlsh does not do it itself


ROOT_CLEANERS: tuple[RootCleaner, ...] = (
    RootCleaner("system journal", "logs", ("journalctl", "--vacuum-time=2weeks"), "journalctl",
                ("/var/log/journal",), older_than_days=14, key="journal",
                names=re.compile(r"\.journal~?$"),
                why="the journal belongs to systemd-journald; only journalctl may trim it"),
    RootCleaner("rotated system logs", "logs",
                ("find", "/var/log", "-xdev", "-type", "f", "(", "-name", "*.[0-9]", "-o",
                 "-name", "*.gz", "-o", "-name", "*.xz", "-o", "-name", "*.old", ")",
                 "-delete"), "find", ("/var/log",), key="syslogs",
                names=ROTATED_SYSTEM_LOG, why="system logs belong to root"),
    RootCleaner("apt package cache", "packages", ("apt-get", "clean"), "apt-get",
                ("/var/cache/apt/archives",), key="apt", names=re.compile(r"\.deb$"),
                why="only apt may clean its own cache"),
    RootCleaner("dnf package cache", "packages", ("dnf", "clean", "packages"), "dnf",
                ("/var/cache/dnf",), key="dnf"),
    RootCleaner("pacman package cache", "packages", ("pacman", "-Sc"), "pacman",
                ("/var/cache/pacman/pkg",), key="pacman"),
    RootCleaner("system core dumps", "coredumps",
                ("find", "/var/lib/systemd/coredump", "-xdev", "-type", "f", "-delete"), "find",
                ("/var/lib/systemd/coredump",), key="coredumps",
                why="systemd-coredump keeps them as root"),
)


def is_inside(path: str, root: str) -> bool:
    """Whether ``path`` lies strictly below ``root`` (both absolute and normalised)."""
    return path != root and path.startswith(root.rstrip("/") + "/")


def temp_dirs(ctx: Context) -> tuple[str, ...]:
    """``/tmp`` and ``/var/tmp`` (or ``NLSH_TEMP_DIRS``), then ``cleanup.temp_dirs`` of
    config.toml."""
    configured = [p for p in os.environ.get("NLSH_TEMP_DIRS", "").split(os.pathsep)
                  if os.path.isabs(p)]
    base = tuple(configured) if configured else ("/tmp", "/var/tmp")
    return tuple(dict.fromkeys((*base, *ctx.settings.temp_dirs)))


def _root(base: str | os.PathLike[str], below: str = "") -> str | None:
    """``base`` resolved (the user's own configuration may use links), then ``below`` it
    with no link allowed: a cache folder that is a link is not a root to clean."""
    current = os.path.realpath(base)
    for part in filter(None, below.split("/")):
        current = os.path.join(current, part)
        if os.path.islink(current):
            return None
    return current


def _both_forms(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """A path as configured and resolved: a link to nlsh's cache is kept as well as its target."""
    return tuple(dict.fromkeys((os.path.normpath(path), os.path.realpath(path))))


def catalogue(ctx: Context) -> tuple[Cleaner, ...]:
    """Every cleaner, with roots resolved for this user (roots that do not exist are empty)."""
    from nlsh.system.trash import topdir_trashes

    home = ctx.paths.home
    cache_home = ctx.paths.cache.parent
    cargo = os.environ.get("CARGO_HOME", "")
    cargo_home = cargo if os.path.isabs(cargo) else str(home / ".cargo")
    uid = os.geteuid()
    trashes = [str(ctx.paths.trash), *topdir_trashes(list(temp_dirs(ctx)), uid)]

    def roots(*places: tuple[str | os.PathLike[str], str]) -> tuple[str, ...]:
        found = (_root(base, below) for base, below in places)
        return tuple(dict.fromkeys(r for r in found if r is not None))

    def env_dir(variable: str, default: str | os.PathLike[str]) -> str:
        value = os.environ.get(variable, "")
        return value if os.path.isabs(value) else str(default)

    fetched = "downloaded packages, re-fetched"
    others = (
        Cleaner("thumbnails", "thumbnails", roots((cache_home, "thumbnails"),
                                                  (home, ".thumbnails")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, "thumbnail cache, regenerated",
                key="thumbnails"),
        Cleaner("pip cache", "packages", roots((cache_home, "pip")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, fetched, key="pip"),
        Cleaner("npm cache", "packages", roots((home, ".npm/_cacache")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, fetched, key="npm"),
        Cleaner("yarn cache", "packages", roots((cache_home, "yarn"),
                                                (home, ".yarn/berry/cache")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, fetched, key="yarn"),
        Cleaner("pnpm store", "packages", roots((ctx.paths.data, "pnpm/store"),
                                                (cache_home, "pnpm")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, fetched, key="pnpm"),
        # Registry downloads and git checkouts only: never ~/.cargo/bin or the git database.
        Cleaner("cargo cache", "packages", roots((cargo_home, "registry/cache"),
                                                 (cargo_home, "git/checkouts")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, "downloaded crates, re-fetched",
                key="cargo"),
        # Outside ~/.cache and new: only when asked for by name or as package caches.
        Cleaner("gradle cache", "packages",
                roots((env_dir("GRADLE_USER_HOME", home / ".gradle"), "caches")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, "downloaded dependencies and "
                "build cache, re-fetched", in_safe_set=False, key="gradle"),
        Cleaner("maven repository", "packages", roots((home, ".m2/repository")),
                Disposal.DELETE, Risk.MEDIUM, Items.CHILDREN, "downloaded artifacts, "
                "re-fetched (ones you installed yourself need a rebuild)", in_safe_set=False,
                key="maven"),
        Cleaner("conda packages", "packages", roots((home, ".conda/pkgs"),
                                                    (home, "miniconda3/pkgs"),
                                                    (home, "anaconda3/pkgs"),
                                                    (home, "miniforge3/pkgs"),
                                                    (home, "mambaforge/pkgs")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, "downloaded packages, re-fetched "
                "(environments keep their own links)", in_safe_set=False, key="conda"),
        # Under ~/.cache: part of the cache target, as they were of the user cache.
        # Go's module cache (~/go/pkg/mod) is read-only by design and left alone.
        Cleaner("go build cache", "cache", roots((cache_home, "go-build")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, "build cache, rebuilt", key="go"),
        Cleaner("composer cache", "cache", roots((cache_home, "composer")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, fetched, key="composer"),
        Cleaner("firefox cache", "cache", roots((cache_home, "mozilla")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, "browser cache, re-fetched",
                key="firefox"),
        Cleaner("chrome cache", "cache", roots((cache_home, "google-chrome"),
                                               (cache_home, "google-chrome-beta"),
                                               (cache_home, "google-chrome-unstable")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, "browser cache, re-fetched",
                key="chrome"),
        Cleaner("chromium cache", "cache", roots((cache_home, "chromium")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, "browser cache, re-fetched",
                key="chromium"),
        Cleaner("brave cache", "cache", roots((cache_home, "BraveSoftware")),
                Disposal.DELETE, Risk.LOW, Items.CHILDREN, "browser cache, re-fetched",
                key="brave"),
        Cleaner("temp files", "temp", roots(*((t, "") for t in temp_dirs(ctx))),
                Disposal.TRASH, Risk.MEDIUM, Items.WHOLE, "your temp file",
                min_age_days=DEFAULT_TEMP_AGE_DAYS, key="temp"),
        Cleaner("rotated logs", "logs", roots((ctx.paths.state.parent, ""),
                                              (ctx.paths.data, "xorg")),
                Disposal.TRASH, Risk.LOW, Items.ROTATED_LOGS, "rotated log",
                in_safe_set=False, excluded=_both_forms(ctx.paths.state), key="logs"),
        # Outside the safe set: a whole-home walk, and only when asked (or the disk is full).
        Cleaner("core dumps", "coredumps", roots((home, "")), Disposal.TRASH, Risk.LOW,
                Items.CORE_FILES, "a crashed program's core dump", in_safe_set=False,
                excluded=_both_forms(ctx.paths.state), key="coredumps"),
        Cleaner("Trash", "trash", roots(*((t, "files") for t in trashes)),
                Disposal.DELETE, Risk.HIGH, Items.TRASHED, "in the Trash", in_safe_set=False,
                key="trash"),
    )
    # The user cache leaves alone nlsh's own cache and what other cleaners own.
    cache_root = os.path.realpath(cache_home)
    owned_elsewhere = tuple(root for cleaner in others for root in cleaner.roots
                            if is_inside(root, cache_root))
    user_cache = Cleaner("user cache", "cache", (cache_root,), Disposal.DELETE, Risk.LOW,
                         Items.CHILDREN, "regenerable cache",
                         excluded=(*_both_forms(ctx.paths.cache),
                                   *_both_forms(ctx.paths.models), *owned_elsewhere),
                         key="cache")
    return (user_cache, *others)


def find_cleaner(ctx: Context, name: str) -> Cleaner | None:
    return next((c for c in catalogue(ctx) if c.name == name), None)


def known_roots(ctx: Context) -> tuple[str, ...]:
    """Every directory cleanup may act inside."""
    return tuple(root for cleaner in catalogue(ctx) for root in cleaner.roots)
