"""The site engines: MkDocs 1.6 and ProperDocs run the plugin and build the same site; Zensical
runs no plugin, and a site set up for it is refused by `skillbook check` and warned about on
the built page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from skillbook.cli import main
from skillbook.engines import WITHOUT_PLUGIN_CLASS

from . import kbs
from .conftest import REPO, engine_build, write_tree

pytestmark = pytest.mark.slow

_GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _files(site: Path) -> dict[str, bytes]:
    """Every file of a built site, with the engine's name and version taken out of the HTML."""
    return {
        path.relative_to(site).as_posix(): _GENERATOR.sub(b"", path.read_bytes())
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def zensical_warnings(output: str) -> list[str]:
    """`page:line: message` of each warning a Zensical build printed (it has no --strict)."""
    lines = _ANSI.sub("", output).splitlines()
    found = []
    for i, line in enumerate(lines):
        if line.startswith("Warning:"):
            where = next(
                (
                    m.group(1)
                    for near in lines[i + 1 : i + 3]
                    if (m := re.search(r"\[ (\S+) \]", near))
                ),
                "?",
            )
            found.append(f"{where}: {line.removeprefix('Warning:').strip()}")
    return found


def test_properdocs_builds_this_repository_as_mkdocs_does(repo_site: Path, tmp_path: Path) -> None:
    """The same files, byte for byte but for the generator tag, and --strict passes."""
    site = tmp_path / "site"
    done = engine_build("properdocs", REPO, "--strict", "-d", str(site))
    assert done.returncode == 0, done.stderr
    assert "skillbook: no problems" in done.stderr
    mkdocs, properdocs = _files(repo_site), _files(site)
    assert sorted(properdocs) == sorted(mkdocs)
    differ = [path for path in mkdocs if mkdocs[path] != properdocs[path]]
    assert differ == []
    assert b"skillbook-burnup" in properdocs["status/index.html"]


def test_properdocs_reports_the_problems_mkdocs_reports(tmp_path: Path) -> None:
    """A knowledge base with broken links: both engines log the same lines and fail --strict."""
    logs = {}
    for engine in ("mkdocs", "properdocs"):
        root = write_tree(tmp_path / engine, kbs.messy())
        done = engine_build(engine, root, "--strict", "-d", str(tmp_path / f"{engine}-site"))
        assert done.returncode == 1, done.stderr
        logs[engine] = sorted(
            line
            for line in done.stderr.splitlines()
            if "skillbook" in line and "built in" not in line
        )
        assert any("KB301" in line or "error" in line for line in logs[engine]), done.stderr
    assert logs["properdocs"] == logs["mkdocs"]


def _copy_repository(dest: Path) -> Path:
    """The site's sources of this repository, copied: Zensical writes into the folder it builds."""
    for name in ("docs", "skills", "patterns", "sessions"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def test_zensical_builds_this_repository_without_the_knowledge_base_and_says_so(
    tmp_path: Path, repo_site: Path
) -> None:
    """What the refusal is for: Zensical reads mkdocs.yml, skips the plugin and reports no
    error; the home page's notice, hidden by the plugin's stylesheet, is what shows."""
    root = _copy_repository(tmp_path / "repo")
    done = engine_build("zensical", root)
    assert done.returncode == 0, done.stdout + done.stderr
    site = root / "site"
    assert (site / "index.html").is_file() and (site / "guide/authoring/index.html").is_file()
    assert not (site / "skills").exists() and not (site / "status").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"admonition danger {WITHOUT_PLUGIN_CLASS}" in home
    assert "This site was built without the skillbook plugin" in home
    assert "skillbook.css" not in home
    # built with the plugin, the same notice is in the page and hidden by its stylesheet
    home = (repo_site / "index.html").read_text(encoding="utf-8")
    assert f"admonition danger {WITHOUT_PLUGIN_CLASS}" in home
    assert 'href="assets/skillbook/skillbook.css"' in home
    css = (repo_site / "assets/skillbook/skillbook.css").read_text(encoding="utf-8")
    assert f".{WITHOUT_PLUGIN_CLASS} {{ display: none; }}" in css


def test_check_and_export_refuse_a_repository_set_up_for_zensical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A zensical.toml: Zensical builds a site with no skill page; `skillbook check` fails
    with KB602 naming the alternatives, and `skillbook export` says the same on stderr."""
    root = write_tree(tmp_path / "kb", kbs.skills_only())
    (root / "zensical.toml").write_text('[project]\nsite_name = "KB"\n', encoding="utf-8")
    done = engine_build("zensical", root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / "site/index.html").is_file() and not (root / "site/skills").exists()

    assert main(["check", str(root), "--no-elixir"]) == 1
    out = capsys.readouterr().out
    assert "zensical.toml: KB602 Zensical builds this repository" in out
    assert "`properdocs build`" in out and "--format markdown" in out
    assert main(["export", str(root), "--format", "markdown", "--out", str(tmp_path / "md")]) == 1
    assert "note: zensical.toml: KB602 Zensical builds" in capsys.readouterr().err
    (root / "zensical.toml").unlink()
    assert main(["check", str(root), "--no-elixir"]) == 0
    assert "KB602" not in capsys.readouterr().out
