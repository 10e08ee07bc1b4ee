"""The floor of `bench_check.py`: read every file and parse its frontmatter with PyYAML's C
loader, nothing else. Importable, and runnable as a whole process:

    python -m bench.bare_loop ROOT
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def bare_loop(root: Path) -> int:
    """Read every skill and pattern and parse its frontmatter with CSafeLoader."""
    count = 0
    for path in list(root.glob("skills/*/SKILL.md")) + list(root.glob("patterns/*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            end = text.find("\n---\n", 4)
            yaml.load(text[4:end], Loader=yaml.CSafeLoader)
        count += 1
    return count


if __name__ == "__main__":
    print(bare_loop(Path(sys.argv[1])))
