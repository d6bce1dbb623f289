"""The faithfulness suite: sentences whose plan must be exactly what they say, on real things.

* ``Sandbox`` starts real processes (copies of ``sleep`` under unique program names, one
  of ``{m}`` run by ``nobody``, one of ``{s}`` stopped) and builds real cache and temp
  trees with real ages under its own HOME. One sandbox serves a whole run.
* ``Runner`` reads each sentence with the real model and carries it through
  ``nlsh.pipeline.run`` as a dry run; a confirmation asked for fails the item. It compares
  the ``Response`` with the item's ``expect`` and returns a ``Verdict``. An item that must
  not plan runs a second time for real, with a confirmer that refuses: nothing may ask.
  An answer's ``say`` sentence must plan what the answer said it would do. After each
  item the sandbox must be as it was (no process ended, paused, resumed or reniced, no
  file gone).
* ``near_duplicate`` says when two sentences are the same sentence with other slot values,
  or at least 85 % alike token by token (used against leaks into the training data).

Placeholders in ``tests/data/faithfulness.yaml``: ``{a}`` ``{b}`` ``{c}`` ``{d}`` ``{m}``
``{s}`` are program names; ``{a.pid0}`` is the pid of process ``a0``; ``{nopid}`` a pid
no process has; ``{nouser}`` a user that does not exist. Process labels: ``a0 a1 b0 b1 c0
d0 s0``, ``m0`` (run by root) and ``m1`` (run by nobody). File labels: the keys of
``FILES``.
"""

from __future__ import annotations

import difflib
import json
import os
import random
import re
import shutil
import signal
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import yaml

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "faithfulness.yaml"
DAY = 86400

# Program families: stem of the name, how many processes. ``m`` has one more, run by nobody.
PROGRAMS: dict[str, tuple[str, int]] = {
    "a": ("vidcoder", 2),
    "b": ("mail-pull", 2),
    "c": ("tile_worker", 1),
    "d": ("geoindexd", 1),
    "m": ("bkagent", 1),
    "s": ("crawlerd", 1),
}

SMALL, BIG = 20_000, 3_000_000  # bytes: well below 1 KB…1 MB limits / above 1 MiB, below 10 MB

# label: (where, path below it, bytes, age in days); where is "home" or "tmp".
FILES: dict[str, tuple[str, str, int, float]] = {
    "pip.http": ("home", ".cache/pip/http/7/a/b/3f9e0c21d7", SMALL, 60),
    "pip.wheels": ("home", ".cache/pip/wheels/5d/requests-2.31.0-py3-none-any.whl", SMALL, 1),
    "npm.content": ("home", ".npm/_cacache/content-v2/sha512/ab/cdef0123", SMALL, 50),
    "npm.index": ("home", ".npm/_cacache/index-v5/1f/2e/9a8b7c", SMALL, 50),
    "yarn.pkg": ("home", ".cache/yarn/v6/npm-left-pad-1.3.0/package.json", SMALL, 20),
    "cargo.crate": ("home", ".cargo/registry/cache/index.crates.io-6f17d22bba15001f/"
                            "serde-1.0.195.crate", SMALL, 20),
    "moz.cache2": ("home", ".cache/mozilla/firefox/x8k2.default-release/cache2/entries/0A1B2C",
                   SMALL, 5),
    "moz.startup": ("home", ".cache/mozilla/firefox/x8k2.default-release/startupCache/"
                            "startupCache.8.little", SMALL, 5),
    "chromium.cache": ("home", ".cache/chromium/Default/Cache/Cache_Data/data_1", SMALL, 8),
    "chrome.cache": ("home", ".cache/google-chrome/Default/Cache/Cache_Data/f_000001", SMALL, 8),
    "font.cache": ("home", ".cache/fontconfig/4c599c202bc5c08e2d34565a40eac3b2-le64.cache-7",
                   SMALL, 30),
    "thumb.png": ("home", ".cache/thumbnails/normal/5f3a9c0d.png", SMALL, 12),
    "tmp.0d": ("tmp", "build-output.log", SMALL, 0.5),
    "tmp.3d": ("tmp", "session-notes.txt", SMALL, 3),
    "tmp.10d": ("tmp", "render-cache.bin", BIG, 10),
    "tmp.45d": ("tmp", "scratch.csv", SMALL, 45),
    "tmp.400d": ("tmp", "old-backup.tar", BIG, 400),
    "tmp.800d": ("tmp", "report-draft.odt", SMALL, 800),
    "tmp.1200d": ("tmp", "installer.log", SMALL, 1200),
    "tmp.4000d": ("tmp", "ancient-image.iso", BIG, 4000),
    "dl.iso": ("home", "Downloads/fedora-workstation-41.iso", BIG, 40),
    "dl.pdf": ("home", "Downloads/lease-agreement.pdf", SMALL, 90),
    "dl.txt": ("home", "Downloads/todo-list.txt", SMALL, 2),
}

