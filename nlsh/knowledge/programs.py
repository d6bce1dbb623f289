"""nlsh's map of common programs, read from ``programs.yaml`` files.

The map says what people call a program ("vscode", "postgresql"), what kind of program it
is ("browser", "database"), which process names it runs under (``code``, ``postgres``),
its cache and config folders and its usual ports. Three files make it, later ones adding
programs or replacing them by key: the one shipped with nlsh, one beside each plugin's
``intents/`` folder, and the user's ``~/.config/nlsh/programs.yaml``.

It is read only when a name needs it, once per run. A file that cannot be read or has the
wrong shape is skipped with one warning line (nlsh works on without it), never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

FILE_NAME = "programs.yaml"


@dataclass(frozen=True)
class Program:
    """One program of the map."""

    key: str
    names: frozenset[str]  # what users call it, lower case, the key included
    category: str | None
    processes: frozenset[str]  # process names, lower case
    caches: tuple[str, ...] = ()
    config: tuple[str, ...] = ()
    ports: tuple[int, ...] = ()
    source: str = "nlsh"  # "nlsh", the plugin's name, or "you"


@dataclass(frozen=True)
class Category:
    """A kind of program as users say it: "the browser" is one, "browsers" are all."""

    name: str
    plural: bool  # the word says "all of them" ("browsers", "web servers")
    programs: tuple[Program, ...]

    @property
    def processes(self) -> frozenset[str]:
        return frozenset(n for program in self.programs for n in program.processes)


@dataclass(frozen=True, eq=False)  # hashed by identity: one map per run
class ProgramMap:
    programs: Mapping[str, Program]
    category_words: Mapping[str, tuple[str, bool]]  # word → (category, plural)

    def names_for(self, said: str) -> frozenset[str]:
        """The process names ``said`` stands for: a program's ("vscode" → code, codium),
        or every program's of a category ("browser"); empty when the map knows neither."""
        return _index(self).get(_normal(said), frozenset())

    def spoken(self) -> tuple[str, ...]:
        """Every name and kind-word of the map, as users say them."""
        return tuple(_index(self))

    def program(self, said: str) -> Program | None:
        """The program ``said`` names ("vs code" → vscode), if the map knows one."""
        wanted = _normal(said)
        return next((p for p in self.programs.values() if wanted in p.names), None)

    def category(self, said: str) -> Category | None:
        """The category ``said`` names ("the browser", "databases"), if any."""
        found = self.category_words.get(_normal(said))
        if found is None:
            return None
        name, plural = found
        members = tuple(p for p in self.programs.values() if p.category == name)
        return Category(name, plural, members)

    def process_names(self, said: str) -> frozenset[str]:
        """The process names of the program ``said`` names; empty when none."""
        program = self.program(said)
        return program.processes if program is not None else frozenset()

    def program_of_process(self, names: Iterable[str], among: Iterable[Program]) -> \
            Program | None:
        """Which of ``among`` a process known by ``names`` belongs to."""
        known = {n.lower() for n in names}
        return next((p for p in among if p.processes & known), None)


@cache
def _index(programs: ProgramMap) -> dict[str, frozenset[str]]:
    index: dict[str, frozenset[str]] = {}
    for word in programs.category_words:
        category = programs.category(word)
        if category is not None:
            index[word] = category.processes
    for program in programs.programs.values():
        for name in program.names:
            index[name] = program.processes
    return index


_DETERMINERS = ("the ", "my ", "our ", "this ", "that ", "a ", "an ", "all the ", "all ",
                "every ", "both ")


def _normal(said: str) -> str:
    words = " ".join(said.lower().replace("-", " ").split())
    for determiner in _DETERMINERS:
        if words.startswith(determiner):
            return words[len(determiner):]
    return words


MAX_FILE_BYTES = 256 * 1024  # a map file larger than this is skipped, with its warning
MAX_ENTRIES = 2000  # programs, or words of one kind, in one file

