"""The command line as a user meets it: options, bad input, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nlsh import __version__
from tests.conftest import Sleepers, nlsh_env, run_nlsh


def test_version() -> None:
    run = run_nlsh("--version")
    assert (run.returncode, run.stdout.strip()) == (0, f"nlsh, version {__version__}")


def test_help_shows_examples_and_options() -> None:
    run = run_nlsh("--help")
    assert run.returncode == 0
    for expected in ("--dry-run", "--json", "--yes", "--explain", "kill whatever is on port"):
        assert expected in run.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("",), "nothing to do"),
    (("   \t ",), "nothing to do"),
    (("x" * 1001,), "sentence too long (1001 characters; the limit is 1000)"),
])
def test_unusable_sentences_are_usage_errors(args: tuple[str, ...], message: str) -> None:
    run = run_nlsh(*args)
    assert run.returncode == 2
    assert message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr + run.stdout


@pytest.mark.parametrize(("sentence", "message"), [
    ("kill 0", "pid must be in 1–4194304 (got 0)"),
    ("lsof -i :70000", "port must be in 1–65535 (got 70000)"),
    ("renice -100 -p 5", "nice must be in -20–19 (got -100)"),
])
def test_invalid_values_exit_2_with_the_allowed_range(sentence: str, message: str) -> None:
    run = run_nlsh("--json", sentence)
    assert run.returncode == 2, run.stderr
    data = json.loads(run.stdout)
    assert (data["status"], data["message"]) == ("invalid", message)


def test_unknown_dash_words_are_part_of_the_sentence_not_options() -> None:
    run = run_nlsh("--dry-run", "--json", "kill", "-9", "999999")
    data = json.loads(run.stdout)
    assert (data["intent"], data["slots"]) == ("process.kill", {"pid": 999999, "force": True})


def test_stdin_batch_prints_json_lines_in_order() -> None:
    run = run_nlsh("--json", input="df -h\nfree -m\n\nwhat's the weather in Oslo\n")
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(d["text"], d["intent"], d["status"]) for d in lines] == [
        ("df -h", "disk.usage", "done"), ("free -m", "memory.status", "done"),
        ("what's the weather in Oslo", None, "out_of_scope")]
    assert run.returncode == 1  # the most serious line: out of scope


def test_stdin_batch_reports_a_bad_line_and_goes_on() -> None:
    run = run_nlsh("--json", input="x" * 5000 + "\nfree -m\n")
    first, second = (json.loads(line) for line in run.stdout.splitlines())
    assert (first["status"], first["exit_code"], first["intent"]) == ("error", 2, None)
    assert "sentence too long" in first["message"]
    assert (second["intent"], second["status"]) == ("memory.status", "done")
    assert run.returncode == 2


def test_stdin_batch_never_changes_anything_without_yes(tmp_path: object) -> None:
    from tests.conftest import Sleepers

    pool = Sleepers(Path(str(tmp_path)))
    child = pool.spawn("zqxbatch")
    try:
        run = run_nlsh("--json", input=f"kill {child.pid}\n")
        data = json.loads(run.stdout)
        assert (data["status"], run.returncode) == ("cancelled", 1)
        assert child.poll() is None
    finally:
        pool.cleanup()


@pytest.mark.parametrize("option", ["-dry-run", "--dryrun", "--yes-please", "-yh", "-Y"])
def test_a_mistyped_option_is_a_usage_error_and_never_a_yes(option: str, sleepers: Any) -> None:
    child = sleepers.spawn()
    name = Path(str(child.args[0])).name
    run = run_nlsh("--json", option, "kill", name)
    assert run.returncode == 2, run.stdout + run.stderr
    assert option in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == ""
    assert child.poll() is None  # still running: nothing was killed


@pytest.mark.parametrize(("words", "intent"), [
    (("df", "-h"), "disk.usage"),
    (("free", "-h"), "memory.status"),
    (("du", "-sh", "~/.cache"), "disk.largest"),
    (("kill", "-9", "4194304"), "process.kill"),
])
def test_shell_habits_reach_the_rigid_forms_not_the_help(words: tuple[str, ...],
                                                         intent: str) -> None:
    run = run_nlsh("--dry-run", "--json", *words)
    data = json.loads(run.stdout)
    assert (data["intent"], data["confidence"]) == (intent, 1.0)
    assert "Usage:" not in run.stdout + run.stderr


def test_options_after_the_first_sentence_word_belong_to_the_sentence() -> None:
    run = run_nlsh("--dry-run", "--json", "df", "--yes")
    data = json.loads(run.stdout)
    assert data["text"] == "df --yes"


def test_an_argument_that_is_not_utf8_gets_an_answer_not_an_internal_error() -> None:
    completed = subprocess.run([sys.executable, "-m", "nlsh", "--json", b"kill \xff x"],
                               capture_output=True, env=nlsh_env(), timeout=300,
                               stdin=subprocess.DEVNULL)
    data = json.loads(completed.stdout)
    assert completed.returncode in (0, 1, 2), completed.stderr
    assert data["text"] == "kill \ufffd x"
    assert b"internal error" not in completed.stderr


def test_a_habitual_pipeline_does_its_part_and_names_the_rest(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxpiper")
    run = run_nlsh("--json", "ps aux | grep zqxpiper | awk '{print $2}'")
    reply = json.loads(run.stdout)
    assert (reply["intent"], reply["status"]) == ("process.find", "done")
    assert [p["pid"] for p in reply["result"]["processes"]] == [child.pid]
    assert "'| awk '{print $2}'', was not run: nlsh runs no shell commands" in reply["message"]
