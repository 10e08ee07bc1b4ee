"""What the published pages say: the status chart, derived summaries, installable skills,
the health dashboard and a README beside a SKILL.md, on real builds and as units."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest

from skillbook.html_policy import raw_html_problems, sanitize
from skillbook.model import Phase, Task
from skillbook.render.chart import WIDTH, burnup_svg
from skillbook.status import HistoryPoint, PhaseStatus, TaskStatus

from .conftest import REPO, mkdocs_build, write_tree

CATALOG_SCHEMA = REPO / "src/skillbook/schemas/catalog.schema.json"

MKDOCS_YML = """\
site_name: Content KB
site_url: https://kb.example.org/
theme:
  name: material
  font: false
plugins:
  - search
  - skillbook:
      elixir_check: false
"""


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


# the status chart -----------------------------------------------------------------------

HOSTILE_SVG = (
    '<svg viewBox="0 0 10 10" onload="alert(1)"><text x="1" onclick="alert(2)">t</text>'
    '<foreignObject><iframe src="javascript:alert(3)"></iframe></foreignObject>'
    '<use href="https://evil.example/x.svg#a"/><a href="javascript:alert(4)"><circle r="1"/></a>'
    '<animate attributeName="href" to="javascript:alert(5)"/><script>alert(6)</script></svg>'
)


def test_a_hostile_svg_comes_out_clean() -> None:
    clean = sanitize(HOSTILE_SVG)
    assert 'viewBox="0 0 10 10"' in clean
    for gone in ("alert", "onload", "onclick", "foreignObject", "<use", "<animate", "<script"):
        assert gone not in clean, gone


def phase_with(sessions: int) -> PhaseStatus:
    tasks = tuple(
        TaskStatus(Task(f"1.{i}", f"Task {i}", "high", (f"patterns/p{i}.md",), 1), "planned", ())
        for i in range(40)
    )
    start = dt.date(2026, 1, 1)
    history = tuple(
        HistoryPoint(start + dt.timedelta(days=i), f"s{i}.md", (f"1.{i}",), i + 1)
        for i in range(sessions)
    )
    return PhaseStatus(Phase(1, "One", tuple(t.task for t in tasks), 1), tasks, 0.0, history)


@pytest.mark.parametrize("sessions", [0, 1, 40])
def test_the_chart_keeps_what_it_needs_through_the_sanitiser(sessions: int) -> None:
    chart = burnup_svg(phase_with(sessions))
    clean = sanitize(chart)
    for kept in ('viewBox="0 0 ', 'preserveAspectRatio="', 'role="img"', 'text-anchor="end"'):
        assert kept in clean, kept
    assert clean.count("<text") == chart.count("<text")
    # the check agrees with the sanitiser: nothing the chart writes would be reported
    assert list(raw_html_problems(chart)) == []


def test_date_labels_are_thinned_out_and_keep_both_ends() -> None:
    from skillbook.render.chart import date_labels

    xs = [(40 + 10.6 * i, f"day {i + 1:02}") for i in range(40)]
    labels = date_labels(xs)
    assert labels[0][2] == "day 01" and labels[-1][2] == "day 40"
    assert 3 <= len(labels) <= 7
    assert labels[0][1] == "middle" and labels[-1][1] == "end"
    assert date_labels([(WIDTH / 2, "2026-01-01")]) == [(WIDTH / 2, "middle", "2026-01-01")]


# knowledge bases built for real -----------------------------------------------------------

RETRY = """\
---
name: retry
description: Retry failed calls. Use when a dependency fails transiently.
---
# Retry

