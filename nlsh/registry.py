"""What nlsh can do, as typed definitions: intents, verbs and views.

Core capabilities (``nlsh/builtin.py``) and plugins (``nlsh/plugins.py``) are defined the
same way. Code is referenced by *loaders*: small functions that import their module only
when called, so a one-shot request imports only what its intent needs, while the type
checker sees every import and signature (no ``"module:attr"`` strings).

Safety travels with the verb: a verb names the kind of target it acts on and the policy
rule that checks it. A verb without a checker cannot be registered, and no definition can
replace one already registered (a plugin cannot lift a core protection).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nlsh.errors import NlshError

if TYPE_CHECKING:
    from rich.console import RenderableType

    from nlsh.context import Context
    from nlsh.stages import Answer, Parse, Plan, Reply, Step, StepResult

    Handler = Callable[[Parse, Context], Answer | Plan | Reply]
    Executor = Callable[[Step, Context], StepResult]
    Settler = Callable[[list[StepResult], Context], tuple[list[StepResult], Plan | None]]
    Rule = Callable[[Plan, Context], Plan | Reply]
    View = Callable[[Mapping[str, Any]], RenderableType]




class RegistryError(NlshError):
    """A definition that cannot be registered (no checker, a duplicate name, a bad field)."""


@dataclass(frozen=True)
class IntentDefinition:
    """One catalog intent: the code that answers or plans it, and whether it may change
    the system (a plan from an intent that does not is refused by the pipeline)."""

    name: str
    handler: Callable[[], Handler]
    changes_system: bool

    def __post_init__(self) -> None:
        _require(isinstance(self.name, str) and bool(self.name), f"intent {self.name!r}",
                 "needs a name")
        _require(callable(self.handler), f"intent {self.name!r}", "needs a handler loader")
        _require(isinstance(self.changes_system, bool), f"intent {self.name!r}",
                 "changes_system must be true or false")


@dataclass(frozen=True)
class NothingToCheck:
    """The checker of a verb that acts on nothing (it never runs anything); says why."""

    reason: str


@dataclass(frozen=True)
class Inverse:
    """The step that reverses a step of a verb, run by ``nlsh undo`` when nlsh died while
    that step was in flight (so it may or may not have been done): it must be harmless
    either way (resume continues only a paused process, only the one the step named)."""

    verb: str
    detail: str


@dataclass(frozen=True)
class VerbDefinition:
    """One executor verb: what it acts on, what checks it, what runs it.

    ``target`` is the kind of ``Step.target`` the verb accepts (None: the step acts on
    nothing), which is also the verb's JSON codec: ``to_json`` for ``--json`` and the
    journal, ``from_json`` to read it back. ``checker`` is the policy rule that checks such
    steps; it runs on every plan that uses the verb. ``settler`` finishes the work once for
    the whole plan (wait for terminated processes together). Undo: the executor returns,
    in ``StepResult.undo``, the JSON of the step that reverses it; ``nlsh undo`` decodes it
    with the target kind of that step's verb, which must be registered too.
    ``inverse_when_unsure`` is what undo runs for a step nlsh may not have finished.
    """

    name: str
    target: type | None
    executor: Callable[[], Executor]
    checker: Callable[[], Rule] | NothingToCheck
    settler: Callable[[], Settler] | None = None
    inverse_when_unsure: Inverse | None = None

    def __post_init__(self) -> None:
        item = f"verb {self.name!r}"
        _require(isinstance(self.name, str) and bool(self.name), item, "needs a name")
        _require(callable(self.executor), item, "needs an executor loader")
        checker: object = self.checker
        _require(checker is not None and (callable(checker) or isinstance(checker,
                                                                          NothingToCheck)),
                 item, "has no policy checker; a verb nothing checks cannot be registered")
        _require(not isinstance(checker, NothingToCheck) or self.target is None, item,
                 "acts on a target, so it needs a policy checker")
        _require(self.target is None or (callable(getattr(self.target, "to_json", None))
                                         and callable(getattr(self.target, "from_json", None))),
                 item, "needs a target kind with to_json and from_json (its JSON codec)")
        _require(self.settler is None or callable(self.settler), item,
                 "settler must be a loader")
        _require(self.inverse_when_unsure is None
                 or isinstance(self.inverse_when_unsure, Inverse), item,
                 "inverse_when_unsure must be an Inverse")


@dataclass(frozen=True)
class ViewDefinition:
    """How an ``Answer`` of one ``kind`` is shown."""

    kind: str
    view: Callable[[], View]

    def __post_init__(self) -> None:
        _require(callable(self.view), f"view {self.kind!r}", "needs a view loader")


@dataclass
class Registry:
    """Every registered intent, verb and view, by name."""

    intents: dict[str, IntentDefinition] = field(default_factory=dict)
    verbs: dict[str, VerbDefinition] = field(default_factory=dict)
    views: dict[str, ViewDefinition] = field(default_factory=dict)

    def add(self, definition: IntentDefinition | VerbDefinition | ViewDefinition) -> None:
        """Register one definition; RegistryError for a duplicate or an unchecked verb."""
        if isinstance(definition, IntentDefinition):
            _require(definition.name not in self.intents, f"intent {definition.name!r}",
                     "is already registered")
            self.intents[definition.name] = definition
        elif isinstance(definition, VerbDefinition):
            _require(definition.name not in self.verbs, f"verb {definition.name!r}",
                     "is already registered")
            self.verbs[definition.name] = definition
        elif isinstance(definition, ViewDefinition):
            _require(definition.kind not in self.views, f"view {definition.kind!r}",
                     "is already registered")
            self.views[definition.kind] = definition
        else:
            raise RegistryError(f"not a definition: {definition!r}")

    def add_all(self, definitions: tuple[IntentDefinition | VerbDefinition | ViewDefinition,
                                         ...]) -> None:
        """Register all of ``definitions`` or, on the first problem, none of them."""
        trial = Registry(dict(self.intents), dict(self.verbs), dict(self.views))
        for definition in definitions:
            trial.add(definition)
        for verb in trial.verbs.values():
            inverse = verb.inverse_when_unsure
            _require(inverse is None or inverse.verb in trial.verbs, f"verb {verb.name!r}",
                     f"names an inverse verb nobody registered ({inverse and inverse.verb!r})")
        self.intents, self.verbs, self.views = trial.intents, trial.verbs, trial.views


def _require(condition: bool, item: str, problem: str) -> None:
    if not condition:
        raise RegistryError(f"{item} {problem}")
