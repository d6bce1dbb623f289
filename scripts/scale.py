"""``scripts/bench.py --scale``: nlsh against ``ps`` and ``du`` at 10,000 processes and
1,000,000 files, each pair run alternately in one go; medians and ratios.

It builds its own cases and removes them, whatever happens: 7,000 + 3,000 sleeping copies
of ``sleep`` under two unique names (children of this script, ended and reaped by pid),
and a tree of 1,000 folders × 1,000 files under a temporary directory, laid out as a pip
cache in a temporary HOME (so that the cleanup plan has something to plan).
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.crowd import Crowd  # noqa: E402

FOLDERS, FILES_PER_FOLDER = 1000, 1000
Row = tuple[str, str, str]


def _tree(root: Path) -> None:
    """FOLDERS × FILES_PER_FOLDER files; the first file of each folder holds 4–28 KiB."""
    for folder in range(FOLDERS):
        sub = root / f"d{folder:04d}"
        sub.mkdir(parents=True)
        for index in range(FILES_PER_FOLDER):
            fd = os.open(sub / f"f{index:04d}", os.O_CREAT | os.O_WRONLY, 0o644)
            if index == 0:
                os.write(fd, b"x" * 4096 * (folder % 7 + 1))
            os.close(fd)


def _pairs(commands: dict[str, tuple[list[str], dict[str, str]]], runs: int,
           run: Callable[[list[str], dict[str, str]], tuple[float, int]]
           ) -> dict[str, list[tuple[float, int]]]:
    """Each command once per round, ``runs`` rounds: machine noise hits them alike."""
    results: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for argv, env in commands.values():
        run(argv, env)  # warm: page cache, helper, bytecode
    for _ in range(runs):
        for name, (argv, env) in commands.items():
            results[name].append(run(argv, env))
    return results


def _median(values: list[tuple[float, int]]) -> float:
    return statistics.median(v[0] for v in values)


def _peak_mib(values: list[tuple[float, int]]) -> float:
    return max(v[1] for v in values) / 1024


def process_rows(runs: int, run: Callable[[list[str], dict[str, str]], tuple[float, int]],
                 env: dict[str, str], directory: Path) -> list[Row]:
    python = [sys.executable, "-m", "nlsh"]
    with Crowd(directory, 7000) as many, Crowd(directory, 3000) as named:
        many.wait_started(timeout=300)
        named.wait_started(timeout=300)
        total = len(os.listdir("/proc"))
        commands = {
            "ps": (["ps", "-eo", "pid,comm,rss,pcpu"], env),
            "list": ([*python, "--json", "what's using the most memory"], env),
            "find": ([*python, "--json", f"is {named.name} running"], env),
            "kill": ([*python, "--dry-run", "--json", f"kill {named.name}"], env),
            "diagnose": ([*python, "--json", "why is my computer slow"], env),
            "start": ([*python, "--json", "how much memory is free"], env),
        }
        times = _pairs(commands, runs, run)
        journal = _journal_per_step(named)
    ps = _median(times["ps"])
    start = _median(times["start"])
    from nlsh.diagnosis.collect import SAMPLE_SECONDS

    def versus_ps(name: str) -> str:
        return f"{_median(times[name]):.2f} s ({_median(times[name]) / ps:.2f}× ps)"

    return [
        (f"`ps -eo pid,comm,rss,pcpu`, {total:,} entries in /proc", f"{ps:.2f} s", "baseline"),
        ("nlsh start-up + language (\"how much memory is free\")", f"{start:.2f} s", "baseline"),
        ("\"what's using the most memory\"", versus_ps("list"), "≤ 1.5× ps"),
        ("\"is NAME running\" (3,000 match)", versus_ps("find"), "≤ 1.5× ps"),
        ("\"kill NAME\" dry run, 3,000 targets",
         f"{_median(times['kill']):.2f} s (plan {_median(times['kill']) - start:.2f} s "
         "beyond start-up)", "plan ≤ 1 s"),
        ("\"why is my computer slow\"",
         f"{_median(times['diagnose']):.2f} s ({_median(times['diagnose']) - SAMPLE_SECONDS:.2f}"
         f" s beyond its {SAMPLE_SECONDS} s window)", "≤ 2 s beyond the window"),
        ("journal time per step, pausing 3,000 (in-process)", f"{journal:.3f} ms", "≤ 2 ms"),
    ]


def _journal_per_step(crowd: Crowd) -> float:
    """Execute a real 3,000-step pause (then resume them), timing every journal write."""
    from nlsh.context import Context
    from nlsh.execution import execute
    from nlsh.journal import Journal
    from nlsh.stages import Plan, Risk, Step
    from nlsh.system.processes import read_process

    spent = [0.0]

    class TimedJournal(Journal):
        def append(self, entry: object) -> bool:  # type: ignore[override]
            started = time.perf_counter()
            try:
                return super().append(entry)  # type: ignore[arg-type]
            finally:
                spent[0] += time.perf_counter() - started

    with tempfile.TemporaryDirectory() as state:
        ctx = Context.from_environment()
        ctx.journal = TimedJournal(Path(state) / "journal.jsonl")
        refs = [info.ref() for pid in crowd.pids if (info := read_process(pid)) is not None]
        pause = Plan(intent="process.suspend", summary="pause", risk=Risk.LOW, reversible=True,
                     steps=tuple(Step(action="suspend", target=r, detail="") for r in refs))
        outcome = execute(pause, ctx, text="pause")
        resume = Plan(intent="process.resume", summary="resume", risk=Risk.LOW,
                      reversible=False,
                      steps=tuple(Step(action="resume", target=r, detail="") for r in refs))
        execute(resume, ctx, text="resume")
    return spent[0] / 2 / max(len(outcome.results), 1) * 1000


def tree_rows(runs: int, run: Callable[[list[str], dict[str, str]], tuple[float, int]],
              env: dict[str, str], directory: Path) -> list[Row]:
    home = directory / "home"
    cache = home / ".cache" / "pip"
    started = time.perf_counter()
    _tree(cache)
    built = time.perf_counter() - started
    models = os.environ.get("NLSH_MODEL_CACHE") or str(Path.home() / ".cache/nlsh/models")
    in_home = dict(env, HOME=str(home), NLSH_MODEL_CACHE=models)
    for key in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        in_home.pop(key, None)
    python = [sys.executable, "-m", "nlsh"]
    commands = {
        "du": (["du", "-s", str(cache)], env),
        "largest": ([*python, "--json", f"what's taking up space in {cache}"], in_home),
        "cleanup": ([*python, "--dry-run", "--json", "clear pip cache"], in_home),
    }
    try:
        times = _pairs(commands, runs, run)
    finally:
        started = time.perf_counter()
        shutil.rmtree(cache)
        removed = time.perf_counter() - started
    du = _median(times["du"])
    files = FOLDERS * FILES_PER_FOLDER
    return [
        (f"`du -s`, {files:,} files in {FOLDERS:,} folders", f"{du:.2f} s",
         f"baseline (built in {built:.0f} s, removed in {removed:.0f} s)"),
        ("\"what's taking up space in DIR\"",
         f"{_median(times['largest']):.2f} s ({_median(times['largest']) / du:.2f}× du), "
         f"peak RSS {_peak_mib(times['largest']):.0f} MiB", "≤ 1.2× du, < 300 MB"),
        ("\"clear pip cache\" dry run (1,000 items)",
         f"{_median(times['cleanup']):.2f} s ({_median(times['cleanup']) / du:.2f}× du), "
         f"peak RSS {_peak_mib(times['cleanup']):.0f} MiB", "≤ 2× du"),
    ]


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds: every crowd is reaped, the tree removed


def scale_rows(runs: int, run: Callable[[list[str], dict[str, str]], tuple[float, int]],
               env: dict[str, str]) -> list[Row]:
    signal.signal(signal.SIGTERM, _stop)
    with tempfile.TemporaryDirectory(prefix="nlsh-scale-") as directory:
        rows = process_rows(runs, run, env, Path(directory))
        rows += tree_rows(runs, run, env, Path(directory))
    return rows
