"""The deterministic front parser: rigid command-like forms need no model.

People type ``kill -9 1234``, ``df -h`` or ``lsof -i :8080`` out of habit. Each form
here is matched against the *whole* sentence, so "top 5 cpu hogs" is left to the model
while "top" alone is not. Two short question forms are rigid too, because their meaning
is fixed while a model can be misled by the name in them: "is NAME running" (redis,
postgres and mysql are also the names of system *users*) and "renice NAME to N". A match
is a ``Parse`` with confidence 1.0 and ``source="rules"``; values are range-checked like
the model's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from nlsh.stages import PID_LIMIT, Alternative, Parse, SlotSpan, SlotValue

_NAME = r"(?P<name>[A-Za-z0-9_.+@-][A-Za-z0-9_.+@:-]*)"
_PID = r"(?P<pid>\d{1,10})"
_FORCE_SIGNALS = {"9", "kill", "sigkill"}
_STOP_SIGNALS = {"stop", "sigstop", "19", "tstp", "sigtstp"}
_CONT_SIGNALS = {"cont", "sigcont", "18"}
_TERM_SIGNALS = {"15", "term", "sigterm", "", "2", "int", "sigint", "1", "hup", "sighup"}

Build = Callable[[re.Match[str]], tuple[str, dict[str, SlotValue]] | None]


def _fixed(intent: str, **slots: SlotValue) -> Build:
    return lambda _match: (intent, dict(slots))


def _kill_pid(match: re.Match[str]) -> tuple[str, dict[str, SlotValue]] | None:
    signal = (match.group("signal") or "").lower().lstrip("-").removeprefix("s ")
    signal = signal.removeprefix("n ").strip()
    pid = int(match.group("pid"))
    if signal in _STOP_SIGNALS:
        return "process.suspend", {"pid": pid}
    if signal in _CONT_SIGNALS:
        return "process.resume", {"pid": pid}
    if signal in _FORCE_SIGNALS:
        return "process.kill", {"pid": pid, "force": True}
    if signal in _TERM_SIGNALS:
        return "process.kill", {"pid": pid}
    return None


def _kill_name(match: re.Match[str]) -> tuple[str, dict[str, SlotValue]] | None:
    signal = (match.group("signal") or "").lower().lstrip("-")
    slots: dict[str, SlotValue] = {"process": match.group("name").lower()}
    if signal in _FORCE_SIGNALS:
        slots["force"] = True
    elif signal not in _TERM_SIGNALS:
        return None
    return "process.kill", slots


def _with(intent: str, slot: str, convert: Callable[[str], SlotValue] = str,
          **fixed: SlotValue) -> Build:
    def build(match: re.Match[str]) -> tuple[str, dict[str, SlotValue]]:
        return intent, {**fixed, slot: convert(match.group(slot))}
    return build


def _renice(match: re.Match[str]) -> tuple[str, dict[str, SlotValue]] | None:
    return "process.renice", {"nice": int(match.group("nice")), "pid": int(match.group("pid"))}


def _named(match: re.Match[str]) -> dict[str, SlotValue] | None:
    """``{"pid": n}`` or ``{"process": name}`` for the ``name`` group; None for a non-name.

    "is it running" or "is anything up" name no program: those stay with the model.
    """
    name = match.group("name").lower()
    if name in _NOT_NAMES:
        return None
    return {"pid": int(name)} if name.isdigit() else {"process": name}


def _is_running(match: re.Match[str]) -> tuple[str, dict[str, SlotValue]] | None:
    slots = _named(match)
    return None if slots is None else ("process.find", slots)


def _renice_named(match: re.Match[str]) -> tuple[str, dict[str, SlotValue]] | None:
    slots = _named(match)
    if slots is None:
        return None
    return "process.renice", {**slots, "nice": int(match.group("nice"))}


# Words that fill a name's place without naming a program.
_NOT_NAMES = frozenset({
    "it", "this", "that", "everything", "anything", "something", "nothing", "there", "he",
    "she", "they", "one", "what", "who", "which", "all", "internet", "wifi", "network",
    "system", "computer", "machine", "laptop", "pc", "memory", "ram", "cpu", "disk", "swap",
})


def _help_topic(match: re.Match[str]) -> tuple[str, dict[str, SlotValue]] | None:
    return "help", {"topic": match.group("topic").lower()}


_SIGNAL = r"(?:-(?:s\s+|n\s+)?(?P<signal>[A-Za-z0-9]+)\s+)?"
# (first words, the whole-sentence pattern, what it means)
FORMS: tuple[tuple[tuple[str, ...], str, Build], ...] = (
    (("kill",), rf"kill\s+{_SIGNAL}{_PID}", _kill_pid),
    (("do", "run", "send", "issue"),
     rf"(?:do|run|send|issue)\s+(?:a\s+)?kill\s+{_SIGNAL}(?:on|to|against)\s+(?:pid\s+)?{_PID}",
     _kill_pid),
    (("pkill", "killall"), rf"(?:pkill|killall)\s+{_SIGNAL}{_NAME}", _kill_name),
    # "kill $(pgrep node)", "kill -9 `pidof node`": the shell's way of saying pkill
    (("kill",), rf"kill\s+{_SIGNAL}(?:\$\(|`)\s*(?:pgrep|pidof)\s+(?:-[fx]\s+)?{_NAME}"
               r"\s*(?:\)|`)",
     _kill_name),
    (("ps",), r"ps(?:\s+(?:aux|-ef|-e|-A|ax|-aux|auxf|faux))?", _fixed("process.list")),
    (("top", "htop", "btop", "atop"), r"(?:top|htop|btop|atop)",
     _fixed("process.list", sort_by="cpu")),
    (("pgrep", "pidof"), rf"(?:pgrep|pidof)\s+{_NAME}", _with("process.find", "name")),
    (("lsof", "fuser"),
     r"(?:lsof\s+-i\s*(?:tcp|udp)?|fuser(?:\s+-n\s+(?:tcp|udp))?)\s*:?(?P<port>\d{1,5})"
     r"(?:/(?:tcp|udp))?", _with("process.find", "port", int)),
    (("df",), r"df(?:\s+-[hHTikml]+)*", _fixed("disk.usage")),
    (("df",), r"df(?:\s+-[hHTikml]+)*\s+(?P<path>[~/.][^\s]*)", _with("disk.usage", "path")),
    (("du", "ncdu", "dust", "gdu"),
     r"(?:du(?:\s+-[shcaxdk0-9]+)*|ncdu|dust|gdu)\s+(?P<path>[~/.][^\s]*)",
     _with("disk.largest", "path")),
    (("free",), r"free(?:\s+-[hmgkbtw]+)*", _fixed("memory.status")),
    (("cat", "less", "more", "head"), r"(?:cat|less|more|head)\s+/proc/(?:meminfo|swaps)",
     _fixed("memory.status")),
    (("cat", "less", "more", "head"), r"(?:cat|less|more|head)\s+/proc/loadavg",
     _fixed("system.status", topic="load")),
    (("cat", "less", "more", "head"), r"(?:cat|less|more|head)\s+/proc/uptime",
     _fixed("system.status", topic="uptime")),
    (("uptime",), r"uptime", _fixed("system.status", topic="uptime")),
    (("sensors",), r"sensors", _fixed("system.status", topic="temperature")),
    (("ss", "netstat"), r"(?:ss|netstat)\s+-[tupnae]*l[tulpnae]*",
     _fixed("network.connections", listening=True)),
    (("ss", "netstat"), r"(?:ss|netstat)(?:\s+-[tupnae]+)?", _fixed("network.connections")),
    (("help", "?", "--help", "-h", "man"), r"(?:help|\?|--help|-h|man nlsh)", _fixed("help")),
    (("help", "?", "man"),
     r"(?:help|\?|man)\s+(?:with\s+|on\s+|about\s+|for\s+)?"
     r"(?!(?:me|us|please|out|pls)\b)(?P<topic>[a-z][a-z-]*)\s*\??", _help_topic),
    (("undo",), r"undo", _fixed("undo")),
    (("history",), r"history", _fixed("history")),
    (("renice",), rf"renice\s+(?:-n\s+)?(?P<nice>[+-]?\d{{1,3}})\s+(?:-p\s+)?{_PID}",
     _renice),
    (("renice",), rf"renice\s+{_NAME}\s+to\s+(?P<nice>[+-]?\d{{1,3}})", _renice_named),
    # "show process 4312" names one process: a listing cut to one row would show another.
    (("show", "display", "describe", "inspect"),
     rf"(?:show|display|describe|inspect)\s+(?:me\s+)?(?:the\s+)?(?:process|pid)\s+"
     rf"(?:with\s+pid\s+)?#?{_PID}", _with("process.find", "pid", int)),
    (("is",), rf"is\s+{_NAME}\s+(?:still\s+|currently\s+)?(?:running|up|alive)"
              r"(?:\s+(?:right\s+)?now)?\s*\??", _is_running),
)

_LIMITS = {"pid": (1, PID_LIMIT), "port": (1, 65535), "nice": (-20, 19)}


@cache
def _forms_for(first_word: str) -> tuple[tuple[re.Pattern[str], Build], ...]:
    """The forms that can match a sentence starting with ``first_word``, compiled.

    Compiling every form costs more than a whole model call; a sentence only needs the
    forms of its first word ("kill", "df", …).
    """
    return tuple((re.compile(pattern, re.IGNORECASE), build)
                 for words, pattern, build in FORMS if first_word in words)


# "ps aux | grep node", typed by habit: the part nlsh does is finding the program; any
# further stage ("| awk '{print $2}'", "| wc -l") is named in the reply as not run.
_PS_GREP = re.compile(
    r"ps(?:\s+-?[a-zA-Z]+)*\s*\|\s*grep(?:\s+-(?P<flags>[iwFE]+))?\s+"
    r"(?P<quote>['\"]?)(?P<name>[A-Za-z0-9_.+@:\[\]-]+)(?P=quote)"
    r"(?P<rest>\s*\|.*)?", re.IGNORECASE)


def _ps_grep(text: str, sentence: str) -> Parse | None:
    match = _PS_GREP.fullmatch(sentence)
    if match is None:
        return None
    name = re.sub(r"\[(\w)\]", r"\1", match.group("name"))  # "[n]ode": grep's own trick
    if not re.fullmatch(r"[A-Za-z0-9_.+@:-]+", name):
        return None  # a real pattern, not a program name: left to the model, which may ask
    rest = (match.group("rest") or "").strip()
    notes = (f"the rest of the pipeline, '{rest}', was not run: nlsh runs no shell "
             "commands",) if rest else ()
    span = SlotSpan(slot="process", text=name, start=0, end=0, value=name.lower())
    return Parse(text=text, intent="process.find", confidence=1.0,
                 slots={"process": name.lower()},
                 alternatives=(Alternative("process.find", 1.0),), spans=(span,),
                 source="rules", notes=notes)


_SHELL_COMMANDS = frozenset({"ps", "pgrep", "pidof", "top", "htop", "ss", "netstat", "lsof",
                             "fuser", "df", "du", "free", "kill", "pkill", "killall", "ls",
                             "find", "cat", "grep", "renice", "ionice", "xargs", "awk",
                             "sort", "head", "tail", "wc", "sudo"})


def _other_pipeline(text: str, sentence: str) -> Parse | None:
    """A shell pipeline nlsh has no reading for ("ps aux | grep -v node"): never guessed at."""
    if sentence.split(None, 1)[0].lower() not in _SHELL_COMMANDS:
        return None
    return Parse(text=text, intent=None, confidence=1.0, source="rules",
                 notes=("it looks like a shell pipeline, and nlsh runs no shell commands; "
                        "say what you want instead, e.g. 'is node running' or 'list "
                        "processes by memory'",))


def parse_rigid(text: str) -> Parse | None:
    """A ``Parse`` when ``text`` is exactly one of the rigid forms, else None."""
    sentence = text.strip().rstrip(";")
    if not sentence or len(sentence) > 200:
        return None
    if "|" in sentence:
        return _ps_grep(text, sentence) or _other_pipeline(text, sentence)
    if sentence.lower() in ("clear", "cls", "reset"):
        return Parse(text=text, intent=None, confidence=1.0, source="rules",
                     notes=(f"'{sentence}' alone says nothing about what to clear: say e.g. "
                            "'clear the pip cache' or 'free up disk space' (in the nlsh "
                            "shell, 'clear' clears the screen)",))
    for pattern, build in _forms_for(sentence.split(None, 1)[0].lower()):
        match = pattern.fullmatch(sentence)
        if match is None:
            continue
        built = build(match)
        if built is None:
            continue
        intent, raw_slots = built
        slots = {("process" if k == "name" else k): v for k, v in raw_slots.items()}
        spans = []
        for name, value in slots.items():
            bounds = _LIMITS.get(name)
            problem = None
            if bounds and isinstance(value, int) and not bounds[0] <= value <= bounds[1]:
                problem = f"{name} must be in {bounds[0]}–{bounds[1]} (got {value})"
            spans.append(SlotSpan(slot=name, text=str(value), start=0, end=0,
                                  value=None if problem else value, problem=problem,
                                  rejected=problem is not None))
        valid = {s.slot: s.value for s in spans if s.value is not None}
        return Parse(text=text, intent=intent, confidence=1.0, slots=valid,
                     alternatives=(Alternative(intent, 1.0),), spans=tuple(spans),
                     source="rules")
    return None
