"""Look-alike names: a process whose name imitates another (a Cyrillic letter among Latin
ones) is flagged in the plan and in "did you mean", never offered silently."""

from __future__ import annotations

import json
import uuid

import pytest

from nlsh.stages import Status
from nlsh.system.lookalike import look_alike
from tests.conftest import run_nlsh
from tests.support.processes import Children, request

pytestmark = pytest.mark.usefixtures("pipeline_rules")

CYRILLIC_IE = "\u0435"  # "е", drawn like a Latin "e"


@pytest.fixture
def impostor(children: Children) -> tuple[str, str]:
    """A running process whose name looks like the plain name it returns with it."""
    plain = f"nlshtest{uuid.uuid4().hex[:4]}"
    fake = plain.replace("e", CYRILLIC_IE, 1)
    children.program(fake, "ready()\nimport time\ntime.sleep(300)")
    return plain, fake


@pytest.mark.parametrize(("name", "flagged"), [
    ("f\u0456refox", "mixes Cyrillic and Latin letters; it looks like 'firefox' but is not"),
    ("\uff46irefox", "holds characters that imitate others; it looks like 'firefox' but is not"),
    ("firefox", None), ("naïve-cache", None), ("日本語アプリ", None), ("python3.11", None),
])
def test_look_alike_names_are_told_from_plain_ones(name: str, flagged: str | None) -> None:
    assert look_alike(name) == flagged


def test_did_you_mean_never_offers_a_look_alike_silently(impostor: tuple[str, str]) -> None:
    plain, fake = impostor
    response = request("process.kill", dry_run=True, process=plain)
    assert response.status is Status.CLARIFY
    assert f"did you mean {fake} (careful: mixes Cyrillic and Latin letters; it looks like " \
           f"'{plain}' but is not)" in response.message
    run = run_nlsh("--dry-run", "--json", f"pkill {plain}")
    assert "careful: mixes Cyrillic and Latin letters" in json.loads(run.stdout)["message"]


def test_a_plan_on_a_look_alike_says_what_it_imitates(impostor: tuple[str, str]) -> None:
    plain, fake = impostor
    response = request("process.kill", dry_run=True, process=fake)
    assert response.status is Status.PLANNED, response.message
    assert any(f"is named '{fake}', which mixes Cyrillic and Latin letters; it looks like "
               f"'{plain}' but is not" in reason for reason in response.plan.confirmations)
