"""help.explain: a short factual answer to a why/how question in nlsh's domain.

The answers are a small built-in set (``facts.yaml`` beside this module), matched by
their words, never generated. A question no fact answers gets the out-of-scope reply:
nlsh says it cannot answer that yet rather than give an unrelated answer.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from nlsh.context import Context
from nlsh.stages import Answer, Parse, Reply, Status

CANNOT = ("nlsh can't answer that yet: it knows short answers about zombies, signals, "
          "swap, memory, disk space, ports and busy mounts; type 'help' for what it can do")


@dataclass(frozen=True)
class Fact:
    topic: str
    match: tuple[tuple[str, ...], ...]
    answer: str
    sentence: str | None  # what to say to nlsh to act on or see the matter

    def groups_matched(self, question: str) -> int | None:
        """How many groups the question matches; None unless every group does."""
        for group in self.match:
            if not any(_phrase(phrase).search(question) for phrase in group):
                return None
        return len(self.match)


@functools.cache
def _phrase(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(w) for w in phrase.lower().split())
    return re.compile(rf"(?<![\w-]){words}(?![\w])")


@functools.cache
def facts() -> tuple[Fact, ...]:
    import yaml

    data = yaml.safe_load(resources.files("nlsh.answers").joinpath("facts.yaml").read_text())
    return tuple(Fact(topic=str(f["topic"]),
                      match=tuple(tuple(str(p) for p in group) for group in f["match"]),
                      answer=" ".join(str(f["answer"]).split()),
                      sentence=f.get("try")) for f in data["facts"])


def fact_for(question: str) -> Fact | None:
    """The fact that answers ``question``: every group matched, the most groups first."""
    lowered = " ".join(question.lower().replace("’", "'").split())
    best: tuple[int, Fact] | None = None
    for fact in facts():
        matched = fact.groups_matched(lowered)
        if matched is not None and (best is None or matched > best[0]):
            best = (matched, fact)
    return best[1] if best else None


def explain(parse: Parse, ctx: Context) -> Answer | Reply:
    fact = fact_for(parse.text)
    if fact is None:
        return Reply(Status.OUT_OF_SCOPE, CANNOT)
    result: dict[str, Any] = {"topic": fact.topic, "question": parse.text,
                              "answer": fact.answer, "try": fact.sentence}
    return Answer(kind="fact", message=fact.answer, result=result)
