"""The intent catalog: ``nlsh/intents/*.yaml`` loaded and validated.

One file per intent, Rasa-style inline annotations in the examples::

    intent: process.kill
    summary: End processes
    changes_system: true
    slots: [process, pid, port, user, force]
    examples:
      - kill [firefox](process)
      - kill whatever is on port [8080](port)
      - stop [the backup job](process:backup)

``[span](slot)`` labels a span; ``[span](slot:value)`` also states the canonical value the
resolver must produce for it (checked on load, so annotations and resolvers never drift).
``_slots.yaml`` declares slot types; ``_out_of_scope*.yaml`` files hold negative examples.
Every problem is reported as ``file: item: what is wrong``.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from nlsh.errors import CatalogError

SLOT_TYPES = ("name", "integer", "path", "flag", "enum", "size", "days")
OUT_OF_SCOPE_PREFIX = "_out_of_scope"  # _out_of_scope.yaml, _out_of_scope_external.yaml
SLOTS_FILE = "_slots.yaml"

_ANNOTATION = re.compile(r"\[(?P<text>[^\[\]]+)\]\((?P<slot>[a-z_]+)(?::(?P<value>[^()]*))?\)")
_INTENT_NAME = re.compile(r"^[a-z]+(\.[a-z_]+)?$")


@dataclass(frozen=True)
class SlotType:
    name: str
    kind: str
    minimum: int | None = None
    maximum: int | None = None
    # enum: canonical value → phrases that mean it; name/path: sample values for augmentation
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    samples: tuple[str, ...] = ()
    # phrases that reveal this slot anywhere in a sentence (the gazetteer's list)
    cues: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "min": self.minimum, "max": self.maximum,
                "synonyms": {k: list(v) for k, v in self.synonyms.items()},
                "cues": list(self.cues)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SlotType:
        """The inverse of ``to_json`` (a built model's meta carries no ``samples``)."""
        return cls(name=str(data["name"]), kind=str(data["kind"]), minimum=data.get("min"),
                   maximum=data.get("max"),
                   synonyms={k: tuple(v) for k, v in data.get("synonyms", {}).items()},
                   cues=tuple(data.get("cues", ())))


@dataclass(frozen=True)
class Span:
    slot: str
    start: int
    end: int
    value: str | None = None  # the annotated canonical value, when stated


@dataclass(frozen=True)
class Example:
    """One annotated sentence; ``intent`` is None for an out-of-scope example."""

    text: str
    intent: str | None
    spans: tuple[Span, ...] = ()
    source: str = ""

    def span_text(self, span: Span) -> str:
        return self.text[span.start:span.end]


@dataclass(frozen=True)
class IntentSpec:
    name: str
    summary: str
    description: str
    changes_system: bool
    slots: tuple[str, ...]
    examples: tuple[Example, ...]
    path: Path


@dataclass(frozen=True)
class Catalog:
    intents: Mapping[str, IntentSpec]
    slot_types: Mapping[str, SlotType]
    out_of_scope: tuple[Example, ...]
    directory: Path

    @property
    def examples(self) -> tuple[Example, ...]:
        inside = tuple(e for spec in self.intents.values() for e in spec.examples)
        return inside + self.out_of_scope


def parse_annotated(line: str) -> tuple[str, tuple[Span, ...]]:
    """``kill [firefox](process)`` → (``kill firefox``, (Span(process, 5, 12),))."""
    text_parts: list[str] = []
    spans: list[Span] = []
    position = 0
    length = 0
    for match in _ANNOTATION.finditer(line):
        before = line[position:match.start()]
        text_parts.append(before)
        length += len(before)
        span_text = match.group("text")
        spans.append(Span(match.group("slot"), length, length + len(span_text),
                          match.group("value")))
        text_parts.append(span_text)
        length += len(span_text)
        position = match.end()
    text_parts.append(line[position:])
    return "".join(text_parts), tuple(spans)


def default_directory() -> Path:
    """The catalog shipped inside the package (``nlsh/intents``), read as a package resource.

    ``$NLSH_INTENTS_DIR`` replaces it (tests, catalog work). The package must be installed
    as files on disk (any pip, pipx or wheel install is); a zipped install is refused.
    """
    override = os.environ.get("NLSH_INTENTS_DIR")
    if override:
        return Path(override)
    from importlib.resources import files

    shipped = files("nlsh") / "intents"
    if isinstance(shipped, Path) and (shipped / SLOTS_FILE).is_file():
        return shipped
    raise CatalogError(f"intent catalog not found in the installed package (looked in {shipped})")


def catalog_files(directory: Path, extra: Path | None = None) -> list[Path]:
    files = sorted(directory.glob("*.yaml"))
    if extra is not None:
        files += user_files(directory, extra)
    return files


@cache
def user_files(directory: Path, extra: Path) -> tuple[Path, ...]:
    """The user's extra example files in ``extra`` that load.

    A broken one (not YAML, an unknown intent, a bad annotation, unreadable) is skipped
    with one warning line on stderr: it never stops nlsh, and it is not part of the
    model's key, so fixing or removing it is what triggers a rebuild. Checking reads
    only the slot types and the intents the files name (this runs on every request).
    """
    try:
        paths = sorted(p for p in extra.glob("*.yaml"))
    except OSError:
        return ()
    if not paths:
        return ()
    import yaml

    slot_types = _load_slot_types(directory / SLOTS_FILE,
                                  _read_yaml(yaml, directory / SLOTS_FILE))
    known = sorted(p.stem for p in directory.glob("*.yaml") if not p.name.startswith("_"))

    def slots_of(name: str) -> tuple[str, ...] | None:
        if name not in known:
            return None
        document = _read_yaml(yaml, directory / f"{name}.yaml")
        slots = document.get("slots") if isinstance(document, dict) else None
        return tuple(slots or ())

    usable: list[Path] = []
    for path in paths:
        try:
            _user_examples(path, yaml, slots_of, known, slot_types)
        except CatalogError as error:
            _warn(f"skipped your intents file ({error})")
            continue
        usable.append(path)
    return tuple(usable)


def _warn(message: str) -> None:
    from nlsh.render.safe import printable

    sys.stderr.write(f"nlsh: warning: {printable(message)}\n")
    sys.stderr.flush()


def plugin_catalogs() -> tuple[Path, ...]:
    """The catalog folders of the installed plugins (``nlsh/plugins.py``; no plugin code)."""
    from nlsh.plugins import catalogs

    return catalogs()


def fingerprint(directory: Path, extra: Path | None = None,
                plugins: tuple[Path, ...] = ()) -> str:
    """A hash of the catalog's bytes: cheap enough to check on every run (no YAML parsing).

    Names, not locations, go in: the same catalog installed elsewhere has the same key.
    """
    digest = hashlib.sha256()
    named = [(path.name, path) for path in catalog_files(directory, extra)]
    for folder in plugins:
        named += [(f"{folder.parent.name}/{path.name}", path)
                  for path in sorted(folder.glob("*.yaml"))]
    for name, path in named:
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


@cache
def load_catalog(directory: Path | None = None, extra: Path | None = None,
                 plugins: tuple[Path, ...] | None = None) -> Catalog:
    """Load and validate the catalog (plus the user's extra examples in ``extra``, and the
    catalogs of ``plugins``: the installed plugins' when None and ``directory`` is too)."""
    import yaml

    if plugins is None:
        plugins = plugin_catalogs() if directory is None else ()
    directory = directory or default_directory()
    slot_types = _load_slot_types(directory / SLOTS_FILE, _read_yaml(yaml, directory / SLOTS_FILE))
    intents: dict[str, IntentSpec] = {}
    out_of_scope: list[Example] = []
    for path in catalog_files(directory):
        if path.name == SLOTS_FILE:
            continue
        document = _read_yaml(yaml, path)
        if path.name.startswith(OUT_OF_SCOPE_PREFIX):
            out_of_scope.extend(_load_examples(path, document, None, (), slot_types))
            continue
        spec = _load_intent(path, document, slot_types)
        if spec.name in intents:
            raise CatalogError(f"{path}: intent {spec.name!r} is also defined in "
                               f"{intents[spec.name].path}")
        intents[spec.name] = spec
    for folder in plugins:
        _add_plugin_catalog(yaml, folder, slot_types, intents, out_of_scope)
    if extra is not None:
        from dataclasses import replace

        def slots_of(name: str) -> tuple[str, ...] | None:
            return intents[name].slots if name in intents else None

        for path in user_files(directory, extra):
            name, added = _user_examples(path, yaml, slots_of, sorted(intents), slot_types)
            if name is None:
                out_of_scope.extend(added)
            else:
                intents[name] = replace(intents[name],
                                        examples=intents[name].examples + tuple(added))
    return Catalog(intents=intents, slot_types=slot_types, out_of_scope=tuple(out_of_scope),
                   directory=directory)


def _add_plugin_catalog(yaml: Any, folder: Path, slot_types: dict[str, SlotType],
                        intents: dict[str, IntentSpec], out_of_scope: list[Example]) -> None:
    """Add one plugin's catalog, all or nothing; a broken one is skipped with one warning.

    A plugin may declare new slot types in its own ``_slots.yaml``, never redefine one.
    """
    try:
        types = dict(slot_types)
        if (folder / SLOTS_FILE).is_file():
            added = _load_slot_types(folder / SLOTS_FILE, _read_yaml(yaml, folder / SLOTS_FILE))
            for name in added:
                _require(name not in slot_types, folder / SLOTS_FILE, f"slots.{name}",
                         "redefines a slot type nlsh already has")
            types.update(added)
        found: dict[str, IntentSpec] = {}
        negatives: list[Example] = []
        for path in sorted(folder.glob("*.yaml")):
            if path.name == SLOTS_FILE:
                continue
            document = _read_yaml(yaml, path)
            if path.name.startswith(OUT_OF_SCOPE_PREFIX):
                negatives.extend(_load_examples(path, document, None, (), types))
                continue
            spec = _load_intent(path, document, types)
            _require(spec.name not in intents and spec.name not in found, path, "intent",
                     f"{spec.name!r} is already defined")
            found[spec.name] = spec
    except CatalogError as error:
        _warn(f"skipped a plugin's catalog ({error})")
        return
    slot_types.update(types)
    intents.update(found)
    out_of_scope.extend(negatives)


def describe_intent(intent: str | None) -> str:
    """A short human label for an intent (used when asking the user to choose)."""
    if intent is None:
        return "something else"
    try:
        spec = load_catalog().intents.get(intent)
    except CatalogError:
        spec = None
    return f"{spec.summary} ({intent})" if spec else intent


# ── validation ─────────────────────────────────────────────────────────────


def _read_yaml(yaml: Any, path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            # libyaml's loader when present: about ten times faster (user files are
            # checked on every request).
            return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as error:
        raise CatalogError(f"{path}: cannot read ({error.strerror or error})") from None
    except yaml.YAMLError as error:
        raise CatalogError(f"{path}: not valid YAML: {error}".replace("\n", " ")) from None


def _require(condition: bool, path: Path, item: str, problem: str) -> None:
    if not condition:
        raise CatalogError(f"{path}: {item}: {problem}")


def _load_slot_types(path: Path, document: Any) -> dict[str, SlotType]:
    _require(isinstance(document, dict) and isinstance(document.get("slots"), dict), path,
             "slots", "expected a mapping 'slots:' of slot name to its type")
    types: dict[str, SlotType] = {}
    for name, body in document["slots"].items():
        item = f"slots.{name}"
        _require(isinstance(body, dict), path, item, "expected a mapping with 'type'")
        kind = body.get("type")
        _require(kind in SLOT_TYPES, path, item,
                 f"type must be one of {', '.join(SLOT_TYPES)} (got {kind!r})")
        unknown = set(body) - {"type", "min", "max", "values", "samples", "description",
                               "cues", "weak"}
        _require(not unknown, path, item, f"unknown key(s) {', '.join(sorted(unknown))}")
        synonyms: dict[str, tuple[str, ...]] = {}
        if kind == "enum":
            values = body.get("values")
            _require(isinstance(values, dict) and bool(values), path, item,
                     "an enum needs 'values:' mapping each canonical value to its phrases")
            for canonical, phrases in values.items():
                _require(isinstance(phrases, list) and all(isinstance(p, str) for p in phrases),
                         path, f"{item}.values.{canonical}", "expected a list of phrases")
                synonyms[str(canonical)] = tuple(p.lower() for p in phrases)
        samples = body.get("samples", [])
        _require(isinstance(samples, list), path, f"{item}.samples", "expected a list")
        weak = body.get("weak", [])
        _require((isinstance(weak, list) and kind == "enum") or not weak, path, f"{item}.weak",
                 "only an enum has weak phrases (a list)")
        cues = body.get("cues", [])
        _require((isinstance(cues, list) and kind == "flag") or not cues, path, f"{item}.cues",
                 "only a flag has cues (a list); an enum's cues are its phrases")
        if kind == "enum":
            weak_set = {str(w).lower() for w in weak}
            cues = [p for canonical, phrases in synonyms.items()
                    for p in (canonical, *phrases) if p not in weak_set]
        types[name] = SlotType(name=name, kind=kind, minimum=body.get("min"),
                               maximum=body.get("max"), synonyms=synonyms,
                               samples=tuple(str(s) for s in samples),
                               cues=tuple(str(c).lower() for c in cues))
    return types


def _load_intent(path: Path, document: Any, slot_types: Mapping[str, SlotType]) -> IntentSpec:
    _require(isinstance(document, dict), path, "file", "expected a mapping with 'intent:'")
    unknown = set(document) - {"intent", "summary", "description", "changes_system", "slots",
                               "examples"}
    _require(not unknown, path, "file", f"unknown key(s) {', '.join(sorted(unknown))}")
    name = document.get("intent")
    _require(isinstance(name, str) and bool(_INTENT_NAME.match(name)), path, "intent",
             f"expected a name like 'process.kill' (got {name!r})")
    _require(path.stem == name, path, "intent", f"the file must be named {name}.yaml")
    summary = document.get("summary")
    _require(isinstance(summary, str) and bool(summary.strip()), path, "summary",
             "expected a one-line summary")
    slots = document.get("slots") or []
    _require(isinstance(slots, list), path, "slots", "expected a list of slot names")
    for slot in slots:
        _require(slot in slot_types, path, f"slots: {slot}",
                 f"unknown slot type (declared: {', '.join(sorted(slot_types))})")
    changes = document.get("changes_system", False)
    _require(isinstance(changes, bool), path, "changes_system", "expected true or false")
    examples = _load_examples(path, document, name, tuple(slots), slot_types)
    return IntentSpec(name=name, summary=summary.strip(),
                      description=str(document.get("description") or "").strip(),
                      changes_system=changes, slots=tuple(slots), examples=tuple(examples),
                      path=path)


def _load_examples(path: Path, document: Any, intent: str | None, allowed: tuple[str, ...],
                   slot_types: Mapping[str, SlotType]) -> list[Example]:
    from nlsh.language.resolve import ResolutionError, resolve

    _require(isinstance(document, dict), path, "file", "expected a mapping with 'examples:'")
    lines = document.get("examples")
    _require(isinstance(lines, list) and bool(lines), path, "examples",
             "expected a non-empty list of sentences")
    examples: list[Example] = []
    seen: set[str] = set()
    for index, line in enumerate(lines):
        item = f"examples[{index}]"
        _require(isinstance(line, str) and bool(line.strip()), path, item,
                 f"expected a sentence (got {line!r})")
        _require(line.count("[") == line.count("]") == len(_ANNOTATION.findall(line)), path,
                 f"{item} {line!r}", "malformed annotation; write [text](slot) or "
                 "[text](slot:value)")
        text, spans = parse_annotated(line.strip())
        key = text.lower()
        _require(key not in seen, path, f"{item} {text!r}", "duplicate example")
        seen.add(key)
        for span in spans:
            _require(span.slot in slot_types, path, f"{item} {line!r}",
                     f"unknown slot {span.slot!r}")
            _require(intent is not None, path, f"{item} {line!r}",
                     "out-of-scope examples carry no slots")
            _require(span.slot in allowed, path, f"{item} {line!r}",
                     f"slot {span.slot!r} is not declared for {intent} (declared: "
                     f"{', '.join(allowed) or 'none'})")
            try:
                value = resolve(slot_types[span.slot], text[span.start:span.end])
            except ResolutionError as error:
                raise CatalogError(f"{path}: {item} {line!r}: {error}") from None
            if span.value is not None:
                _require(str(value).lower() == span.value.lower(), path, f"{item} {line!r}",
                         f"{span.slot} resolves to {value!r}, but the annotation says "
                         f"{span.value!r}")
        examples.append(Example(text=text, intent=intent, spans=spans,
                                source=f"{path.name}:{index}"))
    return examples


def _user_examples(path: Path, yaml: Any, slots_of: Callable[[str], tuple[str, ...] | None],
                   known: list[str], slot_types: Mapping[str, SlotType],
                   ) -> tuple[str | None, list[Example]]:
    """The intent (None: out of scope) and the extra sentences of one user file."""
    document = _read_yaml(yaml, path)
    _require(isinstance(document, dict), path, "file", "expected a mapping with 'intent:'")
    name = document.get("intent")
    if name in (None, "out_of_scope"):
        return None, _load_examples(path, document, None, (), slot_types)
    slots = slots_of(name) if isinstance(name, str) else None
    _require(slots is not None, path, "intent",
             f"{name!r} is not a catalog intent (known: {', '.join(known)})")
    assert slots is not None and isinstance(name, str)
    return name, _load_examples(path, document, name, slots, slot_types)


def unique_texts(examples: Iterable[Example]) -> set[str]:
    return {e.text.lower() for e in examples}
