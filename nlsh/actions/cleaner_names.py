"""The names people use for nlsh's cleaners, and finding them in a sentence.

Static and cheap (standard library and :mod:`nlsh.stages` only): it runs on every
sentence, before anything looks at the disk. Each cleaner of the catalogue
(:mod:`nlsh.actions.cleaners`) has one canonical name here (``pip``, ``firefox``,
``trash``, ``apt``…) and the aliases people use for it (``pip3``, ``wheel``, ``mozilla``,
``recycle bin``, ``apt-get``…).

:func:`find_named_caches` reads which cleaners a sentence names: "clear pip and npm
caches" → ``pip``, ``npm``; "cache of pip", "pip's cache", "caches for cargo and go";
"empty the trash" → ``trash``. A word that stands where a cache's name goes but names no
cleaner ("clear the foobar cache") is returned as *unknown*, so the caller can say so
instead of cleaning something wider. Generic words ("the cache", "all caches", "user
cache", "app caches", "old cache", "system cache") name nothing; "browser cache" names
every browser's and "package cache" every package manager's.

Decisions: a few aliases are ordinary English or too short to trust alone (``go``,
``rust``, ``brave``, ``thumbs``): they count only next to a cache word ("go cache",
"caches for cargo and go"). Names after an exclusion word ("except firefox's", "but not
npm", "other than pip") are returned as ``excluded``, never as ``names``. Paths in the
sentence ("~/.cache/pip") are the ``path`` slot's business and are skipped here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from nlsh.stages import Reply, Status

# canonical name → aliases (multi-word aliases are written with single spaces; hyphens
# and spaces are the same: "google-chrome", "apt-get", "go-build").
_NAMES: dict[str, tuple[str, ...]] = {
    "pip": ("pip", "pip3", "pip2", "pypi", "wheel", "wheels", "python pip"),
    "npm": ("npm", "npx", "node npm"),
    "yarn": ("yarn", "yarnpkg"),
    "pnpm": ("pnpm",),
    "cargo": ("cargo", "crates", "crate", "rust", "rust crates"),
    "go": ("go", "golang", "go build", "gocache"),
    "gradle": ("gradle",),
    "maven": ("maven", "mvn", "m2", "apache maven"),
    "conda": ("conda", "anaconda", "miniconda", "miniforge", "mamba", "mambaforge"),
    "composer": ("composer",),
    "firefox": ("firefox", "mozilla", "mozilla firefox"),
    "chrome": ("chrome", "google chrome", "chrome browser"),
    "chromium": ("chromium", "chromium browser"),
    "brave": ("brave", "brave browser"),
    "thumbnails": ("thumbnails", "thumbnail", "thumbs"),
    "trash": ("trash", "trash can", "trashcan", "recycle bin", "rubbish bin", "wastebasket"),
    "temp": ("temp", "tmp", "temp files", "temporary files", "tmp files"),
    "logs": ("logs", "log", "log files", "rotated logs", "old logs"),
    "apt": ("apt", "apt get", "aptitude"),
    "dnf": ("dnf", "yum"),
    "pacman": ("pacman",),
    "journal": ("journal", "journald", "journalctl", "system journal", "systemd journal"),
    "syslogs": ("syslog", "syslogs", "system logs", "system log", "rotated system logs",
                "var log", "old system logs"),
    "coredumps": ("core dump", "core dumps", "coredump", "coredumps", "core files",
                  "core dump files", "crash dumps", "crash dump", "systemd coredump",
                  "systemd coredumps"),
}

# Aliases that count only next to a cache word: ordinary English, or too short alone.
_WEAK = frozenset({"go", "rust", "brave", "thumbs", "crate", "wheel", "wheels", "log",
                   "mamba"})

CLEANER_ALIASES: Mapping[str, str] = MappingProxyType(
    {alias: canonical for canonical, aliases in _NAMES.items() for alias in aliases})

# Every canonical name, in the order replies list them.
CLEANER_NAMES: tuple[str, ...] = tuple(_NAMES)
ROOT_ONLY: tuple[str, ...] = ("apt", "dnf", "pacman", "journal", "syslogs")
BROWSERS: tuple[str, ...] = ("firefox", "chrome", "chromium", "brave")
PACKAGE_MANAGERS: tuple[str, ...] = ("pip", "npm", "yarn", "pnpm", "cargo", "gradle", "maven",
                                     "conda", "composer", "apt", "dnf", "pacman")

# Words that stand for a group of cleaners when they qualify a cache.
_CATEGORIES: dict[str, tuple[str, ...]] = {
    "browser": BROWSERS, "browsers": BROWSERS, "web browser": BROWSERS,
    "web browsers": BROWSERS, "package": PACKAGE_MANAGERS, "packages": PACKAGE_MANAGERS,
    "package manager": PACKAGE_MANAGERS, "package managers": PACKAGE_MANAGERS,
}

_CACHE_WORDS = frozenset({"cache", "caches"})
# Nouns that can stand between a name and "cache": "pnpm store cache", "pip http cache".
_CACHE_NOUNS = frozenset({"store", "registry", "repository", "repo", "download", "downloads",
                          "http", "index", "build", "disk", "data", "profile", "pkgs", "pkg"})
_CONNECTORS = frozenset({"and", "or", "plus", "nor", "&", ",", "/"})
_BREAKS = frozenset({".", ";", ":", "!", "?", "(", ")"})
_AFTER_CACHE = frozenset({"of", "for", "from", "in", "by"})  # "cache of pip"
_VERB_GLUE = frozenset({"used", "created", "made", "left", "kept", "written"})  # "used by"
_DETERMINERS = frozenset({
    "the", "a", "an", "my", "your", "our", "their", "his", "her", "its", "this", "that",
    "these", "those", "all", "any", "every", "each", "some", "both", "whole", "entire"})
_EXCEPT = frozenset({"except", "excluding", "besides", "exclude", "sparing"})
_EXCEPT_PAIRS = frozenset({("but", "not"), ("other", "than"), ("apart", "from"),
                           ("save", "for"), ("not", "including"), ("aside", "from")})
# Words that can stand before "cache" (or after "cache of") without naming a cleaner.
_GENERIC = frozenset({
    *_DETERMINERS,
    # verbs and their particles
    "clear", "clean", "cleanup", "delete", "remove", "wipe", "purge", "empty", "flush",
    "erase", "nuke", "reset", "free", "trim", "prune", "drop", "rm", "del", "kill",
    "destroy", "zap", "scrub", "tidy", "rid", "sweep", "dump", "discard", "ditch", "get",
    "up", "out", "off", "away", "down", "please", "just", "also", "then", "now", "again",
    "do", "does", "can", "could", "should", "would", "will", "is", "are", "be", "i", "we",
    "you", "me", "us", "them", "it", "need", "want", "like", "let", "lets", "s", "t",
    "what", "which", "where", "how", "why", "whose", "there", "here", "and", "or", "of",
    "for", "from", "in", "on", "with", "to", "at", "by", "as", "than", "more", "less",
    "over", "under", "about", "only", "too", "right", "today", "not", "no", "don", "never",
    # qualities
    "old", "older", "stale", "unused", "useless", "unneeded", "unnecessary", "leftover",
    "outdated", "obsolete", "big", "bigger", "biggest", "large", "larger", "largest",
    "huge", "giant", "bloated", "full", "complete", "other", "others", "extra", "new",
    "newer", "recent", "general", "everything", "everyone", "anything", "cached",
    "temporary", "junk", "cruft", "own", "current", "various", "different", "same",
    # places and owners
    "user", "users", "system", "systems", "app", "apps", "application", "applications",
    "program", "programs", "software", "tool", "tools", "local", "home", "disk", "disks",
    "drive", "space", "storage", "memory", "ram", "computer", "machine", "pc", "laptop",
    "linux", "ubuntu", "os", "data", "file", "files", "folder", "folders", "dir", "dirs",
    "directory", "directories", "stuff", "things", "build", "builds", "web", "internet",
    "store", "registry", "repository", "repo", "download", "downloads", "index", "http",
    "pkgs", "pkg",
    "online", "global", "shared", "default", "main", "cache", "caches", "account",
    "profile", "profiles", "session", "safety", "good", "real", "nlsh",
})


@dataclass(frozen=True)
class NamedCaches:
    """The cleaners a sentence names.

    ``names``: canonical names, in the order said, each once; ``unknown``: words said where a
    cache's name goes that no cleaner has ("foobar" in "clear the foobar cache");
    ``excluded``: canonical names said after an exclusion word ("except firefox's");
    ``spans``: (start, end) in the text of every name consumed (names, unknown and
    excluded), with the word "cache(s)" when it belongs to the name's phrase.
    """

    names: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()
    excluded: tuple[str, ...] = ()


_TOKEN = re.compile(r"(?P<word>[a-z0-9]+(?:[._+][a-z0-9]+)*\+*)(?P<pos>['\u2019]s\b|"
                    r"['\u2019](?![a-z]))?|(?P<punct>[,;:.!?&/()])", re.IGNORECASE)
_PATH_CHUNK = re.compile(r"(?:(?<=\s)|^)[\"']?(?:~|\.{1,2}/|/|\$HOME)\S*")
_MAX_PHRASE = 3


@dataclass(frozen=True)
class _Unit:
    """A token, or a phrase of tokens that names a cleaner or a group of them."""

    text: str
    start: int
    end: int
    canonical: str | None = None
    group: tuple[str, ...] = ()
    punct: bool = False

    @property
    def weak(self) -> bool:
        return self.text in _WEAK

    @property
    def connector(self) -> bool:
        return self.text in _CONNECTORS

    @property
    def breaks(self) -> bool:
        return self.punct and self.text in _BREAKS


def _tokens(text: str) -> list[tuple[str, int, int, bool]]:
    """(lowercased word or punctuation, start, end, is punctuation), paths left out."""
    paths = [m.span() for m in _PATH_CHUNK.finditer(text)]
    found = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in paths):
            continue
        punct = match.group("punct")
        if punct is not None:
            found.append((punct, start, end, True))
        else:
            found.append((match.group("word").lower(), start, end, False))
    return found


def _units(text: str) -> list[_Unit]:
    """Tokens with known phrases joined: the longest alias or group word at each place."""
    tokens = _tokens(text)
    units: list[_Unit] = []
    i = 0
    while i < len(tokens):
        unit = None
        for size in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
            words = tokens[i:i + size]
            if any(punct for *_, punct in words) or not _joined(text, words):
                continue
            phrase = " ".join(w for w, *_ in words)
            start, end = words[0][1], words[-1][2]
            if phrase in CLEANER_ALIASES:
                unit = _Unit(phrase, start, _possessive_end(text, end),
                             canonical=CLEANER_ALIASES[phrase])
            elif phrase in _CATEGORIES:
                unit = _Unit(phrase, start, _possessive_end(text, end),
                             group=_CATEGORIES[phrase])
            if unit is not None:
                i += size
                break
        if unit is None:
            word, start, end, punct = tokens[i]
            unit = _Unit(word, start, _possessive_end(text, end), punct=punct)
            i += 1
        units.append(unit)
    return units


def _joined(text: str, words: Sequence[tuple[str, int, int, bool]]) -> bool:
    """Whether consecutive words are separated by blanks or hyphens only."""
    return all(not text[a[2]:b[1]].strip(" \t-") for a, b in itertools.pairwise(words))


def _possessive_end(text: str, end: int) -> int:
    match = re.match(r"['\u2019]s\b|['\u2019](?![a-z])", text[end:], re.IGNORECASE)
    return end + match.end() if match else end


def _name_like(word: str) -> bool:
    """A word that could be a program's name (so, said before "cache", an unknown one)."""
    return (word not in _GENERIC and not any(ch.isdigit() for ch in word[:1])
            and not word.endswith("ing") and not (len(word) > 4 and word.endswith("ed"))
            and len(word) > 1)


