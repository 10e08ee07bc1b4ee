"""KB206: a skill's evals/evals.json, in the format of the Agent Skills evaluation guide."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from skillbook.check_config import settings_from_options
from skillbook.cli import main
from skillbook.diagnostics import MAX_PER_FILE, Severity
from skillbook.evals import evals_problems
from skillbook.json_text import MAX_NESTING, parse_json
from skillbook.pipeline import analyse

from .conftest import mkdocs_build, write_tree

SKILL = "---\nname: csv-analyzer\ndescription: Analyse CSV files. Use when a user shares a CSV.\n---\n# CSV\n"
EVALS = "skills/csv-analyzer/evals/evals.json"

# the two examples of https://agentskills.io/skill-creation/evaluating-skills, as written there
GUIDE_FIRST = """\
{
  "skill_name": "csv-analyzer",
  "evals": [
    {
      "id": 1,
      "prompt": "I have a CSV of monthly sales data in data/sales_2025.csv. Can you find the top 3 months by revenue and make a bar chart?",
      "expected_output": "A bar chart image showing the top 3 months by revenue, with labeled axes and values.",
      "files": ["evals/files/sales_2025.csv"]
    },
    {
      "id": 2,
      "prompt": "there's a csv in my downloads called customers.csv, some rows have missing emails — can you clean it up and tell me how many were missing?",
      "expected_output": "A cleaned CSV with missing emails handled, plus a count of how many were missing.",
      "files": ["evals/files/customers.csv"]
    }
  ]
}
"""
GUIDE_SECOND = """\
{
  "skill_name": "csv-analyzer",
  "evals": [
    {
      "id": 1,
      "prompt": "I have a CSV of monthly sales data in data/sales_2025.csv. Can you find the top 3 months by revenue and make a bar chart?",
      "expected_output": "A bar chart image showing the top 3 months by revenue, with labeled axes and values.",
      "files": ["evals/files/sales_2025.csv"],
      "expectations": [
        "The output includes a bar chart image file",
        "The chart shows exactly 3 months",
        "Both axes are labeled",
        "The chart title or caption mentions revenue"
      ]
    }
  ]
}
"""


def kb(tmp_path: Path, evals: str | bytes, **more: str | bytes) -> Path:
    """A knowledge base with the csv-analyzer skill, its two input files and `evals`."""
    files: dict[str, str | bytes] = {
        "skills/csv-analyzer/SKILL.md": SKILL,
        "skills/csv-analyzer/evals/files/sales_2025.csv": "month,revenue\n",
        "skills/csv-analyzer/evals/files/customers.csv": "name,email\n",
        EVALS: evals,
        **more,
    }
    return write_tree(tmp_path, files)


def found(root: Path, **options: Any) -> list[str]:
    return [str(d) for d in analyse(root, check_elixir=False, **options).report.diagnostics]


def problems(text: str, name: str = "csv-analyzer") -> list[tuple[int, str]]:
    return evals_problems(text, skill_name=name)


def case(**fields: object) -> dict[str, object]:
    return {"id": 1, "prompt": "Chart it.", "expected_output": "A chart.", **fields}


def evals_json(*cases: object, **top: object) -> str:
    return json.dumps({**top, "evals": list(cases)}, indent=2)


@pytest.mark.parametrize("text", [GUIDE_FIRST, GUIDE_SECOND], ids=["first", "with-expectations"])
def test_the_guide_examples_are_valid(tmp_path: Path, text: str) -> None:
    root = kb(tmp_path, text)
    result = analyse(root, check_elixir=False)
    assert [str(d) for d in result.report.diagnostics] == []
    assert result.report.files == 2  # SKILL.md and evals.json


def test_a_skill_without_evals_and_evals_elsewhere_are_not_checked(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "skills/csv-analyzer/SKILL.md": SKILL,
            "skills/csv-analyzer/references/evals/evals.json": "not json",
            "skills/csv-analyzer/evals/other.json": "not json",
            "skills/other/SKILL.md": (
                "---\nname: other\ndescription: Plot charts. Use when a chart is asked for.\n"
                "---\n# Other\n"
            ),
            "skills/other/evals/evals.json/file.txt": "a folder named evals.json",
        },
    )
    assert found(root) == []


def test_a_syntax_error_reports_jsons_line_and_message() -> None:
    text = '{\n  "evals": [\n    {"id": 1 "prompt": "x"}\n  ]\n}\n'
    assert problems(text) == [(3, "is not valid JSON: Expecting ',' delimiter (column 14)")]
    assert problems("") == [(1, "is not valid JSON: Expecting value (column 1)")]


def test_every_problem_is_reported_at_the_line_of_its_value() -> None:
    text = (
        '{\n  "skill_name": "csv-analyzer",\n  "evals": [\n    {\n      "id": true,\n'
        '      "prompt": "",\n      "expected_output": 3\n    },\n    "case"\n  ]\n}\n'
    )
    assert problems(text) == [
        (5, "evals[0].id must be an integer, not true"),
        (
            6,
            'evals[0].prompt must be a non-empty string, the user\'s message the test sends, not ""',
        ),
        (
            7,
            "evals[0].expected_output must be a non-empty string, a description of what a "
            "successful output looks like, not 3",
        ),
        (
            9,
            'evals[1] must be an object, a test case with id, prompt and expected_output, not "case"',
        ),
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "true"),
        (False, "false"),
        ("1", '"1"'),
        (1.5, "1.5"),
        (1.0, "1.0"),
        (None, "null"),
        ([1], "an array"),
    ],
)
def test_an_id_is_an_integer_and_not_a_boolean(value: object, shown: str) -> None:
    assert problems(evals_json(case(id=value))) == [
        (4, f"evals[0].id must be an integer, not {shown}")
    ]


def test_ids_are_unique_within_the_file() -> None:
    text = evals_json(case(id=1), case(id=2), case(id=1), case(id=-1), case(id=0))
    assert problems(text) == [
        (14, "evals[2].id 1 is already the id of evals[0] (line 4): give each test case its own id")
    ]


def test_missing_fields_are_reported_at_the_case() -> None:
    text = '{"evals": [\n  {},\n  {"id": 2, "prompt": "Go.", "expected_output": "Done."}\n]}'
    assert problems(text) == [
        (2, 'evals[0] has no "id": give each test case its own integer id'),
        (2, 'evals[0] has no "prompt": write the user\'s message the test sends'),
        (
            2,
            'evals[0] has no "expected_output": write a description of what a successful '
            "output looks like",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", 'the file must hold one JSON object, {"skill_name": …, "evals": […]}, not an array'),
        (
            '"evals"',
            'the file must hold one JSON object, {"skill_name": …, "evals": […]}, not "evals"',
        ),
        (
            '{"skill_name": "csv-analyzer"}',
            'has no "evals": list the test cases as "evals": [{"id": 1, "prompt": …, '
            '"expected_output": …}]',
        ),
        ('{"evals": {"id": 1}}', "evals must be an array of test cases, not an object"),
        ('{"evals": null}', "evals must be an array of test cases, not null"),
    ],
)
def test_the_top_level(text: str, message: str) -> None:
    assert problems(text) == [(1, message)]


def test_unknown_keys_and_empty_optional_arrays_are_accepted() -> None:
    text = evals_json(
        case(files=[], expectations=[], assertions=["extra"], should_trigger=True),
        version=2,
        skill_name="csv-analyzer",
    )
    assert problems(text) == []
    assert problems('{"evals": []}') == []


def test_files_and_expectations_hold_strings() -> None:
    text = evals_json(case(files=["a.csv", 3, None], expectations=["Fine", "", "  ", 7]))
    assert problems(text) == [
        (9, "evals[0].files[1] must be a path, as a string, not 3"),
        (10, "evals[0].files[2] must be a path, as a string, not null"),
        (14, 'evals[0].expectations[1] must be a non-empty string, a verifiable statement, not ""'),
        (
            15,
            'evals[0].expectations[2] must be a non-empty string, a verifiable statement, not "  "',
        ),
        (16, "evals[0].expectations[3] must be a non-empty string, a verifiable statement, not 7"),
    ]
    assert problems(evals_json(case(files="a.csv", expectations="Fine"))) == [
        (7, 'evals[0].files must be an array of paths inside the skill folder, not "a.csv"'),
        (8, 'evals[0].expectations must be an array of statements a grader can verify, not "Fine"'),
    ]


def test_skill_name_is_compared_with_the_skills_name() -> None:
    assert problems(evals_json(skill_name="tsv-analyzer")) == [
        (2, "skill_name 'tsv-analyzer' must equal the name of the skill, 'csv-analyzer'")
    ]
    assert problems(evals_json(skill_name=["csv-analyzer"])) == [
        (2, "skill_name must be a string, the skill's name 'csv-analyzer', not an array")
    ]
    assert problems(evals_json()) == []  # optional


def test_what_only_python_reads_is_reported() -> None:
    text = '{\n  "evals": [],\n  "score": NaN,\n  "best": -Infinity,\n  "evals": []\n}'
    assert problems(text) == [
        (
            3,
            "NaN is not JSON (Python reads it, other JSON readers refuse the file): write a number, a string or null",
        ),
        (
            4,
            "Infinity is not JSON (Python reads it, other JSON readers refuse the file): write a number, a string or null",
        ),
        (
            5,
            'key "evals" is given twice in one object (first on line 2): JSON readers keep one or the other; remove one',
        ),
    ]


def test_a_byte_order_mark_is_reported_and_the_rest_still_checked() -> None:
    assert problems("\ufeff" + evals_json(case(id="1"))) == [
        (
            1,
            "starts with a byte-order mark, which JSON does not allow (Python's json.load "
            "refuses the file): save it as UTF-8 without one",
        ),
        (4, 'evals[0].id must be an integer, not "1"'),
    ]


def test_line_numbers_follow_crlf_and_nesting() -> None:
    parsed = parse_json('{\r\n "a": [\r\n  {"b": [1,\r\n   2]}\r\n ]\r\n}')
    assert parsed.valid
    assert parsed.line_of(("a", 0, "b", 1)) == 4
    assert parsed.line_of(("a", 0, "b", 1, "deeper")) == 4
    assert parsed.line_of(("missing",)) == 1


# --- input files, looked up in the skill folder ----------------------------------------------


def test_listed_files_must_exist_in_the_skill_folder(tmp_path: Path) -> None:
    text = evals_json(
        case(
            files=[
                "evals/files/sales_2025.csv",
                "./evals/files/customers.csv",
                "evals/../evals/files/customers.csv",
                "evals/files/sales_2024.csv",
                "evals/files/Customers.csv",
                "evals/files/nothing-like-it.txt",
                "evals/files",
                "",
            ]
        )
    )
    root = kb(tmp_path, text)
    where = "does not exist in skills/csv-analyzer/"
    assert found(root) == [
        f"{EVALS}:11: KB206 evals[0].files[3] 'evals/files/sales_2024.csv' {where}; did you mean 'evals/files/sales_2025.csv'?",
        f"{EVALS}:12: KB206 evals[0].files[4] 'evals/files/Customers.csv' {where}; did you mean 'evals/files/customers.csv'?",
        f"{EVALS}:13: KB206 evals[0].files[5] 'evals/files/nothing-like-it.txt' {where}",
        f"{EVALS}:14: KB206 evals[0].files[6] 'evals/files' is a folder: list the files in it",
        f"{EVALS}:15: KB206 evals[0].files[7] '' is empty: write a path inside the skill folder, such as evals/files/input.csv",
    ]


def test_paths_that_leave_the_skill_folder(tmp_path: Path) -> None:
    text = evals_json(
        case(
            files=[
                "/etc/passwd",
                "C:/data/sales.csv",
                "evals\\files\\sales_2025.csv",
                "../other/data.csv",
                "evals/../../other/data.csv",
                "../../../../etc/passwd",
                "evals/files/elsewhere.csv",
                "evals/files/outside.csv",
                "evals/.hidden.csv",
            ]
        )
    )
    root = kb(
        tmp_path,
        text,
        **{
            "skills/other/SKILL.md": (
                "---\nname: other\ndescription: Plot charts. Use when a chart is asked for.\n"
                "---\n# Other\n"
            ),
            "skills/other/data.csv": "x\n",
            "skills/csv-analyzer/evals/.hidden.csv": "x\n",
        },
    )
    outside = tmp_path.parent / f"{tmp_path.name}-outside.csv"
    outside.write_text("secret\n", encoding="utf-8")
    try:
        os.symlink(
            "../../../other/data.csv", root / "skills/csv-analyzer/evals/files/elsewhere.csv"
        )
        os.symlink(outside, root / "skills/csv-analyzer/evals/files/outside.csv")
    except OSError as exc:  # pragma: no cover - Windows without the symlink privilege
        pytest.skip(f"cannot make symlinks: {exc}")
    leaves = (
        "leaves the skill folder: an installed skill has only its own folder, so keep input "
        "files under evals/files/"
    )
    through = (
        "leads outside the skill folder through a symlink: an installed skill has only its "
        "own folder, so copy the file in"
    )
    absolute = "is an absolute path: write it relative to the skill folder (evals/files/…)"
    got = [d for d in found(root) if d.startswith(EVALS)]
    assert got == [
        f"{EVALS}:8: KB206 evals[0].files[0] '/etc/passwd' {absolute}",
        f"{EVALS}:9: KB206 evals[0].files[1] 'C:/data/sales.csv' {absolute}",
        f"{EVALS}:10: KB206 evals[0].files[2] 'evals\\files\\sales_2025.csv' uses '\\': separate "
        "folders with '/', as in evals/files/input.csv",
        f"{EVALS}:11: KB206 evals[0].files[3] '../other/data.csv' {leaves}",
        f"{EVALS}:12: KB206 evals[0].files[4] 'evals/../../other/data.csv' {leaves}",
        f"{EVALS}:13: KB206 evals[0].files[5] '../../../../etc/passwd' {leaves}",
        f"{EVALS}:14: KB206 evals[0].files[6] 'evals/files/elsewhere.csv' {through}",
        f"{EVALS}:15: KB206 evals[0].files[7] 'evals/files/outside.csv' {through}",
        f"{EVALS}:16: KB206 evals[0].files[8] 'evals/.hidden.csv' is hidden (a file named .x, or "
        "in a folder named .x or _x): it is not published with the skill",
    ]


def test_paths_are_quoted_on_one_line_and_suggestions_are_bounded(tmp_path: Path) -> None:
    misspelt = ["evals/files/sales_2024.csv"] * 30
    text = evals_json(case(files=["evals/files/a\nb.csv", "x" * 200, *misspelt]))
    root = kb(tmp_path, text)
    got = found(root)
    assert got[:2] == [
        f"{EVALS}:8: KB206 evals[0].files[0] 'evals/files/a\\nb.csv' does not exist in "
        "skills/csv-analyzer/",
        f"{EVALS}:9: KB206 evals[0].files[1] '{'x' * 59}…' does not exist in skills/csv-analyzer/",
    ]
    suggested = [line for line in got if "did you mean 'evals/files/sales_2025.csv'?" in line]
    assert len(got) == 32 and len(suggested) == 18  # the first 20 missing files, less 2 above


def test_a_single_skill_folder_is_checked_too(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "csv-analyzer",
        {
            "SKILL.md": SKILL,
            "evals/files/sales_2025.csv": "month\n",
            "evals/evals.json": evals_json(
                case(files=["evals/files/sales_2025.csv", "evals/files/x.csv"]),
                skill_name="csv-analyzer",
            ),
        },
    )
    assert found(root) == [
        "evals/evals.json:10: KB206 evals[0].files[1] 'evals/files/x.csv' does not exist in the "
        "skill folder"
    ]


# --- bytes and size ------------------------------------------------------------------------


def test_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    root = kb(tmp_path, b'{\n  "evals": [],\n  "note": "caf\xe9"\n}\n')
    assert found(root) == [f"{EVALS}:3: KB206 is not valid UTF-8 (byte 31): save it as UTF-8"]


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    root = kb(tmp_path, '{"evals": [], "pad": "' + "x" * (1024 * 1024) + '"}')
    assert found(root) == [
        f"{EVALS}: KB106 is 1,048,600 bytes, over the limit of 1,048,576 (option max_file_size); "
        "it is not loaded"
    ]


def test_deep_nesting_is_refused_before_json_parses_it(tmp_path: Path) -> None:
    root = kb(tmp_path, '{"evals": [],\n "x": ' + "[" * 200_000 + "]" * 200_000 + "}")
    assert found(root) == [
        f"{EVALS}:2: KB206 nests arrays and objects more than {MAX_NESTING} levels deep; it is not read"
    ]
    # brackets inside strings are text, not nesting
    assert problems(json.dumps({"evals": [], "x": "[" * 500})) == []


def test_a_large_file_with_many_problems_stays_fast_and_capped(tmp_path: Path) -> None:
    cases = [case(id=True, prompt="", files=["missing.csv"]) for _ in range(4000)]
    text = json.dumps({"evals": cases}, indent=1)
    assert len(text) < 1024 * 1024
    root = kb(tmp_path, text)
    start = time.perf_counter()
    report = analyse(root, check_elixir=False).report
    assert time.perf_counter() - start < 20
    assert [d.code for d in report.diagnostics] == ["KB206"] * (MAX_PER_FILE + 1)
    assert report.diagnostics[0].message.startswith("and 11900 more KB206 in this file")


def test_a_huge_number_is_reported_not_raised() -> None:
    text = '{\n"evals": [],\n"n": ' + "9" * 5000 + "}"
    ((line, message),) = problems(text)
    assert line == 3 and message.startswith("cannot be read: Exceeds the limit (4300 digits)")


# --- one code path: the checks option, the formats, the build --------------------------------


def test_the_checks_option_applies(tmp_path: Path) -> None:
    root = kb(tmp_path, evals_json(case(id="1")))
    assert found(root) == [f'{EVALS}:4: KB206 evals[0].id must be an integer, not "1"']
    for option in (
        {"ignore": ["KB206"]},
        {"ignore": ["KB2"]},
        {"select": ["KB3"]},
        {"per_file": {"skills/*/evals/**": {"ignore": ["KB206"]}}},
    ):
        assert found(root, checks=settings_from_options(option, where="checks")) == []
    graded = analyse(
        root,
        check_elixir=False,
        checks=settings_from_options({"severity": {"KB206": "warning"}}, where="checks"),
    ).report
    assert [(d.code, d.severity) for d in graded.diagnostics] == [("KB206", Severity.WARNING)]


def test_json_and_sarif_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = kb(tmp_path, evals_json(case(id="1")))
    assert main(["check", str(root), "--format", "json", "--no-elixir"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["files"] == 2
    assert data["diagnostics"] == [
        {
            "path": EVALS,
            "line": 4,
            "code": "KB206",
            "severity": "error",
            "message": 'evals[0].id must be an integer, not "1"',
        }
    ]
    assert main(["check", str(root), "--format", "sarif", "--no-elixir"]) == 1
    (run,) = json.loads(capsys.readouterr().out)["runs"]
    (result,) = run["results"]
    assert result["ruleId"] == "KB206"
    location = result["locations"][0]["physicalLocation"]
    assert (location["artifactLocation"]["uri"], location["region"]["startLine"]) == (EVALS, 4)
    assert main(["check", str(root), "--no-elixir", "--ignore", "KB206"]) == 0
    capsys.readouterr()


@pytest.mark.slow
def test_a_strict_build_fails_on_it(tmp_path: Path) -> None:
    root = kb(
        tmp_path,
        evals_json(case(id="1")),
        **{
            "mkdocs.yml": "site_name: Evals\ntheme:\n  name: material\n  font: false\n"
            "plugins:\n  - search\n  - skillbook:\n      elixir_check: false\n",
            "docs/index.md": "# Home\n",
        },
    )
    done = mkdocs_build(root, "--strict")
    assert done.returncode == 1
    assert "1 error, 0 warnings in 2 files (KB206 \u00d71)" in done.stderr
    verbose = mkdocs_build(root, "-v")
    assert f'{EVALS}:4: KB206 evals[0].id must be an integer, not "1"' in verbose.stderr
    assert (root / "site/skills/csv-analyzer/evals/evals.json").is_file()  # still published
    assert json.loads((root / "site/schemas/evals.schema.json").read_text(encoding="utf-8"))
