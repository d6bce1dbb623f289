"""The user's settings: ``$XDG_CONFIG_HOME/nlsh/config.toml``, then the environment.

A setting comes from the default, the file, or an environment variable (which wins).
Bad configuration never stops nlsh: each problem becomes one warning line naming the
key, and that setting keeps its default. ``tomllib`` is imported only when the file
exists, so a one-shot without a config file pays one ``stat``.

```toml
[shell]
key = "alt-n"                 # the binding that hands the command line to nlsh
command_not_found = false     # nlsh answers command lines that look like sentences

[helper]
enabled = true                # the resident language helper (NLSH_HELPER)
idle_minutes = 10             # it exits after this long without a request (NLSH_HELPER_IDLE, s)

[context]
enabled = true                # one-shots in one terminal share context (NLSH_CONTEXT)

[pager]
command = ""                  # long answers: "" → $PAGER, else less; "off" → never (NLSH_PAGER)

[cleanup]
temp_dirs = ["~/scratch"]     # cleaned as temp folders too, beside /tmp and /var/tmp

[protect]
processes = ["backup-agent"]  # never signalled or reprioritised, like sshd
paths = ["~/projects"]        # never cleaned, nor anything below them

[fleet]
max_hosts = 5                 # nlsh --hosts: more hosts than this need a typed 'yes' too
```
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from nlsh.paths import Paths

FILE_NAME = "config.toml"
DEFAULT_KEY = "alt-n"
DEFAULT_IDLE_SECONDS = 600.0
KEY_SPEC = re.compile(r"(?:alt-[a-z0-9]|ctrl-[a-z])")
_OFF = ("off", "0", "no", "false")


class Source(StrEnum):
    DEFAULT = "default"
    FILE = "file"
    ENV = "env"


class Setting(NamedTuple):
    """One effective value and where it came from (``origin``: the file or the variable)."""

    value: Any
    source: Source
    origin: str = ""


@dataclass(frozen=True)
class Settings:
    """Every setting nlsh reads, resolved once."""

    file: Path
    values: Mapping[str, Setting]
    warnings: tuple[str, ...] = ()

    @classmethod
    def defaults(cls) -> Settings:
        return cls(Path(FILE_NAME), {name: Setting(spec.default, Source.DEFAULT)
                                     for name, spec in SPECS.items()})

    def __getitem__(self, name: str) -> Any:
        return self.values[name].value

    @property
    def key(self) -> str:
        return str(self["shell.key"])

    @property
    def command_not_found(self) -> bool:
        return bool(self["shell.command_not_found"])

    @property
    def helper_enabled(self) -> bool:
        return bool(self["helper.enabled"])

    @property
    def helper_idle_seconds(self) -> float:
        return float(self["helper.idle_minutes"]) * 60

    @property
    def context_enabled(self) -> bool:
        return bool(self["context.enabled"])

    @property
    def pager(self) -> str:
        return str(self["pager.command"])

    @property
    def temp_dirs(self) -> tuple[str, ...]:
        return tuple(self["cleanup.temp_dirs"])

    @property
    def protected_processes(self) -> frozenset[str]:
        return frozenset(self["protect.processes"])

    @property
    def protected_paths(self) -> tuple[str, ...]:
        return tuple(self["protect.paths"])

    @property
    def fleet_max_hosts(self) -> int:
        return int(self["fleet.max_hosts"])


class Invalid(ValueError):
    """A value of the right kind of nonsense; the message says what is wanted."""


class Spec(NamedTuple):
    """How one setting is read from the file and (optionally) from the environment."""

    default: Any
    read: Callable[[Any, Path], Any]
    env: str | None = None
    from_env: Callable[[str], Any] | None = None
    doc: str = ""


def _key(value: Any, _home: Path) -> str:
    if not isinstance(value, str) or not KEY_SPEC.fullmatch(value.strip().lower()):
        raise Invalid("must be \"alt-LETTER\", \"alt-DIGIT\" or \"ctrl-LETTER\", e.g. \"alt-n\"")
    return value.strip().lower()


def _flag(value: Any, _home: Path) -> bool:
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


def _minutes(value: Any, _home: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 24 * 60:
        raise Invalid("must be a number of minutes between 0 and 1440")
    return float(value)


def _names(value: Any, _home: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise Invalid("must be a list of process names, e.g. [\"backup-agent\"]")
    return tuple(dict.fromkeys(v.strip().lower() for v in value))


def _folders(value: Any, home: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid("must be a list of absolute paths, e.g. [\"~/scratch\"]")
    folders = []
    for raw in value:
        path = str(home) + raw[1:] if raw == "~" or raw.startswith("~/") else raw
        if not os.path.isabs(path) or "\x00" in path:
            raise Invalid(f"must be a list of absolute paths ({raw!r} is not)")
        folders.append(os.path.normpath(path))
    return tuple(dict.fromkeys(folders))


def _pager(value: Any, _home: Path) -> str:
    import shlex

    if not isinstance(value, str) or "\x00" in value:
        raise Invalid("must be a command line, e.g. \"less -R\", or \"off\"")
    try:
        shlex.split(value)
    except ValueError as error:
        raise Invalid(f"must be a command line that splits like a shell's ({error})") from None
    return value.strip()


def _host_count(value: Any, _home: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
        raise Invalid("must be a number of hosts, 1 or more")
    return value


def _env_host_count(value: str) -> int:
    count = int(value)
    if not 1 <= count <= 100_000:
        raise ValueError(value)
    return count


def _env_flag(value: str) -> bool:
    return value.strip().lower() not in _OFF


def _env_minutes(value: str) -> float:
    seconds = float(value)
    if not seconds > 0:
        raise ValueError(value)
    return seconds / 60


def _temp_folders(value: Any, home: Path) -> tuple[str, ...]:
    folders = _folders(value, home)
    for folder in folders:
        if folder == "/" or folder == str(home) or str(home).startswith(folder.rstrip("/") + "/"):
            raise Invalid(f"must name folders of their own, not / or your home ({folder})")
    return folders


SPECS: dict[str, Spec] = {
    "shell.key": Spec(DEFAULT_KEY, _key, doc="key binding of `nlsh init`"),
    "shell.command_not_found": Spec(False, _flag,
                                    doc="`nlsh init` answers sentences typed as commands"),
    "helper.enabled": Spec(True, _flag, env="NLSH_HELPER", from_env=_env_flag,
                           doc="keep the model loaded between one-shot commands"),
    "helper.idle_minutes": Spec(DEFAULT_IDLE_SECONDS / 60, _minutes, env="NLSH_HELPER_IDLE",
                                from_env=_env_minutes,
                                doc="minutes without a request before the helper exits"),
    "context.enabled": Spec(True, _flag, env="NLSH_CONTEXT", from_env=_env_flag,
                            doc="one-shots in one terminal share a ten-minute context "
                                "(\"kill it\")"),
    "pager.command": Spec("", _pager, env="NLSH_PAGER", from_env=str,
                          doc="pages answers taller than the terminal; empty: $PAGER, else "
                              "less; \"off\": never"),
    "cleanup.temp_dirs": Spec((), _temp_folders, doc="extra folders cleaned as temp folders"),
    "protect.processes": Spec((), _names, doc="extra process names nlsh never touches"),
    "protect.paths": Spec((), _folders,
                          doc="extra paths nlsh never cleans, nor anything below them"),
    "fleet.max_hosts": Spec(5, _host_count, env="NLSH_FLEET_MAX_HOSTS", from_env=_env_host_count,
                            doc="`nlsh --hosts`: acting on more hosts needs a typed 'yes' too"),
}


def config_file(paths: Paths | None = None) -> Path:
    return (paths or Paths.from_environment()).config / FILE_NAME


def load(paths: Paths | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """The effective settings; problems become warnings and leave defaults in place."""
    paths = paths or Paths.from_environment()
    environ = os.environ if environ is None else environ
    path = paths.config / FILE_NAME
    warnings: list[str] = []
    document = _read(path, warnings)
    values: dict[str, Setting] = {}
    for name, value in _flatten(document, warnings):
        spec = SPECS.get(name)
        if spec is None:
            near = difflib.get_close_matches(name, list(SPECS), n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            warnings.append(f"config: unknown key {name!r}{hint} in {path}; ignored")
            continue
        try:
            values[name] = Setting(spec.read(value, paths.home), Source.FILE, str(path))
        except Invalid as error:
            warnings.append(f"config: {name} {error}; the default "
                            f"({_shown(spec.default)}) applies")
    for name, spec in SPECS.items():
        raw = environ.get(spec.env, "") if spec.env else ""
        if spec.env and spec.from_env and raw.strip():
            try:
                values[name] = Setting(spec.from_env(raw), Source.ENV, spec.env)
            except ValueError:
                warnings.append(f"config: {spec.env}={raw!r} is not usable for {name}; ignored")
        values.setdefault(name, Setting(spec.default, Source.DEFAULT))
    return Settings(path, values, tuple(warnings))


MOST_CONFIG_BYTES = 1 << 20


def _read(path: Path, warnings: list[str]) -> Mapping[str, Any]:
    try:  # never blocks: a FIFO or a device where the file should be is not read
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return {}
    except OSError as error:
        warnings.append(f"config: cannot read {path} ({error.strerror}); defaults apply")
        return {}
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MOST_CONFIG_BYTES:
            warnings.append(f"config: {path} is not a regular file of at most 1 MiB; "
                            "defaults apply")
            return {}
        data = handle.read(MOST_CONFIG_BYTES + 1)
    import tomllib

    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        warnings.append(f"config: {path} is not UTF-8 text; defaults apply")
    except tomllib.TOMLDecodeError as error:
        warnings.append(f"config: {path} is not valid TOML ({error}); defaults apply")
    except RecursionError:
        warnings.append(f"config: {path} nests too deeply to be a config; defaults apply")
    return {}


def _flatten(document: Mapping[str, Any], warnings: list[str]) -> list[tuple[str, Any]]:
    """``("shell.key", value)`` pairs; a table where a value belongs (or the reverse) warns."""
    pairs: list[tuple[str, Any]] = []
    for section, table in document.items():
        if not isinstance(table, dict):
            if any(name.startswith(section + ".") for name in SPECS):
                warnings.append(f"config: {section} must be a table ([{section}]); ignored")
            else:
                pairs.append((section, table))
            continue
        for key, value in table.items():
            pairs.append((f"{section}.{key}", value))
    return pairs


def _shown(value: Any) -> str:
    """A value as it would be written in the file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def report(settings: Settings) -> list[str]:
    """``nlsh config``: each effective setting, as TOML, with where it came from."""
    lines = [f"# {settings.file}" + ("" if settings.file.exists() else " (not present)")]
    section = ""
    for name, setting in settings.values.items():
        table, key = name.split(".", 1)
        if table != section:
            lines.append(f"[{table}]")
            section = table
        origin = f"env {setting.origin}" if setting.source is Source.ENV else setting.source.value
        lines.append(f"# {SPECS[name].doc}")
        lines.append(f"{key} = {_shown(setting.value)}  # {origin}")
    return lines


def report_json(settings: Settings) -> dict[str, Any]:
    return {"file": str(settings.file), "exists": settings.file.exists(),
            "settings": {name: {"value": list(s.value) if isinstance(s.value, tuple) else s.value,
                                "source": s.source.value,
                                **({"env": s.origin} if s.source is Source.ENV else {})}
                         for name, s in settings.values.items()},
            "warnings": list(settings.warnings)}