# Words that say what to do or point at something, never a program's name: a map that
# called a program "kill", "all" or "it" would turn the request itself into a target.
RESERVED = frozenset({
    "kill", "stop", "end", "close", "quit", "terminate", "pause", "suspend", "resume",
    "continue", "freeze", "renice", "nice", "priority", "clear", "clean", "delete", "remove",
    "free", "show", "list", "find", "what", "which", "who", "why", "how", "is", "are", "all",
    "everything", "every", "each", "any", "anything", "some", "none", "nothing", "both", "it",
    "them", "that", "this", "those", "these", "they", "me", "my", "mine", "the", "a", "an",
    "and", "or", "not", "no", "never", "except", "but", "process", "processes", "program",
    "programs", "app", "apps", "application", "applications", "task", "tasks", "pid", "port",
    "user", "memory", "cpu", "disk", "cache", "caches", "nlsh", "sudo", "root", "system",
})


def _strings(value: object, where: str, names: bool = False) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise ValueError(f"{where} must be a list of names")
    if len(value) > MAX_ENTRIES:
        raise ValueError(f"{where} lists more than {MAX_ENTRIES} entries")
    found = tuple(str(v) for v in value)
    if names:
        for name in found:
            if not name.strip() or name.strip().isdecimal():
                raise ValueError(f"{where}: {name!r} is not a name")
            if _normal(name) in RESERVED:
                raise ValueError(f"{where}: {name!r} is a word of requests, not a name")
    return found


def _program(key: str, data: object, source: str, categories: set[str]) -> Program:
    if not isinstance(data, dict):
        raise ValueError(f"program {key!r} must be a mapping")
    category = data.get("category")
    if category is not None and category not in categories:
        raise ValueError(f"program {key!r}: unknown category {category!r}")
    ports = _strings(data.get("ports"), f"{key}.ports")
    if not all(p.isdecimal() and 1 <= int(p) <= 65535 for p in ports):
        raise ValueError(f"{key}.ports must be port numbers (1–65535)")
    names = {_normal(n) for n in _strings(data.get("names"), f"{key}.names", names=True)
             } | {_normal(n) for n in _strings([key], f"program {key!r}", names=True)}
    processes = {p.strip().lower() for p in _strings(data.get("processes"), f"{key}.processes",
                                                     names=True)}
    if not processes:
        raise ValueError(f"program {key!r} names no process")
    return Program(key=key, names=frozenset(names), category=category,
                   processes=frozenset(processes),
                   caches=_strings(data.get("caches"), f"{key}.caches"),
                   config=_strings(data.get("config"), f"{key}.config"),
                   ports=tuple(int(p) for p in ports), source=source)


def _merge(text: str, source: str, programs: dict[str, Program],
           words: dict[str, tuple[str, bool]]) -> list[str]:
    """Adds one file's categories and programs, returning a line for each name it takes
    from another program; raises ValueError, leaving both unchanged, when the file is
    malformed."""
    import yaml  # only when no cached reading of the files fits

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data: Any = yaml.load(text, Loader=loader) or {}  # a safe loader
    if not isinstance(data, dict):
        raise ValueError("the file must be a mapping with 'programs' (and 'categories')")
    if len(data.get("programs") or {}) > MAX_ENTRIES:
        raise ValueError(f"more than {MAX_ENTRIES} programs")
    new_words = dict(words)
    for category, said in (data.get("categories") or {}).items():
        for word in _strings(said, f"categories.{category}", names=True):
            new_words[_normal(word)] = (str(category), word.lower().endswith("s")
                                        and _normal(word) != _normal(str(category)))
        new_words.setdefault(_normal(str(category)), (str(category), False))
    known = {c for c, _ in new_words.values()}
    new_programs = {str(key): _program(str(key), value, source, known)
                    for key, value in (data.get("programs") or {}).items()}
    shadowed = [f"{_where(source)}: '{name}' now means {program.key}, not {other.key}"
                for program in new_programs.values() for other in programs.values()
                if other.key != program.key and other.key not in new_programs
                for name in sorted(program.names & other.names)]
    programs.update(new_programs)
    words.clear()
    words.update(new_words)
    return shadowed