class _Reader:
    def __init__(self, text: str) -> None:
        self.units = _units(text)
        self.found: list[tuple[int, str, str]] = []  # (position, kind, value)
        self.spans: list[tuple[int, int]] = []
        self.used: set[int] = set()

    def take(self, index: int, span: tuple[int, int]) -> None:
        unit = self.units[index]
        self.used.add(index)
        self.spans.append(span)
        if unit.canonical is not None:
            self.found.append((unit.start, "name", unit.canonical))
        elif unit.group:
            self.found.extend((unit.start, "name", name) for name in unit.group)
        else:
            self.found.append((unit.start, "unknown", unit.text))

    def read(self) -> None:
        for index, unit in enumerate(self.units):
            if unit.text in _CACHE_WORDS and not unit.punct:
                self.before_cache(index)
                self.after_cache(index)
        for index, unit in enumerate(self.units):
            if index not in self.used and unit.canonical is not None and not unit.weak:
                self.take(index, (unit.start, unit.end))

    def before_cache(self, cache: int) -> None:
        """ "pip cache", "pip's cache", "pip, npm and yarn caches", "the foobar cache"."""
        head = cache - 1
        if head < 0 or head in self.used:
            return
        unit, end = self.units[head], self.units[cache].end
        if (unit.group or unit.text in _CACHE_NOUNS) and head > 0 and \
                self.units[head - 1].canonical is not None:
            head -= 1  # "pip package cache", "pnpm store cache": the name, not the group
            unit = self.units[head]
        if unit.canonical is None and not unit.group and (unit.punct or not _name_like(
                unit.text)):
            return
        self.take(head, (unit.start, end))
        index = head
        while True:
            gap = index - 1
            while gap >= 0 and self.units[gap].connector:
                gap -= 1
            if gap == index - 1 or gap < 0 or gap in self.used:
                return
            item = self.units[gap]
            if item.canonical is None and not item.group and not (
                    not item.punct and _name_like(item.text) and self._list_start(gap)):
                return
            self.take(gap, (item.start, item.end))
            index = gap

    def _list_start(self, index: int) -> bool:
        """Whether an unknown word begins a list item: at the start, or after a verb,
        a determiner, a connector or a break."""
        if index == 0:
            return True
        before = self.units[index - 1]
        return before.connector or before.breaks or (not before.punct and (
            before.text in _DETERMINERS or before.text in _GENERIC))

    def after_cache(self, cache: int) -> None:
        """ "cache of pip", "caches for cargo and go", "cache used by firefox"."""
        index = cache + 1
        while index < len(self.units) and self.units[index].text in _VERB_GLUE:
            index += 1
        if index >= len(self.units) or self.units[index].text not in _AFTER_CACHE:
            return
        index += 1
        while index < len(self.units) and self.units[index].text in _DETERMINERS:
            index += 1
        if index >= len(self.units) or index in self.used:
            return
        first = self.units[index]
        if first.canonical is None and not first.group and (
                first.punct or not _name_like(first.text)):
            return
        self.take(index, (self.units[cache].start, first.end))
        while True:
            nxt = index + 1
            while nxt < len(self.units) and self.units[nxt].connector:
                nxt += 1
            while nxt < len(self.units) and self.units[nxt].text in _DETERMINERS:
                nxt += 1
            if nxt == index + 1 or nxt >= len(self.units) or nxt in self.used:
                return
            item = self.units[nxt]
            if item.canonical is None and not item.group:
                return
            self.take(nxt, (item.start, item.end))
            index = nxt

    def excluded_regions(self) -> list[tuple[int, int]]:
        """Where exclusion phrases lie ("except firefox's, chrome's", "but not npm"): from
        the exclusion word to the next sentence break or "then"/"also"."""
        regions = []
        start: int | None = None
        for index, unit in enumerate(self.units):
            if start is not None and (unit.breaks or unit.text in ("then", "also")):
                regions.append((start, unit.start))
                start = None
            if start is None and (unit.text in _EXCEPT or (
                    index + 1 < len(self.units)
                    and (unit.text, self.units[index + 1].text) in _EXCEPT_PAIRS)):
                start = unit.start
        if start is not None:
            regions.append((start, self.units[-1].end))
        return regions