NO_USER = "zqxvuser"
NOBODY = 65534
_PLACEHOLDER = re.compile(r"\{([a-z]+)(?:\.pid(\d))?\}")
# Exit codes of the statuses, for "the most serious of the parts" (docs/json.md).
_EXIT = {"planned": 0, "done": 0, "answered": 0, "nothing_to_do": 1, "clarify": 1,
         "refused": 1, "out_of_scope": 1, "cancelled": 1, "invalid": 2, "failed": 3,
         "interrupted": 130}


# ── items ──────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Item:
    index: int
    text: str
    category: str
    expect: Mapping[str, Any]

    @property
    def id(self) -> str:
        return f"{self.category}-{self.index}"


def load_items(path: Path = DATA) -> list[Item]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    counts: Counter[str] = Counter()
    items = []
    for entry in raw:
        category = str(entry["category"])
        items.append(Item(counts[category], str(entry["text"]), category,
                          dict(entry.get("expect") or {})))
        counts[category] += 1
    return items


@dataclass(frozen=True)
class Verdict:
    item: Item
    sentence: str
    passed: bool
    reason: str
    skipped: bool = False


# ── the sandbox ────────────────────────────────────────────────────────────


def _running_names() -> set[str]:
    names = set()
    for process in psutil.process_iter(["name", "cmdline"], ad_value=None):
        names.add(process.info["name"] or "")
        for arg in process.info["cmdline"] or ():
            names.add(os.path.basename(arg))
    return names


def _unique_names(rng: random.Random) -> dict[str, str]:
    taken = " ".join(_running_names())
    names: dict[str, str] = {}
    for family, (stem, _) in PROGRAMS.items():
        while True:
            name = f"{stem}{rng.randint(2, 99)}"
            if name not in taken and all(name not in n and n not in name
                                         for n in names.values()):
                names[family] = name
                break
    return names


