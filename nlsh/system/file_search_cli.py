"""The walker alone, printing paths as found: ``python -m nlsh.system.file_search_cli``.

For ``scripts/bench.py --find`` (a whole process beside ``find`` and ``grep -rl``) and for
looking at the walk by hand. Usage: ``[--name PATTERN] [--content TEXT] ROOT``.
"""

from __future__ import annotations

import argparse
import os
import sys

from nlsh.system.file_search import FileQuery, Tally, search


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default=None)
    parser.add_argument("--content", default=None)
    parser.add_argument("root")
    args = parser.parse_args()
    query = FileQuery(root=os.path.abspath(args.root), pattern=args.name, content=args.content)
    write = sys.stdout.write
    for found in search(query, Tally()):
        write(found.path + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
