"""``nlsh init bash|zsh|fish``: the snippet a shell's rc file evaluates.

It provides three things, each in the shell's own language:

* **A key binding** (``shell.key`` in config.toml, default Alt-n) that turns the command
  line into ``nlsh -- 'the line, quoted'`` and runs it as an ordinary command: the
  request lands in the shell's history, nlsh has the terminal for its questions, and
  the shell draws a fresh, empty prompt afterwards. The line is quoted by the shell
  itself (``printf %q``, ``${(qq)…}``, ``string escape``), so nothing in it expands.
* **Completion** of nlsh's options (from the click command, so it never goes stale),
  of ``init``'s shells and of the words ``init`` and ``config``.
* **A command-not-found helper**, off by default (``shell.command_not_found = true``
  or ``nlsh init SHELL --not-found``): a command line that looks like a sentence goes
  to nlsh; anything else gets the shell's usual answer (or the handler that was
  installed before, which is kept and called).

A line "looks like a sentence" when it has at least three words and the first is made of
letters only (an apostrophe allowed): ``why is my laptop slow`` does, ``gti status`` and
``./build.sh --fast now`` do not.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

SHELLS = ("bash", "zsh", "fish")
SUBCOMMANDS = ("init", "config")
MIN_SENTENCE_WORDS = 3


@dataclass(frozen=True)
class OptionHelp:
    """One nlsh option as completion shows it."""

    long: str
    short: str | None
    help: str


@dataclass(frozen=True)
class Integration:
    """What to put in the snippet."""

    shell: str
    key: str  # "alt-n", "ctrl-g" (validated by nlsh.config)
    not_found: bool
    options: tuple[OptionHelp, ...]


def nlsh_options() -> tuple[OptionHelp, ...]:
    """nlsh's options, read from the click command itself."""
    from nlsh.cli import command

    found = []
    for param in command.params:
        opts = [o for o in (*param.opts, *param.secondary_opts) if o.startswith("-")]
        long = next((o for o in opts if o.startswith("--")), None)
        if long is None:
            continue
        short = next((o for o in opts if not o.startswith("--")), None)
        found.append(OptionHelp(long, short, (getattr(param, "help", None) or "").strip()))
    found.append(OptionHelp("--help", "-h", "Show the help and exit."))
    return tuple(found)


def snippet(integration: Integration) -> str:
    """The text ``eval`` (or ``source``) runs."""
    make = {"bash": _bash, "zsh": _zsh, "fish": _fish}[integration.shell]
    return make(integration)


# ── bash ────────────────────────────────────────────────────────────────────

_BASH_TRIGGER = r"\C-x\C-o\C-n"  # an unbound chord the visible key expands to


def _bash_key(key: str) -> str:
    kind, char = key.split("-", 1)
    return f"\\e{char}" if kind == "alt" else f"\\C-{char}"


def _bash(integration: Integration) -> str:
    key = _bash_key(integration.key)
    longs = " ".join(o.long for o in integration.options)
    shorts = " ".join(o.short for o in integration.options if o.short)
    parts = [f"""\
# nlsh shell integration for bash; in ~/.bashrc: eval "$(nlsh init bash)"
__nlsh_request() {{
  local line=$READLINE_LINE
  [[ -z ${{line//[[:space:]]/}} ]] && return 0
  [[ $line == "nlsh "* ]] || line="nlsh -- ${{line@Q}}"
  READLINE_LINE=$line
  READLINE_POINT=${{#line}}
}}
if [[ $- == *i* ]]; then
  for __nlsh_map in emacs vi-insert; do
    bind -m "$__nlsh_map" -x '"{_BASH_TRIGGER}": __nlsh_request'
    bind -m "$__nlsh_map" '"{key}": "{_BASH_TRIGGER}\\C-j"'
  done
  unset __nlsh_map
fi
__nlsh_complete() {{
  local word=${{COMP_WORDS[COMP_CWORD]}}
  if [[ $COMP_CWORD -ge 2 && ${{COMP_WORDS[COMP_CWORD-1]}} == init ]]; then
    COMPREPLY=($(compgen -W "{' '.join(SHELLS)}" -- "$word"))
  elif [[ $word == -* ]]; then
    COMPREPLY=($(compgen -W "{longs} {shorts}" -- "$word"))
  elif [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "{' '.join(SUBCOMMANDS)}" -- "$word"))
  fi
}}
complete -o default -F __nlsh_complete nlsh
"""]
    if integration.not_found:
        parts.append(f"""\
# Keep a handler installed before (not this one, when the rc file is read again).
if declare -F command_not_found_handle >/dev/null \\
    && [[ $(declare -f command_not_found_handle) != *__nlsh_previous_not_found* ]]; then
  eval "__nlsh_previous_not_found() $(declare -f command_not_found_handle | tail -n +2)"
fi
command_not_found_handle() {{
  if [[ $# -ge {MIN_SENTENCE_WORDS} && $1 =~ ^[[:alpha:]][[:alpha:]\\']*$ ]] \\
      && command -v nlsh >/dev/null; then
    command nlsh -- "$*"
    return
  fi
  if declare -F __nlsh_previous_not_found >/dev/null; then
    __nlsh_previous_not_found "$@"
    return
  fi
  printf 'bash: %s: command not found\\n' "$1" >&2
  return 127
}}
""")
    return "".join(parts)


