"""Policy refuses what no rule checks: an unknown verb, a verb on the wrong kind of target,
and a plan from a read-only intent (a real check, not an ``assert`` that ``-O`` drops)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nlsh.capabilities import registry
from nlsh.context import Context
from nlsh.policy import review
from nlsh.registry import Inverse, NothingToCheck, Registry, RegistryError, VerbDefinition
from nlsh.stages import FileRef, Plan, Reply, Risk, Step
from nlsh.system.processes import read_process
from tests.conftest import Sleepers, nlsh_env
from tests.support.processes import running


def _plan(*steps: Step) -> Plan:
    return Plan(intent="process.kill", summary="t", steps=steps, risk=Risk.MEDIUM,
                reversible=False)


def test_a_step_whose_verb_or_target_has_no_checker_is_refused(sleepers: Sleepers,
                                                               tmp_path: Path) -> None:
    child = sleepers.spawn()
    info = read_process(child.pid)
    assert info is not None
    file = tmp_path / "f"
    file.write_text("x")
    stat = file.stat()
    fref = FileRef(path=str(file), size=1, device=stat.st_dev, inode=stat.st_ino)
    for step in (Step(action="shred", target=info.ref(), detail="a verb nobody checks"),
                 Step(action="terminate", target=fref, detail="a process verb on a file"),
                 Step(action="trash", target=info.ref(), detail="a file verb on a process"),
                 Step(action="kill", target=None, detail="a signal to nothing")):
        reviewed = review(_plan(step), Context.from_environment())
        assert isinstance(reviewed, Reply), step
        assert reviewed.rule == "unchecked-step" and repr(step.action) in reviewed.message


def test_every_executor_verb_has_a_checker_for_its_target() -> None:
    for verb in registry().verbs.values():
        if verb.target is None:
            assert isinstance(verb.checker, NothingToCheck), verb.name
        else:
            assert callable(verb.checker()), verb.name
        assert callable(verb.executor()), verb.name


@pytest.mark.parametrize("checker", [None, "nlsh.policy.processes:protect_processes",
                                     NothingToCheck("acts on a process, checks nothing")])
def test_a_verb_without_a_policy_checker_cannot_be_registered(checker: object) -> None:
    before = dict(registry().verbs)
    with pytest.raises(RegistryError, match="checker"):
        registry().add(VerbDefinition("shred", FileRef, registry().verbs["trash"].executor,
                                      checker))  # type: ignore[arg-type]
    assert registry().verbs == before


def test_no_definition_replaces_a_registered_verb() -> None:
    weaker = VerbDefinition("kill", FileRef, registry().verbs["trash"].executor,
                            registry().verbs["trash"].checker)
    trial = Registry(dict(registry().intents), dict(registry().verbs), {})
    with pytest.raises(RegistryError, match="already registered"):
        trial.add_all((weaker,))
    assert trial.verbs["kill"] is registry().verbs["kill"]


def test_a_read_only_intent_never_runs_a_plan_even_under_python_O(sleepers: Sleepers) -> None:
    child = sleepers.spawn()
    code = f"""
import nlsh.pipeline as pipeline
from nlsh.actions.signals import plan_suspend
from nlsh.context import Context
from nlsh.stages import Parse
assert not __debug__  # -O: asserts are gone
pipeline.handler_for = lambda intent: plan_suspend
parse = Parse(text="memory", intent="memory.status", confidence=1.0,
              slots={{"pid": {child.pid}}})
response = pipeline.run("memory", Context.from_environment(), lambda _: parse,
                        pipeline.AcceptAll())
print(response.status.value, response.rule)
"""
    done = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True,
                          env=nlsh_env(), timeout=120)
    assert done.stdout.split() == ["refused", "read-only-intent"], done.stderr
    assert running(child.pid)


@pytest.mark.parametrize("reading", [False, True])
def test_the_journal_is_never_opened_through_a_link(sleepers: Sleepers, private_home: Path,
                                                    reading: bool) -> None:
    from tests.conftest import run_nlsh

    victim = private_home / "notes.txt"
    victim.write_text("mine\n")
    journal = private_home / ".local/state/nlsh/journal.jsonl"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.symlink_to(victim)
    child = sleepers.spawn()
    done = run_nlsh("history") if reading else run_nlsh("-y", f"pause pid {child.pid}")
    assert victim.read_text() == "mine\n"
    assert "Traceback" not in done.stderr
    if not reading:
        assert done.returncode == 1 and "journal cannot be written" in done.stderr
        assert running(child.pid)


def test_an_inverse_must_name_a_registered_verb() -> None:
    trash = registry().verbs["trash"]
    dangling = VerbDefinition("shred", FileRef, trash.executor, trash.checker,
                              inverse_when_unsure=Inverse("unshred", "bring it back"))
    trial = Registry(dict(registry().intents), dict(registry().verbs), {})
    with pytest.raises(RegistryError, match="unshred"):
        trial.add_all((dangling,))
    assert "shred" not in trial.verbs  # all or nothing
