"""`skillbook export --format markdown`: the whole site as plain Markdown, built for real with
Zensical and with MkDocs without the plugin, every page, relation and link checked."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from skillbook.cli import main
from skillbook.outputs import MANIFEST

from . import kbs
from .conftest import REPO, engine_build, write_tree
from .test_engines import zensical_warnings

pytestmark = pytest.mark.slow


class _Links(HTMLParser):
    """The href and src attributes of a page's elements (not text that looks like them)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v for k, v in attrs if k in ("href", "src") and v is not None]


def _export(root: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["export", str(root), "--format", "markdown", "--out", str(out)]) == 0
    return capsys.readouterr().out


def broken_links(site: Path) -> list[str]:
    """`page: href` of each link in the built HTML that leads to no file of the site."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.found:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path or href.startswith(("#", "/")):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site).as_posix()}: {href}")
    return broken


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's site, exported as Markdown once for the tests that build it."""
    out = tmp_path_factory.mktemp("export") / "md"
    assert main(["export", str(REPO), "--format", "markdown", "--out", str(out)]) == 0
    return out


def _frontmatter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_the_export_holds_every_page_with_its_relations_and_tags(exported: Path) -> None:
    docs = exported / "docs"
    skills = sorted(p.name for p in (REPO / "skills").iterdir() if (p / "SKILL.md").is_file())
    patterns = sorted(p.stem for p in (REPO / "patterns").glob("*.md") if p.name != "README.md")
    for name in skills:
        page = docs / "skills" / name / "index.md"
        assert page.is_file(), name
        assert "## Patterns this skill uses" in page.read_text(encoding="utf-8")
        assert _frontmatter(page)["description"]
    for name in patterns:
        page = docs / "patterns" / f"{name}.md"
        assert "## Skills that use this pattern" in page.read_text(encoding="utf-8"), name
    resilience = (docs / "skills/resilience-patterns/index.md").read_text(encoding="utf-8")
    assert "](../../patterns/circuit_breaker.md)" in resilience
    assert "retry" in _frontmatter(docs / "skills/resilience-patterns/index.md")["tags"]
    breaker = (docs / "patterns/circuit_breaker.md").read_text(encoding="utf-8")
    assert "](../skills/resilience-patterns/index.md)" in breaker
    catalogue = (docs / "skills/index.md").read_text(encoding="utf-8")
    assert all(f"]({name}/index.md)" in catalogue for name in skills)
    status = (docs / "status/index.md").read_text(encoding="utf-8")
    assert "![Burn-up chart of phase 2](phase-2-burnup.svg)" in status
    assert "<svg" not in status
    chart = ET.parse(docs / "status/phase-2-burnup.svg").getroot()
    assert chart.tag == "{http://www.w3.org/2000/svg}svg"
    assert "](2026/2026-" in (docs / "sessions/index.md").read_text(encoding="utf-8")
    assert (docs / "guide/authoring.md").is_file() and (docs / "assets/pattern-page.png").is_file()
    # the notice for sites built without the plugin does not belong in the export
    assert "skillbook-without-plugin" not in (docs / "index.md").read_text(encoding="utf-8")
    config = yaml.safe_load((exported / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "skillbook" not in config["plugins"] and config["docs_dir"] == "docs"
    assert {"Skills", "Patterns", "Sessions"} <= {
        k for i in config["nav"] if isinstance(i, dict) for k in i
    }


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_the_export_builds_with_no_warning_and_no_broken_link(
    exported: Path, engine: str, tmp_path: Path
) -> None:
    """Plain MkDocs (the export's mkdocs.yml has no skillbook) with --strict, and Zensical."""
    out = tmp_path / "export"
    shutil.copytree(exported, out)
    if engine == "mkdocs":
        done = engine_build(engine, out, "--strict", "-d", str(tmp_path / "site"))
        assert done.returncode == 0, done.stderr
        site = tmp_path / "site"
    else:
        done = engine_build(engine, out)
        assert done.returncode == 0, done.stdout + done.stderr
        assert zensical_warnings(done.stdout + done.stderr) == []
        site = out / "site"
    skill = (site / "skills/resilience-patterns/index.html").read_text(encoding="utf-8")
    assert "Patterns this skill uses" in skill
    assert 'href="../../patterns/circuit_breaker/' in skill
    pattern = (site / "patterns/circuit_breaker/index.html").read_text(encoding="utf-8")
    assert 'href="../../skills/resilience-patterns/' in pattern
    status = (site / "status/index.html").read_text(encoding="utf-8")
    assert 'src="../phase-2-burnup.svg"' in status or 'src="phase-2-burnup.svg"' in status
    assert (site / "status/phase-2-burnup.svg").is_file()
    assert (site / "sessions/index.html").is_file() and (site / "skills/index.html").is_file()
    assert "resilience" in (site / "tags/index.html").read_text(encoding="utf-8")
    assert broken_links(site) == []


def test_a_messy_knowledge_base_exports_and_builds_without_broken_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Broken links, skills without frontmatter, a README in skills/: the export still builds
    strictly; what the check reports as broken is text, not a link."""
    root = write_tree(tmp_path / "kb", kbs.messy())
    out = tmp_path / "md"
    assert main(["export", str(root), "--format", "markdown", "--out", str(out)]) in (0, 1)
    capsys.readouterr()
    done = engine_build("mkdocs", out, "--strict", "-d", str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    assert broken_links(tmp_path / "site") == []
    done = engine_build("zensical", out)
    assert zensical_warnings(done.stdout + done.stderr) == []


def test_the_export_refuses_the_knowledge_base_and_users_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "kb", kbs.skills_only())
    assert main(["export", str(root), "--format", "markdown", "--out", str(root / "docs")]) == 2
    assert "docs_dir" in capsys.readouterr().err
    out = tmp_path / "md"
    mine = write_tree(out, {"mkdocs.yml": "site_name: mine\n"})
    assert main(["export", str(root), "--format", "markdown", "--out", str(out)]) == 2
    assert "was not written by skillbook export" in capsys.readouterr().err
    assert (mine / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"
    (out / "mkdocs.yml").unlink()
    _export(root, out, capsys)
    assert (out / MANIFEST).is_file() and (out / "docs/skills/changelog/index.md").is_file()
    _export(root, out, capsys)  # its own files, replaced


BLOCK_MKDOCS = """\
import importlib.abc, sys

class _NoEngine(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("mkdocs", "material", "properdocs", "zensical"):
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)")
        return None

sys.meta_path.insert(0, _NoEngine())
"""


def test_check_and_both_exports_run_with_no_site_engine_installed(tmp_path: Path) -> None:
    """`import mkdocs` fails (a sitecustomize blocks it), and the CLI does all it did."""
    block = write_tree(tmp_path / "block", {"sitecustomize.py": BLOCK_MKDOCS})
    root = write_tree(tmp_path / "kb", kbs.skills_only())
    env = dict(os.environ, PYTHONPATH=str(block))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from skillbook.cli import main; sys.exit(main())",
                *args,
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=120,
        )

    probe = run("--version")
    assert probe.returncode == 0, probe.stderr
    blocked = subprocess.run(
        [sys.executable, "-c", "import mkdocs"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "blocked by the test" in blocked.stderr
    done = run("check", str(root), "--no-elixir")
    assert done.returncode == 0, done.stderr
    done = run("export", str(root), "--out", str(tmp_path / "bundles"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "bundles/changelog.zip").is_file()
    done = run("export", str(root), "--format", "markdown", "--out", str(tmp_path / "md"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "md/docs/skills/changelog/index.md").is_file()
    done = run("status", str(root))
    assert done.returncode == 0, done.stderr
