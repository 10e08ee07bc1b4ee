"""`mkdocs build` with the skillbook plugin against plain MkDocs on the same pages, in one run.

For each size, two sites with the same Material theme, features and navigation shape:
  plugin: skills/ and patterns/ outside docs/, published by the plugin;
  plain:  the same Markdown copied into docs/, with an explicit nav and no plugin.
Also measured: the rebuild after editing one pattern (what `mkdocs serve` does: a full build
with a warm plugin), and the size of a skill page with and without `navigation.prune`.

    python -m bench.bench_build [--sizes 100:300 1000:3000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import generate

# Both sites get the Markdown extensions the plugin's pages use, as any real site would.
THEME = """\
theme:
  name: material
  font: false
  features: [navigation.indexes, navigation.prune, content.action.edit]
markdown_extensions: [attr_list, md_in_html, tables, toc]
"""


def _plugin_site(root: Path, prune: bool = True) -> None:
    theme = THEME if prune else THEME.replace("navigation.prune, ", "")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs/index.md").write_text("# Home\n\nA synthetic knowledge base.\n")
    (root / "mkdocs.yml").write_text(
        "site_name: Bench\n"
        + theme
        + "plugins:\n  - search\n  - skillbook:\n      elixir_check: false\n"
    )


NAV_LIMIT = 200  # the plugin's default nav_max_entries


def _plain_site(root: Path, skills: int, patterns: int) -> None:
    # same navigation shape as the plugin builds: Home, Skills (index + pages), Patterns;
    # a section longer than NAV_LIMIT lists only its index page, as the plugin does
    (root / "docs/index.md").write_text("# Home\n\nA synthetic knowledge base.\n")
    (root / "docs/skills/index.md").write_text("# Skills\n")
    (root / "docs/patterns/index.md").write_text("# Patterns\n")
    nav = ["nav:", "  - Home: index.md", "  - Skills:", "    - skills/index.md"]
    if skills <= NAV_LIMIT:
        nav += [f"    - skill-{i:05d}: skills/skill-{i:05d}/SKILL.md" for i in range(skills)]
    nav += ["  - Patterns:", "    - patterns/index.md"]
    if patterns <= NAV_LIMIT:
        nav += [f"    - Pattern {i:05d}: patterns/pattern_{i:05d}.md" for i in range(patterns)]
    (root / "mkdocs.yml").write_text(
        "site_name: Bench\n" + THEME + "plugins:\n  - search\n" + "\n".join(nav) + "\n"
    )


def timed_build(root: Path, repeat: int = 1) -> float:
    """Best wall time of `repeat` full `mkdocs build` runs in a fresh process."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, check=True
        )
        best = min(best, time.perf_counter() - start)
    return best


def rebuild_after_edit(root: Path, edited: Path) -> float:
    """A warm full rebuild in one process, as `mkdocs serve` does after an edit."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with contextlib.redirect_stderr(io.StringIO()):
        config = load_config(str(root / "mkdocs.yml"))
        config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        edited.write_text(edited.read_text() + "\nEdited.\n")
        config = load_config(str(root / "mkdocs.yml"))
        start = time.perf_counter()
        build(config)
        elapsed = time.perf_counter() - start
        config.plugins.on_shutdown()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["100:300", "1000:3000"])
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        skills, patterns = (int(n) for n in size.split(":"))
        with tempfile.TemporaryDirectory() as tmp:
            plugin_root, plain_root = Path(tmp, "plugin"), Path(tmp, "plain")
            generate(plugin_root, skills, patterns)
            _plugin_site(plugin_root)
            plain_root.mkdir()
            generate(plain_root / "docs", skills, patterns)
            _plain_site(plain_root, skills, patterns)
            repeat = 3 if skills + patterns <= 1000 else 1  # the large size takes minutes a build
            plain_time = timed_build(plain_root, repeat)
            plugin_time = timed_build(plugin_root, repeat)
            page = plugin_root / "site/skills/skill-00000/index.html"
            pruned_kb = page.stat().st_size / 1024
            site_mb = (
                sum(f.stat().st_size for f in (plugin_root / "site").rglob("*") if f.is_file())
                / 2**20
            )
            plugin_rebuild = rebuild_after_edit(
                plugin_root, plugin_root / "patterns/pattern_00000.md"
            )
            plain_rebuild = rebuild_after_edit(
                plain_root, plain_root / "docs/patterns/pattern_00000.md"
            )
            _plugin_site(plugin_root, prune=False)
            unpruned_time = timed_build(plugin_root)
            unpruned_kb = page.stat().st_size / 1024
            shutil.rmtree(plugin_root / "site")
        rows.append(
            (
                skills,
                patterns,
                plugin_time,
                plain_time,
                plugin_rebuild,
                plain_rebuild,
                pruned_kb,
                unpruned_kb,
                unpruned_time,
                site_mb,
            )
        )
        print(
            f"{skills} skills + {patterns} patterns: build plugin {plugin_time:.1f} s, plain {plain_time:.1f} s "
            f"({plugin_time / plain_time:.2f}x); rebuild after one edit plugin {plugin_rebuild:.1f} s, "
            f"plain {plain_rebuild:.1f} s ({plugin_rebuild / plain_rebuild:.2f}x); skill page "
            f"{pruned_kb:.0f} KB with navigation.prune, {unpruned_kb:.0f} KB without "
            f"(build {unpruned_time:.1f} s); site {site_mb:.0f} MB",
            flush=True,
        )
    if len(rows) == 2:
        small, large = rows
        content = (large[0] + large[1]) / (small[0] + small[1])
        print(
            f"growth: {content:.0f}x content -> plugin build {large[2] / small[2]:.1f}x time, "
            f"plain build {large[3] / small[3]:.1f}x time"
        )


if __name__ == "__main__":
    main()
