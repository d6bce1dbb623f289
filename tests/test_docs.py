"""The docs stay true to the code: every test docs/safety.md cites exists."""

from __future__ import annotations

import ast
import re

from tests.conftest import REPO


def _tests_in(path: str) -> set[str]:
    tree = ast.parse((REPO / "tests" / path).read_text())
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_test_cited_in_the_safety_doc_exists() -> None:
    text = (REPO / "docs" / "safety.md").read_text()
    missing = []
    current = None
    for file, name in re.findall(r"`(test_\w+\.py)?(?:::(\w+))?`", text):
        current = file or current
        if name and current and name not in _tests_in(current):
            missing.append(f"{current}::{name}")
    assert missing == []


def test_every_guarantee_names_at_least_one_test() -> None:
    rows = [line for line in (REPO / "docs" / "safety.md").read_text().splitlines()
            if line.startswith("| ") and not line.startswith("| guarantee")]
    assert rows and all("test_" in row for row in rows)
