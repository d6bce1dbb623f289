"""The ``nlsh`` command: one-shot sentences, stdin batches, or the REPL.

This is a thin front end: it reads options, builds a ``Context`` and a ``Confirmer``,
calls :func:`nlsh.pipeline.run`, and prints. It is also the one place where failures
become exit codes (see :mod:`nlsh.errors`).
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, NoReturn

import click

from nlsh import __version__
from nlsh.errors import ExitStatus, NlshError, UsageError
from nlsh.stages import Parse, Response, Status

EXAMPLES = """\b
Examples:
  nlsh "what's using the most memory"
  nlsh "kill whatever is on port 8080"
  nlsh --dry-run --json "make the backup job lower priority"
  nlsh -y "clear pip and npm caches"
  nlsh "why is my laptop so slow"
  nlsh --hosts 'web*' -i hosts.yml "disk usage"  (many hosts, through Ansible)
  nlsh                      (opens the interactive shell)
  printf 'disk usage\\nmemory status\\n' | nlsh --json
  eval "$(nlsh init bash)"  (in ~/.bashrc: Alt-n hands the line to nlsh; zsh, fish too)
  nlsh config               (the settings in use, and where each came from)
"""

MAX_SENTENCE_CHARS = 1000

_STATUS_EXIT = {
    Status.DONE: ExitStatus.OK,
    Status.PLANNED: ExitStatus.OK,
    Status.NOTHING_TO_DO: ExitStatus.NOTHING_DONE,
    Status.CLARIFY: ExitStatus.NOTHING_DONE,
    Status.REFUSED: ExitStatus.NOTHING_DONE,
    Status.OUT_OF_SCOPE: ExitStatus.NOTHING_DONE,
    Status.CANCELLED: ExitStatus.NOTHING_DONE,
    Status.FAILED: ExitStatus.FAILED,
    Status.INTERRUPTED: ExitStatus.INTERRUPTED,
    Status.INVALID: ExitStatus.USAGE,
    Status.ANSWERED: ExitStatus.OK,
}


def exit_status_for(response: Response) -> ExitStatus:
    """The spec's exit code for a response."""
    return _STATUS_EXIT[response.status]


@dataclass(frozen=True)
class Options:
    dry_run: bool
    as_json: bool
    yes: bool
    explain: bool
    traceback: bool
    new: bool = False
    hosts: str | None = None  # --hosts PATTERN: the sentence runs on those hosts (nlsh.fleet)
    inventory: str | None = None


def clean_sentence(raw: str) -> str:
    """The sentence as the language layer should see it; UsageError for unusable input."""
    if len(raw) > MAX_SENTENCE_CHARS:
        raise UsageError(f"sentence too long ({len(raw)} characters; the limit is "
                         f"{MAX_SENTENCE_CHARS})")
    # Control characters (NUL, escapes) are never meaningful in a request: read them as spaces.
    cleaned = "".join(" " if (ord(c) < 32 or 0x7F <= ord(c) < 0xA0) else c for c in raw)
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        raise UsageError("nothing to do: say what you want, e.g. nlsh \"show memory usage\"")
    return cleaned


PIPED_WIDTH = 10_000  # piped output is read by programs and greps: never fold a line


def _stdout_console(options: Options) -> Any:
    from rich.console import Console

    width = None if sys.stdout.isatty() else PIPED_WIDTH
    return Console(file=sys.stdout, highlight=False, soft_wrap=False, width=width)


def _stderr(message: str) -> None:
    from nlsh.render.safe import printable

    sys.stderr.write(f"nlsh: {printable(message)}\n")
    sys.stderr.flush()


@contextmanager
def _progress_to_stderr(title: str) -> Iterator[Any]:
    """A rich progress bar on stderr when it is a terminal; quiet otherwise."""
    from nlsh.render.progress import terminal_progress

    with terminal_progress(title, sys.stderr) as progress:
        yield progress


def _understand(use_helper: bool = False) -> Any:
    from nlsh.language import understander

    return understander(progress=_progress_to_stderr, use_helper=use_helper)


def _emit_json(response: Response, options: Options, out: IO[str]) -> None:
    out.write(json.dumps(response.to_json(explain=options.explain), ensure_ascii=False,
                         default=str) + "\n")
    out.flush()


def _error_json(text: str, message: str, status: ExitStatus) -> dict[str, Any]:
    return {"text": text, "intent": None, "confidence": 0.0, "slots": {}, "status": "error",
            "message": message, "exit_code": int(status)}