def find_named_caches(text: str) -> NamedCaches:
    """The cleaners ``text`` names, the cache names it uses that nlsh does not know, and
    where they are (see :class:`NamedCaches`).

    >>> find_named_caches("clear pip and npm caches").names
    ('pip', 'npm')
    >>> find_named_caches("clear the foobar cache").unknown
    ('foobar',)
    >>> find_named_caches("clear the caches except firefox's")
    NamedCaches(names=(), unknown=(), spans=((24, 33),), excluded=('firefox',))
    """
    reader = _Reader(text)
    reader.read()
    regions = reader.excluded_regions()
    names: dict[str, None] = {}
    unknown: dict[str, None] = {}
    excluded: dict[str, None] = {}
    for position, kind, value in sorted(reader.found, key=lambda f: f[0]):
        if kind == "unknown":
            unknown.setdefault(value, None)
        elif any(a <= position < b for a, b in regions):
            excluded.setdefault(value, None)
        else:
            names.setdefault(value, None)
    spans = tuple(sorted(set(reader.spans)))
    return NamedCaches(tuple(names), tuple(unknown), spans, tuple(excluded))


def known_list() -> str:
    """The cleaners nlsh knows, for replies: "pip, npm, …; root only: apt, …"."""
    runnable = [name for name in CLEANER_NAMES if name not in ROOT_ONLY]
    return ", ".join(runnable) + "; as root-only suggestions: " + ", ".join(ROOT_ONLY)


def unknown_cache_reply(unknown: Sequence[str]) -> Reply:
    """The answer to a cache nlsh has no cleaner for: say so, never clean something wider."""
    said = " or ".join(f"'{word}'" for word in dict.fromkeys(unknown)) or "that"
    return Reply(Status.CLARIFY, f"nlsh has no cleaner for {said}; it knows: {known_list()}")