# ── zsh ─────────────────────────────────────────────────────────────────────


def _zsh_key(key: str) -> str:
    kind, char = key.split("-", 1)
    return f"^[{char}" if kind == "alt" else f"^{char.upper()}"


def _zsh_describe(option: OptionHelp) -> str:
    return shlex.quote(f"{option.long}:{option.help.replace(':', ' ')}")


def _zsh(integration: Integration) -> str:
    key = _zsh_key(integration.key)
    described = " ".join(_zsh_describe(o) for o in integration.options)
    described += " " + " ".join(
        shlex.quote(f"{o.short}:{o.help.replace(':', ' ')}")
        for o in integration.options if o.short)
    parts = [f"""\
# nlsh shell integration for zsh; in ~/.zshrc: eval "$(nlsh init zsh)"
__nlsh_request() {{
  [[ -z ${{BUFFER//[[:space:]]/}} ]] && return 0
  [[ $BUFFER == "nlsh "* ]] || BUFFER="nlsh -- ${{(qq)BUFFER}}"
  zle accept-line
}}
zle -N __nlsh_request
bindkey -M emacs '{key}' __nlsh_request
bindkey -M viins '{key}' __nlsh_request
__nlsh_complete() {{
  local -a options
  options=({described})
  if [[ $CURRENT -ge 3 && ${{words[CURRENT-1]}} == init ]]; then
    compadd -- {' '.join(SHELLS)}
  elif [[ $PREFIX == -* ]]; then
    _describe -t options 'nlsh option' options
  elif [[ $CURRENT -eq 2 ]]; then
    compadd -- {' '.join(SUBCOMMANDS)}
  fi
}}
if (( ! $+functions[compdef] )); then autoload -Uz compinit && compinit -i; fi
compdef __nlsh_complete nlsh
"""]
    if integration.not_found:
        parts.append(f"""\
# Keep a handler installed before (not this one, when the rc file is read again).
if (( $+functions[command_not_found_handler] )) \\
    && [[ $functions[command_not_found_handler] != *__nlsh_previous_not_found* ]]; then
  functions[__nlsh_previous_not_found]=$functions[command_not_found_handler]
fi
command_not_found_handler() {{
  if [[ $# -ge {MIN_SENTENCE_WORDS} && $1 =~ "^[[:alpha:]][[:alpha:]']*$" ]] \\
      && (( $+commands[nlsh] )); then
    command nlsh -- "$*"
    return
  fi
  if (( $+functions[__nlsh_previous_not_found] )); then
    __nlsh_previous_not_found "$@"
    return
  fi
  print -u2 -r -- "zsh: command not found: $1"
  return 127
}}
""")
    return "".join(parts)


# ── fish ────────────────────────────────────────────────────────────────────


def _fish_key(key: str) -> str:
    kind, char = key.split("-", 1)
    return f"\\e{char}" if kind == "alt" else f"\\c{char}"


def _fish(integration: Integration) -> str:
    key = _fish_key(integration.key)
    lines = [f"""\
# nlsh shell integration for fish; in ~/.config/fish/config.fish: nlsh init fish | source
function __nlsh_request
    set -l line (commandline | string collect)
    if string match -qr '^\\s*$' -- "$line"
        return 0
    end
    if not string match -q 'nlsh *' -- "$line"
        commandline -r -- "nlsh -- "(string escape -- "$line")
    end
    commandline -f execute
end
bind {key} __nlsh_request
bind -M insert {key} __nlsh_request
complete -c nlsh -n '__fish_is_first_arg' -a '{' '.join(SUBCOMMANDS)}'
complete -c nlsh -n '__fish_seen_subcommand_from init' -a '{' '.join(SHELLS)}'
"""]
    for option in integration.options:
        short = f" -s {option.short[1:]}" if option.short else ""
        lines.append(f"complete -c nlsh{short} -l {option.long[2:]} "
                     f"-d {_fish_quoted(option.help)}\n")
    if integration.not_found:
        lines.append(f"""\
# Keep a handler installed before (not this one, when the config is read again).
if functions -q fish_command_not_found
    and not functions fish_command_not_found | string match -q '*__nlsh_previous_not_found*'
    functions -e __nlsh_previous_not_found
    functions --copy fish_command_not_found __nlsh_previous_not_found
end
function fish_command_not_found
    if test (count $argv) -ge {MIN_SENTENCE_WORDS}
        and string match -qr "^[[:alpha:]][[:alpha:]']*\\$" -- $argv[1]
        and command -q nlsh
        command nlsh -- "$argv"
        return
    end
    if functions -q __nlsh_previous_not_found
        __nlsh_previous_not_found $argv
        return
    end
    __fish_default_command_not_found_handler $argv
end
""")
    return "".join(lines)


def _fish_quoted(value: str) -> str:
    """``value`` in fish's single quotes (where \\ escapes ' and itself)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
