"""nlsh in a real pseudo-terminal: the REPL, and confirmations in the one-shot and the REPL."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from shlex import quote as shlex_quote

import pexpect
import psutil
import pytest

from tests.conftest import Sleepers, nlsh_env
from tests.support.processes import burning, eventually

# The prompt is styled: escape sequences sit between "nlsh" and ">".
PROMPT = r"nlsh(?:\x1b\[[0-9;?]*[A-Za-z])*>"


def _spawn(*args: str, dimensions: tuple[int, int] = (40, 160)) -> pexpect.spawn:
    env = nlsh_env({"TERM": "xterm-256color", "NO_COLOR": "1", "COLUMNS": "160",
                    # pexpect does not answer cursor-position requests; real terminals do
                    "PROMPT_TOOLKIT_NO_CPR": "1"})
    child = pexpect.spawn(sys.executable, ["-m", "nlsh", *args], env=env, encoding="utf-8",
                          timeout=120, dimensions=dimensions)
    child.delaybeforesend = 0.05
    return child


@pytest.fixture
def repl() -> Iterator[pexpect.spawn]:
    child = _spawn()
    child.expect(PROMPT)
    yield child
    child.close(force=True)


ASK_AGAIN = r"Type 'yes' to continue:"


def _confirm_everything(child: pexpect.spawn, end: str | type[pexpect.EOF]) -> None:
    """Say yes to the plan and to every extra confirmation (as root, the sleepers are
    root-owned, which always asks again)."""
    child.expect_exact("Go ahead? [y/N/?")
    child.sendline("y")
    while child.expect([ASK_AGAIN, end]) == 0:
        child.sendline("yes")


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_repl_answers_keeps_history_and_exits_on_ctrl_d(repl: pexpect.spawn,
                                                       private_home: Path) -> None:
    repl.sendline("help")
    repl.expect("process")  # the generated help lists the process intents
    repl.expect(PROMPT)
    repl.sendline("free -m")
    repl.expect("(?i)swap")
    repl.expect(PROMPT)
    repl.sendcontrol("d")
    repl.expect(pexpect.EOF)
    repl.close()
    assert repl.exitstatus == 0
    history = (private_home / ".local/state/nlsh/repl_history").read_text()
    assert "help" in history and "free -m" in history


def test_ctrl_c_cancels_the_line_not_the_shell(repl: pexpect.spawn) -> None:
    repl.send("kill everything im typing")
    repl.sendcontrol("c")
    repl.expect(PROMPT)
    repl.sendline("undo")
    repl.expect("(?i)nothing")  # still alive and answering: nothing to undo yet
    repl.expect(PROMPT)


def test_completion_offers_running_process_names(repl: pexpect.spawn,
                                                 sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxcompl7")
    repl.send("kill zqxco")
    repl.send("\t")
    repl.expect("mpl7")  # the terminal is sent only what completion added
    repl.sendcontrol("c")
    repl.expect(PROMPT)
    assert _alive(child.pid)


def test_repl_confirmation_yes_kills_no_keeps(repl: pexpect.spawn, sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxkeep1")
    repl.sendline("kill zqxkeep1")
    repl.expect_exact("Go ahead? [y/N/?")
    repl.sendline("n")
    repl.expect("(?i)cancelled")
    repl.expect(PROMPT)
    assert _alive(child.pid)
    repl.sendline("kill zqxkeep1")
    _confirm_everything(repl, "(?i)done")
    repl.expect(PROMPT)
    assert _wait_gone(child.pid)


def test_ctrl_c_at_a_confirmation_cancels_it(repl: pexpect.spawn, sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxctrlc")
    repl.sendline("kill zqxctrlc")
    repl.expect_exact("Go ahead? [y/N/?")
    repl.sendcontrol("c")
    repl.expect("(?i)cancelled")
    repl.expect(PROMPT)
    assert _alive(child.pid)


def test_one_shot_asks_in_a_terminal(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxoneshot")
    shell = _spawn("kill zqxoneshot")
    shell.expect_exact("Go ahead? [y/N/?")
    shell.sendline("no")
    shell.expect(pexpect.EOF)
    shell.close()
    assert shell.exitstatus == 1
    assert _alive(child.pid)
    shell = _spawn("kill zqxoneshot")
    _confirm_everything(shell, pexpect.EOF)
    shell.close()
    assert shell.exitstatus == 0
    assert _wait_gone(child.pid)


def test_many_processes_are_listed_and_confirmed_twice(sleepers: Sleepers) -> None:
    children = [sleepers.spawn("zqxmany") for _ in range(6)]
    shell = _spawn("kill zqxmany")
    for child in children:
        shell.expect(str(child.pid))
    shell.expect_exact("Go ahead? [y/N/?, or pick from 1-6]")
    shell.sendline("y")
    shell.expect(r"acts on 6 processes \(all listed above\)")
    shell.expect_exact(ASK_AGAIN)  # every reason at once, asked once
    shell.sendline("y")  # only the word yes counts when asked again
    shell.expect(pexpect.EOF)
    shell.close()
    assert ASK_AGAIN not in (shell.before or "")
    assert shell.exitstatus == 1
    assert all(_alive(c.pid) for c in children)
    shell = _spawn("kill zqxmany")
    _confirm_everything(shell, pexpect.EOF)
    shell.close()
    assert shell.exitstatus == 0
    assert all(_wait_gone(c.pid) for c in children)


def _numbers_shown(output: str, name: str) -> dict[int, int]:
    """The # column of a numbered plan: number → pid."""
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output)
    rows = re.findall(rf"^\s*(\d+)\W+terminate\W+(\d+) {name}", plain, re.MULTILINE)
    return {int(number): int(pid) for number, pid in rows}