Use [Backoff](../../patterns/backoff.md). People read the [README](README.md).
"""
README = (
    "# About this folder\n\nWritten for people browsing the repository. See [SKILL](SKILL.md).\n"
)
DERIVED = "# Backoff\n\n**Purpose**: Retry with [backoff](other.md) and `code`.\n"
OTHER = "---\ntitle: Other\nsummary: Another pattern.\n---\n# Other\n\n[Back](backoff.md)\n"
BROKEN = "---\nname: not-broken\ndescription: A skill whose name is not its folder's, for when names differ.\n---\n# Broken\n"
PLAIN = "# Plain\n\n*Handles* things, [see](../../patterns/other.md).\n"
REFERENCE = "# Check reference\n\n## KB204 Skill name differs from its folder\n\nText.\n"

MESSY = {
    "mkdocs.yml": MKDOCS_YML,
    "docs/index.md": "# Home\n",
    "skills/retry/SKILL.md": RETRY,
    "skills/retry/README.md": README,
    "skills/broken/SKILL.md": BROKEN,
    "skills/plain/SKILL.md": PLAIN,
    "patterns/backoff.md": DERIVED,
    "patterns/other.md": OTHER,
}
PURPOSE = "Purpose: Retry with backoff and code."


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """No roadmap, a pattern without frontmatter, two skills that are not valid Agent Skills,
    a README beside a SKILL.md, and no check reference."""
    root = write_tree(tmp_path_factory.mktemp("messy"), MESSY)
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    return root / "site"


@pytest.fixture(scope="module")
def messy_with_reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same, with a check reference in docs/."""
    files = {**MESSY, "docs/reference/checks.md": REFERENCE}
    root = write_tree(tmp_path_factory.mktemp("messy-ref"), files)
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    assert "checks/#kb204" not in done.stderr  # the anchor exists: MkDocs does not report it
    return root / "site"


def test_a_derived_summary_is_plain_text_wherever_it_is_shown(messy: Path) -> None:
    catalogue = page(messy, "patterns")
    assert f"<td>{PURPOSE}</td>" in catalogue
    relations = page(messy, "skills/retry").split('id="skillbook-patterns"')[1]
    assert f'<a href="../../patterns/backoff/">Backoff</a>: {PURPOSE}' in relations
    assert f'<meta name="description" content="{PURPOSE}">' in page(messy, "patterns/backoff")
    for html in (catalogue, relations, page(messy, "patterns/backoff")):
        assert "**Purpose**" not in html and "](other.md)" not in html
    data = json.loads((messy / "catalog.json").read_text(encoding="utf-8"))
    assert next(p for p in data["patterns"] if p["id"] == "backoff")["summary"] == PURPOSE
    plain = next(s for s in data["skills"] if s["name"] == "plain")
    assert plain["description"] == "Handles things, see."


def test_a_stated_summary_is_shown_as_written(tmp_path: Path) -> None:
    from skillbook.loader import load

    stated = "---\ntitle: X\nsummary: Use **bold** and [a link](x.md).\n---\n# X\n"
    write_tree(tmp_path, {"patterns/x.md": stated, "patterns/y.md": DERIVED})
    kb = load(tmp_path)
    summaries = {p.id: p.summary for p in kb.patterns}
    assert summaries == {"x": "Use **bold** and [a link](x.md).", "y": PURPOSE}


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("**Purpose**: Retry with [backoff](other.md) and `code`.", PURPOSE),
        ("Keep `**raw**` and `a &amp; b` as written", "Keep **raw** and a &amp; b as written"),
        ("Fish &amp; chips, <b>bold</b> and a < b > c", "Fish & chips, bold and a < b > c"),
        ("A ![badge](b.svg) [![logo](l.png)](x) image", "A image"),
        ("See <https://example.org> or [ref][r], _em_ and __strong__", None),
        ("## A heading mark, snake_case_name and \\*stars\\*", None),
        ("`` a ` b `` and *em*", "a ` b and em"),
    ],
)
def test_plain_text(markdown: str, text: str | None) -> None:
    from skillbook.headings import plain_text

    expected = {
        "See <https://example.org> or [ref][r], _em_ and __strong__": (
            "See https://example.org or ref, em and strong"
        ),
        "## A heading mark, snake_case_name and \\*stars\\*": (
            "A heading mark, snake_case_name and *stars*"
        ),
    }
    assert plain_text(markdown) == (text if text is not None else expected[markdown])


