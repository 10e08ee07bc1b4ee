"""The site engines: MkDocs 1.6 and ProperDocs run the plugin and build the same site; Zensical
runs no plugin, and a site set up for it is refused by `skillbook check` and warned about on
the built page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skillbook.cli import main

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
                (m.group(1) for l in lines[i + 1 : i + 3] if (m := re.search(r"\[ (\S+) \]", l))),
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
