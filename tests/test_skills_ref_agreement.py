"""`skillbook check` and the reference validator `skills-ref` agree on which skills are valid.

Where they deliberately differ, the case says so and the test asserts the documented verdicts
(see "Differences from skills-ref" in docs/reference/checks.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from skills_ref import validate

from skillbook.diagnostics import Severity
from skillbook.pipeline import analyse

DOCS = Path(__file__).resolve().parents[1] / "docs" / "reference" / "checks.md"


@dataclass(frozen=True)
class Case:
    id: str
    folder: str
    text: str
    valid: bool  # skillbook's verdict
    reference_valid: bool | None = None  # skills-ref's verdict when it differs (documented)


def fm(body: str, folder_body: str = "# Skill\n") -> str:
    return f"---\n{body}---\n{folder_body}"


OK = "name: retry\ndescription: Retry failed calls. Use when a dependency fails transiently.\n"
CASES = [
    # valid in both
    Case("minimal", "retry", fm(OK), True),
    Case(
        "all-fields",
        "retry",
        fm(
            OK + "license: MIT\ncompatibility: Elixir 1.17+\n"
            "allowed-tools: Bash Read\nmetadata:\n  tags: a, b\n  owner: team\n"
        ),
        True,
    ),
    Case("description-1024", "retry", fm("name: retry\ndescription: " + "d" * 1024 + "\n"), True),
    Case("name-64", "a" * 64, fm(f"name: {'a' * 64}\ndescription: Long name.\n"), True),
    Case("name-digits", "a1-b2", fm("name: a1-b2\ndescription: Digits.\n"), True),
    Case("compatibility-500", "retry", fm(OK + "compatibility: " + "c" * 500 + "\n"), True),
    Case(
        "block-description",
        "retry",
        fm("name: retry\ndescription: |\n  Two lines\n  of text.\n"),
        True,
    ),
    Case(
        "folded-description", "retry", fm("name: retry\ndescription: >-\n  Folded\n  text.\n"), True
    ),
    Case("crlf", "retry", fm(OK).replace("\n", "\r\n"), True),
    Case("body-rule", "retry", fm(OK, "# Retry\n\n---\n\nMore.\n"), True),
    Case("empty-body", "retry", fm(OK, ""), True),
    Case("quoted-values", "retry", fm("name: \"retry\"\ndescription: 'Retry things.'\n"), True),
    # invalid in both
    Case("missing-name", "retry", fm("description: No name.\n"), False),
    Case("missing-description", "retry", fm("name: retry\n"), False),
    Case("empty-description", "retry", fm('name: retry\ndescription: ""\n'), False),
    Case("blank-description", "retry", fm('name: retry\ndescription: "   "\n'), False),
    Case("uppercase-name", "Retry", fm("name: Retry\ndescription: Upper.\n"), False),
    Case("leading-hyphen", "-retry", fm("name: -retry\ndescription: Hyphen.\n"), False),
    Case("trailing-hyphen", "retry-", fm("name: retry-\ndescription: Hyphen.\n"), False),
    Case("double-hyphen", "re--try", fm("name: re--try\ndescription: Hyphens.\n"), False),
    Case("underscore", "re_try", fm("name: re_try\ndescription: Underscore.\n"), False),
    Case("space-in-name", "re try", fm("name: re try\ndescription: Space.\n"), False),
    Case("name-mismatch", "retry", fm("name: retries\ndescription: Mismatch.\n"), False),
    Case("name-65", "a" * 65, fm(f"name: {'a' * 65}\ndescription: Too long.\n"), False),
    Case("description-1025", "retry", fm("name: retry\ndescription: " + "d" * 1025 + "\n"), False),
    Case("compatibility-501", "retry", fm(OK + "compatibility: " + "c" * 501 + "\n"), False),
    Case("unknown-version", "retry", fm(OK + 'version: "1.0"\n'), False),
    Case("unknown-tags", "retry", fm(OK + "tags: a\n"), False),
    Case("no-frontmatter", "retry", "# Retry\n\nNo frontmatter.\n", False),
    Case("unclosed", "retry", "---\n" + OK + "# Retry\n", False),
    Case("list-frontmatter", "retry", fm("- name: retry\n"), False),
    Case("bad-yaml", "retry", fm('name: retry\ndescription: "unclosed\n'), False),
    Case("duplicate-key", "retry", fm(OK + "name: retry\n"), False),
    Case("empty-frontmatter", "retry", fm(""), False),
    Case("blank-name", "retry", fm('name: "  "\ndescription: Blank.\n'), False),
    # deliberate, documented differences
    Case(
        "flow-mapping",
        "retry",
        fm('name: retry\ndescription: Flow.\nmetadata: {tags: "a, b"}\n'),
        True,
        reference_valid=False,
    ),
    Case(
        "flow-list-metadata-value",
        "retry",
        fm(OK + "metadata:\n  tags: [a, b]\n"),
        False,
        reference_valid=False,
    ),
    Case(
        "non-ascii-name",
        "café",
        fm("name: café\ndescription: Unicode.\n"),
        False,
        reference_valid=True,
    ),
    Case(
        "dashes-in-value",
        "retry",
        fm('name: retry\ndescription: "Retry --- then wait."\n'),
        True,
        reference_valid=False,
    ),
    Case("bom", "retry", "\ufeff" + fm(OK), True, reference_valid=False),
    Case(
        "number-description",
        "retry",
        fm("name: retry\ndescription: 42\n"),
        False,
        reference_valid=True,
    ),
    Case("metadata-not-mapping", "retry", fm(OK + "metadata: none\n"), False, reference_valid=True),
]


def skillbook_valid(root: Path, folder: str) -> bool:
    result = analyse(root, check_elixir=False)
    path = f"skills/{folder}/SKILL.md"
    return not any(
        d.path == path and d.severity is Severity.ERROR for d in result.report.diagnostics
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_verdicts(case: Case, tmp_path: Path) -> None:
    skill_dir = tmp_path / "skills" / case.folder
    skill_dir.mkdir(parents=True)
    (skill_dir / "SKILL.md").write_text(case.text, encoding="utf-8", newline="")
    reference = not validate(skill_dir)
    ours = skillbook_valid(tmp_path, case.folder)
    expected_reference = case.valid if case.reference_valid is None else case.reference_valid
    assert (ours, reference) == (case.valid, expected_reference)


def test_enough_cases_and_differences_are_documented() -> None:
    assert len(CASES) >= 30
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("# Differences from skills-ref", 1)[1]
    for needle in ("strictyaml", "ASCII", "BOM", "---", "metadata", "skill.md"):
        assert needle in section, needle
