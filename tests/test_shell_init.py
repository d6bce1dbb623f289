"""``nlsh init bash|zsh|fish`` in real shells driven through a pseudo-terminal.

Each shell starts bare (no rc files), evaluates the snippet the way the README says,
and is then used as a person would: type a sentence, press the binding, read nlsh's
answer, find a clean prompt; press Tab after ``nlsh --dr``; type a sentence as a command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.conftest import nlsh_env, run_nlsh

SHELLS = ("bash", "zsh", "fish")
PROMPT = "NLSHTEST> "
# A read-only request whose answer is plain to see (memory.status).
REQUEST = "how much memory is free"
ANSWER = "available"
# The first word is no command anywhere, so the shell looks for a not-found handler.
SENTENCE_AS_COMMAND = "showme memory usage now"


def _installed(shell: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(shutil.which(shell) is None,
                              reason=f"{shell} is not installed (.ci/run installs it)")


each_shell = pytest.mark.parametrize("shell", [pytest.param(s, marks=_installed(s))
                                               for s in SHELLS])


@pytest.fixture
def on_path(tmp_path: Path) -> Path:
    """A folder with an ``nlsh`` that runs this checkout, to put first on PATH."""
    folder = tmp_path / "nlsh-bin"
    folder.mkdir()
    launcher = folder / "nlsh"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} -m nlsh \"$@\"\n")
    launcher.chmod(0o755)
    return folder


class Shell:
    """One interactive shell in a pty, with a known prompt."""

    def __init__(self, name: str, bin_dir: Path, init: str) -> None:
        env = nlsh_env({"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                        "TERM": "xterm-256color", "NO_COLOR": "1", "COLUMNS": "160",
                        "PS1": PROMPT, "HISTFILE": os.devnull})
        args = {"bash": ["--norc", "--noprofile", "-i"], "zsh": ["-f", "-i"],
                "fish": ["--no-config", "-i"]}[name]
        self.name = name
        self.child = pexpect.spawn(name, args, env=env, encoding="utf-8", timeout=120,
                                   dimensions=(40, 160))
        self.child.delaybeforesend = 0.05
        if name == "zsh":
            self.child.sendline(f"PS1='{PROMPT}'")
        if name == "fish":
            self.child.sendline(f"function fish_prompt; printf '{PROMPT}'; end")
            self.child.sendline(f"{init} | source")
        else:
            self.child.sendline(f'eval "$({init})"')
        self.child.sendline("echo snippet-$((6 * 7))" if name != "fish"
                            else "echo snippet-(math 6 \\* 7)")
        self.child.expect_exact("snippet-42")
        self.child.expect_exact(PROMPT)

    def run(self, line: str) -> None:
        self.child.sendline(line)

    def line_is_empty(self) -> None:
        """What is typed next is all the shell sees: nothing was left on the line."""
        self.child.sendline("echo clean-$((40 + 2))" if self.name != "fish"
                            else "echo clean-(math 40 + 2)")
        self.child.expect_exact("clean-42")  # the output; what was typed reads "clean-$(("
        self.child.expect_exact(PROMPT)

    def close(self) -> None:
        self.child.close(force=True)


@pytest.fixture
def shells(on_path: Path) -> Iterator[list[Shell]]:
    opened: list[Shell] = []
    yield opened
    for shell in opened:
        shell.close()


def _open(shells: list[Shell], name: str, on_path: Path, init: str | None = None) -> Shell:
    shell = Shell(name, on_path, init or f"nlsh init {name}")
    shells.append(shell)
    return shell


@each_shell
def test_the_key_binding_hands_the_line_to_nlsh_and_the_prompt_comes_back_clean(
        shell: str, shells: list[Shell], on_path: Path) -> None:
    session = _open(shells, shell, on_path)
    session.child.send(REQUEST)
    session.child.send("\x1bn")  # Alt-n, as a terminal sends it
    session.child.expect(r"nlsh -- ['\\]?how")  # the line became an nlsh command, quoted
    session.child.expect_exact(ANSWER)
    session.child.expect_exact(PROMPT)
    session.line_is_empty()


@each_shell
def test_a_line_with_shell_syntax_reaches_nlsh_as_words_and_nothing_expands(
        shell: str, shells: list[Shell], on_path: Path, tmp_path: Path) -> None:
    marker = tmp_path / "expanded"
    session = _open(shells, shell, on_path)
    # Were the line run by the shell, this would create the marker file.
    session.child.send(f"{REQUEST}; touch {marker}")
    session.child.send("\x1bn")
    # The shell redraws its prompt with the rewritten line; the prompt after that is nlsh's end.
    session.child.expect(r"nlsh -- ['\\]?how")
    # nlsh may ask what the extra words mean (a one-shot asks at the terminal): leave it
    if session.child.expect_exact([PROMPT, "Your answer (Enter to leave it):"]) == 1:
        session.child.sendline("")
        session.child.expect_exact(PROMPT)
    session.line_is_empty()
    assert not marker.exists()


@each_shell
def test_tab_completes_nlsh_options_and_init_shells(shell: str, shells: list[Shell],
                                                    on_path: Path) -> None:
    session = _open(shells, shell, on_path)
    session.line_is_empty()  # the shell has read everything before: Tab reaches its editor
    session.child.send("nlsh --dr\t")
    session.child.expect_exact("dry-run")
    session.child.sendcontrol("c")
    session.child.expect_exact(PROMPT)
    session.child.send("nlsh init fi\t")
    session.child.expect_exact("fish")
    session.child.sendcontrol("c")
    session.child.expect_exact(PROMPT)


@each_shell
def test_the_command_not_found_helper_is_off_by_default(shell: str, shells: list[Shell],
                                                        on_path: Path) -> None:
    session = _open(shells, shell, on_path)
    session.run(SENTENCE_AS_COMMAND)
    session.child.expect(r"(?i)(command not found|unknown command)")
    session.child.expect_exact(PROMPT)
    assert ANSWER not in (session.child.before or "")


@each_shell
def test_the_command_not_found_helper_answers_sentences_when_asked_for(
        shell: str, shells: list[Shell], on_path: Path) -> None:
    init = f"nlsh init {shell} --not-found"
    # Read twice, as a re-sourced rc file does: the helper must not end up calling itself.
    twice = f"begin; {init}; {init}; end" if shell == "fish" else f"{init}; {init}"
    session = _open(shells, shell, on_path, init=twice)
    session.run(SENTENCE_AS_COMMAND)
    session.child.expect_exact(ANSWER)
    session.child.expect_exact(PROMPT)
    session.run("gti status")  # a typo, not a sentence: the shell's usual answer
    session.child.expect(r"(?i)(command not found|unknown command)")
    session.child.expect_exact(PROMPT)


@each_shell
def test_a_handler_installed_before_is_kept_and_reading_the_rc_twice_is_harmless(
        shell: str, shells: list[Shell], on_path: Path) -> None:
    previous = {
        "bash": "command_not_found_handle() { echo \"earlier handler: $1\"; return 127; }",
        "zsh": "command_not_found_handler() { echo \"earlier handler: $1\"; return 127; }",
        "fish": "function fish_command_not_found; echo \"earlier handler: $argv[1]\"; end",
    }[shell]
    session = _open(shells, shell, on_path, init="true")  # a bare shell first
    session.run(previous)
    session.child.expect_exact(PROMPT)
    for _ in range(2):
        session.run(f"nlsh init {shell} --not-found | source" if shell == "fish"
                    else f'eval "$(nlsh init {shell} --not-found)"')
        session.child.expect_exact(PROMPT)
    session.run("gti status")
    session.child.expect_exact("earlier handler: gti")
    session.child.expect_exact(PROMPT)
    session.run(SENTENCE_AS_COMMAND)
    session.child.expect_exact(ANSWER)
    session.child.expect_exact(PROMPT)


@pytest.mark.parametrize("shell", [pytest.param("bash", marks=_installed("bash"))])
def test_config_turns_the_helper_on_and_moves_the_binding(
        shell: str, shells: list[Shell], on_path: Path, private_home: Path) -> None:
    config = private_home / ".config/nlsh/config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[shell]\nkey = "ctrl-g"\ncommand_not_found = true\n')
    session = _open(shells, shell, on_path)
    session.run(SENTENCE_AS_COMMAND)
    session.child.expect_exact(ANSWER)
    session.child.expect_exact(PROMPT)
    session.child.send(REQUEST)
    session.child.sendcontrol("g")
    session.child.expect_exact(ANSWER)
    session.child.expect_exact(PROMPT)
    session.line_is_empty()


@each_shell
@pytest.mark.parametrize("flags", [(), ("--not-found",), ("--key=ctrl-t",)])
def test_every_snippet_is_valid_in_its_shell(shell: str, flags: tuple[str, ...]) -> None:
    printed = run_nlsh("init", shell, *flags)
    assert printed.returncode == 0, printed.stderr
    checked = subprocess.run([shell, "-n"], input=printed.stdout, capture_output=True,
                             text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize(("words", "says"), [
    (("init",), "say which shell: nlsh init bash|zsh|fish"),
    (("init", "tcsh"), "no shell integration for 'tcsh'; nlsh init knows bash, zsh, fish"),
    (("init", "bash", "--bogus"), "init has no option --bogus"),
    (("init", "bash", "--key=hyper-x"), "is not a key nlsh can bind"),
])
def test_init_misuse_is_one_line_and_a_usage_error(words: tuple[str, ...], says: str) -> None:
    result = run_nlsh(*words)
    assert result.returncode == 2
    assert result.stdout == ""
    assert says in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_sentences_that_start_with_the_command_words_stay_sentences() -> None:
    result = run_nlsh("--dry-run", "--json", "init", "the", "database")
    assert result.returncode != 2
    assert '"text": "init the database"' in result.stdout
