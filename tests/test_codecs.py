"""Every ``from_json`` is the inverse of the ``to_json`` beside it (hypothesis).

These are the JSON forms nlsh reads back: steps and their targets from the journal (undo,
recovery), slot types from a built model's meta, the plugin list from its cache. For each,
decoding what was encoded gives the value back (fields the JSON leaves out by design, such
as a process's parent pid, are left at their defaults in the generated values), and
encoding again gives the same JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlsh.language.catalog import SLOT_TYPES, SlotType
from nlsh.plugins import InstalledPlugin
from nlsh.stages import (
    LIMIT_QUANTITIES,
    Alternative,
    Choice,
    Exclusion,
    FileRef,
    Limit,
    Operators,
    ProcessRef,
    SlotSpan,
    Step,
    StepResult,
    StepStatus,
)

words = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
names = st.text(st.characters(whitelist_categories=("Ll", "Nd")), min_size=1, max_size=12)
sizes = st.integers(min_value=0, max_value=2**62)

processes = st.builds(
    ProcessRef, pid=st.integers(1, 4194304),
    create_time=st.floats(0, 4e9, allow_nan=False, allow_infinity=False), name=words,
    username=st.none() | names, cmdline=st.lists(words, max_size=4).map(tuple),
    rss=st.none() | sizes, uss=st.none() | sizes)
# A file step's params carry the device and inode that pin the file (as planners write them).
files = st.builds(FileRef, path=words.map(lambda w: "/tmp/" + w), size=sizes,
                  is_dir=st.booleans(), device=st.integers(0, 2**32),
                  inode=st.integers(0, 2**40))


@st.composite
def steps(draw: st.DrawFn) -> Step:
    target = draw(st.none() | processes | files)
    params = draw(st.dictionaries(names.filter(lambda n: n not in ("device", "inode")),
                                  st.integers() | words, max_size=3))
    if isinstance(target, FileRef):
        params = {**params, "device": target.device, "inode": target.inode}
    return Step(action=draw(names), target=target, detail=draw(words), params=params,
                group=draw(st.none() | words), needs_root=draw(st.booleans()))


def _through_text(data: object) -> object:
    """What the journal gives back: the JSON as written and read."""
    return json.loads(json.dumps(data))


@given(processes)
def test_a_process_target_round_trips(ref: ProcessRef) -> None:
    encoded = _through_text(ref.to_json())
    assert ProcessRef.from_json(encoded) == ref  # type: ignore[arg-type]


@given(steps())
def test_a_step_round_trips_through_the_journal(step: Step) -> None:
    encoded = _through_text(step.to_json())
    decoded = Step.from_json(encoded)  # type: ignore[arg-type]
    assert decoded == step
    assert decoded.to_json() == encoded


slot_types = st.builds(
    SlotType, name=names, kind=st.sampled_from(SLOT_TYPES),
    minimum=st.none() | st.integers(-10, 10), maximum=st.none() | st.integers(10, 10**6),
    synonyms=st.dictionaries(names, st.lists(words, max_size=3).map(tuple), max_size=3),
    cues=st.lists(words, max_size=3).map(tuple))


@given(slot_types)
def test_a_slot_type_round_trips_through_the_model_meta(slot_type: SlotType) -> None:
    encoded = _through_text(slot_type.to_json())
    assert SlotType.from_json(encoded) == slot_type  # type: ignore[arg-type]


plugins = st.builds(InstalledPlugin, name=names, reference=names.map(lambda n: f"{n}.m:P"),
                    distribution=names, version=names,
                    catalog=st.none() | names.map(lambda n: Path("/site") / n / "intents"))


@given(plugins)
def test_an_installed_plugin_round_trips_through_its_cache(plugin: InstalledPlugin) -> None:
    encoded = _through_text(plugin.to_json())
    assert InstalledPlugin.from_json(encoded) == plugin  # type: ignore[arg-type]


@given(names, st.integers(0, 2**40), names, st.integers(1, 99), words)
def test_a_plugin_target_decodes_itself_as_its_verb_declares(session_number: str,
                                                             created: int, name: str,
                                                             windows: int, detail: str) -> None:
    sessions = pytest.importorskip("nlsh_tmux.sessions")
    session = sessions.TmuxSession(f"${session_number}", created, name, windows)
    step = Step(action="tmux_kill_session", target=session, detail=detail)
    encoded = _through_text(step.to_json())
    decoded = Step.from_json(encoded, sessions.TmuxSession)  # type: ignore[arg-type]
    assert decoded == step
    assert decoded.to_json() == encoded


slot_values = st.none() | st.integers(-10**6, 10**6) | words | st.booleans()
confidences = st.integers(0, 10000).map(lambda n: n / 10000)  # as to_json rounds them
alternatives = st.builds(Alternative, intent=st.none() | names, confidence=confidences)
spans = st.builds(SlotSpan, slot=names, text=words, start=st.integers(0, 999),
                  end=st.integers(0, 999), value=slot_values, problem=st.none() | names,
                  rejected=st.booleans())
exclusions = st.builds(Exclusion, kind=st.sampled_from(("pid", "process", "user", "port",
                                                        "path", "cleaner")),
                       value=st.integers(1, 65535) | names, text=words)
limits = st.builds(Limit, quantity=st.sampled_from(LIMIT_QUANTITIES),
                   op=st.sampled_from((">", ">=", "<", "<=")),
                   value=st.floats(0, 1e15, allow_nan=False), text=words)
operators = st.builds(Operators, negated=st.booleans(), question=st.booleans(),
                      also=st.lists(st.tuples(names, st.integers(1, 99) | names),
                                    max_size=3).map(tuple),
                      exclusions=st.lists(exclusions, max_size=3).map(tuple),
                      limits=st.lists(limits, max_size=2).map(tuple),
                      named=st.lists(names, max_size=3).map(tuple))
choices = st.builds(Choice, label=words, sentence=words, intent=st.none() | names,
                    confidence=st.none() | confidences)
results = st.builds(StepResult, step=steps(), status=st.sampled_from(StepStatus),
                    message=words)


@given(st.one_of(alternatives, spans, exclusions, limits, operators, choices, results))
def test_what_json_output_carries_round_trips(value: object) -> None:
    kind = type(value)
    encoded = _through_text(value.to_json())  # type: ignore[attr-defined]
    decoded = kind.from_json(encoded)  # type: ignore[attr-defined]
    assert decoded == value
    assert decoded.to_json() == encoded
