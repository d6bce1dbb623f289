"""A conversation, in the real REPL in a pty, on real sandbox processes: references to what
was shown ("kill it", "the second one"), answers to nlsh's own questions, "and X too",
"make it even lower", "no, the other one", "why?"."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import psutil
import pytest

from nlsh.context import Context
from nlsh.dialogue import Referent, State
from nlsh.dialogue.references import resolve
from nlsh.dialogue.turn import take_turn
from nlsh.language import understander
from nlsh.pipeline import AcceptAll, DeclineAll
from nlsh.stages import Choice, Status
from tests.conftest import Sleepers, nlsh_env
from tests.support.processes import eventually

PROMPT = r"nlsh(?:\x1b\[[0-9;?]*[A-Za-z])*>"
ASK_AGAIN = "Type 'yes' to continue:"


@pytest.fixture
def repl() -> Iterator[pexpect.spawn]:
    env = nlsh_env({"TERM": "xterm-256color", "NO_COLOR": "1", "COLUMNS": "160",
                    "PROMPT_TOOLKIT_NO_CPR": "1"})
    child = pexpect.spawn(sys.executable, ["-m", "nlsh"], env=env, encoding="utf-8",
                          timeout=120, dimensions=(60, 160))
    child.delaybeforesend = 0.05
    child.expect(PROMPT)
    yield child
    child.close(force=True)


def _say(repl: pexpect.spawn, line: str) -> None:
    repl.sendline(line)


def _yes(repl: pexpect.spawn) -> None:
    """Yes to the plan, and once more when asked again (as root, the sleepers are
    root-owned). The terminal may echo a prompt twice: each is answered once."""
    repl.expect_exact("Go ahead? [y/N/?")
    repl.sendline("y")
    if repl.expect([ASK_AGAIN, r"Done: "]) == 0:
        repl.sendline("yes")
        repl.expect(r"Done: ")
    repl.expect(PROMPT)


def _no(repl: pexpect.spawn) -> None:
    repl.expect_exact("Go ahead? [y/N/?")
    repl.sendline("n")
    repl.expect("(?i)cancelled")
    repl.expect(PROMPT)


def _gone(pid: int) -> bool:
    def ended() -> bool:
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True
    return eventually(ended, seconds=10)


def _stopped(pid: int) -> bool:
    return eventually(lambda: psutil.Process(pid).status() == psutil.STATUS_STOPPED, 10)


def test_kill_it_after_a_find_names_what_it_stood_for(repl: pexpect.spawn,
                                                      sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqdit")
    _say(repl, "is zqdit running")
    repl.expect("Yes: 1 process named 'zqdit'")
    repl.expect(PROMPT)
    _say(repl, "kill it")
    repl.expect_exact(f"it = pid {child.pid} zqdit (from the previous answer)")
    _yes(repl)
    assert _gone(child.pid)


def test_ordinals_pick_rows_of_the_last_listing(repl: pexpect.spawn,
                                                sleepers: Sleepers) -> None:
    children = [sleepers.spawn("zqdord") for _ in range(3)]
    _say(repl, "is zqdord running")
    repl.expect("Yes: 3 processes named 'zqdord'")
    repl.expect(PROMPT)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", repl.before or "")
    shown = [int(pid) for pid in re.findall(r"^\s*(\d+)\W+zqdord", plain, re.MULTILINE)]
    assert sorted(shown) == sorted(c.pid for c in children)
    _say(repl, "kill it")  # three were shown: "it" is asked about, never guessed
    repl.expect("'it' could be any of the 3 processes")
    repl.expect(PROMPT)
    _say(repl, "kill the fifth one")
    repl.expect("Only 3 processes were shown")
    repl.expect(PROMPT)
    _say(repl, "pause the second one")
    repl.expect_exact(f"the second one = pid {shown[1]} zqdord")
    _yes(repl)
    assert _stopped(shown[1])
    assert all(psutil.Process(p).status() != psutil.STATUS_STOPPED
               for p in (shown[0], shown[2]))
    _say(repl, "resume it")  # "it" is now what was just acted on
    repl.expect_exact(f"it = pid {shown[1]} zqdord (from the last plan)")
    _yes(repl)
    assert eventually(lambda: psutil.Process(shown[1]).status() != psutil.STATUS_STOPPED)


def test_an_answer_to_which_process_completes_the_request(repl: pexpect.spawn,
                                                          sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqdwhich")
    _say(repl, "kill")
    repl.expect("Which process should be ended")
    repl.expect(PROMPT)
    _say(repl, "zqdwhich")
    repl.expect(f"{child.pid} zqdwhich")
    _no(repl)
    _say(repl, "kill")
    repl.expect("Which process")
    repl.expect(PROMPT)
    _say(repl, f"pid {child.pid}")
    repl.expect(f"Terminate 1 process with pid {child.pid}")
    _no(repl)
    assert psutil.Process(child.pid).is_running()


def test_yes_after_did_you_mean_and_the_same_for_another(repl: pexpect.spawn,
                                                         sleepers: Sleepers) -> None:
    first, second = sleepers.spawn("zqdmean-server"), sleepers.spawn("zqdsecond")
    _say(repl, "pause zqdmean")
    repl.expect_exact(f"did you mean zqdmean-server (pid {first.pid})?")
    repl.expect(PROMPT)
    _say(repl, "yes")
    _yes(repl)
    assert _stopped(first.pid)
    _say(repl, "and zqdsecond too")
    repl.expect_exact(f"the same request as 'pause pid {first.pid}', for zqdsecond")
    _yes(repl)
    assert _stopped(second.pid)
    _say(repl, "no")  # nothing pending: an ordinary sentence, never an action
    repl.expect(PROMPT)


def test_make_it_even_lower_then_why(repl: pexpect.spawn, sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqdnice")
    _say(repl, "renice zqdnice to 5")
    _yes(repl)
    assert eventually(lambda: psutil.Process(child.pid).nice() == 5)
    _say(repl, "make it even lower")
    repl.expect_exact(f"pid {child.pid} zqdnice (from the last plan)")
    _yes(repl)
    assert eventually(lambda: psutil.Process(child.pid).nice() == 10)
    _say(repl, "why?")
    repl.expect("understood as")
    repl.expect("process.renice")
    repl.expect_exact(f"renice -n 10 -p {child.pid}")  # the classic command, for learning
    repl.expect(PROMPT)


def test_no_the_other_one(repl: pexpect.spawn, sleepers: Sleepers) -> None:
    children = [sleepers.spawn("zqdother") for _ in range(2)]
    _say(repl, "is zqdother running")
    repl.expect(PROMPT)
    _say(repl, "pause the first one")
    repl.expect(r"the first one = pid (\d+)")
    first = int(repl.match.group(1))
    _no(repl)
    _say(repl, "no, the other one")
    other = next(c.pid for c in children if c.pid != first)
    repl.expect_exact(f"pid {other} zqdother")
    _yes(repl)
    assert _stopped(other)
    assert psutil.Process(first).status() != psutil.STATUS_STOPPED


def test_a_pid_reused_since_it_was_shown_is_never_acted_on(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqdreused")
    started = psutil.Process(child.pid).create_time()
    state = State(shown=(Referent(child.pid, started - 100, "zqdreused"),),
                  shown_by="the previous answer")
    ctx = Context.from_environment()
    said: list[str] = []
    response, _ = take_turn("kill it", "kill it", state, ctx, understander(), AcceptAll(),
                            said.append)
    assert response.status is Status.REFUSED and response.rule == "changed-since-shown"
    assert said == [f"→ it = pid {child.pid} zqdreused (from the previous answer)",
                    f"→ kill pid {child.pid}"]
    assert psutil.Process(child.pid).is_running()


# ── one-shots in one terminal ──

def _terminal(tmp_path: Any, extra: dict[str, str] | None = None) -> pexpect.spawn:
    """A bash in a pty of its own: one terminal session, as a user's would be."""
    env = nlsh_env({"TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "160", "PS1": "$ ",
                    **(extra or {})})
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    shell = pexpect.spawn("bash", ["--norc", "--noprofile"], env=env, encoding="utf-8",
                          timeout=120, dimensions=(60, 160), cwd=str(tmp_path))
    shell.expect_exact("$ ")
    return shell


