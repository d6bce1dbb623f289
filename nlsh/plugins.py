"""Plugins: packages that add intents, verbs and views through the ``nlsh.plugins`` entry
point group (``docs/plugins.md``).

Finding plugins imports no plugin code: an entry point ``name = "package.module:PLUGIN"``
is read from the installed metadata, and the plugin's catalog is the ``intents/`` folder
of its top-level package, located without importing it. The catalog goes into the model
(and its key), so installing a plugin rebuilds the model once. The plugin's module is
imported only when one of its intents was understood (or one of its verbs must run, as
in an undo); it must hold a :class:`Plugin`. A plugin that cannot be found, imported or
registered is skipped with one warning line, never a traceback.

Reading entry points costs ``importlib.metadata`` (tens of ms), too much for every
one-shot request, so the list is cached in the model cache under a key made of the
import path's directories and their modification times (installing or removing a package
changes its site-packages directory). ``NLSH_PLUGINS=off`` ignores every plugin.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from nlsh.registry import IntentDefinition, Registry, VerbDefinition, ViewDefinition

GROUP = "nlsh.plugins"
CATALOG_FOLDER = "intents"

Definition = IntentDefinition | VerbDefinition | ViewDefinition


@dataclass(frozen=True)
class Plugin:
    """What a plugin's entry point names: its definitions (loaders, no heavy imports)."""

    definitions: tuple[Definition, ...]
    description: str = ""


@dataclass(frozen=True)
class InstalledPlugin:
    """A plugin as the package metadata describes it; none of its code imported."""

    name: str
    reference: str  # "package.module:attribute"
    distribution: str
    version: str
    catalog: Path | None  # the package's intents/ folder, when it has one

    @property
    def intents(self) -> tuple[str, ...]:
        if self.catalog is None:
            return ()
        return tuple(sorted(p.stem for p in self.catalog.glob("*.yaml")
                            if not p.name.startswith("_")))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "reference": self.reference,
                "distribution": self.distribution, "version": self.version,
                "catalog": None if self.catalog is None else str(self.catalog)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InstalledPlugin:
        catalog = data.get("catalog")
        return cls(name=str(data["name"]), reference=str(data["reference"]),
                   distribution=str(data["distribution"]), version=str(data["version"]),
                   catalog=None if catalog is None else Path(catalog))


def enabled() -> bool:
    return os.environ.get("NLSH_PLUGINS", "on").strip().lower() not in ("off", "0", "no")


@cache
def installed() -> tuple[InstalledPlugin, ...]:
    """Every usable plugin installed in this environment (none with ``NLSH_PLUGINS=off``).

    One that cannot be found is left out with one warning line, on every run.
    """
    if not enabled():
        return ()
    found, problems = _entries()
    for problem in problems:
        warn(problem)
    return found


def _entries() -> tuple[tuple[InstalledPlugin, ...], list[str]]:
    """The plugins and the problems of those left out, from the cache or a scan."""
    cached = _cache_file(_path_key())
    if cached is not None:
        try:
            data = json.loads(cached.read_text())
            return (tuple(InstalledPlugin.from_json(d) for d in data["plugins"]),
                    [str(p) for p in data["problems"]])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    try:
        found, problems = _scan()
    except Exception as error:  # unreadable package metadata: run without plugins
        return (), [f"skipped every plugin: the installed packages' metadata cannot be read "
                    f"({type(error).__name__}: {error})"]
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            staging = cached.with_name(f".{cached.name}.{os.getpid()}")
            staging.write_text(json.dumps({"plugins": [p.to_json() for p in found],
                                           "problems": problems}))
            os.replace(staging, cached)
        except OSError:
            pass  # an unwritable cache costs a scan next time
    return found, problems


def catalogs() -> tuple[Path, ...]:
    """The catalog folders of the installed plugins, in a stable order."""
    return tuple(p.catalog for p in installed() if p.catalog is not None)