class Sandbox:
    """Real processes and files for the faithfulness items; ``close()`` ends and removes them."""

    def __init__(self, root: Path | None = None, seed: int = 2026) -> None:
        self.root = Path(os.path.realpath(root or tempfile.mkdtemp(prefix="nlsh-faith-")))
        self.home = self.root / "home"
        self.tmp = self.root / "tmp"
        self.names = _unique_names(random.Random(seed))  # the same names each run, if free
        self.labels: dict[int, str] = {}  # pid → label
        self.pids: dict[str, int] = {}  # label → pid
        self.paths: dict[str, Path] = {}  # file label → path
        self.with_nobody = False
        self._children: Any = None
        self.missing_pid = 0

    # processes
    def start(self) -> Sandbox:
        from tests.support.processes import Children, eventually, missing_pid, sleeper_as_nobody

        bin_dir = self.root / "bin"
        bin_dir.mkdir(parents=True, exist_ok=True)
        children = self._children = Children(bin_dir)
        for family, (_, count) in PROGRAMS.items():
            for index in range(count):
                child = children.spawn(self.names[family], seconds=3600)
                self._label(f"{family}{index}", child.pid)
        if os.geteuid() == 0:
            child = sleeper_as_nobody(children, self.names["m"])
            self._label("m1", child.pid)
            self.with_nobody = True
        os.kill(self.pids["s0"], signal.SIGSTOP)
        assert eventually(lambda: psutil.Process(self.pids["s0"]).status()
                          == psutil.STATUS_STOPPED, 10)
        assert eventually(lambda: all(_named(pid, self.names[label[0]])
                                      for label, pid in self.pids.items()), 10), \
            "the sandbox processes did not start under their names"
        self.missing_pid = missing_pid()
        self._build_files()
        return self

    def _label(self, label: str, pid: int) -> None:
        self.labels[pid] = label
        self.pids[label] = pid

    def _build_files(self) -> None:
        from tests.support.files import write

        now = time.time()
        for directory in (self.home / ".config", self.home / ".local/state",
                          self.home / ".local/share", self.home / ".cache", self.tmp):
            directory.mkdir(parents=True, exist_ok=True)
        for label, (where, below, size, days) in FILES.items():
            path = (self.home if where == "home" else self.tmp) / below
            write(path, size)
            moment = now - days * DAY
            os.utime(path, (moment, moment))
            self.paths[label] = path
        # A folder was last modified when its newest entry was, as in a tree left alone.
        folders = [f for top in (self.home, self.tmp) for f, _, _ in os.walk(top)]
        for folder in sorted(folders, key=len, reverse=True):
            entries = [os.lstat(os.path.join(folder, n)).st_mtime for n in os.listdir(folder)]
            if entries:
                os.utime(folder, (max(entries), max(entries)))

    def strangers(self, response: Any) -> list[str]:
        """Processes outside the sandbox that bear a sandbox program's name and that the
        response acts on (someone else started one meanwhile): the item cannot be judged."""
        names = set(self.names.values())
        found = []
        for step in _all_steps(response):
            pid = step.get("pid")
            if pid is not None and pid not in self.labels and step.get("name") in names:
                found.append(f"pid {pid} ({step['name']})")
        return sorted(set(found))

    def disturbed(self) -> list[str]:
        """What changed in the sandbox (a dry run, or a refused plan, must change nothing)."""
        changes = []
        for label, pid in self.pids.items():
            try:
                process = psutil.Process(pid)
                stopped = process.status() == psutil.STATUS_STOPPED
                if process.status() == psutil.STATUS_ZOMBIE:
                    changes.append(f"sandbox process {label} ended")
                elif stopped != (label == "s0"):
                    changes.append(f"sandbox process {label} was "
                                   f"{'paused' if stopped else 'resumed'}")
                elif process.nice() != os.nice(0):
                    changes.append(f"sandbox process {label} was reniced to {process.nice()}")
            except psutil.NoSuchProcess:
                changes.append(f"sandbox process {label} ended")
        changes += [f"sandbox file {label} is gone" for label, path in self.paths.items()
                    if not path.exists()]
        return changes

    def environment(self) -> dict[str, str]:
        """The variables that make nlsh see this sandbox as the user's HOME and temp."""
        home = str(self.home)
        return {"HOME": home, "XDG_CONFIG_HOME": f"{home}/.config",
                "XDG_CACHE_HOME": f"{home}/.cache", "XDG_DATA_HOME": f"{home}/.local/share",
                "XDG_STATE_HOME": f"{home}/.local/state", "NLSH_TEMP_DIRS": str(self.tmp),
                "CARGO_HOME": f"{home}/.cargo", "NLSH_HELPER": "off"}

    def fill(self, template: str) -> str:
        def value(match: re.Match[str]) -> str:
            name, index = match.group(1), match.group(2)
            if name == "nopid":
                return str(self.missing_pid)
            if name == "nouser":
                return NO_USER
            if index is not None:
                return str(self.pids[f"{name}{index}"])
            return self.names[name]

        return _PLACEHOLDER.sub(value, template)

    def needs_nobody(self, item: Item) -> bool:
        return "m1" in json.dumps(item.expect) or "nobody" in item.text.lower()

    def close(self) -> None:
        if self._children is not None:
            self._children.cleanup()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()

    # reading plans back as labels
    def process_label(self, pid: int, name: str = "?") -> str:
        return self.labels.get(pid, f"pid {pid} ({name})")

    def file_labels(self, path: str) -> list[str]:
        covered = [label for label, p in self.paths.items()
                   if str(p) == path or str(p).startswith(path.rstrip("/") + "/")]
        return covered or [f"path {path}"]


