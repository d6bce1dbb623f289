"""The interactive shell: ``nlsh`` alone in a terminal.

prompt_toolkit gives line editing, persistent history (XDG state dir), and completion
of example phrases and running process names, grey suggestions from history (accept with
the right arrow). Ctrl-C cancels the line or a pending confirmation; Ctrl-L or ``clear``
clears the screen; a long answer goes through ``$PAGER``; Ctrl-D (or ``exit``) leaves;
SIGTERM leaves at once (exit 130). After a clarify question the user answers with a
number; after a diagnosis, ``do 1`` runs the first finding's suggestion.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.history import FileHistory, InMemoryHistory
from rich.console import Console
from rich.text import Text

from nlsh.errors import ExitStatus, NlshError
from nlsh.interrupts import Terminated
from nlsh.render.safe import printable
from nlsh.stages import Choice, Response, Status

if TYPE_CHECKING:
    from nlsh.actions.found_files import FoundSet
    from nlsh.cli import Options

BANNER = ("nlsh — say what you want done to processes, memory, disk or network. "
          "'help' for examples, Ctrl-D to leave.")
_VERBS_BEFORE_PROCESS = re.compile(
    r"\b(kill|stop|end|quit|close|terminate|pause|suspend|freeze|resume|continue|renice|"
    r"ionice|find|is|of|deprioritize|prioritize|boost)\s+(?:the\s+)?(\S*)$", re.IGNORECASE)
_DO = re.compile(r"^(?:do|run|fix|apply)\s+#?(\d+)$|^#?(\d+)$", re.IGNORECASE)


class SentenceCompleter(Completer):
    """Example sentences from the catalog, and process names after a verb that takes one."""

    def __init__(self, examples: list[str]) -> None:
        self.examples = examples
        self._names: list[str] = []
        self._names_at = 0.0

    def _process_names(self) -> list[str]:
        if time.monotonic() - self._names_at > 5:
            import psutil

            names = set()
            for process in psutil.process_iter(["name"]):
                name = process.info.get("name")
                if name:
                    names.add(name)
            self._names = sorted(names)
            self._names_at = time.monotonic()
        return self._names

    def get_completions(self, document: Document,
                        complete_event: CompleteEvent) -> Iterator[Completion]:
        line = document.text_before_cursor
        verb = _VERBS_BEFORE_PROCESS.search(line)
        if verb is not None:
            partial = verb.group(2)
            for name in self._process_names():
                if name.lower().startswith(partial.lower()) and name != partial:
                    yield Completion(name, start_position=-len(partial),
                                     display_meta="process")
            return
        typed = line.lower().lstrip()
        if len(typed) < 2:
            return
        for example in self.examples:
            if example.lower().startswith(typed) and example.lower() != typed:
                yield Completion(example, start_position=-len(line.lstrip()),
                                 display_meta="example")


def _examples() -> list[str]:
    try:
        from nlsh.language.catalog import load_catalog

        catalog = load_catalog()
    except NlshError:
        return []
    seen: dict[str, None] = {}
    for spec in catalog.intents.values():
        for example in spec.examples[:12]:
            seen.setdefault(example.text, None)
    return sorted(seen)


class Repl:
    found: FoundSet | None = None  # "them": the rows of the last file search
    def __init__(self, options: Options) -> None:
        from nlsh.confirm import TerminalConfirmer
        from nlsh.context import Context
        from nlsh.dialogue import State
        from nlsh.language import Understander
        from nlsh.render.progress import terminal_progress

        self.options = options
        self.console = Console(highlight=False)
        import sys

        def progress(title: str) -> Any:
            return terminal_progress(title, sys.stderr)

        self.ctx = Context.from_environment(dry_run=options.dry_run, interactive=True,
                                            progress=progress)
        self.understand = Understander(self.ctx.paths, progress)
        history: Any
        try:
            self.ctx.paths.state.mkdir(parents=True, exist_ok=True, mode=0o700)
            history = FileHistory(str(self.ctx.paths.history))
        except OSError:
            history = InMemoryHistory()
        self.session: PromptSession[str] = PromptSession(
            history=history, completer=SentenceCompleter(_examples()),
            complete_while_typing=False, auto_suggest=AutoSuggestFromHistory())
        self.answers: PromptSession[str] = PromptSession()
        self.confirmer = TerminalConfirmer(self.console, ask=self._ask)
        self.last: Response | None = None
        self.dialogue = State()

    def _ask(self, prompt: str) -> str:
        # Ctrl-C here cancels only the pending confirmation (read as "no"); SIGTERM leaves.
        try:
            return self.answers.prompt(prompt)
        except Terminated:
            raise
        except (KeyboardInterrupt, EOFError):
            return ""

    def loop(self) -> ExitStatus:
        # prompt_toolkit logs a failure of its background tasks (the history loader, hit by
        # a SIGTERM that lands while it runs) as a traceback on stderr: never shown here.
        import logging

        toolkit = logging.getLogger("prompt_toolkit")
        toolkit.addHandler(logging.NullHandler())
        toolkit.propagate = False
        self.console.print(Text(BANNER, style="dim"))
        while True:
            try:
                line = self.session.prompt(HTML("<b><ansicyan>nlsh</ansicyan></b>&gt; "))
            except Terminated:
                return ExitStatus.INTERRUPTED
            except KeyboardInterrupt:
                continue
            except EOFError:
                return ExitStatus.OK
            line = line.strip()
            if not line:
                continue
            if line.lower() in ("exit", "quit", ":q", "bye"):
                return ExitStatus.OK
            if line.lower() in ("clear", "cls"):  # as in a shell; Ctrl-L does it too
                self.console.clear()
                continue
            try:
                self.handle(line)
            except Terminated:
                self.console.print(Text("interrupted", style="yellow"))
                return ExitStatus.INTERRUPTED
            except KeyboardInterrupt:
                self.console.print(Text("interrupted", style="yellow"))
            except NlshError as error:
                self.console.print(Text(f"nlsh: {printable(error)}", style="red"))

    def handle(self, line: str) -> None:
        from nlsh.cli import clean_sentence
        from nlsh.dialogue.turn import take_turn
        from nlsh.pipeline import run

        if self._about_found(line):
            return
        followed = self._follow_up(line)
        if isinstance(followed, str):  # a suggestion that may no longer run
            self.console.print(Text(printable(followed), style="yellow"))
            return
        if followed is not None:
            sentence, parse = followed
            response = run(sentence, self.ctx, self.understand, self._confirmer(), parse=parse)
            self.dialogue = self.dialogue.after(response)
        else:
            response, self.dialogue = take_turn(
                line, clean_sentence(line), self.dialogue, self.ctx, self.understand,
                self._confirmer(), say=lambda note: self.console.print(
                    Text(printable(note), style="dim")))
        self.show(response)
        self.last = response
        self._remember_found(response)

    def _about_found(self, line: str) -> bool:
        """A sentence about the files the last search found ("move them to the trash"),
        answered or planned on exactly those files; False when it is not about them."""
        if self.found is None:
            return False
        from nlsh.actions.found_files import act_on_found, read_follow_up
        from nlsh.pipeline import run_handled

        about_them = read_follow_up(line)
        if about_them is None:
            return False
        parse, handled = act_on_found(line, about_them, self.found, str(self.ctx.paths.trash))
        response = run_handled(parse, handled, self.ctx, self._confirmer())
        self.show(response)
        self.last = response
        if response.outcome is not None:  # moved: "them" no longer names what is there
            self.found = None
        return True

    def _remember_found(self, response: Response) -> None:
        """After a file search, "them" is what it found (until the next search)."""
        if response.answer is not None and response.answer.kind == "file_find":
            from nlsh.actions.found_files import found_set

            self.found = found_set(response.parse.text, response.answer.result)

    def _confirmer(self) -> Any:
        from nlsh.pipeline import AcceptAll

        return AcceptAll() if self.options.yes else self.confirmer

    def _follow_up(self, line: str) -> tuple[str, Any] | str | None:
        """A number after a clarify, or ``do N`` after a diagnosis (its typed follow-up,
        never its sentence read again); a string says why it cannot run."""
        match = _DO.match(line)
        if match is None or self.last is None:
            return None
        number = int(match.group(1) or match.group(2))
        last = self.last
        choices: list[Choice] = list(last.choices)
        if last.answer is not None and last.answer.kind == "diagnosis":
            from nlsh.followups import follow_up_parse

            findings = [f for f in last.answer.result.get("findings", [])
                        if f.get("follow_up")]
            if not 1 <= number <= len(findings):
                return None
            finding = findings[number - 1]
            sentence = str(finding.get("suggestion", ""))
            fixed = follow_up_parse(finding["follow_up"], sentence)
            if isinstance(fixed, str):
                return fixed
            self.console.print(Text(f"→ {printable(sentence)}", style="dim"))
            return sentence, fixed
        if not 1 <= number <= len(choices):
            return None
        choice = choices[number - 1]
        if choice.intent is not None and last.status is Status.CLARIFY and not last.plan:
            return last.parse.text, last.parse.with_intent(choice.intent)
        self.console.print(Text(f"→ {printable(choice.sentence)}", style="dim"))
        return choice.sentence, None

    def show(self, response: Response) -> None:
        if self.options.as_json:
            import json

            self.console.print_json(json.dumps(response.to_json(self.options.explain),
                                               default=str))
            return
        from nlsh.render.pager import show
        from nlsh.render.response import response_view

        show(self.console, response_view(response, explain=self.options.explain),
             pager=self.ctx.settings.pager)
        if response.choices and response.status is Status.CLARIFY:
            self.console.print(Text("Type a number to choose.", style="dim"))
        for warning in self.ctx.journal.warnings:
            self.console.print(Text(f"warning: {printable(warning)}", style="yellow"))
        self.ctx.journal.warnings.clear()


def run_repl(options: Options) -> ExitStatus:
    return Repl(options).loop()


def completions_for(text: str, examples: Iterable[str]) -> list[str]:
    """What the completer offers for ``text`` (for tests and scripts)."""
    completer = SentenceCompleter(list(examples))
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent())]