def owner_of_intent(intent: str) -> InstalledPlugin | None:
    return next((p for p in installed() if intent in p.intents), None)


def _path_key() -> str:
    digest = hashlib.sha256()
    for entry in sys.path:
        try:
            mtime = os.stat(entry or ".").st_mtime_ns
        except OSError:
            mtime = 0
        digest.update(f"{entry}\0{mtime}\0".encode())
    return digest.hexdigest()[:16]


def _cache_file(key: str) -> Path | None:
    from nlsh.paths import Paths

    try:
        return Paths.from_environment().models / f"plugins-{key}.json"
    except (OSError, KeyError, RuntimeError):
        return None


def _scan() -> tuple[tuple[InstalledPlugin, ...], list[str]]:
    from importlib.metadata import entry_points

    found: dict[str, InstalledPlugin] = {}
    problems: list[str] = []
    for point in entry_points(group=GROUP):
        if point.name in found:
            continue  # the first on the import path wins, as for imports
        distribution = getattr(point, "dist", None)
        try:
            catalog = _catalog_of(point.value)
        except Exception as error:  # whatever a broken install raises: skip, never a traceback
            problems.append(f"skipped plugin {point.name!r} ({point.value}): {error}")
            continue
        found[point.name] = InstalledPlugin(
            name=point.name, reference=point.value,
            distribution=getattr(distribution, "name", "") or point.name,
            version=getattr(distribution, "version", "") or "", catalog=catalog)
    return tuple(found[name] for name in sorted(found)), problems


def _catalog_of(reference: str) -> Path | None:
    """``<top package>/intents`` for ``reference``, found without importing the package."""
    import importlib.util

    module, _, attribute = reference.partition(":")
    if not module or not attribute:
        raise ValueError("the entry point must be 'package.module:attribute'")
    spec = importlib.util.find_spec(module.split(".")[0])
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"package {module.split('.')[0]!r} is not installed")
    for location in spec.submodule_search_locations:
        folder = Path(location) / CATALOG_FOLDER
        if folder.is_dir():
            return folder
    return None


def warn(message: str) -> None:
    from nlsh.render.safe import printable

    sys.stderr.write(f"nlsh: warning: {printable(message)}\n")
    sys.stderr.flush()


# ── loading plugin code (only when needed) ─────────────────────────────────


_loaded: dict[tuple[int, str], bool] = {}  # (registry, plugin) → loaded


def _check_against_catalog(definition: IntentDefinition, plugin: InstalledPlugin) -> None:
    """An intent's definition and its catalog file agree on whether it changes the system
    (the definition is what the pipeline enforces; the file is what help and docs show)."""
    if plugin.catalog is None or definition.name not in plugin.intents:
        raise ValueError(f"intent {definition.name!r} has no file in its catalog")
    import yaml

    path = plugin.catalog / f"{definition.name}.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    declared = document.get("changes_system", False) if isinstance(document, dict) else None
    if declared is not definition.changes_system:
        raise ValueError(f"intent {definition.name!r}: changes_system is "
                         f"{definition.changes_system} in the code but {declared} in {path}")


def load_into(registry: Registry, plugin: InstalledPlugin) -> bool:
    """Import ``plugin`` and register its definitions; False (one warning) if it is broken."""
    tried = (id(registry), plugin.name)
    if tried in _loaded:
        return _loaded[tried]
    ok = False
    try:
        import importlib

        module_name, _, attribute = plugin.reference.partition(":")
        manifest = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(manifest, Plugin):
            raise TypeError(f"{plugin.reference} is not an nlsh.plugins.Plugin")
        for definition in manifest.definitions:
            if isinstance(definition, IntentDefinition):
                _check_against_catalog(definition, plugin)
        registry.add_all(manifest.definitions)
        ok = True
    except Exception as error:  # a plugin's bug must never become nlsh's traceback
        warn(f"skipped plugin {plugin.name!r} ({plugin.distribution}): "
             f"{type(error).__name__}: {error}")
    _loaded[tried] = ok
    return ok