def _confirmer(options: Options, interactive: bool, console: Any, batch: bool = False) -> Any:
    from nlsh.pipeline import AcceptAll, DeclineAll

    if options.yes:
        return AcceptAll()
    if interactive:
        from rich.text import Text

        from nlsh.confirm import TerminalConfirmer

        # A Text prompt is printed as is: "[y/N]" would otherwise be read as markup.
        return TerminalConfirmer(console, ask=lambda prompt: console.input(Text(prompt)))
    if not options.as_json and not batch and sys.stdin.isatty():  # only the output is piped
        from nlsh.confirm import ControllingTerminalConfirmer

        return ControllingTerminalConfirmer()
    return DeclineAll()


def _context(options: Options, interactive: bool) -> Any:
    from nlsh.context import Context

    if interactive and not options.as_json:
        return Context.from_environment(dry_run=options.dry_run, interactive=True,
                                        progress=_progress_to_stderr)
    return Context.from_environment(dry_run=options.dry_run, interactive=interactive)


def _show(response: Response, options: Options, console: Any, pager: str = "") -> None:
    if options.as_json:
        _emit_json(response, options, sys.stdout)
        return
    from nlsh.render.pager import show
    from nlsh.render.response import response_view

    show(console, response_view(response, explain=options.explain), pager=pager)


MOST_ANSWERS = 3  # a one-shot answers nlsh's own questions at most this many times


def _one_shot(sentence: str, options: Options) -> ExitStatus:
    from nlsh.dialogue.turn import take_turn

    text = clean_sentence(sentence)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    # rich costs ~60 ms to import: a --json run without a terminal never needs it.
    console = _stdout_console(options) if interactive or not options.as_json else None
    ctx = _context(options, interactive)
    understand = _understand(use_helper=True)
    confirmer = _confirmer(options, interactive, console)
    conversation = _Conversation.of_this_terminal(options, ctx.settings.context_enabled)

    def say(note: str) -> None:
        if console is not None and not options.as_json:
            from rich.text import Text

            from nlsh.render.safe import printable

            console.print(Text(printable(note), style="dim"))

    response, state = take_turn(sentence, text, conversation.state, ctx, understand,
                                confirmer, say)
    pager = ctx.settings.pager
    _show(response, options, console, pager)
    for _ in range(MOST_ANSWERS):  # nlsh asked, and a person is there to answer
        if not (interactive and console is not None and not options.as_json
                and _asks(response)):
            break
        answer = _answer_here(console)
        if not answer:
            break
        response, state = take_turn(answer, clean_sentence(answer), state, ctx, understand,
                                    confirmer, say)
        _show(response, options, console, pager)
    conversation.keep(state)
    for warning in ctx.journal.warnings:
        _stderr(f"warning: {warning}")
    return exit_status_for(response)


def _asks(response: Response) -> bool:
    """nlsh asked something the next line can answer: a choice, or a missing piece."""
    return response.status is Status.CLARIFY and bool(
        response.choices or response.message.startswith("Which "))


def _answer_here(console: Any) -> str:
    from rich.text import Text

    try:
        return str(console.input(Text("Your answer (Enter to leave it): "))).strip()
    except EOFError:
        return ""


@dataclass
class _Conversation:
    """The context one-shots share in this terminal (``nlsh.dialogue.store``)."""

    state: Any
    directory: Any = None
    session: str | None = None

    @classmethod
    def of_this_terminal(cls, options: Options, enabled: bool) -> _Conversation:
        from nlsh.dialogue import State, store

        session = store.terminal_session() if enabled else None
        directory = None
        if session is not None:
            from nlsh.language.helper import runtime_dir

            directory = runtime_dir()
        if directory is None or session is None:
            return cls(State())
        if options.new:
            store.forget(directory, session)
            return cls(State(), directory, session)
        return cls(store.load(directory, session), directory, session)

    def keep(self, state: Any) -> None:
        if self.directory is not None and self.session is not None:
            from nlsh.dialogue import store

            store.save(self.directory, self.session, state)


