"""Searching a folder tree for files that fit a description; reads only.

``search(query, tally)`` yields each matching file as soon as it is found (so a front end
can show the first within milliseconds on a big tree). The walk:

- uses ``os.scandir`` and the file type it reports, so a name-only search costs no
  ``stat`` per entry, only per match;
- never follows a symbolic link (a link is neither entered nor reported);
- stays on the place's filesystem: a folder that is a mount point is counted and skipped
  (the mount table is read once), unless ``query.cross_filesystems``;
- counts folders it cannot read instead of failing on them;
- reads file contents only for a content search: regular files under ``CONTENT_CAP``,
  in chunks, giving up on a file at its first NUL byte (binary).

Measured against ``find``/``grep -rl`` by ``scripts/bench.py --find`` (docs/benchmarks.md).
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from nlsh.system.file_kinds import EXTENSIONS, LARGE_BYTES, extension_of, kind_of

CONTENT_CAP = 64 * 1024**2  # larger files are not read for a content search
_CHUNK = 1024**2
DAY = 86400.0


@dataclass(frozen=True)
class Bound:
    """One comparison on a file's size (bytes) or age (days): ``op`` is >, >=, < or <=."""

    op: str
    value: float

    def admits(self, measured: float) -> bool:
        return {">": measured > self.value, ">=": measured >= self.value,
                "<": measured < self.value, "<=": measured <= self.value}[self.op]


@dataclass(frozen=True)
class FileQuery:
    """What to look for under ``root`` (absolute). Empty parts match everything."""

    root: str
    pattern: str | None = None  # a glob (``report*``) or a piece of the name (``tax``)
    kinds: frozenset[str] = frozenset()  # file_kinds names
    extensions: frozenset[str] = frozenset()  # narrower than a kind: "png pictures"
    sizes: tuple[Bound, ...] = ()
    ages: tuple[Bound, ...] = ()
    age_field: str = "mtime"  # or "atime" ("not opened in a year")
    uid: int | None = None
    content: str | None = None
    except_paths: tuple[str, ...] = ()
    except_kinds: frozenset[str] = frozenset()
    except_uids: frozenset[int] = frozenset()
    except_extensions: frozenset[str] = frozenset()
    cross_filesystems: bool = False
    now: float = 0.0


@dataclass(frozen=True)
class FoundFile:
    path: str
    size: int
    mtime: float
    atime: float
    uid: int
    device: int
    inode: int
    kind: str


@dataclass
class Tally:
    """What the walk met besides matches (shown as "skipped" counts)."""

    folders: int = 0
    entries: int = 0
    unreadable: int = 0
    other_filesystems: int = 0
    links: int = 0
    binary: int = 0
    too_large: int = 0
    unreadable_files: int = 0
    unreadable_paths: list[str] = field(default_factory=list)


def glob_pattern(pattern: str) -> bool:
    """Whether the user wrote ``pattern`` as a glob: a ``*`` or ``?`` in it. Brackets alone
    are a name's own characters (``report[1].txt``); beside a star they are a glob's."""
    return "*" in pattern or "?" in pattern


def name_matcher(pattern: str | None) -> Callable[[str], object] | None:
    """How a name is tested, case-insensitively: a glob as a whole-name pattern; ``.conf``
    as that extension; anything else as a piece of the name (``tax`` matches ``tax_2024.pdf``).
    Each is a compiled pattern's own method: no Python frame per name."""
    if not pattern:
        return None
    flags = re.IGNORECASE | re.DOTALL
    if glob_pattern(pattern):
        return re.compile(fnmatch.translate(pattern), flags).match
    if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", pattern):
        return re.compile(r".+" + re.escape(pattern) + r"\Z", flags).match
    return re.compile(re.escape(pattern), flags).search


def _kind_test(kinds: frozenset[str], excluded: frozenset[str],
               extensions: frozenset[str] = frozenset(),
               excluded_extensions: frozenset[str] = frozenset()) -> Callable[[str], bool] | None:
    wanted = extensions or (frozenset().union(*(EXTENSIONS[k] for k in kinds)) if kinds
                            else None)
    unwanted = frozenset().union(excluded_extensions, *(EXTENSIONS[k] for k in excluded)) \
        if excluded or excluded_extensions else None
    if wanted is None and unwanted is None:
        return None

    def test(name: str) -> bool:
        extension = extension_of(name)
        if wanted is not None and extension not in wanted:
            return False
        return unwanted is None or extension not in unwanted
    return test


def search(query: FileQuery, tally: Tally) -> Iterator[FoundFile]:
    """Each file under ``query.root`` that fits ``query``, as found (walk order, give or
    take the reads in flight of a content search)."""
    found = _walk(query, tally)
    if not query.content:
        return found
    return _containing(found, _needle(query.content), tally)


