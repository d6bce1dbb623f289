"""Tables that fit narrow terminals: drop low-value columns before folding rows.

A row folded over three or more lines is hard to read and easy to misread. A ``Fitted``
table is built with every column, measured at the width it is given (the builder gets it
too), and rebuilt without
its least valuable columns, one at a time, until no row takes more than two lines (or
nothing is left to drop). What a plan must show whole (pids, paths, bytes) is never in
the droppable list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table

MOST_LINES_PER_ROW = 2
HEADER_LINES = 2  # the heading row and the rule under it


class Fitted:
    def __init__(self, build: Callable[[frozenset[str], int], Table],
                 droppable: Sequence[str]) -> None:
        self.build = build
        self.droppable = tuple(droppable)

    def _attempts(self) -> Iterator[frozenset[str]]:
        for count in range(len(self.droppable) + 1):
            yield frozenset(self.droppable[:count])

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for dropped in self._attempts():
            if _tallest_row(console, options, self.build(dropped, options.max_width)) <= \
                    MOST_LINES_PER_ROW:
                break
        yield self.build(dropped, options.max_width)


_RULE = re.compile(r"^[\s─━┼╇┿╋]+$")


def _tallest_row(console: Console, options: ConsoleOptions, table: Table) -> int:
    """How many lines the tallest row takes: measured on a copy drawn with a rule between
    rows, counting the lines between rules."""
    table.show_lines = True
    drawn = ["".join(segment.text for segment in line)
             for line in console.render_lines(table, options, pad=False)]
    tallest = run = 0
    for line in drawn[HEADER_LINES if table.show_header else 0:]:
        if _RULE.match(line):
            run = 0
        else:
            run += 1
            tallest = max(tallest, run)
    return tallest
