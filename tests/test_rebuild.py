"""`mkdocs serve --dirty` renders only what an edit affects, and its site is a clean build's.

A sequence of edits goes through the rebuild path (MkDocs' dirty build with the plugin kept
across rebuilds, as `mkdocs serve --dirty` runs it); after each, every file of the served
site (pages, search index, catalogues, dashboard, exports) must equal a clean build of the
same files.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from .conftest import write_tree

pytestmark = pytest.mark.slow

CONFIG = """\
site_name: Rebuilds
site_url: https://kb.example.org/
theme:
  name: material
  features: [navigation.indexes, navigation.footer]
plugins:
  - search
  - tags
  - skillbook:
      elixir_check: false
"""

ROADMAP = """\
phases:
  - id: 1
    title: Resilience
    tasks:
      - id: "1.1"
        title: Retries
        priority: high
        files: [skills/retry/SKILL.md, patterns/backoff.md]
      - id: "1.2"
        title: Breakers
        priority: low
        files: [skills/breaker/SKILL.md, patterns/fuse.md]
"""


def skill(name: str, description: str, links: str) -> str:
    return f"---\nname: {name}\ndescription: {description}\n---\n# {name.title()}\n\n{links}\n"


def pattern(title: str, body: str, tags: str = "[resilience]") -> str:
    return (
        f"---\ntitle: {title}\nsummary: {title} in short.\ntags: {tags}\n---\n# {title}\n\n{body}\n"
    )


FILES = {
    "mkdocs.yml": CONFIG,
    "docs/index.md": "# Home\n\nA knowledge base.\n",
    "docs/tags.md": "# Tags\n",
    "sessions/roadmap.yml": ROADMAP,
    "sessions/2026/2026-01-05-start.md": (
        "---\ndate: 2026-01-05\nphase: 1\nhours: 1\ncompleted: []\n---\n# Start\n\nBegun.\n"
    ),
    "skills/retry/SKILL.md": skill(
        "retry",
        "Retry calls. Use when a call fails for a moment.",
        "[Backoff](../../patterns/backoff.md)",
    ),
    "skills/breaker/SKILL.md": skill(
        "breaker",
        "Stop calling a broken service. Use when one keeps failing.",
        "[Fuse](../../patterns/fuse.md)",
    ),
    "skills/breaker/references/tuning.md": "# Tuning\n\nThresholds.\n",
    "patterns/backoff.md": pattern(
        "Backoff", "## Solution\n\nWait longer each time.\n\n[Retry](../skills/retry/SKILL.md)"
    ),
    "patterns/fuse.md": pattern(
        "Fuse", "## Solution\n\nBlow after five failures.\n\n[Breaker](../skills/breaker/SKILL.md)"
    ),
    "patterns/jitter.md": pattern("Jitter", "## Solution\n\nRandomise the wait.\n", "[retry]"),
}


def _site(folder: Path) -> dict[str, bytes]:
    """Every file of a built site; the sitemap's gzip header (a timestamp) is left out."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            rel = path.relative_to(folder).as_posix()
            found[rel] = gzip.decompress(data) if rel.endswith(".gz") else data
    return found


class Served:
    """The rebuild path of `mkdocs serve --dirty`: a fresh configuration for each build (as
    serve reloads it), the plugins kept, MkDocs' dirty build into one folder."""

    def __init__(self, root: Path, out: Path) -> None:
        self.root, self.out = root, out
        self.config_file = str(root / "mkdocs.yml")
        config = load_config(self.config_file, site_dir=str(out))
        config.plugins.on_startup(command="serve", dirty=True)
        self.rendered: list[str] = []

    def rebuild(self) -> None:
        config = load_config(self.config_file, site_dir=str(self.out))
        build(config, dirty=True)


def clean_build(root: Path, out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def edits(root: Path) -> Iterator[str]:
    """Apply the edits one at a time; yield what each did."""

    def edit(path: str, old: str, new: str) -> None:
        file = root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, (path, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    edit("patterns/backoff.md", "Wait longer each time.", "Wait twice as long each time.")
    yield "a pattern's body"
    edit("skills/retry/SKILL.md", "[Backoff]", "[Jitter](../../patterns/jitter.md) and [Backoff]")
    yield "a new link from a skill to a pattern"
    edit("skills/retry/SKILL.md", "[Jitter](../../patterns/jitter.md) and ", "")
    yield "the link removed"
    edit("patterns/fuse.md", "title: Fuse", "title: Fuse breaker")
    yield "a pattern retitled"
    (root / "skills/timeouts").mkdir()
    (root / "skills/timeouts/SKILL.md").write_text(
        skill(
            "timeouts",
            "Bound every call. Use when calls may hang.",
            "[Fuse](../../patterns/fuse.md)",
        ),
        encoding="utf-8",
    )
    yield "a skill added"
    (root / "skills/timeouts/SKILL.md").unlink()
    (root / "skills/timeouts").rmdir()
    yield "the skill deleted"
    edit("sessions/roadmap.yml", "title: Breakers", "title: Circuit breakers")
    yield "the roadmap changed"
    edit("patterns/jitter.md", "tags: [retry]", "tags: [retry")
    yield "frontmatter broken"
    edit("patterns/jitter.md", "tags: [retry", "tags: [retry]")
    yield "frontmatter fixed"
    edit("skills/breaker/references/tuning.md", "Thresholds.", "Thresholds and periods.")
    yield "a file in a skill folder"
    edit("docs/index.md", "A knowledge base.", "Our knowledge base.")
    yield "a page of docs/"


def test_every_rebuild_equals_a_clean_build(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "kb", FILES)
    served = Served(root, tmp_path / "served")
    served.rebuild()
    clean_build(root, tmp_path / "clean")
    assert _site(tmp_path / "served") == _site(tmp_path / "clean")
    for step, what in enumerate(edits(root)):
        served.rebuild()
        clean = tmp_path / f"clean-{step}"
        clean_build(root, clean)
        got, want = _site(tmp_path / "served"), _site(clean)
        assert sorted(got) == sorted(want), what
        differ = [path for path in want if got[path] != want[path]]
        assert differ == [], f"after {what}: {differ}"
