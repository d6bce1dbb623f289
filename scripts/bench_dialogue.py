"""The warm cost of reading a line in the light of the conversation ("kill it").

Usage: python scripts/bench_dialogue.py — a dry run of "kill pid N" against "kill it"
resolved against a previous answer that showed pid N, in-process with the model loaded.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from nlsh.context import Context
from nlsh.dialogue import Referent, State
from nlsh.dialogue.references import resolve
from nlsh.language import understander
from nlsh.pipeline import DeclineAll, run


def timed(action: Callable[[], object], runs: int = 40) -> tuple[float, float]:
    """Median and p90 in milliseconds."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.9 * len(samples))]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        program = Path(folder) / "zqwarm"
        shutil.copy("/bin/sleep", program)
        child = subprocess.Popen([str(program), "120"])
        try:
            time.sleep(0.2)
            understand = understander()
            ctx = Context.from_environment(dry_run=True)
            state = State(shown=(Referent(child.pid, psutil.Process(child.pid).create_time(),
                                          "zqwarm"),), shown_by="the previous answer",
                          at=time.time())

            def plain() -> object:
                return run(f"kill pid {child.pid}", ctx, understand, DeclineAll())

            def referred() -> object:
                resolution = resolve("kill it", state, understand)
                assert resolution is not None
                return run(resolution.sentence, ctx, understand, DeclineAll(),
                           pinned=resolution.pinned)

            for _ in range(5):
                plain()
                referred()
            for name, action in (("plain 'kill pid N' dry run", plain),
                                 ("'kill it' resolved + dry run", referred),
                                 ("resolution alone",
                                  lambda: resolve("kill it", state, understand))):
                median, p90 = timed(action)
                print(f"{name}: {median:.1f} ms (p90 {p90:.1f})")
        finally:
            child.kill()
            child.wait()


if __name__ == "__main__":
    main()
