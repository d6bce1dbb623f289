"""Several nlsh processes at once: the journal stays whole lines, the model cache is built
once and never seen half-written."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pexpect

from tests.conftest import MODEL_CACHE, REPO, nlsh_env

PROMPT = r"nlsh(?:\x1b\[[0-9;?]*[A-Za-z])*>"


def _journal_lines(private_home: Path) -> list[dict[str, object]]:
    text = (private_home / ".local/state/nlsh/journal.jsonl").read_text()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]  # every line parses


def test_parallel_one_shots_and_a_repl_never_corrupt_the_journal(private_home: Path) -> None:
    env = nlsh_env({"TERM": "xterm-256color", "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1"})
    repl = pexpect.spawn(sys.executable, ["-m", "nlsh"], env=env, encoding="utf-8",
                         timeout=120, dimensions=(40, 160))
    repl.expect(PROMPT)
    # Each batch writes 40 requests; six batches and the REPL write at the same time.
    lines = "".join(f"free -m\nps {i}\n" for i in range(20))
    batches = [subprocess.Popen([sys.executable, "-m", "nlsh", "--json"], env=nlsh_env(),
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True) for _ in range(6)]
    for batch in batches:
        assert batch.stdin is not None
        batch.stdin.write(lines)
        batch.stdin.close()
    for _ in range(5):
        repl.sendline("free -m")
        repl.expect(PROMPT)
    for batch in batches:
        assert batch.wait(timeout=300) in (0, 1)
    repl.sendcontrol("d")
    repl.expect(pexpect.EOF)
    repl.close()
    entries = _journal_lines(private_home)
    requests = [e for e in entries if e.get("event") == "request"]
    assert len(requests) == 6 * 40 + 5


def test_many_writers_of_long_entries_interleave_whole_lines(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from nlsh.journal import Journal
        journal = Journal(Path({str(journal)!r}))
        for i in range(150):
            assert journal.record("request", sys.argv[1], text="x" * 20000, i=i)
    """)
    writers = [subprocess.Popen([sys.executable, "-c", code, str(n)], env=nlsh_env())
               for n in range(4)]
    assert [w.wait(timeout=300) for w in writers] == [0] * 4
    lines = journal.read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 600
    for n in range(4):
        assert [e["i"] for e in entries if e["request"] == str(n)] == list(range(150))


# A "build" that copies the shared model in slowly, counting itself: the real
# ensure_model (lock, staging directory, rename) around it.
CONCURRENT_BUILD = """
import shutil, sys, time
from pathlib import Path
from nlsh.context import silent_progress
from nlsh.language import build
from nlsh.language.engine import Engine

shared, models, log = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])

def slow_copy(staging, key, *args):
    with log.open("a") as handle:
        handle.write(key + "\\n")
    for item in sorted(shared.iterdir()):
        shutil.copy2(item, staging / item.name)
        time.sleep(0.2)

build._build_into = slow_copy
directory = build.ensure_model(models, None, silent_progress)
Engine.from_path(directory)  # what every process gets is a whole model
print(directory.name)
"""


def test_concurrent_first_runs_build_the_model_once(tmp_path: Path) -> None:
    from nlsh.language.build import current_model_dir

    shared = current_model_dir(MODEL_CACHE, None)
    if shared is None:  # build the shared test model once (the cache keeps it)
        from nlsh.language import load_engine
        from nlsh.paths import Paths

        load_engine(Paths.from_environment())
        shared = current_model_dir(MODEL_CACHE, None)
    assert shared is not None
    models = tmp_path / "models"
    log = tmp_path / "builds.log"
    script = tmp_path / "build.py"
    script.write_text(CONCURRENT_BUILD)
    env = nlsh_env()
    env["PYTHONPATH"] = str(REPO)
    runs = [subprocess.Popen([sys.executable, str(script), str(shared), str(models), str(log)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(4)]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, results
    assert {out.strip() for out, _ in results} == {shared.name}
    assert log.read_text().splitlines() == [shared.name]  # built once
    assert list(models.glob(".building-*")) == []
