"""Terminal injection: a real process whose name holds an OSC title escape, a bell, rich
markup and a right-to-left override is shown escaped in every view (listing, plan,
confirmation, messages, the terminal of a real one-shot), and JSON stays valid.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pexpect
import pytest
from rich.console import Console

from nlsh.confirm import TerminalConfirmer
from nlsh.render.response import response_view
from nlsh.stages import Plan, Status
from tests.conftest import Sleepers, nlsh_env, run_nlsh
from tests.support.processes import request
from tests.support.render import render_text

pytestmark = pytest.mark.usefixtures("pipeline_rules")

# An OSC "set window title", a bell, rich markup, a bidi override, then a unique tail.
HOSTILE = "\x1b]0;pwned\x07[bold]x\u202e"
RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def _hostile_sleeper(sleepers: Sleepers, tmp_path: Path) -> tuple[int, str]:
    name = HOSTILE + tmp_path.name[-6:].replace("/", "_")
    child = sleepers.spawn(name)
    return child.pid, name


def _assert_escaped(output: str) -> None:
    for char in RAW:
        assert char not in output, repr(output)
    assert "\\e]0;pwned" in output, output


def test_a_hostile_process_name_is_escaped_in_the_listing(sleepers: Sleepers,
                                                          tmp_path: Path) -> None:
    pid, name = _hostile_sleeper(sleepers, tmp_path)
    response = request("process.find", process=name)
    assert response.status is Status.DONE, response.message
    assert pid in {row["pid"] for row in response.answer.result["processes"]}
    _assert_escaped(render_text(response_view(response, explain=True)))
    json.loads(json.dumps(response.to_json(explain=True)))


def test_a_hostile_process_name_is_escaped_in_the_plan_and_the_confirmation(
        sleepers: Sleepers, tmp_path: Path) -> None:
    pid, _ = _hostile_sleeper(sleepers, tmp_path)
    response = request("process.kill", dry_run=True, pid=pid)
    assert response.status is Status.PLANNED and isinstance(response.plan, Plan)
    _assert_escaped(render_text(response_view(response, explain=True)))

    buffer = io.StringIO()
    console = Console(file=buffer, width=120, color_system=None, highlight=False)
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return "y" if len(prompts) == 1 else "no"

    confirmer = TerminalConfirmer(console, ask)
    assert confirmer.confirm(response.plan) is response.plan
    # as root the sleeper is root-owned, which asks again: the answer "no" stops it there
    assert confirmer.reconfirm(response.plan) is not bool(response.plan.confirmations)
    _assert_escaped(buffer.getvalue())
    for prompt in prompts:
        assert not any(char in prompt for char in RAW)


def test_a_hostile_name_in_a_message_is_escaped(tmp_path: Path) -> None:
    response = request("process.kill", process="ghost" + HOSTILE)
    assert response.status in (Status.NOTHING_TO_DO, Status.CLARIFY, Status.REFUSED)
    shown = render_text(response_view(response))
    _assert_escaped(shown)


def test_json_of_a_hostile_process_stays_valid_and_exact(sleepers: Sleepers,
                                                         tmp_path: Path) -> None:
    pid, _ = _hostile_sleeper(sleepers, tmp_path)
    done = run_nlsh("--json", "--dry-run", f"kill {pid}")
    assert done.returncode == 0, done
    reply = json.loads(done.stdout)
    step = reply["plan"]["steps"][0]
    assert step["pid"] == pid and step["name"].startswith("\x1b]0;pwned")  # data, exact
    assert "\x1b" not in done.stdout.replace("\\u001b", "")  # escaped inside the JSON text


def test_a_real_terminal_never_receives_the_escape(sleepers: Sleepers, tmp_path: Path) -> None:
    pid, _ = _hostile_sleeper(sleepers, tmp_path)
    env = nlsh_env({"TERM": "xterm-256color", "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1"})
    nlsh = pexpect.spawn(sys.executable, ["-m", "nlsh", f"kill {pid}"], env=env,
                         encoding="utf-8", timeout=120, dimensions=(40, 200))
    nlsh.expect_exact("Go ahead? [y/N/?")
    shown = nlsh.before or ""
    nlsh.sendline("n")
    nlsh.expect(pexpect.EOF)
    nlsh.close()
    assert nlsh.exitstatus == 1
    assert "\x1b]" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "\\e]0;pwned\\a" in shown


def test_a_hostile_file_name_is_escaped_in_a_cleanup_plan(
        private_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from nlsh.actions import cleaners
    from nlsh.context import Context
    from tests.support.files import age, carry_out, parse, use_present_policy_rules, write

    use_present_policy_rules(monkeypatch)
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", ())
    temp = Path(os.environ["NLSH_TEMP_DIRS"])
    hostile = write(temp / ("report" + HOSTILE + "\nrm -rf ~.txt"), 5_000)
    age(hostile, 30)
    ctx = Context(paths=Context.from_environment().paths,
                  journal=Context.from_environment().journal, dry_run=True)
    response = carry_out(ctx, parse(target="temp"))
    assert response.status is Status.PLANNED, response.message
    shown = render_text(response_view(response, explain=True), width=400)
    _assert_escaped(shown)
    assert "\\n" in shown and "rm -rf" in shown  # the newline is shown, not obeyed
    steps = json.loads(json.dumps(response.to_json()))["plan"]["steps"]
    assert str(hostile) in [step.get("path") for step in steps]  # JSON carries it exactly
    assert hostile.exists()


def test_a_long_path_in_a_plan_is_shown_whole_not_cut(private_home: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from nlsh.actions import cleaners
    from nlsh.context import Context
    from tests.support.files import age, carry_out, parse, use_present_policy_rules, write

    use_present_policy_rules(monkeypatch)
    monkeypatch.setattr(cleaners, "ROOT_CLEANERS", ())
    temp = Path(os.environ["NLSH_TEMP_DIRS"])
    deep = write(temp / ("d" * 60) / ("e" * 60) / ("report" + HOSTILE + "-end.txt"), 5_000)
    age(deep.parent.parent, 30)
    ctx = Context(paths=Context.from_environment().paths,
                  journal=Context.from_environment().journal, dry_run=True)
    response = carry_out(ctx, parse(target="temp"))
    assert response.status is Status.PLANNED, response.message
    shown = render_text(response_view(response), width=120)
    cells = "".join(line.split("│")[1].strip() for line in shown.splitlines()
                    if line.count("│") >= 3)  # the details column may give way to the path
    assert str(deep.parent.parent) in cells, shown  # every character, folded, none cut
    assert "…" not in cells
