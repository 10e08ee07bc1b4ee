"""Real `mkdocs build` runs of knowledge bases shaped like public skill repositories
(`tests/kbs.py`), and of this repository: links, navigation, partial knowledge bases, logs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from . import kbs
from .conftest import mkdocs_build, write_tree
from .links import broken_links
from .nav_tree import Item, primary_nav

pytestmark = pytest.mark.slow


def _built(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = mkdocs_build(root, *args)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """messy(), skills_only() and nested(), each built once: name -> its site folder."""
    built = {}
    for name, tree in [
        ("messy", kbs.messy()),
        ("skills_only", kbs.skills_only()),
        ("nested", kbs.nested()),
    ]:
        root = write_tree(tmp_path_factory.mktemp(name), tree)
        _built(root)
        built[name] = root / "site"
    return built


def _skillbook_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "skillbook:" in line]


# links ------------------------------------------------------------------------------------


def test_this_repositorys_site_has_no_broken_link(repo_site: Path) -> None:
    assert broken_links(repo_site) == []


def test_tag_links_of_this_repositorys_site_go_to_the_tags_page(repo_site: Path) -> None:
    """A page that shows the tags marker as an example must not become a tags index."""
    for page in repo_site.rglob("*.html"):
        assert "/name { #" not in page.read_text(encoding="utf-8"), page  # raw placeholder
    skill = (repo_site / "skills/distributed-systems/index.html").read_text(encoding="utf-8")
    tag_links = re.findall(r'href="([^"]*#tag:[^"]*)"', skill)
    assert tag_links and all(link.startswith("../../tags/#tag:") for link in tag_links)


def test_fixture_sites_have_no_broken_link(sites: dict[str, Path]) -> None:
    """Not even messy(): the links the check reports are published without their dead end."""
    for name, site in sites.items():
        assert broken_links(site) == [], name


def test_the_link_checker_finds_missing_files_and_anchors(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "index.html": '<a href="a/">a</a> <a href="a/#x">x</a> <a href="/b.html">b</a>'
            '<img src="c.png"> <a href="#top">top</a> <a href="https://e.org/">e</a>',
            "a/index.html": '<h1 id="y">A</h1><a href="../index.html#top">up</a>',
        },
    )
    assert broken_links(tmp_path) == [
        "a/index.html: ../index.html#top (no id 'top' in index.html)",
        "index.html: a/#x (no id 'x' in a/index.html)",
        "index.html: /b.html (no file b.html)",
        "index.html: c.png (no file c.png)",
        "index.html: #top (no id 'top' in index.html)",
    ]


# the navigation ---------------------------------------------------------------------------


def _pages_before_sections(nav: Item) -> None:
    """With navigation.sections a page after a section reads as part of it: none may follow."""
    kinds = [child.section for child in nav.children]
    assert kinds == sorted(kinds), [(c.title, c.section) for c in nav.children]


def test_this_repositorys_own_pages_have_a_place_of_their_own(repo_site: Path) -> None:
    nav = primary_nav((repo_site / "index.html").read_text(encoding="utf-8"))
    _pages_before_sections(nav)
    assert nav.titles[:3] == ["Home", "Status", "Tags"]
    assert nav.titles[3:] == ["Skills", "Patterns", "Sessions", "Guide", "Reference"]
    sessions = nav.find("Sessions")
    assert sessions is not None and sessions.section
    assert all(child.href and "sessions/" in child.href for child in sessions.children)
    guide = nav.find("Guide")
    assert guide is not None and "Authoring guide" in guide.titles


def test_a_section_cut_to_its_catalogue_stays_a_section(tmp_path: Path) -> None:
    tree = kbs.skills_only()
    tree["patterns/one.md"] = "---\ntitle: One\nsummary: One.\n---\n# One\n"
    tree["mkdocs.yml"] = kbs.mkdocs_yml("Cut", "Cut sections.", "nav_max_entries: 2")
    root = write_tree(tmp_path, tree)
    done = _built(root)
    nav = primary_nav((root / "site/index.html").read_text(encoding="utf-8"))
    _pages_before_sections(nav)
    skills = nav.find("Skills")
    assert skills is not None and skills.section and skills.children == []
    assert nav.find("One") is not None  # one pattern: listed
    assert "not included in the" not in done.stderr  # the cut entries are not "omitted"
    assert (
        _skillbook_lines(done.stderr).count(
            "INFO    -  skillbook: the Skills section lists only its catalogue (nav_max_entries)"
        )
        == 1
    )


# a partial knowledge base -----------------------------------------------------------------


def test_a_knowledge_base_of_skills_only_shows_only_skills(sites: dict[str, Path]) -> None:
    site = sites["skills_only"]
    nav = primary_nav((site / "index.html").read_text(encoding="utf-8"))
    assert nav.find("Patterns") is None and nav.find("Sessions") is None
    assert nav.find("Skills") is not None
    assert not (site / "patterns").exists() and not (site / "sessions").exists()
    catalogue = (site / "skills/index.html").read_text(encoding="utf-8")
    assert "0 patterns" not in catalogue and "pattern" not in catalogue.split("<article")[1]
    page = (site / "skills/changelog/index.html").read_text(encoding="utf-8")
    assert "links no pattern" not in page and "Patterns this skill uses" not in page
    assert "patterns it uses" not in page  # the download block
    llms = (site / "llms.txt").read_text(encoding="utf-8")
    assert "Elixir" not in llms and "Patterns" not in llms
    assert llms.startswith("# Writing skills\n\n> Skills for technical writers.\n")


# broken links and logs --------------------------------------------------------------------


def test_a_broken_link_in_a_skill_is_reported_once_with_a_hint(tmp_path: Path) -> None:
    tree = kbs.messy()
    tree["docs/guide.md"] = "# Guide\n\nSee [missing](missing.md).\n"
    root = write_tree(tmp_path, tree)
    verbose = _built(root, "-v")
    about = [
        line
        for line in verbose.stderr.splitlines()
        if "phoenix_controllers.md'" in line and "bundle" not in line
    ]
    assert len(about) == 1, about
    assert "KB301" in about[0]
    assert "did you mean '../../patterns/phoenix_controllers.md'?" in about[0]
    mkdocs_own = [line for line in verbose.stderr.splitlines() if "Doc file" in line]
    assert len(mkdocs_own) == 1 and "'guide.md'" in mkdocs_own[0]  # docs/ keeps MkDocs' own
    page = (root / "site/skills/no-frontmatter/index.html").read_text(encoding="utf-8")
    assert 'title="broken link: ../phoenix_controllers.md">the controllers</span>' in page
    pipelines = (root / "site/skills/pipelines/index.html").read_text(encoding="utf-8")
    assert 'href="#1-sequential-pipeline-claude-p"' in pipelines  # the GitHub anchor, fixed
    strict = mkdocs_build(root, "--strict")
    assert strict.returncode == 1


def test_a_large_knowledge_base_logs_one_summary_line(tmp_path: Path) -> None:
    root = write_tree(tmp_path, kbs.many(230, fields_on_top=True))
    done = _built(root)
    lines = _skillbook_lines(done.stderr)
    summary = [line for line in lines if "errors" in line]
    assert len(summary) == 1 and summary[0].startswith("ERROR   -  skillbook: 460 errors"), lines
    assert (
        "(KB203 \u00d7460, KB903 \u00d71); run `skillbook check` or `mkdocs build -v` to see each"
        in (summary[0])
    )
    assert not any("SKILL.md" in line for line in done.stderr.splitlines())
    assert "not included in the" not in done.stderr
    assert len(done.stderr.splitlines()) < 10, done.stderr
    verbose = _built(root, "-v")
    each = re.findall(r"DEBUG   -  skillbook: skills/skill-\d+/SKILL.md:\d+: KB203", verbose.stderr)
    assert len(each) == 460
    strict = mkdocs_build(root, "--strict")
    assert strict.returncode == 1
    assert len([line for line in _skillbook_lines(strict.stderr) if "KB203" in line]) == 1


def test_a_large_valid_knowledge_base_builds_quietly(tmp_path: Path) -> None:
    """Its one problem: 230 skills are more than Claude Code lists with their descriptions."""
    root = write_tree(tmp_path, kbs.many(230))
    done = _built(root)
    assert _skillbook_lines(done.stderr)[0] == (
        "WARNING -  skillbook: 0 errors, 1 warning in 235 files (KB903 \u00d71); "
        "run `skillbook check` or `mkdocs build -v` to see each"
    )
    assert "not included in the" not in done.stderr


def test_by_default_a_section_of_sixty_skills_is_its_catalogue(tmp_path: Path) -> None:
    """Past 50 entries a listed section more than doubles each of its pages (bench/README.md)."""
    root = write_tree(tmp_path, kbs.many(60))
    _built(root)
    nav = primary_nav((root / "site/skills/skill-000/index.html").read_text(encoding="utf-8"))
    skills = nav.find("Skills")
    assert skills is not None and skills.children == []
    patterns = nav.find("Patterns")
    assert patterns is not None and len(patterns.children) == 5
