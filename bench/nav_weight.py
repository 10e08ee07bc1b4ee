"""How much HTML the navigation costs: page weight against `nav_max_entries`.

Every page renders its own section of the navigation, so a section that lists its N entries
puts N links into each of its N pages. This builds, for each knowledge base and each limit,
the site once and prints the bytes of all HTML files and of one skill page:

  many-N   tests/kbs.py's `many(N)` (N skills with tags, five patterns), Material with
           navigation.indexes, navigation.prune and navigation.sections;
  repo     this repository's own site (3 skills, 8 patterns, docs/).

    python -m bench.nav_weight [--sizes 25 50 100 230] [--limits 25 50 100 200 1000]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import write_tree
from tests.kbs import many

REPO = Path(__file__).resolve().parents[1]
_REPO_PARTS = ("mkdocs.yml", "docs", "skills", "patterns", "sessions")


def _set_limit(root: Path, limit: int) -> None:
    config = root / "mkdocs.yml"
    text = re.sub(r"\n      nav_max_entries: \d+", "", config.read_text(encoding="utf-8"))
    if "  - skillbook:\n" not in text:
        text = text.replace("  - skillbook\n", "  - skillbook:\n      elixir_check: false\n")
    text = text.replace("  - skillbook:\n", f"  - skillbook:\n      nav_max_entries: {limit}\n")
    config.write_text(text, encoding="utf-8")


def weigh(root: Path, limit: int, skill_page: str) -> tuple[int, int]:
    """(bytes of every HTML file, bytes of `skill_page`) of the site built with `limit`."""
    _set_limit(root, limit)
    shutil.rmtree(root / "site", ignore_errors=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, check=True)
    site = root / "site"
    total = sum(path.stat().st_size for path in site.rglob("*.html"))
    return total, (site / skill_page / "index.html").stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", type=int, default=[25, 50, 100, 230])
    parser.add_argument("--limits", nargs="+", type=int, default=[25, 50, 100, 200, 1000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sites: list[tuple[str, Path, str]] = []
        for n in args.sizes:
            sites.append(
                (f"many-{n}", write_tree(Path(tmp) / f"many-{n}", many(n)), "skills/skill-000")
            )
        repo = Path(tmp) / "repo"
        for part in _REPO_PARTS:
            source = REPO / part
            if source.is_dir():
                shutil.copytree(source, repo / part)
            else:
                repo.mkdir(exist_ok=True)
                shutil.copy(source, repo / part)
        sites.append(("repo", repo, "skills/distributed-systems"))
        print("| site | nav_max_entries | all HTML | one skill page |")
        print("|---|---|---|---|")
        for name, root, page in sites:
            for limit in args.limits:
                total, one = weigh(root, limit, page)
                print(f"| {name} | {limit} | {total / 1e6:.2f} MB | {one / 1e3:.1f} KB |")


if __name__ == "__main__":
    main()