def test_numbers_at_the_confirmation_pick_some_targets(sleepers: Sleepers) -> None:
    children = [sleepers.spawn("zqxpick") for _ in range(4)]
    shell = _spawn("kill zqxpick")
    shell.expect_exact("Go ahead? [y/N/?, or pick from 1-4]")
    numbers = _numbers_shown(shell.before or "", "zqxpick")
    assert sorted(numbers.values()) == sorted(c.pid for c in children)
    shell.sendline("?")
    shell.expect_exact("all but 2")
    shell.expect_exact("Go ahead? [y/N/?, or pick from 1-4]")
    shell.sendline("7")  # not on the list: asked again, once
    shell.expect("Not understood: there is no 7")
    shell.expect_exact("Go ahead? [y/N/?, or pick from 1-4]")
    shell.sendline("all but 2,3")
    shell.expect(r"only #1, #4 of the 4 listed")
    while shell.expect([ASK_AGAIN, pexpect.EOF]) == 0:
        shell.sendline("yes")
    shell.close()
    assert shell.exitstatus == 0
    assert _wait_gone(numbers[1]) and _wait_gone(numbers[4])
    assert _alive(numbers[2]) and _alive(numbers[3])


def test_an_answer_not_understood_twice_changes_nothing(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxunclear")
    shell = _spawn("kill zqxunclear")
    shell.expect_exact("Go ahead? [y/N/?]")
    shell.sendline("maybe")
    shell.expect("Not understood")
    shell.expect_exact("Go ahead? [y/N/?]")
    shell.sendline("perhaps")
    shell.expect(pexpect.EOF)
    shell.close()
    assert shell.exitstatus == 1
    assert _alive(child.pid)


def test_the_plan_is_printed_once(sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqxonce")
    shell = _spawn("pause zqxonce")
    _confirm_everything(shell, pexpect.EOF)
    output = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shell.before or "")
    shell.close()
    assert shell.exitstatus == 0
    assert eventually(lambda: psutil.Process(child.pid).status() == psutil.STATUS_STOPPED)
    assert output.count("risk: ") == 0  # after the answer, only the outcome
    assert re.search(r"done\W+suspend\W+\d+ zqxonce", output)


def test_piped_output_still_asks_at_the_terminal(sleepers: Sleepers, tmp_path: Path) -> None:
    child = sleepers.spawn("zqxpiped")
    log = tmp_path / "log"
    env = nlsh_env({"TERM": "xterm-256color", "NO_COLOR": "1", "COLUMNS": "160"})
    shell = pexpect.spawn("bash", ["-c", f"{sys.executable} -m nlsh 'kill zqxpiped' > {log}"],
                          env=env, encoding="utf-8", timeout=120, dimensions=(40, 160))
    shell.expect(str(child.pid))  # the plan is shown on the terminal, not in the pipe
    _confirm_everything(shell, pexpect.EOF)
    shell.close()
    assert shell.exitstatus == 0
    assert _wait_gone(child.pid)
    written = log.read_text()
    assert "Done: Terminate 1 process" in written and "Go ahead" not in written


def test_survivors_of_sigterm_are_offered_sigkill(tmp_path: Path) -> None:
    stubborn_dir = tmp_path / "stubborn"
    stubborn_dir.mkdir()
    script = stubborn_dir / "zqxstubborn.py"
    script.write_text("import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                      "print('ready', flush=True)\ntime.sleep(300)\n")
    import subprocess

    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    try:
        shell = _spawn("kill zqxstubborn.py")
        _confirm_everything(shell, "(?i)sigkill")
        shell.expect(r"\[y/N\]")
        shell.sendline("y")
        shell.expect(pexpect.EOF)
        shell.close()
        assert shell.exitstatus == 0
        assert child.wait(timeout=10) == -9
    finally:
        if child.poll() is None:
            child.kill()


def test_no_terminal_and_no_yes_changes_nothing(sleepers: Sleepers) -> None:
    from tests.conftest import run_nlsh

    child = sleepers.spawn("zqxnotty")
    run = run_nlsh("kill zqxnotty")
    assert run.returncode == 1
    assert "needs confirmation" in run.stdout + run.stderr
    assert _alive(child.pid)
    assert os.environ.get("NLSH_NETGUARD_LOG")  # the guard is on for these subprocesses


def test_do_1_acts_on_the_first_finding_of_a_diagnosis(repl: pexpect.spawn,
                                                       tmp_path: Path) -> None:
    import shutil
    import subprocess

    burner = tmp_path / "zqxburn"
    shutil.copy2(os.path.realpath(sys.executable), burner)
    burners = [subprocess.Popen([str(burner), "-c", "while True: pass"])
               for _ in range(os.cpu_count() or 2)]
    try:
        assert eventually(lambda: burning(burners), seconds=60), "the burners never got going"
        repl.sendline("why is my computer so slow")
        # The first finding is whatever is busiest (the burners, or anything else the
        # machine runs): "do 1" must run exactly its suggestion.
        repl.expect(r"Sampled for [\d.]+ s")
        shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", repl.before)
        suggestion = re.search(r'1\..*?try: "([^"]+)"', shown, re.S).group(1)  # type: ignore[union-attr]
        assert suggestion.startswith("lower the priority of")
        repl.expect(PROMPT)
        repl.sendline("do 1")
        repl.expect_exact(f"→ {suggestion}")
        repl.expect("renice")
        repl.expect_exact("Go ahead? [y/N/?")
        repl.sendline("n")
        repl.expect("(?i)cancelled")
        repl.expect(PROMPT)
        assert all(psutil.Process(c.pid).nice() == os.nice(0) for c in burners)
    finally:
        for child in burners:
            child.kill()
            child.wait()


def test_two_requests_in_one_sentence_each_ask_for_their_own_confirmation(
        sleepers: Sleepers) -> None:
    first, second = sleepers.spawn("zqpausable"), sleepers.spawn("zqnicable")
    child = _spawn("pause zqpausable, then lower the priority of zqnicable")
    child.expect("Pause 1 process named 'zqpausable'")
    _confirm_everything(child, "Lower the CPU priority of 1 process named 'zqnicable'")
    child.expect_exact("Go ahead? [y/N/?")
    child.sendline("n")  # the second request alone is declined
    child.expect(pexpect.EOF)
    child.close()
    assert eventually(lambda: psutil.Process(first.pid).status() == psutil.STATUS_STOPPED)
    assert psutil.Process(second.pid).nice() == os.nice(0)


def test_a_negated_or_questioned_order_never_asks_and_changes_nothing(
        sleepers: Sleepers) -> None:
    target = sleepers.spawn("zqleavealone")
    for sentence in ("don't kill zqleavealone", "should I kill zqleavealone?"):
        child = _spawn(sentence)
        index = child.expect([r"Go ahead\?", pexpect.EOF])
        child.close(force=True)
        assert index == 1, f"{sentence!r} asked for confirmation"
    assert _alive(target.pid)


def test_clear_and_ctrl_l_clear_the_screen_and_plan_nothing(repl: pexpect.spawn) -> None:
    repl.sendline("clear")
    repl.expect_exact("\x1b[2J")
    repl.expect(PROMPT)
    assert "Clean up" not in (repl.before or "")
    repl.sendcontrol("l")
    repl.expect_exact("\x1b[2J")
    repl.sendline("exit")
    repl.expect(pexpect.EOF)


def test_help_on_a_topic_and_the_shell_suggests_from_history(repl: pexpect.spawn) -> None:
    repl.sendline("help kill")
    repl.expect_exact("Help on 'kill' (End processes)")
    repl.expect("SIGKILL for survivors")
    repl.expect(PROMPT)
    assert "Show RAM" not in (repl.before or "")
    repl.send("help k")
    repl.expect_exact("ill")  # the rest of "help kill", suggested in grey from history
    repl.sendcontrol("c")
    repl.expect(PROMPT)


def test_a_long_answer_goes_through_the_pager(sleepers: Sleepers) -> None:
    pager = f"{sys.executable} -c " + shlex_quote(
        "import sys; sys.stdout.write('PAGED>' + sys.stdin.read().replace('\\n', '\\nPAGED>'))")
    env = nlsh_env({"TERM": "xterm-256color", "NO_COLOR": "1", "COLUMNS": "100",
                    "PROMPT_TOOLKIT_NO_CPR": "1", "PAGER": pager})
    child = pexpect.spawn(sys.executable, ["-m", "nlsh"], env=env, encoding="utf-8",
                          timeout=120, dimensions=(12, 100))
    try:
        child.expect(PROMPT)
        child.sendline("help")  # over 12 lines: paged
        child.expect("PAGED>.*Processes")
        child.expect(PROMPT)
        child.sendline("uptime")  # a line or two: printed as is
        child.expect("(?i)up")
        child.expect(PROMPT)
        assert "PAGED>" not in (child.before or "")
    finally:
        child.close(force=True)


def test_a_near_name_is_offered_and_picked_by_number(repl: pexpect.spawn,
                                                    sleepers: Sleepers) -> None:
    child = sleepers.spawn("zqnear-server")
    repl.sendline("kill zqnear")
    repl.expect_exact(f"did you mean zqnear-server (pid {child.pid})?")
    repl.expect(PROMPT)
    repl.sendline("1")
    repl.expect_exact("Go ahead? [y/N/?]")
    repl.sendline("n")
    repl.expect("(?i)cancelled")
    repl.expect(PROMPT)
    assert _alive(child.pid)


def test_the_configured_pager_wins_and_off_never_pages(private_home: Path) -> None:
    config = private_home / ".config/nlsh/config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    marker = f"{sys.executable} -c " + shlex_quote(
        "import sys; sys.stdout.write('CONFIGURED>' + sys.stdin.read())")
    for setting, expected in ((marker, "CONFIGURED>"), ("off", "Say what you want")):
        config.write_text(f"[pager]\ncommand = {json.dumps(setting)}\n")
        env = nlsh_env({"TERM": "xterm-256color", "NO_COLOR": "1", "COLUMNS": "100",
                        "PAGER": "false", "HOME": str(private_home)})
        child = pexpect.spawn(sys.executable, ["-m", "nlsh", "help"], env=env,
                              encoding="utf-8", timeout=120, dimensions=(12, 100))
        child.expect(expected)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0


def test_repl_find_then_trash_them_then_undo(repl: pexpect.spawn, private_home: Path) -> None:
    """A real dialogue: a search, "move them to the trash" on exactly what it found, undo."""
    folder = private_home / "papers"
    (folder / "deep").mkdir(parents=True)
    wanted = [folder / "alpha.pdf", folder / "deep" / "beta.pdf"]
    for path in wanted:
        path.write_bytes(b"%PDF-1.4 " + path.name.encode())
    kept = folder / "gamma.txt"
    kept.write_text("not a pdf")
    repl.sendline("find pdfs in ~/papers")
    repl.expect(r"2 pdfs found in ~/papers")
    repl.expect(PROMPT)
    repl.sendline("move them to the trash")
    repl.expect(r"them = the 2 files found by the last search")
    _confirm_everything(repl, PROMPT)
    assert not any(path.exists() for path in wanted)
    assert kept.exists()
    trashed = sorted(p.name for p in (private_home / ".local/share/Trash/files").iterdir())
    assert trashed == ["alpha.pdf", "beta.pdf"]
    repl.sendline("undo")
    _confirm_everything(repl, PROMPT)
    assert all(path.read_bytes().startswith(b"%PDF-1.4") for path in wanted)
    repl.sendcontrol("d")
    repl.expect(pexpect.EOF)