def test_only_valid_skills_are_offered_for_install(messy: Path) -> None:
    retry = page(messy, "skills/retry")
    assert "Download skill" in retry and "skillbook-not-installable" not in retry
    assert (messy / "skills/retry/retry.zip").is_file()
    for name, code in (("broken", "KB204"), ("plain", "KB102")):
        html = page(messy, f"skills/{name}")
        assert "Download skill" not in html and "unzip" not in html, name
        note = html.split('class="admonition warning skillbook-not-installable"')[1]
        assert f"<code>{code}</code>" in note.split("</div>")[0], name
        assert "reference/checks" not in html  # the site has no check reference
        assert not (messy / f"skills/{name}/{name}.zip").exists(), name
    data = json.loads((messy / "catalog.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json.loads(CATALOG_SCHEMA.read_text())).validate(data)
    by_name = {s["name"]: s for s in data["skills"]}
    assert by_name["retry"]["installable"] is True
    assert by_name["retry"]["bundle_url"].endswith("skills/retry/retry.zip")
    for name in ("not-broken", "plain"):
        assert by_name[name]["installable"] is False and by_name[name]["bundle_url"] is None
    llms = (messy / "llms.txt").read_text(encoding="utf-8")
    offered = llms.split("## Skills\n")[1].split("\n## ")[0]
    assert "[retry]" in offered and "not-broken" not in offered and "[plain]" not in offered
    assert "(not installable: KB204)" in llms


def test_the_install_note_links_the_check_reference_when_the_site_has_one(
    messy_with_reference: Path,
) -> None:
    html = page(messy_with_reference, "skills/broken")
    assert (
        '<a href="../../reference/checks/#kb204-skill-name-differs-from-its-folder">'
        "<code>KB204</code></a>" in html
    )
    status = page(messy_with_reference, "status")
    assert 'href="../reference/checks/#kb204-skill-name-differs-from-its-folder"' in status


def test_export_skips_a_skill_that_would_not_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from skillbook.cli import main

    root = write_tree(tmp_path / "kb", MESSY)
    assert main(["export", str(root), "--out", str(tmp_path / "out")]) == 1
    assert (tmp_path / "out/retry.zip").is_file()
    assert not (tmp_path / "out/broken").exists() and not (tmp_path / "out/plain").exists()
    err = capsys.readouterr().err.splitlines()
    assert "skipped skills/broken/SKILL.md: not a valid Agent Skill: KB204 name " in err[0]
    assert err[1].startswith("skipped skills/plain/SKILL.md: not a valid Agent Skill: KB102 ")


def test_without_a_roadmap_the_status_page_shows_the_knowledge_base_health(
    messy: Path,
) -> None:
    from skillbook.pipeline import analyse

    status = page(messy, "status")
    text = " ".join(re.sub(r"<[^>]+>", "", status).split())
    analysis = analyse(messy.parent, check_elixir=False)
    report, read = analysis.report, analysis.kb.files_read  # a skill folder's notes count too
    assert f"3 skills · 2 patterns · 0 session logs · {read} files read" in text and read == 6
    assert f"{report.errors} errors, {report.warnings} warnings" in text
    assert 'id="health"' in status and 'id="start-a-roadmap"' in status
    codes = status.split('id="health"')[1].split('id="worst-files"')[0]
    assert "<td>KB204</td>" in codes and "<td>KB102</td>" in codes  # no reference: no links
    worst = status.split('id="worst-files"')[1].split('id="start-a-roadmap"')[0]
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>", worst)
    assert rows == [  # most errors first, then most warnings; each linked to its page
        ('<a href="../skills/broken/">skills/broken/SKILL.md</a>', "1", "1"),
        ('<a href="../skills/plain/">skills/plain/SKILL.md</a>', "1", "0"),
        ('<a href="../patterns/backoff/">patterns/backoff.md</a>', "0", "1"),
    ]
    assert "phases:" in status and "skillbook status" in status


def test_status_json_says_the_roadmap_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from skillbook.cli import main

    assert main(["status", str(tmp_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {"roadmap": {"path": "sessions/roadmap.yml", "present": False}, "phases": []}


GOOD = {
    "mkdocs.yml": MKDOCS_YML,
    "docs/index.md": "# Home\n",
    "skills/retry/SKILL.md": RETRY,
    "skills/retry/README.md": README,
    "patterns/backoff.md": (
        "---\ntitle: Backoff\nsummary: Wait longer after each failure.\n---\n# Backoff\n\n"
        "[Retry](../skills/retry/SKILL.md)\n"
    ),
    "sessions/roadmap.yml": (
        'phases:\n  - id: 1\n    title: One\n    tasks:\n      - id: "1.1"\n'
        "        title: Retry\n        priority: high\n"
        "        files: [skills/retry/SKILL.md, patterns/backoff.md]\n"
    ),
    "sessions/2026/2026-01-05-start.md": (
        '---\ndate: 2026-01-05\nphase: 1\nhours: 1\ncompleted: ["1.1"]\n---\n# Start\n'
    ),
}


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A roadmap with a session, and a README beside a SKILL.md, built with --strict."""
    root = write_tree(tmp_path_factory.mktemp("good"), GOOD)
    done = mkdocs_build(root, "--strict")
    assert done.returncode == 0, done.stderr
    return root / "site"


def test_the_built_status_chart_keeps_its_viewbox(good: Path) -> None:
    status = page(good, "status")
    svg = re.search(r"<svg[^>]*skillbook-chart[^>]*>", status)
    assert svg is not None
    assert f'viewBox="0 0 {WIDTH} ' in svg.group(0)
    # the health section comes after the phases, and there is no invitation to start a roadmap
    assert status.index('id="phase-1"') < status.index('id="health"')
    assert 'id="start-a-roadmap"' not in status
    assert "skillbook check</code> finds no problem" in status


def test_a_readme_beside_skill_md_gets_its_own_page(good: Path) -> None:
    skill = page(good, "skills/retry")
    assert "Download skill" in skill
    assert "Retry failed calls. Use when a dependency fails transiently." in skill
    assert "<h1" in skill and ">Retry</h1>" in skill
    assert 'href="README/"' in skill  # the link to README.md goes to the README's page
    readme = page(good, "skills/retry/README")
    assert "Written for people browsing the repository." in readme
    assert 'href="../"' in readme  # and its link back to SKILL.md to the skill's page
    index = json.loads((good / "search/search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"] for d in index["docs"]}
    assert "skills/retry/" in locations and "skills/retry/README/" in locations


def test_page_dest() -> None:
    from skillbook.export import page_dest

    skills = {"skills/a/SKILL.md", "SKILL.md"}
    assert page_dest("skills/a/SKILL.md", skills, True) == "skills/a/index.html"
    assert page_dest("skills/a/README.md", skills, True) == "skills/a/README/index.html"
    assert page_dest("skills/a/index.md", skills, False) == "skills/a/index.html"
    assert page_dest("skills/a/README.md", skills, False) == "skills/a/README.html"
    assert page_dest("skills/a/references/README.md", skills, True) is None
    assert page_dest("skills/b/README.md", skills, True) is None
    assert page_dest("README.md", skills, True) == "README/index.html"


def test_every_code_of_this_repository_s_check_reference_has_an_anchor() -> None:
    from skillbook.check_reference import read_check_reference
    from skillbook.diagnostics import RULES

    reference = read_check_reference(REPO, "docs")
    assert reference is not None
    assert set(RULES) <= set(reference.anchors)
    assert reference.anchors["KB204"].startswith("kb204-")
    assert read_check_reference(REPO, "no-such-docs") is None
