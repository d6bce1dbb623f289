"""File search figures for ``scripts/bench.py --find``: nlsh's walker against find and grep.

Builds a tree in a temporary folder (``files`` empty files in 10 × 10 × N folders, 1 in
1000 named ``report-*.txt``; plus a text tree of ``text_files`` 4 KiB files, 1 in 50
holding ``NEEDLE``), then times whole processes, alternating, same tree, same run:

* ``find ROOT -name 'report*'`` beside nlsh's walker in its own process
  (``python -m nlsh.system.file_search_cli``) and ``nlsh --json "files named report* in ROOT"``;
* ``grep -rl NEEDLE ROOT2`` beside the walker's content search and
  ``nlsh --json "files containing NEEDLE in ROOT2"``;
* the time to the first result of the walker on the big tree (in-process).

The trees are removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NEEDLE = "XYZZY_MARKER"


def build_name_tree(root: Path, files: int) -> None:
    per_leaf = 100
    leaves = max(files // per_leaf, 1)
    made = 0
    for leaf in range(leaves):
        folder = root / f"a{leaf % 10}" / f"b{(leaf // 10) % 10}" / f"c{leaf // 100}"
        folder.mkdir(parents=True, exist_ok=True)
        for _index in range(per_leaf):
            name = (f"report-{made}.txt" if made % 1000 == 0 else f"file-{made}.dat")
            os.close(os.open(folder / name, os.O_CREAT | os.O_WRONLY, 0o644))
            made += 1


def build_text_tree(root: Path, files: int) -> None:
    line = "lorem ipsum dolor sit amet, consectetur adipiscing elit 0123456789\n"
    body = (line * 62)[:4000]
    for index in range(files):
        folder = root / f"d{index % 40}" / f"e{(index // 40) % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        text = body + (f"\n{NEEDLE}\n" if index % 50 == 0 else "\n")
        (folder / f"note-{index}.txt").write_text(text)


def _wall(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                   check=False)
    return time.perf_counter() - started


def _alternate(commands: dict[str, list[str]], env: dict[str, str],
               runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for argv in commands.values():  # one warm-up each: same page cache for all
        _wall(argv, env)
    for _ in range(runs):
        for name, argv in commands.items():
            times[name].append(_wall(argv, env))
    return {name: statistics.median(values) for name, values in times.items()}


def first_result_ms(root: Path) -> float:
    from nlsh.system.file_search import FileQuery, Tally, search

    started = time.perf_counter()
    for _ in search(FileQuery(root=str(root), pattern="report*"), Tally()):
        break
    return (time.perf_counter() - started) * 1000


def find_figures(files: int, text_files: int, runs: int,
                 env: dict[str, str]) -> list[tuple[str, str, str]]:
    python = sys.executable
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="nlsh-find-bench-") as temp:
        big, text = Path(temp) / "big", Path(temp) / "text"
        started = time.perf_counter()
        build_name_tree(big, files)
        build_text_tree(text, text_files)
        print(f"built the trees in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        walker = [python, "-m", "nlsh.system.file_search_cli"]
        names = _alternate({
            "find": ["find", str(big), "-name", "report*"],
            "walker": [*walker, "--name", "report*", str(big)],
            "nlsh": [python, "-m", "nlsh", "--json", f"find files named report* in {big}"],
        }, env, runs)
        contents = _alternate({
            "grep": ["grep", "-rl", NEEDLE, str(text)],
            "walker": [*walker, "--content", NEEDLE, str(text)],
            "nlsh": [python, "-m", "nlsh", "--json", f"files containing {NEEDLE} in {text}"],
        }, env, runs)
        first = statistics.median(first_result_ms(big) for _ in range(5))
        def _ratio(a: float, b: float) -> str:
            return f"{a:.2f} s ({a / b:.2f}×)"
        rows += [
            (f"`find -name` over {files:,} files", f"{names['find']:.2f} s", "baseline"),
            ("nlsh walker, same search (own process)", _ratio(names["walker"], names["find"]),
             "≤ 1.2× find"),
            ("`nlsh --json \"find files named report* in …\"`",
             _ratio(names["nlsh"], names["find"]), ""),
            (f"`grep -rl` over {text_files:,} 4 KiB files", f"{contents['grep']:.2f} s",
             "baseline"),
            ("nlsh walker, content search (own process)",
             _ratio(contents["walker"], contents["grep"]), "≤ 1.5× grep -rl"),
            ("`nlsh --json \"files containing … in …\"`",
             _ratio(contents["nlsh"], contents["grep"]), ""),
            ("first result of a name search on the big tree", f"{first:.1f} ms", "≤ 100 ms"),
        ]
        shutil.rmtree(big, ignore_errors=True)
    return rows