def _sources() -> list[tuple[str, Path]]:
    """(source, path) of every programs.yaml, the shipped file first, the user's last."""
    found = [("nlsh", Path(__file__).with_name(FILE_NAME))]
    from nlsh import plugins

    for plugin in plugins.installed():
        if plugin.catalog is not None and (plugin.catalog.parent / FILE_NAME).is_file():
            found.append((plugin.name, plugin.catalog.parent / FILE_NAME))
    from nlsh.paths import Paths

    mine = Paths.from_environment().config / FILE_NAME
    if mine.exists():
        found.append(("you", mine))
    return found


def _where(source: str) -> str:
    if source == "nlsh":
        return "nlsh's own map of programs"
    if source == "you":
        return f"~/.config/nlsh/{FILE_NAME}"
    return f"plugin {source}'s {FILE_NAME}"


def _read_all(sources: list[tuple[str, Path]]) -> tuple[ProgramMap, list[str]]:
    programs: dict[str, Program] = {}
    words: dict[str, tuple[str, bool]] = {}
    problems: list[str] = []
    for source, path in sources:
        try:
            problems.extend(_merge(_read_text(path), source, programs, words))
        except Exception as error:  # unreadable, yaml errors, wrong shapes: one line each
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            problems.append(f"skipped {_where(source)}: {first}")
    return ProgramMap(programs=programs, category_words=words), problems


def _read_text(path: Path) -> str:
    """A map file's text: a regular file (never a fifo or a device, which could block or
    never end), at most ``MAX_FILE_BYTES``."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ValueError("not a regular file")
        data = os.read(descriptor, MAX_FILE_BYTES + 1)
    finally:
        os.close(descriptor)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"larger than {MAX_FILE_BYTES // 1024} KiB")
    return data.decode("utf-8")


def _cache_key(sources: list[tuple[str, Path]]) -> str | None:
    digest = hashlib.sha256(str(Path(__file__).stat().st_mtime_ns).encode())
    for source, path in sources:
        try:
            info = path.stat()
        except OSError:
            return None  # read it (and say why it cannot be) every time
        digest.update(f"{source}\0{path}\0{info.st_mtime_ns}\0{info.st_size}\0".encode())
    return digest.hexdigest()[:16]


def _to_json(programs: ProgramMap, problems: list[str]) -> str:
    return json.dumps({
        "programs": [{"key": p.key, "names": sorted(p.names), "category": p.category,
                      "processes": sorted(p.processes), "caches": list(p.caches),
                      "config": list(p.config), "ports": list(p.ports), "source": p.source}
                     for p in programs.programs.values()],
        "words": {word: list(found) for word, found in programs.category_words.items()},
        "problems": problems})


def _from_json(text: str) -> tuple[ProgramMap, list[str]]:
    data = json.loads(text)
    programs = {d["key"]: Program(key=d["key"], names=frozenset(d["names"]),
                                  category=d["category"], processes=frozenset(d["processes"]),
                                  caches=tuple(d["caches"]), config=tuple(d["config"]),
                                  ports=tuple(d["ports"]), source=d["source"])
                for d in data["programs"]}
    words = {word: (str(found[0]), bool(found[1])) for word, found in data["words"].items()}
    return ProgramMap(programs=programs, category_words=words), [str(p) for p in
                                                                 data["problems"]]


@cache
def program_map() -> ProgramMap:
    """The map, read once per run: from a cached reading while none of its files changed
    (parsing YAML costs more than a one-shot request may), else from the files."""
    from nlsh.paths import Paths

    sources = _sources()
    key = _cache_key(sources)
    cached = Paths.from_environment().cache / f"programs-{key}.json" if key else None
    read: tuple[ProgramMap, list[str]] | None = None
    if cached is not None:
        try:
            read = _from_json(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            read = None
    if read is None:
        read = _read_all(sources)
        if cached is not None:
            _store(cached, _to_json(*read))
    programs, problems = read
    for problem in problems:
        _warn(problem)
    return programs


def _store(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("programs-*.json"):
            old.unlink(missing_ok=True)
        staging = path.with_name(f".{path.name}.{os.getpid()}")
        staging.write_text(text, encoding="utf-8")
        os.replace(staging, path)
    except OSError:
        pass  # an unwritable cache costs a parse next time


def _warn(message: str) -> None:
    from nlsh.plugins import warn

    warn(message)