def _named(pid: int, name: str) -> bool:
    try:
        return psutil.Process(pid).name() == name
    except psutil.Error:
        return False



# ── the runner ─────────────────────────────────────────────────────────────


class FailIfAsked:
    """A confirmer for items that must never ask: every question is recorded, and declined."""

    reason = "declined by the faithfulness runner"
    shows_plan = False

    def __init__(self) -> None:
        self.asked: list[str] = []

    def select(self, plan: Any) -> Any:
        self.asked.append(f"select ({plan.summary})")
        return None

    def confirm(self, plan: Any) -> Any:
        self.asked.append(f"confirm ({plan.summary})")
        return None

    def reconfirm(self, plan: Any) -> bool:
        self.asked.append(f"reconfirm ({plan.summary})")
        return False

    def offer(self, plan: Any) -> bool:
        self.asked.append(f"offer ({plan.summary})")
        return False


def load_understander() -> Callable[[str], Any]:
    """``nlsh.language.understander()`` with its model loaded now, away from the sandbox.

    ONNX Runtime writes ``~/.cache/Microsoft`` when it loads a model; the sandbox's cache
    must hold only what the sandbox made.
    """
    from nlsh.language import understander

    understand = understander()
    elsewhere = tempfile.mkdtemp(prefix="nlsh-faith-load-")
    saved = {key: os.environ.get(key) for key in ("HOME", "XDG_CACHE_HOME")}
    os.environ.update(HOME=elsewhere, XDG_CACHE_HOME=f"{elsewhere}/.cache")
    try:
        getattr(understand, "engine", None)
    finally:
        _restore(saved)
        shutil.rmtree(elsewhere, ignore_errors=True)
    return understand