def _nlsh(shell: pexpect.spawn, args: str) -> None:
    shell.sendline(f"{sys.executable} -m nlsh {args}")


def test_one_shots_in_one_terminal_share_a_short_context(tmp_path: Any,
                                                         sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqdoneshot")
    shell = _terminal(tmp_path)
    try:
        _nlsh(shell, "'is zqdoneshot running'")
        shell.expect("Yes: 1 process named 'zqdoneshot'")
        shell.expect_exact("$ ")
        _nlsh(shell, "--dry-run 'kill it'")
        shell.expect_exact(f"it = pid {child.pid} zqdoneshot (from the previous answer)")
        shell.expect(f"Terminate 1 process with pid {child.pid}")
        shell.expect_exact("$ ")
        _nlsh(shell, "--json --dry-run 'kill it'")
        shell.expect(r'"context": \["it = pid \d+ zqdoneshot \(from the last plan\)"\]')
        shell.expect_exact("$ ")
        other = _terminal(tmp_path)  # another terminal: nothing was shown there
        try:
            _nlsh(other, "--dry-run 'kill it'")
            other.expect("Which process should be ended")
            other.expect_exact("Your answer (Enter to leave it):")
            other.sendline("")
            other.expect_exact("$ ")
        finally:
            other.close(force=True)
        _nlsh(shell, "--new --dry-run 'kill it'")  # afresh: "it" is nothing now
        shell.expect("Which process should be ended")
        shell.expect_exact("Your answer (Enter to leave it):")
        shell.sendline("zqdoneshot")  # answered right there, in the same one-shot
        shell.expect("Terminate 1 process named 'zqdoneshot'")
        shell.expect_exact("$ ")
        shell.sendline(f"NLSH_CONTEXT=off {sys.executable} -m nlsh --dry-run 'kill it'")
        shell.expect("Which process should be ended")
        shell.expect_exact("Your answer (Enter to leave it):")
        shell.sendline("")
        shell.expect_exact("$ ")
    finally:
        shell.close(force=True)
    assert psutil.Process(child.pid).is_running()


def test_the_context_is_private_fresh_and_of_this_terminal_only(tmp_path: Any) -> None:
    from nlsh.dialogue import store

    directory = tmp_path / "runtime"
    directory.mkdir(mode=0o700)
    state = State(shown=(Referent(4312, 1.0, "python3"),), shown_by="the previous answer",
                  at=time.time())
    store.save(directory, "/dev/pts/7:100:0", state)
    (saved,) = directory.iterdir()
    assert saved.stat().st_mode & 0o777 == 0o600
    assert store.load(directory, "/dev/pts/7:100:0") == state
    assert store.load(directory, "/dev/pts/8:100:0") == State()  # another terminal
    assert store.load(directory, "/dev/pts/7:100:0", now=state.at + 601) == State()
    assert not list(directory.iterdir())  # an expired context is forgotten
    store.save(directory, "/dev/pts/7:100:0", state)
    (saved,) = directory.iterdir()
    saved.chmod(0o644)  # readable by others: never trusted
    assert store.load(directory, "/dev/pts/7:100:0") == State()
    saved.chmod(0o600)
    if os.geteuid() == 0:
        os.chown(saved, 65534, 65534)  # another user's file: never read
        assert store.load(directory, "/dev/pts/7:100:0") == State()


# ── what a hostile review found: each must never plan what was not said ──

def _turns(lines: list[str], sleepers_ctx: Context) -> list[Any]:
    understand = understander()
    state = State()
    responses = []
    for line in lines:
        response, state = take_turn(line, line, state, sleepers_ctx, understand,
                                    DeclineAll(), lambda _note: None)
        responses.append(response)
    return responses


def _plans_on(response: Any, pid: int) -> bool:
    parts = response.parts or (response,)
    return any(p.plan is not None and any(getattr(s.target, "pid", None) == pid
                                          for s in p.plan.steps) for p in parts)


def test_and_x_too_never_repeats_past_a_negation_or_a_question(sleepers: Sleepers) -> None:
    a, b = sleepers.spawn("zqhosta"), sleepers.spawn("zqhostb")
    ctx = Context.from_environment(dry_run=True)
    said = _turns(["kill zqhosta", "leave zqhostb alone", "and zqhostb too"], ctx)
    assert _plans_on(said[0], a.pid) and not _plans_on(said[2], b.pid), said[2].message
    asked = _turns(["should I pause zqhosta?", "and zqhostb too?"], ctx)
    assert not _plans_on(asked[1], b.pid), asked[1].message
    assert not _plans_on(_turns(["kill zqhosta", "what about zqhostb?"], ctx)[1], b.pid)


def test_a_question_without_a_target_is_never_completed_into_an_order(
        sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqhostq")
    said = _turns(["should I kill?", "zqhostq"], Context.from_environment(dry_run=True))
    assert not _plans_on(said[1], child.pid), said[1].message


def test_a_program_named_like_an_ordinal_is_a_name(sleepers: Sleepers) -> None:
    shown = sleepers.spawn("zqhostshown")
    said = _turns(["is zqhostshown running", "kill top"], Context.from_environment(dry_run=True))
    assert not _plans_on(said[1], shown.pid)
    assert not said[1].context


def test_pager_words_and_refusals_after_which_process(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqhostl")
    ctx = Context.from_environment(dry_run=True)
    for word in ("less", "more"):
        said = _turns(["lower the priority of zqhostl", word], ctx)
        assert not _plans_on(said[1], child.pid), (word, said[1].message)
    for answer, says in (("no", "OK: nothing was done"), ("cancel", "OK: nothing was done"),
                         ("everything", "nlsh does not act on everything at once")):
        said = _turns(["kill", answer], ctx)
        assert said[1].status is Status.NOTHING_TO_DO and says in said[1].message


def test_odd_digits_are_not_numbers(sleepers: Sleepers) -> None:
    from nlsh.confirm import Verdict, read_answer

    assert read_answer("1,²", 3).verdict is Verdict.UNCLEAR
    state = State(choices=(Choice(label="x", sentence="kill pid 1"),), at=time.time())
    assert resolve("²", state, understander()) is None


def test_a_did_you_mean_offers_exactly_the_processes_it_names(sleepers: Sleepers) -> None:
    first, second = sleepers.spawn("zqhostsrv-server"), sleepers.spawn("zqhostsrv-server")
    (said,) = _turns(["pause zqhostsrv"], Context.from_environment(dry_run=True))
    assert said.status is Status.CLARIFY
    assert [c.sentence for c in said.choices] == [
        f"pause pid {min(first.pid, second.pid)} and pid {max(first.pid, second.pid)}"]