def _walk(query: FileQuery, tally: Tally) -> Iterator[FoundFile]:
    """Each file under ``query.root`` that fits ``query`` except for its content."""
    from nlsh.system.in_use import mount_points

    mounts = frozenset() if query.cross_filesystems else mount_points() - {query.root}
    by_name = name_matcher(query.pattern)
    kinds = set(query.kinds)
    size_floor = LARGE_BYTES if "large" in kinds else None
    kinds.discard("large")
    by_kind = _kind_test(frozenset(kinds), query.except_kinds, query.extensions,
                         query.except_extensions)
    needs_stat = bool(query.sizes or query.ages or query.uid is not None or size_floor
                      or query.except_uids)
    reading = bool(query.content)
    excepted = tuple(os.path.normpath(p) for p in query.except_paths)
    stack = [query.root]
    while stack:
        folder = stack.pop()
        tally.folders += 1
        try:
            listing = os.scandir(folder)
        except OSError:
            tally.unreadable += 1
            if len(tally.unreadable_paths) < 20:
                tally.unreadable_paths.append(folder)
            continue
        subfolders = []
        seen = 0
        with listing:
            for entry in listing:
                seen += 1
                try:
                    if entry.is_dir(follow_symlinks=False):
                        path = entry.path
                        if path in mounts:
                            tally.other_filesystems += 1
                        elif not (excepted and _excepted(path, excepted)):
                            subfolders.append(path)
                        continue
                    name = entry.name
                    if by_name is not None and not by_name(name):
                        continue  # most entries of a name search end here, unexamined
                    if not entry.is_file(follow_symlinks=False):
                        if entry.is_symlink():
                            tally.links += 1
                        continue
                except OSError:
                    continue
                if by_kind is not None and not by_kind(name):
                    continue
                if excepted and _excepted(entry.path, excepted):
                    continue
                found = _examined(entry, query, needs_stat, size_floor, reading, tally)
                if found is not None:
                    yield found
        tally.entries += seen
        subfolders.sort(reverse=True)  # popped in name order
        stack.extend(subfolders)


def _excepted(path: str, excepted: tuple[str, ...]) -> bool:
    return any(path == place or path.startswith(place.rstrip("/") + "/") for place in excepted)


def _examined(entry: os.DirEntry[str], query: FileQuery, needs_stat: bool,
              size_floor: int | None, reading: bool, tally: Tally) -> FoundFile | None:
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        tally.unreadable_files += 1
        return None
    if needs_stat:
        if size_floor is not None and info.st_size < size_floor:
            return None
        if not all(bound.admits(info.st_size) for bound in query.sizes):
            return None
        if query.ages:
            stamp = info.st_atime if query.age_field == "atime" else info.st_mtime
            age_days = (query.now - stamp) / DAY
            if not all(bound.admits(age_days) for bound in query.ages):
                return None
        if query.uid is not None and info.st_uid != query.uid:
            return None
        if info.st_uid in query.except_uids:
            return None
    if reading:
        if not stat.S_ISREG(info.st_mode):
            return None
        if info.st_size > CONTENT_CAP:
            tally.too_large += 1
            return None
    return FoundFile(entry.path, info.st_size, info.st_mtime, info.st_atime, info.st_uid,
                     info.st_dev, info.st_ino, kind_of(entry.name))


_READERS = 4  # threads reading files: the reads release the GIL, so they overlap
_BATCH = 32  # files per task: one hand-off per batch, not per file


def _containing(candidates: Iterator[FoundFile], needle: _Needle,
                tally: Tally) -> Iterator[FoundFile]:
    """The candidates whose text holds ``needle``, read by a few threads, in batches,
    yielded in order as each batch is done. Ctrl-C stops it: no new batch starts."""
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    def read(batch: list[FoundFile]) -> list[str | None]:
        return [needle.found_in(f.path, f.size) for f in batch]

    pool = ThreadPoolExecutor(max_workers=_READERS, thread_name_prefix="nlsh-read")
    pending: deque[tuple[list[FoundFile], Future[list[str | None]]]] = deque()

    def settled() -> Iterator[FoundFile]:
        batch, future = pending.popleft()
        for found, verdict in zip(batch, future.result(), strict=True):
            if verdict == "yes":
                yield found
            elif verdict == "binary":
                tally.binary += 1
            elif verdict is None:
                tally.unreadable_files += 1

    try:
        batch: list[FoundFile] = []
        for candidate in candidates:
            batch.append(candidate)
            if len(batch) >= _BATCH or not pending:  # the first file goes at once
                pending.append((batch, pool.submit(read, batch)))
                batch = []
            while pending and (pending[0][1].done() or len(pending) > 2 * _READERS):
                yield from settled()
        if batch:
            pending.append((batch, pool.submit(read, batch)))
        while pending:
            yield from settled()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class _Needle:
    """The text to look for: case-insensitive when written without capitals (smart case)."""

    data: bytes
    fold: bool

    def found_in(self, path: str, size: int) -> str | None:
        """``yes``, ``no``, ``binary``, or None when the file cannot be read."""
        overlap = len(self.data) - 1
        tail = b""
        want = min(size + 1, _CHUNK)  # one read for most files, no oversized buffer
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            first = True
            while True:
                chunk = os.read(descriptor, want)
                if not chunk:
                    return "no"
                if first and b"\0" in chunk[:8192]:
                    return "binary"
                first = False
                text = tail + chunk if tail else chunk
                if self.fold:
                    text = text.lower()
                if self.data in text:
                    return "yes"
                tail = text[-overlap:] if overlap else b""
                want = _CHUNK
        except OSError:
            return None
        finally:
            os.close(descriptor)


def _needle(content: str) -> _Needle:
    fold = content == content.lower()
    data = content.lower() if fold else content
    return _Needle(data.encode("utf-8", "surrogateescape"), fold)