class Runner:
    """Runs items through the real pipeline (not interactive) in a sandbox.

    The caller makes ``sandbox.environment()`` the process environment first; the model
    is loaded once, on the first item.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._understand: Callable[[str], Any] | None = None

    @property
    def understand(self) -> Callable[[str], Any]:
        if self._understand is None:
            self._understand = load_understander()
        return self._understand

    def check(self, item: Item) -> Verdict:
        """Run ``item`` as a dry run and compare; an item that must not plan runs again
        for real, with a confirmer that refuses, to show that nothing asks or acts."""
        from nlsh.context import Context
        from nlsh.pipeline import run

        sentence = self.sandbox.fill(item.text)
        if self.sandbox.needs_nobody(item) and not self.sandbox.with_nobody:
            return Verdict(item, sentence, False, "needs root to start a process as nobody",
                           skipped=True)
        confirmer = FailIfAsked()
        try:
            ctx = Context.from_environment(dry_run=True, interactive=False)
            response = run(sentence, ctx, self.understand, confirmer)
            as_json = json.dumps(response.to_json(explain=True), default=str)
            problems = compare(response, item.expect, self.sandbox, json.loads(as_json))
            if isinstance(item.expect.get("would"), list):
                problems += self._say_does_it(response, item.expect["would"])
            if _plans_nothing(item.expect):
                ctx = Context.from_environment(dry_run=False, interactive=False)
                again = run(sentence, ctx, self.understand, confirmer)
                if _status(again) != _status(response):
                    problems.append(f"for real its status is {_status(again)}, "
                                    f"not {_status(response)}")
        except Exception as error:  # the item fails; the run goes on
            return Verdict(item, sentence, False, f"{sentence!r} raised "
                           f"{type(error).__name__}: {error}")
        problems += [f"asked the user: {question}" for question in confirmer.asked]
        problems += self.sandbox.disturbed()
        strangers = self.sandbox.strangers(response)
        if problems and strangers:
            return Verdict(item, sentence, False, f"{sentence!r}: not counted: {strangers} "
                           "outside the sandbox bear a sandbox name", skipped=True)
        if not problems:
            return Verdict(item, sentence, True, "")
        return Verdict(item, sentence, False,
                       f"{sentence!r}: " + "; ".join(problems) + f"\n  got: {describe(response)}")

    def _say_does_it(self, response: Any, would: list[str]) -> list[str]:
        """The sentence an answer offers ("say: kill x") must plan what it said it would."""
        from nlsh.context import Context
        from nlsh.pipeline import run

        say = response.answer.result.get("say") if response.answer is not None else None
        if not isinstance(say, str) or not say.strip():
            return []  # reported by compare()
        ctx = Context.from_environment(dry_run=True, interactive=False)
        done = run(say, ctx, self.understand, FailIfAsked())
        steps = [s.to_json() for s in done.plan.steps] if done.plan is not None else []
        got = _labels_of_steps(steps, self.sandbox)
        if _status(done) != "planned" or got != sorted(would):
            return [f"saying {say!r} gives {_status(done)} for {got}, not the plan "
                    f"for {sorted(would)} it offered"]
        return []

    def run_all(self, items: Iterable[Item]) -> list[Verdict]:
        return [self.check(item) for item in items]


_NO_PLAN = {"answered", "nothing_to_do", "clarify", "invalid", "out_of_scope"}


def _plans_nothing(expect: Mapping[str, Any]) -> bool:
    """Whether ``expect`` says no plan may come of the sentence (nor of any request in it)."""
    if "parts" in expect:
        return all(_plans_nothing(part) for part in expect["parts"])
    statuses = expect.get("status_in") or [expect.get("status")]
    return all(status in _NO_PLAN for status in statuses)


def _status(response: Any) -> str:
    return str(getattr(response.status, "value", response.status))


def _parts(response: Any) -> tuple[Any, ...]:
    return tuple(getattr(response, "parts", ()) or ())


def describe(response: Any, depth: int = 0) -> str:
    """One line (per part) saying what nlsh made of a sentence, for failure reports."""
    parse = response.parse
    text = (f"status={_status(response)} intent={parse.intent} slots={dict(parse.slots)} "
            f"message={response.message!r}")
    operators = getattr(parse, "operators", None)
    if operators is not None and operators.to_json():
        text += f" operators={operators.to_json()}"
    if response.plan is not None:
        steps = [(s.action, getattr(s.target, "pid", None) or getattr(s.target, "path", None))
                 for s in response.plan.steps]
        text += f" plan={response.plan.summary!r} steps={steps}"
    for part in _parts(response):
        text += "\n  " + "  " * depth + "part: " + describe(part, depth + 1)
    return text


def _all_steps(response: Any) -> list[Mapping[str, Any]]:
    """The steps of a response's plan, of its requests' plans and of an answer's 'would'."""
    steps: list[Mapping[str, Any]] = []
    if response.plan is not None:
        steps += [s.to_json() for s in response.plan.steps]
    answer = response.answer
    if answer is not None and isinstance(answer.result.get("would"), Mapping):
        steps += list(answer.result["would"].get("steps", ()))
    for part in _parts(response):
        steps += _all_steps(part)
    return steps


def _labels_of_steps(steps: Iterable[Mapping[str, Any]], sandbox: Sandbox) -> list[str]:
    found: list[str] = []
    for step in steps:
        if step.get("pid") is not None:
            found.append(sandbox.process_label(int(step["pid"]), str(step.get("name", "?"))))
        elif step.get("path") is not None:
            found.extend(sandbox.file_labels(str(step["path"])))
    return sorted(set(found))


