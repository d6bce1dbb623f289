"""Hostile system state: a journal that cannot be written or fills up mid-plan, torn and
corrupted journal lines, broken user intents files, damaged or half-built model caches,
zombies, unreadable /proc entries, files that vanish between plan and execution.

Tests run as root, so a read-only state directory is simulated: ``/dev/full`` is bind-mounted
over the journal file (every write fails with ENOSPC; a link would not do, nlsh never opens
the journal through one), or a file stands where the state directory should be.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from nlsh.context import Context
from nlsh.errors import JournalError
from nlsh.execution import execute
from nlsh.journal import Journal
from nlsh.stages import Plan, ProcessRef, Risk, Status, Step, StepStatus
from nlsh.system.processes import read_process
from tests.conftest import MODEL_CACHE, Sleepers, nlsh_env, run_nlsh
from tests.support.processes import eventually, request, running

pytestmark = pytest.mark.usefixtures("pipeline_rules")


def _ref(pid: int) -> ProcessRef:
    info = read_process(pid)
    assert info is not None
    return info.ref()


def _plan(action: str, pids: list[int], risk: Risk = Risk.MEDIUM) -> Plan:
    return Plan(intent="process.kill", summary="act", risk=risk, reversible=False,
                steps=tuple(Step(action=action, target=_ref(pid), detail="t") for pid in pids))


@pytest.fixture
def disk_full() -> Iterator[Callable[[Path], Path]]:
    """``disk_full(journal)`` makes every write to ``journal`` fail with ENOSPC."""
    mounted: list[Path] = []

    def fill(journal: Path) -> Path:
        journal.parent.mkdir(parents=True, exist_ok=True)
        journal.touch()
        done = subprocess.run(["mount", "--bind", "/dev/full", str(journal)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot bind-mount /dev/full here ({done.stderr.strip()}): a full "
                        "journal is untested on this machine")
        mounted.append(journal)
        return journal

    yield fill
    for journal in reversed(mounted):
        subprocess.run(["umount", "-l", str(journal)], check=False)


def _journal_is_full(private_home: Path, disk_full: Callable[[Path], Path]) -> Path:
    return disk_full(private_home / ".local/state/nlsh/journal.jsonl")


# ── the journal ──


def test_a_full_journal_refuses_an_action_with_one_line_and_changes_nothing(
        sleepers: Sleepers, private_home: Path,
        disk_full: Callable[[Path], Path]) -> None:
    child = sleepers.spawn()
    _journal_is_full(private_home, disk_full)
    done = run_nlsh("-y", f"kill pid {child.pid}")
    assert done.returncode == 1, done
    assert done.stderr.strip().splitlines() == [
        f"nlsh: not run: the journal cannot be written ({private_home}/.local/state/nlsh/"
        "journal.jsonl), and every action must be journaled"]
    assert running(child.pid)


def test_a_full_journal_still_answers_read_only_requests_with_a_warning(
        private_home: Path,
        disk_full: Callable[[Path], Path]) -> None:
    _journal_is_full(private_home, disk_full)
    done = run_nlsh("--json", "free -m")
    assert done.returncode == 0, done
    assert json.loads(done.stdout)["status"] == "done"
    assert done.stderr.startswith("nlsh: warning: journal not written (No space left")


def test_a_batch_line_refused_for_a_full_journal_does_not_stop_the_batch(
        sleepers: Sleepers, private_home: Path,
        disk_full: Callable[[Path], Path]) -> None:
    child = sleepers.spawn()
    _journal_is_full(private_home, disk_full)
    done = run_nlsh("--json", "--yes", input=f"kill {child.pid}\nfree -m\n")
    assert done.returncode == 1, done
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["status"] == "error" and "journal cannot be written" in first["message"]
    assert first["exit_code"] == 1
    assert second["status"] == "done"
    assert running(child.pid)


@pytest.mark.parametrize("risk", [Risk.LOW, Risk.MEDIUM])
def test_no_plan_runs_unjournaled_even_a_low_risk_irreversible_one(
        sleepers: Sleepers, private_home: Path, risk: Risk) -> None:
    child = sleepers.spawn()
    (private_home / ".local/state").rmdir()
    (private_home / ".local/state").write_text("a file where the state directory should be")
    with pytest.raises(JournalError, match="must be journaled"):
        execute(_plan("suspend", [child.pid], risk), Context.from_environment(), text="x")
    assert running(child.pid)


def test_a_journal_that_takes_no_first_entry_runs_nothing(
        sleepers: Sleepers, private_home: Path, monkeypatch: pytest.MonkeyPatch,
        disk_full: Callable[[Path], Path]) -> None:
    # writable says yes (the check cannot see a full disk), the first write fails.
    child = sleepers.spawn()
    _journal_is_full(private_home, disk_full)
    ctx = Context.from_environment()
    monkeypatch.setattr(Journal, "writable", property(lambda self: True))
    with pytest.raises(JournalError):
        execute(_plan("terminate", [child.pid]), ctx, text="x")
    assert running(child.pid)


def test_a_journal_filling_up_mid_plan_fails_that_step_and_runs_no_more(
        sleepers: Sleepers, private_home: Path, monkeypatch: pytest.MonkeyPatch,
        disk_full: Callable[[Path], Path]) -> None:
    import nlsh.execution.processes as verbs

    children = [sleepers.spawn() for _ in range(3)]
    journal = private_home / ".local/state/nlsh/journal.jsonl"
    real = verbs.suspend
    full: list[bool] = []

    def suspend_then_disk_full(step: Step, ctx: Context) -> Any:
        result = real(step, ctx)
        if not full:  # the first step ran; then the disk is full
            full.append(True)
            disk_full(journal)
        return result

    monkeypatch.setattr(verbs, "suspend", suspend_then_disk_full)
    ctx = Context.from_environment()
    outcome = execute(_plan("suspend", [c.pid for c in children]), ctx, text="x")
    assert [r.status for r in outcome.results] == [StepStatus.DONE, StepStatus.NOT_RUN,
                                                   StepStatus.NOT_RUN]
    assert outcome.failed  # exit 3: the plan did not run through
    # SIGSTOP lands asynchronously
    assert eventually(lambda: psutil.Process(children[0].pid).status() == psutil.STATUS_STOPPED,
                      seconds=10)
    assert [running(c.pid) for c in children[1:]] == [True, True]
    assert ctx.journal.warnings and "No space left" in ctx.journal.warnings[0]


def test_a_journal_full_before_a_step_marks_it_failed_and_the_rest_not_run(
        sleepers: Sleepers, private_home: Path, monkeypatch: pytest.MonkeyPatch,
        disk_full: Callable[[Path], Path]) -> None:
    children = [sleepers.spawn() for _ in range(3)]
    journal = private_home / ".local/state/nlsh/journal.jsonl"
    real_record = Journal.record

    def record(self: Journal, event: str, request: str, **fields: Any) -> bool:
        if event == "step" and fields.get("index") == 1 and fields.get("phase") == "before":
            disk_full(journal)
        return real_record(self, event, request, **fields)

    monkeypatch.setattr(Journal, "record", record)
    outcome = execute(_plan("suspend", [c.pid for c in children]), Context.from_environment(),
                      text="x")
    assert [r.status for r in outcome.results] == [StepStatus.DONE, StepStatus.FAILED,
                                                   StepStatus.NOT_RUN]
    assert "journal cannot be written" in outcome.results[1].message
    # SIGSTOP lands asynchronously
    assert eventually(lambda: psutil.Process(children[0].pid).status() == psutil.STATUS_STOPPED,
                      seconds=10)
    assert [running(c.pid) for c in children[1:]] == [True, True]


class _Yes:
    reason = "cancelled"
    shows_plan = False

    def select(self, plan: Plan) -> None:
        return None

    def confirm(self, plan: Plan) -> Plan:
        return plan

    def reconfirm(self, plan: Plan) -> bool:
        return True

    def offer(self, plan: Plan) -> bool:
        return False


def test_a_torn_last_line_does_not_swallow_the_next_entry(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    journal.record("request", "a", text="first")
    with journal.path.open("ab") as handle:
        handle.write(b'{"v":1,"event":"step","request":"torn","ph')  # a crash mid-write
    journal.record("request", "b", text="second")
    assert [e["request"] for e in journal.entries()] == ["a", "b"]
    assert journal.warnings == [f"skipped 1 unreadable journal line(s) in {journal.path}"]


def test_history_answers_over_a_corrupted_journal(private_home: Path) -> None:
    journal = private_home / ".local/state/nlsh/journal.jsonl"
    journal.parent.mkdir(parents=True)
    journal.write_bytes(b'\xff\xfe\x00garbage\n{"event": 3}\n[1]\n{"v":1,"event":"fini')
    response = request("history")
    assert response.status is Status.DONE
    assert json.dumps(response.to_json())


# ── the user's intents file and the model cache ──


def test_a_broken_user_intents_file_is_skipped_and_nlsh_still_answers(
        private_home: Path) -> None:
    mine = private_home / ".config/nlsh/intents"
    mine.mkdir(parents=True)
    (mine / "mine.yaml").write_text("intent: [unclosed\n  - what\n")
    done = run_nlsh("--json", "how much memory am I using")
    assert done.returncode == 0, done
    assert json.loads(done.stdout)["intent"] == "memory.status"
    warning = [line for line in done.stderr.splitlines() if "mine.yaml" in line]
    assert len(warning) == 1 and warning[0].startswith("nlsh: warning: skipped your intents")


def _shared_model() -> Path:
    from nlsh.language.build import current_model_dir

    directory = current_model_dir(MODEL_CACHE, None)
    if directory is None:  # build it once (the shared test cache keeps it)
        from nlsh.language import load_engine
        from nlsh.paths import Paths

        load_engine(Paths.from_environment())
        directory = current_model_dir(MODEL_CACHE, None)
    assert directory is not None
    return directory


@pytest.fixture
def private_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[str]]:
    """A model cache of this test's own, holding a copy of the shared model; a "build"
    copies the shared model in (the real build's staging and rename, without training)."""
    from nlsh.language import build

    shared = _shared_model()
    models = tmp_path / "models"
    models.mkdir()
    shutil.copytree(shared, models / shared.name)
    builds: list[str] = []

    def copy_build(staging: Path, key: str, *args: Any) -> None:
        builds.append(key)
        for item in shared.iterdir():
            shutil.copy2(item, staging / item.name)

    monkeypatch.setattr(build, "_build_into", copy_build)
    monkeypatch.setenv("NLSH_MODEL_CACHE", str(models))
    return models, models / shared.name, builds


@pytest.mark.parametrize(("damage", "name"), [
    (b"", "model"),                        # truncated to nothing
    (b"\x08\x01garbage" * 50, "model"),    # not a model
    (b"{\"format\": ", "meta"),             # torn JSON
    (b"[]", "meta"),                       # JSON of the wrong shape
    (b"\x00" * 10, "tokenizer"),
])
def test_a_damaged_model_cache_is_rebuilt_with_a_message(
        private_models: tuple[Path, Path, list[str]], damage: bytes, name: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    from nlsh.language import load_engine
    from nlsh.language.artifacts import META_FILE, MODEL_FILE, TOKENIZER_FILE
    from nlsh.paths import Paths

    _models, model, builds = private_models
    files = {"model": MODEL_FILE, "meta": META_FILE, "tokenizer": TOKENIZER_FILE}
    (model / files[name]).write_bytes(damage)
    engine = load_engine(Paths.from_environment())
    assert engine.parse("how much memory am I using").intent == "memory.status"
    assert builds == [model.name]
    assert "the cached language model is damaged" in capsys.readouterr().err
    assert (model / files[name]).read_bytes() != damage


def test_a_model_cache_with_a_missing_file_is_rebuilt(
        private_models: tuple[Path, Path, list[str]]) -> None:
    from nlsh.language import load_engine
    from nlsh.language.artifacts import MODEL_FILE
    from nlsh.paths import Paths

    _models, model, builds = private_models
    (model / MODEL_FILE).unlink()
    engine = load_engine(Paths.from_environment())
    assert engine.parse("how much memory am I using").intent == "memory.status"
    assert builds == [model.name]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_an_interrupted_model_build_leaves_no_broken_cache(
        tmp_path: Path, signum: int) -> None:
    from nlsh.language.build import _prune, current_model_dir

    models = tmp_path / "models"
    env = nlsh_env({"NLSH_MODEL_CACHE": str(models)})
    nlsh = subprocess.Popen([sys.executable, "-m", "nlsh", "--json", "how much memory is free"],
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert nlsh.stderr is not None
    first = nlsh.stderr.readline()  # progress lines: the build is under way
    assert first.startswith("nlsh: "), (first, nlsh.communicate())
    assert list(models.glob(".building-*")), "no staging directory while building"
    nlsh.send_signal(signum)
    _, err = nlsh.communicate(timeout=60)
    assert nlsh.returncode == (130 if signum == signal.SIGTERM else -signal.SIGKILL), err
    assert "Traceback" not in err
    assert current_model_dir(models, None) is None  # nothing that looks built
    assert [p for p in models.iterdir() if not p.name.startswith(".")] == []
    if signum == signal.SIGTERM:
        assert list(models.glob(".building-*")) == []  # cleaned up on the way out
    else:
        _prune(models, keep=models / "none")  # the next build sweeps a dead builder's debris
        assert list(models.glob(".building-*")) == []


# ── processes and files in hostile states ──


def test_a_zombie_is_never_signalled_and_never_a_traceback(sleepers: Sleepers) -> None:
    zombie = sleepers.spawn(seconds=0)
    deadline = time.monotonic() + 10
    while psutil.Process(zombie.pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    response = request("process.kill", confirmer=_Yes(), pid=zombie.pid)
    assert response.status in (Status.NOTHING_TO_DO, Status.DONE), response.message
    assert json.dumps(response.to_json())
    assert psutil.Process(zombie.pid).status() == psutil.STATUS_ZOMBIE


def test_unreadable_proc_entries_are_skipped_in_a_listing(
        sleepers: Sleepers, monkeypatch: pytest.MonkeyPatch) -> None:
    child = sleepers.spawn()
    real_cmdline = psutil.Process.cmdline

    def denied(self: psutil.Process) -> list[str]:
        if self.pid == child.pid:
            raise psutil.AccessDenied(self.pid)
        return real_cmdline(self)

    monkeypatch.setattr(psutil.Process, "cmdline", denied)
    response = request("process.list", limit=10000)
    assert response.status is Status.DONE
    assert json.dumps(response.to_json())


def test_files_vanishing_between_plan_and_cleanup_are_skipped(private_home: Path) -> None:
    from nlsh.actions.cleanup import plan_cleanup
    from tests.support.files import parse, use_present_policy_rules, write

    mp = pytest.MonkeyPatch()
    use_present_policy_rules(mp)
    try:
        blobs = [write(private_home / f".cache/app{i}/blob.bin", 10_000) for i in range(3)]
        ctx = Context.from_environment()
        planned = plan_cleanup(parse(target="cache"), ctx)
        assert isinstance(planned, Plan) and planned.steps
        shutil.rmtree(blobs[0].parent)  # gone between plan and execution
        outcome = execute(planned, ctx, text="clean caches")
    finally:
        mp.undo()
    statuses = {r.step.target.path: r.status for r in outcome.results}  # type: ignore[union-attr]
    assert statuses[str(blobs[0].parent)] is StepStatus.SKIPPED
    assert all(not b.exists() for b in blobs[1:])


class _Listing:
    def __init__(self, entries: list[os.DirEntry[str]]) -> None:
        self.entries = entries

    def __enter__(self) -> Any:
        return iter(self.entries)

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.mark.parametrize("intent", ["disk.largest", "disk.cleanup"])
def test_files_vanishing_during_a_scan_are_left_out_without_a_traceback(
        private_home: Path, monkeypatch: pytest.MonkeyPatch, intent: str) -> None:
    from nlsh.actions import cleaners
    from tests.support.files import use_present_policy_rules, write

    use_present_policy_rules(monkeypatch)
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", ())
    cache = private_home / ".cache"
    for i in range(4):
        for j in range(6):
            write(cache / f"app{i}" / f"blob{j}.bin", 4_000)
    real_scandir = os.scandir
    vanished: list[str] = []

    def vanishing_scandir(path: Any = ".") -> Any:
        with real_scandir(path) as listing:
            entries = list(listing)
        for entry in entries[::2]:  # listed, then gone before it is looked at
            if entry.is_file(follow_symlinks=False):
                if isinstance(path, int):  # listed through a descriptor: names only
                    os.unlink(entry.name, dir_fd=path)
                    vanished.append(os.readlink(f"/proc/self/fd/{path}") + "/" + entry.name)
                else:
                    os.unlink(entry.path)
                    vanished.append(entry.path)
        return _Listing(entries)

    monkeypatch.setattr(os, "scandir", vanishing_scandir)
    slots: dict[str, Any] = ({"path": str(cache)} if intent == "disk.largest"
                             else {"target": "cache"})
    response = request(intent, **slots)
    monkeypatch.setattr(os, "scandir", real_scandir)
    assert vanished
    assert response.status in (Status.DONE, Status.CANCELLED, Status.NOTHING_TO_DO), \
        response.message
    shown = json.dumps(response.to_json())
    assert not any(f'"{path}"' in shown for path in vanished)


@pytest.mark.parametrize("damage", ["garbage history", "state dir is a file"])
def test_the_repl_starts_and_answers_over_damaged_state(private_home: Path,
                                                        damage: str) -> None:
    import pexpect

    state = private_home / ".local/state"
    if damage == "garbage history":
        (state / "nlsh").mkdir(parents=True)
        (state / "nlsh/repl_history").write_bytes(b"\xff\xfe\x00\n+\x1b[2J\n# \x80\x81\n")
        (state / "nlsh/journal.jsonl").write_bytes(b"\x00\x01{torn")
    else:
        state.rmdir()
        state.write_text("a file where the state directory should be")
    env = nlsh_env({"TERM": "xterm-256color", "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1"})
    repl = pexpect.spawn(sys.executable, ["-m", "nlsh"], env=env, encoding="utf-8",
                         timeout=120, dimensions=(40, 160))
    prompt = r"nlsh(?:\x1b\[[0-9;?]*[A-Za-z])*>"
    repl.expect(prompt)
    repl.sendline("free -m")
    repl.expect("(?i)swap")
    repl.expect(prompt)
    shown = repl.before or ""
    repl.sendcontrol("d")
    repl.expect(pexpect.EOF)
    repl.close()
    assert repl.exitstatus == 0
    assert "Traceback" not in shown
    if damage == "state dir is a file":
        assert "warning: journal not written" in shown


def test_an_unwritable_model_cache_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("x")
    done = run_nlsh("--json", "how much memory am I using",
                    env={"NLSH_MODEL_CACHE": str(blocker / "models")})
    assert done.returncode == 3, done
    assert done.stderr.strip().splitlines()[-1] == (
        f"nlsh: cannot build the language model in {blocker / 'models'} (Not a directory)")
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_a_disk_filling_up_during_a_model_build_leaves_nothing_built(
        private_models: tuple[Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    from nlsh.errors import ModelError
    from nlsh.language import build, load_engine
    from nlsh.paths import Paths

    models, model, _ = private_models
    shutil.rmtree(model)

    def full_disk(staging: Path, key: str, *args: Any) -> None:
        (staging / "model.onnx").write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "_build_into", full_disk)
    with pytest.raises(ModelError, match="No space left on device"):
        load_engine(Paths.from_environment())
    assert list(models.iterdir()) == [models / ".build.lock"]


@pytest.mark.parametrize("terminal", [True, False])
def test_the_first_run_build_says_why_and_ends_with_one_line(
        private_models: tuple[Path, Path, list[str]], terminal: bool) -> None:
    from nlsh.language import load_engine
    from nlsh.paths import Paths
    from nlsh.render.progress import terminal_progress

    _models, model, builds = private_models
    shutil.rmtree(model)  # a first run: no model yet
    if terminal:
        main, side = os.openpty()
        stream = os.fdopen(side, "w", encoding="utf-8")
    else:
        stream = io.StringIO()

    def progress(title: str) -> Any:
        return terminal_progress(title, stream)

    load_engine(Paths.from_environment(), progress)
    stream.flush()
    if terminal:
        shown = os.read(main, 1 << 20).decode("utf-8", "replace")
        stream.close()
        os.close(main)
    else:
        shown = stream.getvalue()
    assert builds == [model.name]
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown).replace("\r", "\n")
    lines = [line.strip() for line in plain.splitlines() if line.strip()]
    assert "First run: training the language model on this machine, once" in lines[0]
    assert re.fullmatch(r"(nlsh: )?model ready in \d+ s", lines[-1]), lines
