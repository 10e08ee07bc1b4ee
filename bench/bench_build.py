"""`mkdocs build` with the skillbook plugin against plain MkDocs on the same pages, in one run.

For each size, two sites with the same Material theme, features and navigation shape:
  plugin: skills/ and patterns/ outside docs/, published by the plugin;
  plain:  the same Markdown copied into docs/, with an explicit nav of the same sections
          (Home, Status, Skills, Patterns) and no plugin.
The plugin runs in MkDocs' own process. Also measured: the plugin without exports, the
rebuild after editing one pattern (what `mkdocs serve` does: a full build with a warm
plugin), and the size of a skill page.

Each site is built once untimed, then the sites take turns, `--repeat` rounds, and each
figure is its site's best build: a slow minute on the machine then falls on every site
alike. The builds compile Python to a bytecode cache in the benchmark's folder, as an
installed package has its bytecode: where PYTHONDONTWRITEBYTECODE is set (as in some CI
images), an editable install of skillbook would otherwise be compiled again by every build
while MkDocs and Material load theirs.

    python -m bench.bench_build [--sizes 100:300 1000:3000] [--dir /dev/shm] [--repeat 3]

`--dir` puts both sites (sources and output) in another folder, such as a RAM disk: on a
machine whose disk stalls unpredictably, that measures the builds' own work.
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

# Both sites get the Markdown extensions the pages use (fenced code: skills and patterns are
# made of code blocks), as any real site would.
THEME = """\
theme:
  name: material
  font: false
  features: [navigation.indexes, navigation.prune, content.action.edit]
markdown_extensions: [attr_list, md_in_html, tables, toc, fenced_code]
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


NAV_LIMIT = 50  # the plugin's default nav_max_entries


def _plain_site(root: Path, skills: int, patterns: int) -> None:
    # the navigation the plugin builds: Home, Status, Skills (index + pages), Patterns (the
    # synthetic knowledge base has no session logs: no Sessions); a section longer than
    # NAV_LIMIT lists only its index page, as the plugin does
    (root / "docs/index.md").write_text("# Home\n\nA synthetic knowledge base.\n")
    for section in ("skills", "patterns", "status"):
        (root / "docs" / section).mkdir(parents=True, exist_ok=True)
        (root / "docs" / section / "index.md").write_text(f"# {section.capitalize()}\n")
    nav = ["nav:", "  - Home: index.md", "  - Status: status/index.md"]
    nav += ["  - Skills:", "    - skills/index.md"]
    if skills <= NAV_LIMIT:
        nav += [f"    - skill-{i:05d}: skills/skill-{i:05d}/SKILL.md" for i in range(skills)]
    nav += ["  - Patterns:", "    - patterns/index.md"]
    if patterns <= NAV_LIMIT:
        nav += [f"    - Pattern {i:05d}: patterns/pattern_{i:05d}.md" for i in range(patterns)]
    (root / "mkdocs.yml").write_text(
        "site_name: Bench\n" + THEME + "plugins:\n  - search\n" + "\n".join(nav) + "\n"
    )


def _build_env(bytecode: Path) -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPYCACHEPREFIX=str(bytecode))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed_build(root: Path, env: dict[str, str]) -> float:
    """Wall time of one full `mkdocs build` in a fresh process, from an empty site folder."""
    shutil.rmtree(root / "site", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, check=True)
    return time.perf_counter() - start


def timed_builds(roots: dict[str, Path], repeat: int, env: dict[str, str]) -> dict[str, float]:
    """Best build time of each site: one untimed build each, then `repeat` rounds in turn."""
    for root in roots.values():
        timed_build(root, env)
    best = dict.fromkeys(roots, float("inf"))
    for _ in range(repeat):
        for name, root in roots.items():
            best[name] = min(best[name], timed_build(root, env))
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


def _set_plugin_options(root: Path, **options: object) -> None:
    """Replace the skillbook plugin's options in a plugin site's mkdocs.yml."""
    config = root / "mkdocs.yml"
    text = config.read_text().split("  - skillbook:\n", 1)[0]
    lines = "".join(
        f"      {k}: {str(v).lower() if isinstance(v, bool) else v}\n" for k, v in options.items()
    )
    config.write_text(text + "  - skillbook:\n" + lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["100:300", "1000:3000"])
    parser.add_argument("--dir", default=None, help="where to build (default: the temp folder)")
    parser.add_argument("--repeat", type=int, default=3, help="timed builds per figure")
    parser.add_argument(
        "--full-nav",
        action="store_true",
        help="also build with every entry in the navigation (nav_max_entries above the size)",
    )
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        skills, patterns = (int(n) for n in size.split(":"))
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
            plugin_root, plain_root = Path(tmp, "plugin"), Path(tmp, "plain")
            generate(plugin_root, skills, patterns)
            _plugin_site(plugin_root)
            plain_root.mkdir()
            generate(plain_root / "docs", skills, patterns)
            _plain_site(plain_root, skills, patterns)
            roots = {"plain": plain_root, "plugin": plugin_root}
            roots["no_exports"] = Path(tmp, "no_exports")
            shutil.copytree(plugin_root, roots["no_exports"])
            _set_plugin_options(roots["no_exports"], elixir_check=False, exports=False)
            env = _build_env(Path(tmp, "bytecode"))
            times = timed_builds(roots, args.repeat, env)
            plain, plugin = times["plain"], times["plugin"]
            no_exports = times["no_exports"]
            page_kb = (plugin_root / "site/skills/skill-00000/index.html").stat().st_size / 1024
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
            line = (
                f"{skills} skills + {patterns} patterns: plain {plain:.2f} s; "
                f"plugin {plugin:.2f} s ({plugin / plain:.3f}x); "
                f"without exports {no_exports:.2f} s ({no_exports / plain:.3f}x); "
                f"rebuild after one edit: plugin {plugin_rebuild:.2f} s, "
                f"plain {plain_rebuild:.2f} s ({plugin_rebuild / plain_rebuild:.3f}x); "
                f"skill page {page_kb:.0f} KB; site {site_mb:.0f} MB"
            )
            if args.full_nav:
                _set_plugin_options(
                    plugin_root, elixir_check=False, nav_max_entries=skills + patterns
                )
                full_nav = timed_build(plugin_root, env)
                full_kb = (plugin_root / "site/skills/skill-00000/index.html").stat().st_size / 1024
                line += (
                    f"; every entry in the nav: build {full_nav:.1f} s, skill page {full_kb:.0f} KB"
                )
        rows.append((skills + patterns, plugin, plain, no_exports))
        print(line, flush=True)
    if len(rows) == 2:
        (small, *_), (large, *_) = rows
        growth = large / small
        print(
            f"growth: {growth:.0f}x content -> plugin build {rows[1][1] / rows[0][1]:.1f}x time, "
            f"without exports {rows[1][3] / rows[0][3]:.1f}x, plain build {rows[1][2] / rows[0][2]:.1f}x"
        )


if __name__ == "__main__":
    main()