def _contains(where: str, haystack: str, needles: Iterable[str], sandbox: Sandbox) -> list[str]:
    return [f"{where} {haystack!r} lacks {sandbox.fill(n)!r}" for n in needles
            if sandbox.fill(n).lower() not in haystack.lower()]


def compare(response: Any, expect: Mapping[str, Any], sandbox: Sandbox,
            as_json: Mapping[str, Any] | None = None) -> list[str]:
    """What in ``response`` differs from ``expect`` (empty when it is as expected)."""
    problems: list[str] = []
    status = _status(response)
    parts = _parts(response)
    plan = response.plan
    if "status" in expect and status != expect["status"]:
        problems.append(f"status {status}, expected {expect['status']}")
    if "status_in" in expect and status not in expect["status_in"]:
        problems.append(f"status {status}, expected one of {expect['status_in']}")
    if "intent" in expect and response.parse.intent != expect["intent"]:
        problems.append(f"intent {response.parse.intent}, expected {expect['intent']}")

    if "parts" in expect:
        wanted = list(expect["parts"])
        if len(parts) != len(wanted):
            problems.append(f"{len(parts)} request(s), expected {len(wanted)}")
        for index, (part, part_expect) in enumerate(zip(parts, wanted, strict=False)):
            problems += [f"request {index + 1}: {p}" for p in compare(part, part_expect, sandbox)]
        if "status" not in expect and parts:
            worst = max(_EXIT.get(_status(p), 3) for p in parts)
            if _EXIT.get(status, 3) != worst or status not in {_status(p) for p in parts}:
                problems.append(f"status {status} is not the most serious of the requests'")
        if as_json is not None and len(as_json.get("requests") or ()) != len(wanted):
            problems.append("the JSON has no 'requests' list with one object per request")
    elif parts and expect.get("status") != "nothing_to_do":
        problems.append(f"split into {len(parts)} requests, expected one")
    elif parts and any(p.plan is not None for p in parts):
        problems.append("a request of the sentence has a plan")

    planned = "parts" not in expect and expect.get("status") == "planned"
    if "parts" not in expect and "status" in expect and not planned and plan is not None:
        problems.append(f"a plan ({plan.summary!r}) came with status {status}")
    steps = [s.to_json() for s in plan.steps] if plan is not None else []
    if "targets" in expect or "files" in expect:
        if plan is None:
            problems.append("no plan")
        else:
            got = _labels_of_steps(steps, sandbox)
            wanted_labels = sorted(set(expect.get("targets", ())) | set(expect.get("files", ())))
            if got != wanted_labels:
                problems.append(f"plan targets {got}, expected {wanted_labels}")
    if "action" in expect and plan is not None:
        actions = sorted({s.action for s in plan.steps if s.target is not None})
        if actions != [expect["action"]]:
            problems.append(f"step actions {actions}, expected {expect['action']}")
    if "nice" in expect and plan is not None:
        values = [s.params.get("nice") for s in plan.steps if s.action == "renice"]
        ok = values and all(isinstance(v, int) and (v > 0 if expect["nice"] == "up" else v < 0)
                            for v in values)
        if not ok:
            problems.append(f"nice values {values}, expected all "
                            f"{'above' if expect['nice'] == 'up' else 'below'} 0")
    if "would" in expect or "would_action" in expect:
        problems += _check_would(response, expect, sandbox)
    problems += _contains("message", response.message, expect.get("message_contains", ()),
                          sandbox)
    if expect.get("summary_contains"):
        summary = plan.summary if plan is not None else ""
        problems += _contains("summary", summary, expect["summary_contains"], sandbox)
    if expect.get("notes_contains"):
        notes = " | ".join(plan.notes) if plan is not None else ""
        problems += _contains("notes", notes, expect["notes_contains"], sandbox)
    for slot, values in (expect.get("forbid") or {}).items():
        for parse in [response.parse, *(p.parse for p in parts)]:
            said = parse.slots.get(slot)
            if isinstance(said, str) and said.lower() in {str(v).lower() for v in values}:
                problems.append(f"took {said!r} as the {slot}")
    return problems


