"""The fact view (help.explain): the answer is the message; this shows what to try next."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import RenderableType
from rich.text import Text

from nlsh.render.safe import text


def fact_view(result: Mapping[str, Any]) -> RenderableType:
    sentence = result.get("try")
    if not sentence:
        return Text("")
    return Text.assemble(("try: ", "dim"), text(str(sentence)))