def _batch(options: Options) -> ExitStatus:
    """One sentence a line from stdin; never asks (nothing changes without --yes)."""
    from nlsh.pipeline import run

    console = None if options.as_json else _stdout_console(options)
    ctx = _context(options, interactive=False)
    understand = _understand()
    confirmer = _confirmer(options, False, console, batch=True)
    worst = ExitStatus.OK
    for raw in _stdin_lines():
        if not raw.strip():
            continue
        text = raw
        try:
            text = clean_sentence(raw)
            response = run(text, ctx, understand, confirmer)
        except NlshError as error:  # this line is bad or fails (journal full…); the next may not
            code: ExitStatus = error.exit_status
            if options.as_json:
                sys.stdout.write(json.dumps(_error_json(text[:200], str(error), code),
                                            ensure_ascii=False) + "\n")
                sys.stdout.flush()
            else:
                _stderr(str(error))
        else:
            _show(response, options, console)
            code = exit_status_for(response)
        worst = max(worst, code, key=_severity)
    for warning in ctx.journal.warnings:
        _stderr(f"warning: {warning}")
    return worst


def _stdin_lines() -> Iterator[str]:
    stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    if stream is None:
        yield from sys.stdin
        return
    for raw in stream:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _severity(status: ExitStatus) -> int:
    """Which exit code a batch reports: the most serious of its lines."""
    order = [ExitStatus.OK, ExitStatus.NOTHING_DONE, ExitStatus.USAGE, ExitStatus.FAILED,
             ExitStatus.INTERRUPTED]
    return order.index(status)


def _fail(error: BaseException, options: Options) -> NoReturn:
    if options.traceback:
        raise error
    if isinstance(error, NlshError):
        _stderr(str(error))
        sys.exit(int(error.exit_status))
    _stderr(f"internal error: {type(error).__name__}: {error} (run with --traceback for details)")
    sys.exit(int(ExitStatus.FAILED))


