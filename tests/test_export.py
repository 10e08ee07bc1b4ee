"""Agent-ready exports: skill bundles, catalog.json and llms.txt."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import jsonschema
import pytest
from skills_ref import validate

from skillbook.cli import main
from skillbook.export import build_bundle
from skillbook.markdown_scan import links_in
from skillbook.pipeline import analyse
from skillbook.render.machine import catalog

from .conftest import REPO, write_tree

SCHEMA = REPO / "src/skillbook/schemas/catalog.schema.json"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundles")
    assert main(["export", str(REPO), "--out", str(out)]) == 0
    return out


def repo_skills() -> list[str]:
    return sorted(p.parent.name for p in (REPO / "skills").glob("*/SKILL.md"))


@pytest.mark.parametrize("name", repo_skills())
def test_every_bundle_is_a_valid_self_contained_skill(
    exported: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = exported / name
    assert validate(folder) == []
    capsys.readouterr()
    assert main(["check", str(folder), "--strict", "--no-elixir"]) == 0, capsys.readouterr().out
    for md in folder.rglob("*.md"):
        for span in links_in(md.read_text(encoding="utf-8")):
            url = span.url.split("#", 1)[0]
            if not url or re.match(r"^[a-z]+:", url):
                continue
            target = (md.parent / url).resolve()
            assert target.is_relative_to(folder.resolve()), f"{md}: {span.url} leaves the bundle"
            assert target.exists(), f"{md}: {span.url} is missing"
    with zipfile.ZipFile(exported / f"{name}.zip") as archive:
        names = set(archive.namelist())
    assert {
        f"{name}/{p.relative_to(folder).as_posix()}" for p in folder.rglob("*") if p.is_file()
    } == names


def test_resilience_bundle_copies_its_four_patterns(exported: Path) -> None:
    references = sorted(p.name for p in (exported / "resilience-patterns/references").iterdir())
    assert references == [
        "bulkhead_patterns.md",
        "circuit_breaker.md",
        "graceful_degradation.md",
        "retry_strategies.md",
    ]
    skill = (exported / "resilience-patterns/SKILL.md").read_text(encoding="utf-8")
    assert "](references/circuit_breaker.md)" in skill
    assert "](https://skillbook.example.org/skills/distributed-systems/)" in skill


CHAIN = {
    "skills/retry/SKILL.md": (
        "---\nname: retry\ndescription: Retry calls.\n---\n# Retry\n\n"
        "Use [backoff](../../patterns/backoff.md#formula), see [timeouts](../timeouts/SKILL.md) and the "
        "[notes](references/notes.md).\n"
    ),
    "skills/retry/references/notes.md": "# Notes\n\nBack to [the skill](../SKILL.md).\n",
    "skills/timeouts/SKILL.md": "---\nname: timeouts\ndescription: Bound calls.\n---\n[b](../../patterns/backoff.md)\n",
    "patterns/backoff.md": (
        "---\ntitle: Backoff\nsummary: Wait longer.\n---\n# Backoff\n\n## Formula\n\n"
        "Add [jitter](jitter.md). Used by [retry](../skills/retry/SKILL.md) and "
        "[timeouts](../skills/timeouts/SKILL.md). Broken: [gone](missing.md).\n\n![chart](img/chart.png)\n"
    ),
    "patterns/jitter.md": "---\ntitle: Jitter\nsummary: Random.\n---\n# Jitter\n\nSee [backoff](backoff.md#formula).\n",
    "patterns/img/chart.png": "PNG",
    "patterns/unrelated.md": "---\ntitle: Unrelated\nsummary: Not linked.\n---\n",
}


@pytest.mark.parametrize("site_url", ["https://kb.example.org/", None])
def test_a_chain_of_patterns_and_a_missing_file(tmp_path: Path, site_url: str | None) -> None:
    root = write_tree(tmp_path, CHAIN)
    kb = analyse(root, check_elixir=False).kb
    skill = next(s for s in kb.skills if s.name == "retry")
    bundle = build_bundle(kb, skill, site_url=site_url)
    # copied: the linked pattern, the pattern it links, and its image; not the unrelated one
    assert bundle.copied == {
        "patterns/backoff.md": "references/backoff.md",
        "patterns/jitter.md": "references/jitter.md",
        "patterns/img/chart.png": "references/img/chart.png",
    }
    assert set(bundle.files) == {
        "SKILL.md",
        "references/notes.md",
        "references/backoff.md",
        "references/jitter.md",
        "references/img/chart.png",
    }
    text = bundle.files["SKILL.md"].decode()
    assert "[backoff](references/backoff.md#formula)" in text
    assert "[notes](references/notes.md)" in text
    backoff = bundle.files["references/backoff.md"].decode()
    assert "[jitter](jitter.md)" in backoff and "[retry](../SKILL.md)" in backoff
    assert "![chart](img/chart.png)" in backoff
    assert "Broken: gone." in backoff  # a missing target becomes plain text
    if site_url:
        assert "[timeouts](https://kb.example.org/skills/timeouts/)" in text
        assert "[timeouts](https://kb.example.org/skills/timeouts/)" in backoff
    else:
        assert "see timeouts and" in text  # outside the bundle, no site: plain text
    assert "[backoff](backoff.md#formula)" in bundle.files["references/jitter.md"].decode()
    assert [str(d) for d in bundle.problems] == [
        "patterns/backoff.md:9: KB301 bundle 'retry': link 'missing.md' points to patterns/missing.md, "
        "which does not exist; it is written as plain text"
    ]


def test_export_cli_reports_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path / "kb", CHAIN)
    assert main(["export", str(root), "--out", str(tmp_path / "out"), "--site-url", ""]) == 1
    out, err = capsys.readouterr()
    assert "retry.zip: 5 files, 3 copied in" in out
    assert "KB301 bundle 'retry'" in err
    assert (tmp_path / "out/retry/references/jitter.md").is_file()
    assert zipfile.ZipFile(tmp_path / "out/timeouts.zip").namelist() == [
        "timeouts/SKILL.md",
        "timeouts/references/backoff.md",
        "timeouts/references/img/chart.png",
        "timeouts/references/jitter.md",
    ]


@pytest.fixture
def site(repo_site: Path) -> Path:
    return repo_site


def test_catalog_validates_and_matches_the_knowledge_base(site: Path) -> None:
    data = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert json.loads((site / "schemas/catalog.schema.json").read_text()) == schema
    analysis = analyse(REPO, check_elixir=False)
    bundled = {s["name"]: (s.pop("digest"), s.pop("files")) for s in data["skills"]}
    unbundled = json.loads(json.dumps(catalog(analysis, site_url="https://skillbook.example.org/")))
    for skill in unbundled["skills"]:
        assert (skill.pop("digest"), skill.pop("files")) == (None, [])
    assert data == unbundled
    # each digest is the discovery index's; each file's hash is that of the file it serves
    index = json.loads((site / ".well-known/agent-skills/index.json").read_text("utf-8"))
    assert {e["name"]: e["digest"] for e in index["skills"]} == {
        name: digest for name, (digest, _) in bundled.items()
    }
    for name, (_, files) in bundled.items():
        for entry in files:
            served = (site / ".well-known/agent-skills" / name / entry["path"]).read_bytes()
            assert entry == {
                "path": entry["path"],
                "size": len(served),
                "hash": "sha256:" + hashlib.sha256(served).hexdigest(),
            }
    assert data["skills"][0]["frontmatter"]["name"] == data["skills"][0]["name"]
    assert [s["name"] for s in data["skills"]] == repo_skills()
    assert sorted(p["id"] for p in data["patterns"]) == sorted(
        p.stem for p in (REPO / "patterns").glob("*.md")
    )
    resilience = next(s for s in data["skills"] if s["name"] == "resilience-patterns")
    assert resilience["task"] == {
        "id": "2.2",
        "title": "Resilience & error recovery patterns",
        "status": "done",
    }
    assert "patterns/circuit_breaker.md" in resilience["patterns"]
    breaker = next(p for p in data["patterns"] if p["id"] == "circuit_breaker")
    assert breaker["used_by"] == [
        "skills/observability/SKILL.md",
        "skills/resilience-patterns/SKILL.md",
    ]
    # every URL in the catalogue is published
    for entry in data["skills"] + data["patterns"]:
        for key in ("url", "raw_url", "bundle_url"):
            if key in entry:
                local = entry[key].removeprefix("https://skillbook.example.org/")
                target = site / local / "index.html" if local.endswith("/") else site / local
                assert target.is_file(), (key, entry[key])


def test_raw_markdown_is_published(site: Path) -> None:
    raw = (site / "skills/resilience-patterns/index.md").read_text(encoding="utf-8")
    assert raw == (REPO / "skills/resilience-patterns/SKILL.md").read_text(encoding="utf-8")
    assert (site / "patterns/circuit_breaker/index.md").read_bytes() == (
        REPO / "patterns/circuit_breaker.md"
    ).read_bytes()


def test_llms_txt_lists_every_skill_and_pattern(site: Path) -> None:
    text = (site / "llms.txt").read_text(encoding="utf-8")
    assert text.startswith("# Elixir skillbook\n\n> ")
    sections = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert sections == ["Skills", "Patterns", "Optional"]
    links = re.findall(r"^- \[[^\]]+\]\((\S+)\): \S", text, re.MULTILINE)
    for name in repo_skills():
        assert f"https://skillbook.example.org/skills/{name}/index.md" in links
    for pattern in (REPO / "patterns").glob("*.md"):
        assert f"https://skillbook.example.org/patterns/{pattern.stem}/index.md" in links
    full = (site / "llms-full.txt").read_text(encoding="utf-8")
    for path in list((REPO / "skills").glob("*/SKILL.md")) + list((REPO / "patterns").glob("*.md")):
        assert f"<!-- source: {path.relative_to(REPO).as_posix()} -->" in full


def test_skill_page_offers_the_download(site: Path) -> None:
    page = (site / "skills/resilience-patterns/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a[^>]*href="resilience-patterns.zip"[^>]*>Download skill</a>', page)
    text = re.sub(r"<[^>]+>", "", page)  # the install command is syntax-highlighted
    assert (
        "curl -fsSLO https://skillbook.example.org/skills/resilience-patterns/resilience-patterns.zip"
        in text
    )


@pytest.mark.parametrize(
    ("path", "folder"),
    [
        ("SKILL.md", ""),
        ("references/a.md", ""),
        ("references/a.md", "references"),
        ("SKILL.md", "references"),
        ("references/x/a.md", "references/y"),
        ("references/a.md", "references/x/y"),
        ("scripts/run.sh", "references/deep/er"),
        ("ref/a.md", "references"),
    ],
)
def test_bundle_relative_paths_agree_with_posixpath(path: str, folder: str) -> None:
    import posixpath

    from skillbook.export import _relative

    assert _relative(path, folder) == posixpath.relpath(path, folder or ".")
