"""Per-code configuration: `checks` in mkdocs.yml and `--select`, `--ignore`, `--severity`,
applied once, so the check, the status, the build and the pages agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillbook.check_config import (
    CheckSettings,
    glob_pattern,
    parse_codes,
    parse_severities,
    settings_from_options,
)
from skillbook.cli import main
from skillbook.diagnostics import Report, Severity, diagnostic
from skillbook.errors import SkillbookError
from skillbook.pipeline import analyse

from .conftest import mkdocs_build, write_tree

SKILL = "---\nname: {name}\ndescription: Retry failed calls in {name}. Use when a call fails.\nversion: '1.0'\n---\n# R\n\n{link}\n"
FILES = {
    "skills/retry/SKILL.md": SKILL.format(name="retry", link="[b](../../patterns/backoff.md)"),
    "skills/legacy/SKILL.md": SKILL.format(name="legacy", link="[b](../../patterns/backoff.md)"),
    "patterns/backoff.md": "---\ntitle: Backoff\nsummary: Wait.\n---\n# Backoff\n",
    "patterns/jitter.md": "---\ntitle: Jitter\nsummary: Spread.\n---\n# Jitter\n",
}
ROADMAP = (
    "phases:\n  - id: 1\n    title: One\n    tasks:\n"
    "      - id: '1.1'\n        title: Retry\n        priority: high\n"
    "        files: [skills/retry/SKILL.md, patterns/backoff.md]\n"
)


def codes(settings: CheckSettings, files: dict[str, str], tmp_path: Path) -> list[str]:
    root = write_tree(tmp_path, files)
    result = analyse(root, check_elixir=False, checks=settings)
    return [f"{d.path}: {d.code} {d.severity.value}" for d in result.report.diagnostics]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- the rules ------------------------------------------------------------------------------


def test_the_longer_prefix_wins_and_a_tie_ignores() -> None:
    s = CheckSettings(select=("KB3",), ignore=("KB303",))
    assert [s.enabled(c) for c in ("KB301", "KB303", "KB203")] == [True, False, False]
    s = CheckSettings(select=("KB303",), ignore=("KB3",))
    assert [s.enabled(c) for c in ("KB301", "KB303")] == [False, True]
    assert not CheckSettings(select=("KB3",), ignore=("KB3",)).enabled("KB301")
    assert CheckSettings().enabled("KB503") and CheckSettings().default


def test_codes_and_prefixes_are_parsed_or_refused_in_one_line() -> None:
    assert parse_codes("KB2, kb301,,ALL", where="--x") == ("KB2", "KB301", "KB")
    assert parse_codes(["KB5"], where="x") == ("KB5",)
    for bad in ("KB999", "KB0", "E501", "KB3011", "KB3x"):
        with pytest.raises(SkillbookError, match=rf"^--x: unknown code '{bad}' \(") as exc:
            parse_codes(bad, where="--x")
        assert "\n" not in str(exc.value)
    with pytest.raises(SkillbookError, match="must be a list of codes"):
        parse_codes(3, where="x")
    assert parse_severities("KB303=error,KB4=Warning", where="x") == {
        "KB303": Severity.ERROR,
        "KB4": Severity.WARNING,
    }
    for bad in ("KB303", "KB303=fatal", "KB999=error"):
        with pytest.raises(SkillbookError):
            parse_severities(bad, where="x")


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("skills/legacy/**", "skills/legacy/SKILL.md", True),
        ("skills/legacy/**", "skills/legacy/references/a.md", True),
        ("skills/legacy/**", "skills/legacy-two/SKILL.md", False),
        ("skills/legacy", "skills/legacy/SKILL.md", True),
        ("skills/*/SKILL.md", "skills/a/SKILL.md", True),
        ("skills/*/SKILL.md", "skills/a/b/SKILL.md", False),
        ("**/SKILL.md", "skills/a/SKILL.md", True),
        ("patterns/old_?.md", "patterns/old_a.md", True),
        ("patterns/*.md", "patterns/a.md", True),
    ],
)
def test_per_file_globs(glob: str, path: str, matches: bool) -> None:
    assert bool(glob_pattern(glob).fullmatch(path)) is matches


def test_the_option_is_validated_key_by_key() -> None:
    settings = settings_from_options(
        {
            "select": ["KB"],
            "ignore": ["KB403"],
            "severity": {"KB303": "error"},
            "per_file": {"skills/legacy/**": {"ignore": ["KB203"], "severity": {"KB3": "warning"}}},
        },
        where="checks",
    )
    assert settings.ignore == ("KB403",) and settings.severity == {"KB303": Severity.ERROR}
    assert settings.per_file[0].ignore == ("KB203",)
    for bad, message in [
        ({"ignored": ["KB1"]}, "checks: unknown key 'ignored'"),
        ({"ignore": ["KB1000"]}, "checks.ignore: unknown code 'KB1000'"),
        ({"per_file": {"x/**": {"select": ["KB1"]}}}, "checks.per_file['x/**']: unknown key"),
        ({"per_file": ["x"]}, "checks.per_file: must map path globs"),
        ({"severity": {"KB303": "fatal"}}, "checks.severity: KB303: severity must be"),
        ("KB1", "checks: must be a mapping"),
    ]:
        with pytest.raises(SkillbookError) as exc:
            settings_from_options(bad, where="checks")
        assert str(exc.value).startswith(message), exc.value


def test_severity_overrides_and_per_file_rules() -> None:
    found = [
        diagnostic("skills/legacy/SKILL.md", 4, "KB203", "unknown field 'version'"),
        diagnostic("skills/retry/SKILL.md", 4, "KB203", "unknown field 'version'"),
        diagnostic("patterns/x.md", 1, "KB303", "orphan"),
        diagnostic("patterns/y.md", None, "KB102", "no frontmatter", Severity.WARNING),
    ]
    settings = settings_from_options(
        {
            "severity": {"KB3": "error", "KB203": "warning"},
            "per_file": {"skills/legacy/**": {"ignore": ["KB2"]}, "patterns/y.md": {}},
        },
        where="checks",
    )
    assert [(d.path, d.code, d.severity.value) for d in settings.apply(found)] == [
        ("skills/retry/SKILL.md", "KB203", "warning"),
        ("patterns/x.md", "KB303", "error"),
        ("patterns/y.md", "KB102", "warning"),  # its own severity, as none is configured
    ]


def test_the_overflow_line_keeps_the_configured_severity() -> None:
    many = [diagnostic("a.md", n, "KB301", "x", Severity.WARNING) for n in range(1, 103)]
    report = Report.of(many, 1)
    assert report.diagnostics[-1].severity is Severity.WARNING and report.errors == 0


# --- one place: the check, the status, the build ---------------------------------------------


def test_an_ignored_error_no_longer_fails_the_check_or_the_task(tmp_path: Path) -> None:
    files = {**FILES, "sessions/roadmap.yml": ROADMAP}
    root = write_tree(tmp_path, files)
    plain = analyse(root, check_elixir=False)
    assert plain.report.errors == 2 and plain.status.phases[0].tasks[0].state == "in-progress"
    settings = settings_from_options(
        {"ignore": ["KB203"], "per_file": {"patterns/jitter.md": {"ignore": ["KB4"]}}},
        where="checks",
    )
    quiet = analyse(root, check_elixir=False, checks=settings)
    assert quiet.report.errors == 0
    assert quiet.status.phases[0].tasks[0].state == "done"
    assert {d.code for d in quiet.report.diagnostics} == {"KB303", "KB403"}
    assert [d.path for d in quiet.report.diagnostics if d.code == "KB403"] == [
        "skills/legacy/SKILL.md"
    ]
    assert quiet.not_installable == {} and len(plain.not_installable) == 2


def test_command_line_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path, FILES)
    code, out, _ = run(capsys, "check", str(root), "--no-elixir", "--format", "json")
    assert code == 1 and {d["code"] for d in json.loads(out)["diagnostics"]} == {"KB203", "KB303"}
    code, out, _ = run(capsys, "check", str(root), "--no-elixir", "--ignore", "KB203")
    assert code == 0 and out.endswith("0 errors, 1 warning in 4 files\n")
    code, out, _ = run(capsys, "check", str(root), "--no-elixir", "--select", "KB3", "--strict")
    assert code == 1 and out.endswith("0 errors, 1 warning in 4 files\n")
    code, out, _ = run(
        capsys, "check", str(root), "--no-elixir", "--select", "KB3", "--severity", "KB303=error"
    )
    assert (
        code == 1
        and "patterns/jitter.md:1: KB303" in out
        and out.endswith("1 error, 0 warnings in 4 files\n")
    )


def test_an_unknown_code_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path, FILES)
    code, out, err = run(capsys, "check", str(root), "--ignore", "KB203,KB999")
    assert (code, out) == (2, "")
    assert err == (
        "skillbook: error: --ignore: unknown code 'KB999' (a code such as KB303, a prefix such "
        "as KB3, or ALL; the codes are listed in the check reference)\n"
    )
    code, _, err = run(capsys, "check", str(root), "--severity", "KB303")
    assert code == 2 and err.count("\n") == 1


def test_the_check_reads_the_option_and_the_command_line_adds_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (
        "site_name: t\nplugins:\n  - skillbook:\n      checks:\n"
        "        per_file:\n          'skills/legacy/**': {ignore: [KB203]}\n"
    )
    root = write_tree(tmp_path, {**FILES, "mkdocs.yml": config})
    code, out, _ = run(capsys, "check", str(root), "--no-elixir")
    assert code == 1 and out.startswith("patterns/jitter.md:1: KB303")
    assert "skills/retry/SKILL.md:4: KB203" in out and "skills/legacy" not in out
    code, out, _ = run(capsys, "check", str(root), "--no-elixir", "--ignore", "KB2", "--strict")
    assert code == 1 and out == (
        "patterns/jitter.md:1: KB303 no skill links to this pattern: link it from the skill "
        "that uses it\n0 errors, 1 warning in 4 files\n"
    )
    (root / "mkdocs.yml").write_text(config.replace("KB203", "KB2O3"), encoding="utf-8")
    code, _, err = run(capsys, "check", str(root), "--no-elixir")
    assert code == 2
    assert (
        "skillbook option 'checks'.per_file['skills/legacy/**'].ignore: unknown code 'KB2O3'" in err
    )


@pytest.mark.slow
def test_the_build_applies_the_option(tmp_path: Path) -> None:
    config = (
        "site_name: t\nplugins:\n  - skillbook:\n      checks:\n"
        "        ignore: [KB203]\n        severity: {KB303: warning}\n"
    )
    root = write_tree(tmp_path, {**FILES, "mkdocs.yml": config, "docs/index.md": "# Home\n"})
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    assert "KB203" not in done.stderr and "KB303 \u00d71" in done.stderr
    catalogue = (root / "site" / "skills" / "index.html").read_text(encoding="utf-8")
    assert "(has errors)" not in catalogue
    assert "KB203" not in (root / "site" / "skills" / "retry" / "index.html").read_text("utf-8")
    (root / "mkdocs.yml").write_text(config.replace("[KB203]", "[KB2O3]"), encoding="utf-8")
    done = mkdocs_build(root)
    assert done.returncode == 1
    assert "checks.ignore: unknown code 'KB2O3'" in done.stderr