class SentenceCommand(click.Command):
    """Options come before the sentence, spelled out whole; everything after is the sentence.

    click would read ``-dry-run`` as the bundle ``-d -r -y -- -r -u -n`` and take ``-y``
    out of it, and would take ``-h`` from ``nlsh df -h`` as a request for help.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, [decode_argument(a) for a in check_options(args)])


def check_options(args: list[str]) -> list[str]:
    """``args`` unchanged when every option before the sentence is one nlsh knows, spelled
    whole; otherwise a usage error naming the option."""
    expects_value = False
    for arg in args:
        if expects_value:  # the pattern or inventory after --hosts / -i
            expects_value = False
            continue
        if arg == "--" or not arg.startswith("-") or arg == "-":
            break
        if arg in VALUE_OPTIONS:
            expects_value = True
            continue
        if arg.split("=", 1)[0] in VALUE_OPTIONS and arg.startswith("--"):
            continue
        if arg not in OPTION_SPELLINGS:
            near = difflib.get_close_matches(arg.lstrip("-"), [o.lstrip("-") for o in
                                             OPTION_SPELLINGS if o.startswith("--")], n=1)
            hint = f" (did you mean --{near[0]}?)" if near else ""
            raise click.UsageError(f"no such option: {arg}{hint}; options go before the "
                                   "sentence, spelled out whole (see nlsh --help)")
    return args


def decode_argument(arg: str) -> str:
    """An argument as text: bytes that are not UTF-8 read as U+FFFD, as the batch mode does."""
    if any("\udc80" <= c <= "\udcff" for c in arg):
        return os.fsencode(arg).decode("utf-8", errors="replace")
    return arg


OPTION_SPELLINGS = frozenset({"--dry-run", "--json", "-y", "--yes", "--explain", "--traceback",
                              "--new", "--version", "-h", "--help", "--hosts", "-i",
                              "--inventory"})
VALUE_OPTIONS = frozenset({"--hosts", "-i", "--inventory"})


@click.command(
    cls=SentenceCommand,
    context_settings={"help_option_names": ["-h", "--help"], "allow_interspersed_args": False},
    epilog=EXAMPLES,
)
@click.argument("sentence", nargs=-1, type=click.UNPROCESSED)
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per request.")
@click.option("-y", "--yes", is_flag=True,
              help="Answer yes to confirmations (refusals stay refusals).")
@click.option("--explain", is_flag=True,
              help="Show what was understood: intent, confidence, alternatives, slots.")
@click.option("--traceback", is_flag=True, help="Show Python tracebacks on internal errors.")
@click.option("--new", is_flag=True,
              help="Start afresh: forget what earlier requests in this terminal showed.")
@click.option("--hosts", metavar="PATTERN",
              help="Run the sentence on the Ansible hosts PATTERN matches ('web*', "
                   "'db:&prod', 'all'); see docs/fleet.md.")
@click.option("-i", "--inventory", metavar="INVENTORY",
              help="The Ansible inventory for --hosts (default: ansible's configured one).")
@click.version_option(__version__, "--version", prog_name="nlsh")
def command(sentence: tuple[str, ...], dry_run: bool, as_json: bool, yes: bool,
            explain: bool, traceback: bool, new: bool, hosts: str | None,
            inventory: str | None) -> None:
    """nlsh: say what you want done to processes, memory, disk or network.

    nlsh understands the sentence on this machine (no network), shows exactly which
    processes, files and bytes it will touch, asks before changing anything, journals
    what it did, and can undo it where possible.
    """
    options = Options(dry_run=dry_run, as_json=as_json, yes=yes, explain=explain,
                      traceback=traceback, new=new, hosts=hosts, inventory=inventory)
    from nlsh.interrupts import install

    install()  # SIGTERM stops nlsh the way Ctrl-C does (exit 130, plan journaled)
    try:
        _warn_about_config()
        on_hosts = options.hosts is not None or options.inventory is not None
        routed = _subcommand(sentence, options) if sentence and not on_hosts else None
        if on_hosts:
            status = _on_hosts(" ".join(sentence), options)
        elif routed is not None:
            status = routed
        elif sentence:
            status = _one_shot(" ".join(sentence), options)
        elif not sys.stdin.isatty():
            status = _batch(options)
        else:
            from nlsh.repl import run_repl

            status = run_repl(options)
    except KeyboardInterrupt:
        _stderr("interrupted")
        sys.exit(int(ExitStatus.INTERRUPTED))
    except BrokenPipeError:
        # The reader went away (nlsh ... | head): not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(int(ExitStatus.OK))
    except Exception as error:
        _fail(error, options)
    sys.exit(int(status))


def _on_hosts(sentence: str, options: Options) -> ExitStatus:
    """``--hosts PATTERN``: the sentence, understood here once, on every matched host;
    without a sentence, each line typed (or read from stdin) in turn, as a dialogue
    (nlsh.fleet.session: "kill the biggest on web2", "undo")."""
    from nlsh.fleet.ansible import Target
    from nlsh.fleet.session import FleetSession

    if options.hosts is None or not options.hosts.strip():
        raise UsageError("-i INVENTORY goes with --hosts PATTERN (e.g. --hosts all)")
    console = None if options.as_json else _stdout_console(options)
    target = Target(options.hosts.strip(), options.inventory)
    understand = _understand(use_helper=True)

    def show_local(response: Response) -> None:
        _show(response, options, console)

    session = FleetSession(target, options, understand, console, show_local)
    if sentence.strip():  # a one-shot is a session of one line: host names narrow it too
        return session.take(clean_sentence(sentence))
    worst = ExitStatus.OK
    for line in _host_session_lines(console, target.pattern):
        try:
            code = session.take(clean_sentence(line))
        except NlshError as error:  # this line is bad; the next may not be
            _stderr(str(error))
            code = error.exit_status
        worst = max(worst, code, key=_severity)
    return worst


def _host_session_lines(console: Any, pattern: str) -> Iterator[str]:
    """The lines of a ``--hosts`` session: typed at a prompt, or one a line from stdin."""
    if not (sys.stdin.isatty() and console is not None):
        yield from (line for line in _stdin_lines() if line.strip())
        return
    from rich.text import Text

    while True:
        try:
            line = str(console.input(Text(f"nlsh [{pattern}]> "))).strip()
        except EOFError:
            return
        if line in ("exit", "quit"):
            return
        if line:
            yield line


def _subcommand(words: tuple[str, ...], options: Options) -> ExitStatus | None:
    """``nlsh init SHELL`` and ``nlsh config`` (the rule is in nlsh.subcommands)."""
    from nlsh.subcommands import route

    return route(words, options)


def _warn_about_config() -> None:
    from nlsh.config import load

    for warning in load().warnings:
        _stderr(f"warning: {warning}")


def main() -> None:
    if sys.argv[1:] == ["plugins"]:  # a command of its own, not a sentence
        from nlsh.plugin_list import show_plugins

        sys.exit(show_plugins(sys.stdout))
    command(prog_name="nlsh")


def parse_only(text: str) -> Parse:
    """The language layer's reading of ``text`` (for scripts and tests)."""
    return _understand()(clean_sentence(text))  # type: ignore[no-any-return]