def _check_would(response: Any, expect: Mapping[str, Any], sandbox: Sandbox) -> list[str]:
    answer = response.answer
    if answer is None or "would" not in answer.result:
        return ["no answer saying what it would do (result['would'])"]
    would = answer.result["would"]
    problems = []
    if "would" in expect:
        if expect["would"] is None:
            if would is not None:
                problems.append(f"would do {would}, expected nothing")
        elif not isinstance(would, Mapping):
            problems.append(f"would do {would!r}, expected a plan")
        else:
            got = _labels_of_steps(would.get("steps", ()), sandbox)
            if got != sorted(expect["would"]):
                problems.append(f"would act on {got}, expected {sorted(expect['would'])}")
    if "would_action" in expect and isinstance(would, Mapping):
        actions = sorted({s.get("action") for s in would.get("steps", ()) if "pid" in s})
        if actions != [expect["would_action"]]:
            problems.append(f"would {actions}, expected {expect['would_action']}")
    say = answer.result.get("say")
    if would is not None and not (isinstance(say, str) and say.strip()):
        problems.append("no sentence to say to do it (result['say'])")
    return problems


@dataclass
class Figure:
    """Share of items passed, per category and overall."""

    per_category: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, verdicts: Iterable[Verdict]) -> Figure:
        tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for verdict in verdicts:
            if verdict.skipped:
                continue
            tally[verdict.item.category][0] += verdict.passed
            tally[verdict.item.category][1] += 1
        return cls({k: (v[0], v[1]) for k, v in sorted(tally.items())})

    @property
    def overall(self) -> tuple[int, int]:
        return (sum(p for p, _ in self.per_category.values()),
                sum(n for _, n in self.per_category.values()))


@contextmanager
def open_session(seed: int = 2026) -> Iterator[Runner]:
    """Start a sandbox, point the environment at it, yield a runner; restore afterwards."""
    from nlsh.paths import Paths

    sandbox = Sandbox(seed=seed).start()
    # The model stays where nlsh keeps it now, not in the sandbox's HOME (no rebuild).
    environment = {**sandbox.environment(),
                   "NLSH_MODEL_CACHE": str(Paths.from_environment().models)}
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    try:
        yield Runner(sandbox)
    finally:
        _restore(saved)
        sandbox.close()


