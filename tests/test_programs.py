"""nlsh's map of programs (nlsh/knowledge/programs.yaml): kinds of programs ("the browser"),
what programs are called ("vscode" runs as ``code``), and the user's own additions.

Real processes: copies of ``sleep`` under the names a map gives. A kind the tests define in
the user's programs.yaml keeps the tests apart from whatever browsers a machine runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from nlsh.knowledge import programs
from nlsh.system import names
from tests.conftest import Sleepers, run_nlsh

# A kind of program of the tests' own, with two programs (unique process names).
USER_MAP = """
categories:
  zqplayer: [zqplayer, zqplayers, zq player, zq players]
programs:
  zqalpha:
    names: [zqalpha, zqalf]
    category: zqplayer
    processes: [zqalpha-bin]
    ports: [5999]
  zqbeta:
    names: [zqbeta]
    category: zqplayer
    processes: [zqbeta-bin]
  zqgamma:
    names: [zqgamma]
    category: zqplayer
    processes: [zqgamma-bin]
"""


@pytest.fixture(autouse=True)
def fresh_map() -> Iterator[None]:
    """The map is read once per run; each test reads it again, under its own HOME."""
    programs.program_map.cache_clear()
    names.wanted_names.cache_clear()
    yield
    programs.program_map.cache_clear()
    names.wanted_names.cache_clear()


@pytest.fixture
def user_map(private_home: Path) -> Path:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "nlsh" / "programs.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(USER_MAP)
    return path


def _json(*args: str) -> dict[str, object]:
    run = run_nlsh("--dry-run", "--json", *args)
    assert run.stdout, run.stderr
    result: dict[str, object] = json.loads(run.stdout)
    return result


def _pids(result: dict[str, object]) -> set[int]:
    plan = result.get("plan")
    assert isinstance(plan, dict), result
    return {int(step["pid"]) for step in plan["steps"]}


def test_the_shipped_map_knows_kinds_and_what_programs_run_as() -> None:
    known = programs.program_map()
    assert {"code", "codium"} <= known.names_for("visual studio code")
    assert {"firefox", "chromium"} <= known.names_for("the browser")
    browser = known.category("browsers")
    assert browser is not None and browser.plural
    single = known.category("the web server")
    assert single is not None and not single.plural
    assert {p.key for p in single.programs} >= {"nginx", "apache"}
    assert known.program("postgresql") is not None
    assert known.program("postgresql").ports == (5432,)  # type: ignore[union-attr]
    assert known.category("firefox") is None  # a program is not a kind


def test_a_kind_with_several_programs_running_is_a_question_naming_each(
        user_map: Path, sleepers: Sleepers) -> None:
    alpha, beta = sleepers.spawn("zqalpha-bin"), sleepers.spawn("zqbeta-bin")
    result = _json("kill the zqplayer")
    assert result["status"] == "clarify", result
    message = str(result["message"])
    assert f"zqalpha (pid {alpha.pid})" in message and f"zqbeta (pid {beta.pid})" in message
    choices = result["choices"]
    assert isinstance(choices, list)
    sentences = [c["sentence"] for c in choices]
    assert sentences == [f"kill pid {alpha.pid}", f"kill pid {beta.pid}"]
    # the chosen sentence plans exactly the process it offered
    assert _pids(_json(sentences[1])) == {beta.pid}
    assert alpha.poll() is None and beta.poll() is None  # dry runs touched nothing


def test_a_kind_said_in_the_plural_plans_every_program_of_it(
        user_map: Path, sleepers: Sleepers) -> None:
    alpha, beta = sleepers.spawn("zqalpha-bin"), sleepers.spawn("zqbeta-bin")
    result = _json("pause all the zqplayers")
    assert result["status"] == "planned", result
    assert _pids(result) == {alpha.pid, beta.pid}


def test_one_program_of_the_kind_running_is_planned_and_the_reading_is_shown(
        user_map: Path, sleepers: Sleepers) -> None:
    beta = sleepers.spawn("zqbeta-bin")
    result = _json("kill the zqplayer")
    assert result["status"] == "planned", result
    assert _pids(result) == {beta.pid}
    assert "zqbeta, the zqplayer running" in json.dumps(result)


def test_no_program_of_the_kind_running_is_said_never_guessed(
        user_map: Path, sleepers: Sleepers) -> None:
    sleepers.spawn("zqalphaish")  # a near name is not a member of the kind
    result = _json("kill the zqplayer")
    assert result["status"] == "nothing_to_do", result
    assert "No zqplayer is running" in str(result["message"])


def test_a_program_is_found_by_what_the_map_calls_it(user_map: Path,
                                                     sleepers: Sleepers) -> None:
    alpha = sleepers.spawn("zqalpha-bin")
    result = _json("terminate zqalf")
    assert result["status"] == "planned", result
    assert _pids(result) == {alpha.pid}
    assert "'zqalf' runs as zqalpha-bin" in json.dumps(result)


def test_looking_for_a_kind_lists_every_program_of_it_without_asking(
        user_map: Path, sleepers: Sleepers) -> None:
    alpha, beta = sleepers.spawn("zqalpha-bin"), sleepers.spawn("zqbeta-bin")
    result = _json("is the zqplayer running?")
    assert result["status"] == "done", result
    text = json.dumps(result)
    assert str(alpha.pid) in text and str(beta.pid) in text


def test_an_excluded_program_of_a_kind_is_left_out(user_map: Path,
                                                   sleepers: Sleepers) -> None:
    alpha, beta = sleepers.spawn("zqalpha-bin"), sleepers.spawn("zqbeta-bin")
    result = _json("kill all zqplayers except zqalpha")
    assert result["status"] == "planned", result
    assert _pids(result) == {beta.pid}
    assert alpha.poll() is None


def test_a_broken_user_map_is_one_warning_and_the_shipped_map_still_works(
        user_map: Path, sleepers: Sleepers) -> None:
    user_map.write_text("programs:\n  broken: [not, a, mapping\n")
    code = sleepers.spawn("zqcode-nlsh")
    run = run_nlsh("--dry-run", "--json", "kill zqcode-nlsh")
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if "programs.yaml" in line]
    assert len(warnings) == 1 and "Traceback" not in run.stderr
    assert _pids(json.loads(run.stdout)) == {code.pid}
    assert {"code"} <= programs.program_map().names_for("vscode")


def test_a_user_program_may_not_name_an_unknown_kind(user_map: Path) -> None:
    user_map.write_text("programs:\n  zqx:\n    category: spaceship\n    processes: [zqx]\n")
    known = programs.program_map()
    assert known.program("zqx") is None  # the file is skipped whole, with its warning
    assert known.program("firefox") is not None


def test_a_server_found_by_its_kind_shows_the_ports_it_listens_on(user_map: Path) -> None:
    import subprocess
    import sys

    # A real server on loopback, whose command line calls it zqalpha-bin (as exec -a does).
    script = ("import socket,sys,time\n"
              "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen()\n"
              "print(s.getsockname()[1], flush=True); time.sleep(300)\n")
    server = subprocess.Popen(["bash", "-c", 'exec -a zqalpha-bin "$0" -c "$1"',
                               sys.executable, script], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        result = _json("is the zqplayer up?")
        assert result["status"] == "done", result
        assert f"zqalpha (pid {server.pid}) listens on port {port}" in json.dumps(result)
    finally:
        server.kill()
        server.wait(timeout=10)


def test_the_kind_said_once_with_one_program_excluded_plans_the_other(
        user_map: Path, sleepers: Sleepers) -> None:
    alpha, beta = sleepers.spawn("zqalpha-bin"), sleepers.spawn("zqbeta-bin")
    result = _json("kill the zqplayer except zqbeta")
    assert result["status"] == "planned", result
    assert _pids(result) == {alpha.pid}
    result = _json("kill the zqplayer but not zqalpha or zqbeta")
    assert result["status"] == "nothing_to_do", result
    assert beta.poll() is None


def test_asking_about_a_kind_answers_and_never_plans(user_map: Path,
                                                    sleepers: Sleepers) -> None:
    alpha, beta = sleepers.spawn("zqalpha-bin"), sleepers.spawn("zqbeta-bin")
    for sentence in ("should I kill the zqplayer?", "don't kill the zqplayer"):
        result = _json(sentence)
        assert result["status"] in ("answered", "refused", "nothing_to_do"), result
        assert "plan" not in result or not result.get("plan"), result
    assert alpha.poll() is None and beta.poll() is None


def test_a_kind_the_tagger_does_not_know_as_a_program_is_still_read(
        user_map: Path, sleepers: Sleepers) -> None:
    """"close my zq player": two words no training sentence has; the map names them."""
    beta = sleepers.spawn("zqbeta-bin")
    result = _json("close my zq player")
    assert result["status"] == "planned", result
    assert _pids(result) == {beta.pid}


def test_both_of_a_kind_with_three_running_is_a_question(user_map: Path,
                                                          sleepers: Sleepers) -> None:
    for name in ("zqalpha-bin", "zqbeta-bin", "zqgamma-bin"):
        sleepers.spawn(name)
    result = _json("kill both zqplayers")
    assert result["status"] == "clarify", result


def test_a_program_named_in_passing_is_never_the_target(sleepers: Sleepers) -> None:
    database = sleepers.spawn("postgres")
    for sentence in ("kill whatever is slowing down the database",
                     "kill processes using more than 1 MB so my database can finish"):
        result = _json(sentence)
        plan = result.get("plan")
        planned = {int(step["pid"]) for step in plan["steps"]} if isinstance(plan, dict) else set()
        assert database.pid not in planned, (sentence, result)


@pytest.mark.parametrize("name", ["kill", "everything", "it", "all", "processes", ""])
def test_a_map_may_not_call_a_program_by_a_word_of_requests(
        name: str, user_map: Path, sleepers: Sleepers) -> None:
    user_map.write_text(f"programs:\n  zqevil:\n    names: ['{name}']\n"
                        f"    processes: [zqevil-bin]\n")
    evil = sleepers.spawn("zqevil-bin")
    run = run_nlsh("--dry-run", "--json", "kill everything")
    assert str(evil.pid) not in run.stdout and "Traceback" not in run.stderr
    # the map is read when a name needs it: then the file is skipped, with one line
    run = run_nlsh("--dry-run", "--json", "is zqnothing running")
    assert "programs.yaml" in run.stderr and "Traceback" not in run.stderr
    assert programs.program_map().program("zqevil") is None


def test_a_map_file_that_is_a_fifo_or_too_big_is_skipped_never_waited_on(
        user_map: Path, sleepers: Sleepers) -> None:
    user_map.unlink()
    os.mkfifo(user_map)  # no writer: reading it would wait forever
    alpha = sleepers.spawn("zqfifo-bin")
    run = run_nlsh("--dry-run", "--json", "kill zqfifo-bin", timeout=120)
    assert "not a regular file" in run.stderr
    assert _pids(json.loads(run.stdout)) == {alpha.pid}
    user_map.unlink()
    user_map.write_text("# padding\n" * (programs.MAX_FILE_BYTES // 10 + 1) + USER_MAP)
    assert programs.program_map().program("zqalpha") is None  # skipped whole


def test_a_user_name_that_takes_a_shipped_one_is_said(user_map: Path) -> None:
    user_map.write_text("programs:\n  myff:\n    names: [firefox]\n    processes: [zqff]\n")
    run = run_nlsh("--dry-run", "--json", "is zqnothing running")
    assert "'firefox' now means myff, not firefox" in run.stderr
