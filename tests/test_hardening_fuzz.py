"""Garbage in, never a traceback out: property tests over the whole pipeline.

Random unicode with control characters, NUL and bidi overrides; numbers out of every
range (pid 0, negative, 2^64; port 0 and 70000; nice -100); paths with ``..``, globs and
links. Each sentence goes through the real language model (loaded once, in this process),
the handlers, the policy and a confirmer that declines, so nothing ever changes. The
properties: a spec status and exit code, JSON that serialises, and no plan that violates
policy (no protected pid, no file outside this test's sandbox). A few cases go through
the real CLI. Budget: about 30 s in all.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlsh.cli import clean_sentence, exit_status_for
from nlsh.context import Context
from nlsh.errors import ExitStatus, UsageError
from nlsh.pipeline import DeclineAll, run
from nlsh.stages import Answer, FileRef, Parse, ProcessRef, Response, Status
from tests.conftest import MODEL_CACHE, run_nlsh

pytestmark = pytest.mark.usefixtures("pipeline_rules")



def fuzz(examples: int) -> Any:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


SPEC_EXITS = {ExitStatus.OK, ExitStatus.NOTHING_DONE, ExitStatus.USAGE}
# Read-only intents that scan the whole machine for seconds: answered by a stand-in that
# still receives the resolved slots (the parse is what is under test here).
SLOW = {"disk.largest", "system.diagnose"}


@pytest.fixture(scope="module")
def understand(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from nlsh.language import Understander
    from nlsh.paths import Paths

    paths = replace(Paths.from_environment(), models=MODEL_CACHE,
                    config=tmp_path_factory.mktemp("config"))
    understander = Understander(paths)
    understander.engine  # noqa: B018 - load (or build) once for the module
    return understander


@pytest.fixture
def pipeline(understand: Any, private_home: Path, monkeypatch: pytest.MonkeyPatch,
             tmp_path: Path) -> Iterator[Any]:
    import nlsh.pipeline
    from nlsh.actions import cleaners

    real = nlsh.pipeline.handler_for
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", ())

    def handler_for(intent: str) -> Any:
        if intent in SLOW:
            return lambda parse, ctx: Answer(kind="text", message="(not scanned)", result={})
        return real(intent)

    monkeypatch.setattr(nlsh.pipeline, "handler_for", handler_for)
    ctx = Context.from_environment()
    protected = {0, 1, 2, os.getpid(), *(p.pid for p in psutil.Process().parents())}

    def carry(raw: str) -> Response | None:
        try:
            text = clean_sentence(raw)
        except UsageError:
            return None  # exit 2 with a one-line message: a spec answer
        response = run(text, ctx, understand, DeclineAll())
        check(response, protected, tmp_path)
        return response

    yield carry


def check(response: Response, protected: set[int], sandbox: Path) -> None:
    assert exit_status_for(response) in SPEC_EXITS, response
    json.dumps(response.to_json(explain=True), ensure_ascii=False, default=str)
    assert response.status is not Status.DONE or response.plan is None  # nothing ran
    for step in response.plan.steps if response.plan else ():
        target = step.target
        if isinstance(target, ProcessRef):
            assert target.pid not in protected, step
        elif isinstance(target, FileRef) and step.action in ("trash", "delete"):
            assert Path(target.path).is_relative_to(sandbox), step
            assert "/.ssh" not in target.path and "/.git/" not in target.path + "/", step


NASTY = st.sampled_from(["\x00", "\x1b[2J", "\x1b]0;t\x07", "\u202e", "\n", "\r", "\t",
                         "[bold]", "\x7f", "\x9b", "\ufeff", "\U0001f600", "ﷺ", "..", "*",
                         "kill", "port", "memory", "-9", " ", "ı", "ß"])
GARBAGE = st.lists(st.one_of(st.text(max_size=12), NASTY), max_size=12).map("".join)


@fuzz(1000)
@given(raw=GARBAGE)
def test_any_text_gets_a_spec_answer(pipeline: Any, raw: str) -> None:
    pipeline(raw)


NUMBERS = st.one_of(
    st.sampled_from([0, -1, 1, 2, 2**63, 2**64, -(2**64), 10**30, 65535, 65536, 70000,
                     -20, -21, -100, 19, 20, 4194305]),
    st.integers(min_value=-(2**70), max_value=2**70),
)
TEMPLATES = st.sampled_from([
    "kill {n}", "kill -9 {n}", "kill process {n}", "stop pid {n}", "pause process {n}",
    "kill whatever is on port {n}", "what is listening on port {n}", "renice {n} to 5",
    "set the priority of pid 4242 to {n}", "lower the priority of firefox to {n}",
    "show the top {n} processes", "free up {n} MB of memory",
    "delete files older than {n} days in the cache", "find files bigger than {n} GB",
])


@fuzz(800)
@given(template=TEMPLATES, n=NUMBERS)
def test_numbers_out_of_every_range_are_refused_or_rejected(pipeline: Any, template: str,
                                                            n: int) -> None:
    from nlsh.language.catalog import load_catalog

    response = pipeline(template.format(n=n))
    assert response is not None
    slot_types = load_catalog().slot_types
    for slot, value in response.parse.slots.items():
        kind = slot_types[slot]
        if isinstance(value, int) and not isinstance(value, bool):
            assert kind.minimum is None or value >= kind.minimum, (slot, value)
            assert kind.maximum is None or value <= kind.maximum, (slot, value)


@pytest.mark.parametrize(("sentence", "needle"), [
    ("kill 0", "pid must be in 1"), ("kill 18446744073709551616", "pid must be in 1"),
    ("kill pid 0", "pid must be in 1"), ("kill " + "9" * 40, "too large"),
    ("kill whatever is on port 70000", "port must be in 1–65535"),
    ("kill whatever is on port 0", "port must be in 1–65535"),
    ("renice firefox to -100", "nice must be in -20–19"),
    ("kill pid -5", "-5 is not a process id"),
])
def test_out_of_range_numbers_are_usage_errors(pipeline: Any, sentence: str,
                                            needle: str) -> None:
    response = pipeline(sentence)
    assert response is not None
    assert exit_status_for(response) is ExitStatus.USAGE, response
    assert needle in response.message


PIECES = st.sampled_from(["..", ".", "*", "?", "[a]", "~", "etc", ".ssh", ".git", "tmp",
                          ".cache", "link", "pip", "-rf", "$HOME", "`id`", "a b", "\u202e"])
PATHS = st.tuples(st.sampled_from(["", "/", "~/", "./", "~/.cache/"]),
                  st.lists(PIECES, min_size=1, max_size=6)).map(
    lambda t: t[0] + "/".join(t[1])
)
PATH_TEMPLATES = st.sampled_from(["clean up {p}", "clear the cache in {p}",
                                  "delete old files in {p}", "empty {p}",
                                  "how full is {p}", "what takes space in {p}"])


@fuzz(500)
@given(template=PATH_TEMPLATES, path=PATHS)
def test_paths_with_dots_globs_and_links_never_leave_the_sandbox(
        pipeline: Any, private_home: Path, template: str, path: str) -> None:
    cache = private_home / ".cache"
    (cache / "pip").mkdir(parents=True, exist_ok=True)
    (cache / "pip" / "blob").write_bytes(b"x" * 5000)
    if not (cache / "link").is_symlink():
        (cache / "link").symlink_to("/etc")
    response = pipeline(template.format(p=path))
    assert response is not None
    assert Path("/etc/hostname").exists() or not Path("/etc").exists()


def test_a_parse_with_every_slot_garbage_is_answered(pipeline: Any) -> None:
    import nlsh.pipeline

    for intent in ("process.kill", "process.find", "disk.cleanup", "process.renice"):
        parse = Parse(text="x", intent=intent, confidence=1.0,
                      slots={"process": "\x1b[2J*", "path": "../../../../etc"})
        response = nlsh.pipeline.run("x", Context.from_environment(),
                                     lambda _, fixed=parse: fixed, DeclineAll())
        assert exit_status_for(response) in SPEC_EXITS


# ── a few cases through the real command ──


def test_the_cli_answers_garbage_lines_with_json_lines_and_spec_codes() -> None:
    lines = ["\x00\x00kill\x00", "\x1b[2J\x1b]0;x\x07", "a" * 1_000_000,
             "kill whatever is on port 70000",
             "\udcff".encode("utf-8", "surrogatepass").decode("latin-1"), "\u202e port 0"]
    done = run_nlsh("--json", input="\n".join(lines) + "\n")
    assert done.returncode in (1, 2), done
    assert "Traceback" not in done.stderr
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(replies) == len(lines)
    assert replies[2]["status"] == "error" and "too long" in replies[2]["message"]
    assert replies[3]["status"] == "invalid"


@pytest.mark.parametrize("args", [("\x1b[2J\x07",), ("a" * 100_000,), ("--json", "kill -1"),
                                  ("--json", "kill 99999999999999999999999999999999999")])
def test_the_cli_never_shows_a_traceback(args: tuple[str, ...]) -> None:
    done = run_nlsh(*args)
    assert done.returncode in (1, 2), done
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr + done.stdout
    assert len(done.stderr.splitlines()) <= 1


SPANS = st.one_of(
    st.text(max_size=30),
    st.tuples(st.sampled_from(["", "+", "-", "−", "A", "z", "#", ":", "~"]),
              st.integers(min_value=0, max_value=10**60),
              st.sampled_from(["", " ", ".5", " GB", "k", " days", " weeks", "e9", " million"]))
    .map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
)


@fuzz(1500)
@given(span=SPANS, slot=st.sampled_from(["pid", "port", "nice", "limit", "min_size",
                                         "older_than_days", "priority", "process", "path"]))
def test_resolution_of_any_span_is_a_value_in_range_or_a_resolution_error(
        span: str, slot: str) -> None:
    from nlsh.language.catalog import load_catalog
    from nlsh.language.resolve import ResolutionError, resolve

    slot_type = load_catalog().slot_types[slot]
    try:
        value = resolve(slot_type, span)
    except ResolutionError:
        return
    if isinstance(value, int) and not isinstance(value, bool):
        assert slot_type.minimum is None or value >= slot_type.minimum
        assert slot_type.maximum is None or value <= slot_type.maximum


@pytest.mark.parametrize("span", ["A5", "z12", "+-5", "1" + "0" * 400, "9" * 5000 + " GB",
                                  "million " * 120])
def test_letters_signs_and_huge_numbers_never_crash_resolution(span: str) -> None:
    from nlsh.language.catalog import load_catalog
    from nlsh.language.resolve import ResolutionError, resolve

    for slot_type in load_catalog().slot_types.values():
        with contextlib.suppress(ResolutionError):
            resolve(slot_type, span)


@pytest.mark.parametrize(("written", "message"), [
    ("pid -5", "-5 is not a process id"), ("PID 0", "0 is not a process id"),
    ("process id −12", "-12 is not a process id"),
    ("pid 18446744073709551616", "pid must be in 1–4194304 (got 18446744073709551616)"),
])
def test_a_pid_taken_for_a_program_name_is_still_checked_as_a_pid(written: str,
                                                                   message: str) -> None:
    from tests.support.processes import request

    for intent in ("process.kill", "process.suspend", "process.renice"):
        response = request(intent, process=written, nice=5)
        assert response.status is Status.INVALID and response.message == message
        assert exit_status_for(response) is ExitStatus.USAGE