def _restore(saved: Mapping[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# ── near duplicates ────────────────────────────────────────────────────────

SIMILAR = 0.85
VALUE = "<v>"
_ANNOTATED = re.compile(r"\[([^\[\]]+)\]\([a-z_]+(?::[^()]*)?\)")
_TOKEN = re.compile(r"<v>|[a-z0-9]+(?:'[a-z]+)?")
_NUMBER = re.compile(r"(?<![\w<])[-+]?\d[\d,._ ]*(?:\.\d+)?(?:e\d+)?(?![\w>])")


def masked(text: str, values: Iterable[str] = ()) -> str:
    """``text`` with its slot values as ``<v>``: inline annotations (``[firefox](process)``),
    placeholders (``{a}``), the given ``values`` where they occur, and numbers."""
    text = _ANNOTATED.sub(VALUE, text)
    text = _PLACEHOLDER.sub(VALUE, text)
    for value in sorted((v for v in values if v.strip()), key=len, reverse=True):
        text = re.sub(rf"(?i)(?<!\w){re.escape(value)}(?!\w)", VALUE, text)
    return _NUMBER.sub(f" {VALUE} ", text)


def tokens(text: str) -> tuple[str, ...]:
    """The words of a masked sentence, lower-cased, punctuation dropped."""
    return tuple(_TOKEN.findall(text.lower().replace("\u2019", "'")))


def raw_tokens(text: str) -> tuple[str, ...]:
    """The words as written: annotations read as their text, placeholders kept."""
    return tokens(_ANNOTATED.sub(r"\1", text))


def near_duplicate(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are the same sentence with other slot values (equal once
    their values are masked, with at least two words besides the values), or at least 85 %
    alike word by word as written (``difflib`` ratio). Both may carry annotations or
    placeholders."""
    return _near(tokens(masked(a)), tokens(masked(b)), raw_tokens(a), raw_tokens(b))


def _near(ta: tuple[str, ...], tb: tuple[str, ...], ra: tuple[str, ...],
          rb: tuple[str, ...]) -> bool:
    # Masked alone, short sentences collapse ("what's 15% of 80" and "raise priority of
    # jackd" are both little more than "<v> of <v>"): equal masks need real words too.
    if ta == tb and sum(t != VALUE for t in ta) >= 2:
        return True
    if not ra or not rb or 2 * min(len(ra), len(rb)) / (len(ra) + len(rb)) < SIMILAR:
        return False
    return difflib.SequenceMatcher(None, ra, rb, autojunk=False).ratio() >= SIMILAR


class NearDuplicates:
    """An index of sentences that finds the near duplicates of another quickly."""

    def __init__(self, sentences: Iterable[tuple[str, str]]) -> None:
        """``sentences``: (masked text, where it comes from: "file: the sentence")."""
        self.entries: list[tuple[tuple[str, ...], tuple[str, ...], str]] = []
        self.masks: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.postings: dict[str, list[int]] = defaultdict(list)
        for text, origin in sentences:
            words, raw = tokens(text), raw_tokens(origin.split(": ", 1)[-1])
            self.entries.append((words, raw, origin))
            self.masks[words].append(len(self.entries) - 1)
            for word in set(raw):
                self.postings[word].append(len(self.entries) - 1)

    def of(self, text: str, raw: str | None = None) -> list[tuple[str, str]]:
        """(the indexed sentence, its origin) for each near duplicate of masked ``text``
        (``raw``: the sentence as written; ``text`` when not given)."""
        words, written = tokens(text), raw_tokens(raw if raw is not None else text)
        candidates: Counter[int] = Counter()
        for word in set(written):
            for index in self.postings.get(word, ()):
                candidates[index] += 1
        for index in self.masks.get(words, ()):
            candidates[index] += len(written)
        found = []
        for index, count in candidates.items():
            other, other_raw, origin = self.entries[index]
            # every distinct word not shared leaves a word unmatched: bound the matches
            need = SIMILAR * (len(written) + len(other_raw)) / 2
            if other != words and min(len(written) - len(set(written)),
                                      len(other_raw) - len(set(other_raw))) + count < need:
                continue
            if _near(words, other, written, other_raw):
                found.append((" ".join(other), origin))
        return found


def catalog_sentences() -> list[tuple[str, str]]:
    """Every training sentence of the catalog, masked, with its file."""
    from nlsh.language.catalog import load_catalog

    catalog = load_catalog(REPO / "nlsh" / "intents")
    out = []
    for example in catalog.examples:
        text = example.text
        for span in sorted(example.spans, key=lambda s: -s.start):
            text = text[:span.start] + VALUE + text[span.end:]
        out.append((masked(text), f"{Path(example.source).name}: {example.text}"))
    return out


def held_out_sentences() -> list[tuple[str, str]]:
    """Every held-out sentence, masked (slot values found in the text), with its file."""
    out = []
    for name in ("heldout.yaml", "heldout2.yaml", "realworld.yaml"):
        for entry in yaml.safe_load((REPO / "tests" / "data" / name).read_text()):
            values = [str(v) for v in (entry.get("slots") or {}).values()
                      if not isinstance(v, bool)]
            out.append((masked(entry["text"], values), f"{name}: {entry['text']}"))
    return out
