"""The JSON Schemas in src/skillbook/schemas/ and `skillbook check` agree on every field rule.

Each case is given to both: written into a knowledge base and checked with `analyse`, and parsed
with the checker's own YAML loader (Python's json for a skill's evals file, whose text a case
holds in its `yaml` field) and validated with `Draft202012Validator`. The checker's verdict is
"valid" when the file gets none of the field-rule codes (KB103, KB104, KB201, KB202, KB203, and
for a session's `date` the KB405 about its format; KB206 for an evals file).

What JSON Schema cannot say is left out of the agreement and listed in LIMITS (EVALS_LIMITS for
evals files), where the test asserts the documented difference instead: uniqueness across the
document (ids defined twice), keys given twice (the YAML loader keeps the last one), the
difference between 2 and 2.0 (one number for JSON, an int and a float for YAML, an int and a
float for Python's json), and for evals files what needs the disk or the skill's own name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from skillbook.frontmatter import parse_yaml, split
from skillbook.json_schemas import SCHEMA_NAMES, load_schema, schema_path
from skillbook.pipeline import analyse

REPO = Path(__file__).resolve().parents[1]
FIELD_CODES = frozenset({"KB103", "KB104", "KB201", "KB202", "KB203"})
ROADMAP = "sessions/roadmap.yml"
SESSION = "sessions/2026/2026-01-08-x.md"
PATTERN = "patterns/retry_strategies.md"


@dataclass(frozen=True)
class Case:
    id: str
    yaml: str
    valid: bool  # the checker's verdict
    schema_valid: bool | None = None  # the schema's verdict, only where it cannot agree (LIMITS)


def schema_valid(kind: str, yaml_text: str, first_line: int = 2) -> bool:
    """Parse with the checker's loader and validate against the packaged schema."""
    parsed = parse_yaml(yaml_text, first_line)
    if parsed.error is not None:
        return False
    validator = Draft202012Validator(load_schema(kind))
    return not list(validator.iter_errors(parsed.data))


def field_problems(
    root: Path, path: str, *, date_rule: bool = False, profile: str = "agentskills"
) -> list[str]:
    """The field-rule diagnostics `skillbook check` gives the file at `path`."""
    result = analyse(root, check_elixir=False, profile=profile)
    assert path in {doc.path for doc in result.kb.documents()}, f"{path} was not loaded"
    return [
        str(d)
        for d in result.report.diagnostics
        if d.path == path
        and (
            d.code in FIELD_CODES
            or (date_rule and d.code == "KB405" and "is not a date written" in d.message)
        )
    ]


def write(root: Path, path: str, text: str) -> None:
    full = root / path
    full.parent.mkdir(parents=True, exist_ok=True)
    full.write_text(text, encoding="utf-8", newline="")


def frontmatter(yaml_text: str, title: str = "Title") -> str:
    return f"---\n{yaml_text}---\n\n# {title}\n\nBody.\n"


# --- skills: skills/<name>/SKILL.md ------------------------------------------------------

OK = "name: retry\ndescription: Retry failed calls. Use when a dependency fails transiently.\n"
SKILL_CASES = [
    Case("minimal", OK, True),
    Case(
        "all-fields",
        OK + "license: MIT\ncompatibility: Elixir 1.17+\nallowed-tools: Bash Read\n"
        "metadata:\n  tags: elixir, otp\n  owner: platform\n",
        True,
    ),
    Case("name-64", f"name: {'a' * 64}\ndescription: Long name.\n", True),
    Case("name-digits", "name: a1-b2\ndescription: Digits.\n", True),
    Case("description-1024", "name: retry\ndescription: " + "d" * 1024 + "\n", True),
    Case("block-description", "name: retry\ndescription: |\n  Two lines\n  of text.\n", True),
    Case("compatibility-500", OK + "compatibility: " + "c" * 500 + "\n", True),
    Case("metadata-empty", OK + "metadata: {}\n", True),
    Case("metadata-empty-value", OK + 'metadata:\n  tags: ""\n', True),
    Case("metadata-quoted-number", OK + 'metadata:\n  version: "1.0"\n', True),
    # missing required
    Case("missing-name", "description: No name.\n", False),
    Case("missing-description", "name: retry\n", False),
    # wrong type
    Case("name-number", "name: 42\ndescription: Number.\n", False),
    Case("name-null", "name:\ndescription: Null.\n", False),
    Case("description-number", "name: retry\ndescription: 42\n", False),
    Case("description-list", "name: retry\ndescription: [a, b]\n", False),
    Case("license-null", OK + "license:\n", False),
    Case("allowed-tools-list", OK + "allowed-tools: [Bash, Read]\n", False),
    # empty strings
    Case("description-empty", 'name: retry\ndescription: ""\n', False),
    Case("description-blank", 'name: retry\ndescription: "   "\n', False),
    Case("name-blank", 'name: "  "\ndescription: Blank.\n', False),
    Case("license-empty", OK + 'license: ""\n', False),
    Case("compatibility-blank", OK + 'compatibility: " "\n', False),
    # too long
    Case("name-65", f"name: {'a' * 65}\ndescription: Too long.\n", False),
    Case("description-1025", "name: retry\ndescription: " + "d" * 1025 + "\n", False),
    Case("compatibility-501", OK + "compatibility: " + "c" * 501 + "\n", False),
    # bad charset
    Case("uppercase", "name: Retry\ndescription: Upper.\n", False),
    Case("leading-hyphen", "name: -retry\ndescription: Hyphen.\n", False),
    Case("trailing-hyphen", "name: retry-\ndescription: Hyphen.\n", False),
    Case("double-hyphen", "name: re--try\ndescription: Hyphens.\n", False),
    Case("underscore", "name: re_try\ndescription: Underscore.\n", False),
    Case("non-ascii", "name: café\ndescription: Unicode.\n", False),
    # unknown key
    Case("unknown-version", OK + 'version: "1.0"\n', False),
    Case("unknown-tags", OK + "tags: [a]\n", False),
    # metadata: a mapping of string to string
    Case("metadata-scalar", OK + "metadata: none\n", False),
    Case("metadata-list", OK + "metadata: [a, b]\n", False),
    Case("metadata-number-value", OK + "metadata:\n  count: 3\n", False),
    Case("metadata-boolean-value", OK + "metadata:\n  draft: yes\n", False),
    Case("metadata-list-value", OK + "metadata:\n  tags: [a, b]\n", False),
    Case("metadata-nested-mapping", OK + "metadata:\n  owner:\n    team: core\n", False),
    Case("metadata-number-key", OK + "metadata:\n  1: one\n", False),
    # not a mapping
    Case("list-frontmatter", "- name: retry\n", False),
    Case("scalar-frontmatter", "just text\n", False),
    Case("empty-frontmatter", "", False),
]

SKILL_FOLDER = re.compile(r"[A-Za-z0-9-][A-Za-z0-9_é-]{0,99}")


def skill_folder(yaml_text: str) -> str:
    """The folder named after the case's `name`, or `retry` when no folder can carry it."""
    data = parse_yaml(yaml_text, 2).data
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) and SKILL_FOLDER.fullmatch(name) else "retry"


@pytest.mark.parametrize("case", SKILL_CASES, ids=[c.id for c in SKILL_CASES])
def test_skill(case: Case, tmp_path: Path) -> None:
    path = f"skills/{skill_folder(case.yaml)}/SKILL.md"
    write(tmp_path, path, frontmatter(case.yaml))
    problems = field_problems(tmp_path, path)
    assert (not problems, schema_valid("skill", case.yaml)) == (case.valid, case.valid), problems


# --- skills under the claude-code profile: skill-claude-code.schema.json -----------------

CLAUDE_CODE_CASES = [
    *(c for c in SKILL_CASES if c.id not in {"allowed-tools-list"}),
    Case("allowed-tools-list", OK + "allowed-tools: [Bash, Read]\n", True),
    Case(
        "every-field",
        OK + "when_to_use: When a deploy is asked for.\nargument-hint: '[env]'\n"
        "disable-model-invocation: true\nuser-invocable: false\nmodel: sonnet\neffort: high\n"
        "shell: bash\ndisallowed-tools: Write\npaths: [lib/**/*.ex]\ncontext: fork\n"
        "agent: Explore\nbackground: true\nhooks:\n  PreToolUse: []\n",
        True,
    ),
    Case("effort-number", OK + "effort: 3\n", True),
    Case("paths-string", OK + "paths: lib/**/*.ex\n", True),
    Case("effort-word", OK + "effort: extreme\n", False),
    Case("effort-boolean", OK + "effort: true\n", False),
    Case("shell-zsh", OK + "shell: zsh\n", False),
    Case("context-forked", OK + "context: forked\n", False),
    Case("when-empty", OK + 'when_to_use: ""\n', False),
    Case("paths-number", OK + "paths: 3\n", False),
    Case("paths-empty-item", OK + 'paths: ["", a]\n', False),
    Case("background-string", OK + "background: 'no'\n", False),
    Case("hooks-list", OK + "hooks: [a]\n", False),
    Case("internal-version", OK + "version: '1.0'\n", False),
]


@pytest.mark.parametrize("case", CLAUDE_CODE_CASES, ids=[c.id for c in CLAUDE_CODE_CASES])
def test_skill_under_the_claude_code_profile(case: Case, tmp_path: Path) -> None:
    path = f"skills/{skill_folder(case.yaml)}/SKILL.md"
    write(tmp_path, path, frontmatter(case.yaml))
    problems = field_problems(tmp_path, path, profile="claude-code")
    verdict = (not problems, schema_valid("skill-claude-code", case.yaml))
    assert verdict == (case.valid, case.valid), problems


# --- patterns: patterns/<id>.md ----------------------------------------------------------

P = "title: Retry strategies\nsummary: Retry transient failures with capped exponential backoff.\n"
PATTERN_CASES = [
    Case("minimal", P, True),
    Case("tags-block", P + "tags:\n  - elixir\n  - resilience\n", True),
    Case("tags-flow", P + "tags: [elixir, otp]\n", True),
    Case("tags-empty", P + "tags: []\n", True),
    Case("summary-300", "title: Retry\nsummary: " + "s" * 300 + "\n", True),
    Case("summary-folded", "title: Retry\nsummary: >-\n  One sentence\n  folded.\n", True),
    Case("summary-trailing-newline", "title: Retry\nsummary: |\n  One sentence.\n", True),
    Case("quoted", "title: 'Retry: why'\nsummary: \"Retry, then wait.\"\n", True),
    # missing required
    Case("missing-title", "summary: No title.\n", False),
    Case("missing-summary", "title: Retry\n", False),
    # wrong type
    Case("title-number", "title: 42\nsummary: Number.\n", False),
    Case("title-null", "title:\nsummary: Null.\n", False),
    Case("summary-list", "title: Retry\nsummary: [a, b]\n", False),
    # empty strings
    Case("title-empty", 'title: ""\nsummary: Empty title.\n', False),
    Case("summary-empty", 'title: Retry\nsummary: ""\n', False),
    Case("summary-blank", 'title: Retry\nsummary: "   "\n', False),
    # too long, more than one line
    Case("summary-301", "title: Retry\nsummary: " + "s" * 301 + "\n", False),
    Case("summary-two-lines", "title: Retry\nsummary: |\n  Line one.\n  Line two.\n", False),
    # tags: a list of non-empty strings
    Case("tags-string", P + "tags: elixir\n", False),
    Case("tags-mapping", P + "tags:\n  lang: elixir\n", False),
    Case("tags-number-item", P + "tags: [elixir, 42]\n", False),
    Case("tags-empty-item", P + 'tags: [elixir, ""]\n', False),
    Case("tags-null-item", P + "tags: [elixir, ~]\n", False),
    Case("tags-nested-list", P + "tags: [[elixir]]\n", False),
    # unknown key
    Case("unknown-description", P + "description: Not a pattern field.\n", False),
    Case("unknown-name", P + "name: retry\n", False),
    # not a mapping
    Case("list-frontmatter", "- title: Retry\n", False),
]


@pytest.mark.parametrize("case", PATTERN_CASES, ids=[c.id for c in PATTERN_CASES])
def test_pattern(case: Case, tmp_path: Path) -> None:
    write(tmp_path, PATTERN, frontmatter(case.yaml))
    problems = field_problems(tmp_path, PATTERN)
    assert (not problems, schema_valid("pattern", case.yaml)) == (case.valid, case.valid), problems


# --- session logs: sessions/<YYYY>/<YYYY-MM-DD>-<slug>.md, with no roadmap ----------------

S = "date: 2026-01-08\nphase: 2\n"
SESSION_CASES = [
    Case("minimal", S, True),
    Case("all-fields", S + 'hours: 2.5\ncompleted: ["2.1", "2.2"]\n', True),
    Case("quoted-date", 'date: "2026-01-08"\nphase: 2\n', True),
    Case("zero-hours-no-tasks", S + "hours: 0\ncompleted: []\n", True),
    Case("whole-hours", S + "hours: 3\n", True),
    Case(
        "leap-day", "date: 2024-02-29\nphase: 2\n", True
    ),  # differs from the file name: not a field rule
    Case("date-padded", 'date: " 2026-01-08 "\nphase: 2\n', True),  # the checker strips it
    # missing required
    Case("missing-date", "phase: 2\n", False),
    Case("missing-phase", "date: 2026-01-08\n", False),
    # bad date
    Case("date-month-13", "date: 2026-13-08\nphase: 2\n", False),
    Case("date-feb-29", "date: 2026-02-29\nphase: 2\n", False),
    Case("date-short", "date: 2026-1-8\nphase: 2\n", False),
    Case("date-number", "date: 20260108\nphase: 2\n", False),
    Case("date-time", "date: 2026-01-08T10:00:00\nphase: 2\n", False),
    Case("date-words", "date: January 8, 2026\nphase: 2\n", False),
    # wrong type
    Case("phase-string", 'date: 2026-01-08\nphase: "2"\n', False),
    Case("phase-fraction", "date: 2026-01-08\nphase: 2.5\n", False),
    Case("phase-boolean", "date: 2026-01-08\nphase: true\n", False),
    Case("hours-negative", S + "hours: -1\n", False),
    Case("hours-huge", S + "hours: 1" + "0" * 309 + "\n", False),
    Case("hours-string", S + "hours: 2h\n", False),
    Case("hours-boolean", S + "hours: yes\n", False),
    # completed: quoted task ids
    Case("completed-string", S + 'completed: "2.1"\n', False),
    Case("completed-unquoted-number", S + "completed: [2.1]\n", False),
    Case("completed-space", S + 'completed: ["2 1"]\n', False),
    Case("completed-empty-id", S + 'completed: [""]\n', False),
    # unknown key
    Case("unknown-tasks", S + 'tasks: ["2.1"]\n', False),
]


@pytest.mark.parametrize("case", SESSION_CASES, ids=[c.id for c in SESSION_CASES])
def test_session(case: Case, tmp_path: Path) -> None:
    write(tmp_path, SESSION, frontmatter(case.yaml))
    problems = field_problems(tmp_path, SESSION, date_rule=True)
    assert (not problems, schema_valid("session", case.yaml)) == (case.valid, case.valid), problems


# --- the roadmap: sessions/roadmap.yml ---------------------------------------------------
# The verdict is "no KB401". KB402 (a file outside skills/ and patterns/, or one file listed by
# two tasks) compares paths across the document and is not expressible in JSON Schema, so no case
# tests it and the verdict ignores it; every case lists files under skills/ only.

TASK = '      - id: "2.1"\n        title: Retry\n        priority: high\n'
FILES = "        files:\n          - skills/retry/SKILL.md\n"
PHASE = "phases:\n  - id: 2\n    title: Resilience\n    tasks:\n"
R = PHASE + TASK + FILES


def roadmap(task_extra: str = "", *, task: str = TASK, files: str = FILES) -> str:
    return PHASE + task + files + task_extra


ROADMAP_CASES = [
    Case("minimal", R, True),
    Case("no-phases", "phases: []\n", True),
    Case("no-tasks", "phases:\n  - id: 1\n    title: Setup\n    tasks: []\n", True),
    Case(
        "all-task-fields",
        roadmap('        estimate_hours: 1.5\n        blocked: "waiting"\n'),
        True,
    ),
    Case("zero-estimate", roadmap("        estimate_hours: 0\n"), True),
    Case("no-files", roadmap(files="        files: []\n"), True),
    Case(
        "priorities",
        R + TASK.replace("2.1", "2.2").replace("high", "low") + "        files: []\n",
        True,
    ),
    Case("comments", "# the plan\n" + R.replace("title: Retry", "title: Retry  # first"), True),
    # the document
    Case("empty", "", False),
    Case("list", "- id: 2\n", False),
    Case("missing-phases", "title: Plan\n", False),
    Case("phases-mapping", "phases:\n  two: 2\n", False),
    Case("phases-null", "phases:\n", False),
    Case("unknown-top-key", R + "title: Plan\n", False),
    # phases
    Case("phase-missing-id", "phases:\n  - title: Resilience\n    tasks: []\n", False),
    Case("phase-missing-title", "phases:\n  - id: 2\n    tasks: []\n", False),
    Case("phase-missing-tasks", "phases:\n  - id: 2\n    title: Resilience\n", False),
    Case("phase-id-string", R.replace("id: 2\n", 'id: "2"\n'), False),
    Case("phase-id-fraction", R.replace("id: 2\n", "id: 2.5\n"), False),
    Case("phase-id-boolean", R.replace("id: 2\n", "id: true\n"), False),
    Case("phase-title-empty", R.replace("title: Resilience", 'title: ""'), False),
    Case("phase-title-number", R.replace("title: Resilience", "title: 7"), False),
    Case(
        "phase-tasks-mapping", "phases:\n  - id: 2\n    title: R\n    tasks:\n      a: b\n", False
    ),
    Case("phase-unknown-key", R + "    status: done\n", False),
    Case("phase-not-mapping", "phases:\n  - two\n", False),
    # tasks
    Case("task-not-mapping", PHASE + "      - 2.1\n", False),
    Case("task-missing-id", roadmap(task=TASK.replace('- id: "2.1"\n        ', "- ")), False),
    Case("task-missing-title", roadmap(task=TASK.replace("        title: Retry\n", "")), False),
    Case(
        "task-missing-priority", roadmap(task=TASK.replace("        priority: high\n", "")), False
    ),
    Case("task-missing-files", PHASE + TASK, False),
    Case("task-id-unquoted-number", roadmap(task=TASK.replace('"2.1"', "2.1")), False),
    Case("task-id-integer", roadmap(task=TASK.replace('"2.1"', "2")), False),
    Case("task-id-empty", roadmap(task=TASK.replace('"2.1"', '""')), False),
    Case("task-title-blank", roadmap(task=TASK.replace("title: Retry", 'title: "  "')), False),
    Case("priority-unknown", roadmap(task=TASK.replace("high", "urgent")), False),
    Case("priority-capitalised", roadmap(task=TASK.replace("high", "High")), False),
    Case("priority-number", roadmap(task=TASK.replace("high", "1")), False),
    Case("files-string", roadmap(files="        files: skills/retry/SKILL.md\n"), False),
    Case("files-number-item", roadmap(files="        files: [42]\n"), False),
    Case("files-empty-item", roadmap(files='        files: [""]\n'), False),
    Case("estimate-negative", roadmap("        estimate_hours: -1\n"), False),
    Case("estimate-huge", roadmap("        estimate_hours: 100001\n"), False),
    Case("estimate-string", roadmap("        estimate_hours: 2h\n"), False),
    Case("blocked-empty", roadmap('        blocked: ""\n'), False),
    Case("blocked-boolean", roadmap("        blocked: yes\n"), False),
    Case("task-unknown-key", roadmap("        status: done\n"), False),
]


@pytest.mark.parametrize("case", ROADMAP_CASES, ids=[c.id for c in ROADMAP_CASES])
def test_roadmap(case: Case, tmp_path: Path) -> None:
    write(tmp_path, ROADMAP, case.yaml)
    result = analyse(tmp_path, check_elixir=False)
    problems = [str(d) for d in result.report.diagnostics if d.code == "KB401"]
    ours = schema_valid("roadmap", case.yaml, first_line=1)
    assert (not problems, ours) == (case.valid, case.valid), problems


# --- a skill's test cases: skills/<name>/evals/evals.json -----------------------------------
# The verdict is "no KB206": the evals file is JSON, not YAML, and is parsed for the schema with
# Python's json. Every case runs in a skill folder holding evals/files/sales.csv and
# evals/files/customers.csv, so that the files the valid cases list exist; what needs the disk
# or the skill's name (a missing file, a symlink, skill_name against SKILL.md) is in LIMITS.

EVALS_PATH = "skills/csv-analyzer/evals/evals.json"
EVALS_SKILL = "---\nname: csv-analyzer\ndescription: Analyse CSV files.\n---\n# CSV\n"


def evals_text(*cases: object, **top: object) -> str:
    return json.dumps({**top, "evals": list(cases)}, indent=2)


def eval_case(**fields: object) -> dict[str, object]:
    """A valid test case, with `fields` added or replaced (None: removed)."""
    found = {"id": 1, "prompt": "Top 3 months?", "expected_output": "A bar chart.", **fields}
    return {key: value for key, value in found.items() if value is not None}


def files_case(*paths: object) -> str:
    return evals_text(eval_case(files=list(paths)))


def expectations_case(*statements: object) -> str:
    return evals_text(eval_case(expectations=list(statements)))


GUIDE = evals_text(
    eval_case(files=["evals/files/sales.csv"]),
    eval_case(id=2, prompt="Clean customers.csv.", files=["evals/files/customers.csv"]),
    skill_name="csv-analyzer",
)
EVALS_CASES = [
    Case("guide", GUIDE, True),
    Case("no-cases", '{"evals": []}', True),
    Case("no-skill-name", evals_text(eval_case()), True),
    Case("with-expectations", expectations_case("Both axes are labeled", "Three bars"), True),
    Case("empty-optional-arrays", evals_text(eval_case(files=[], expectations=[])), True),
    Case("ids", evals_text(eval_case(id=0), eval_case(id=-3), eval_case(id=10**20)), True),
    Case(
        "unknown-keys",
        evals_text(eval_case(assertions=["x"], should_trigger=True), version=2, notes={"a": 1}),
        True,
    ),
    Case("dot-slash", files_case("./evals/files/sales.csv"), True),
    Case("down-and-up", files_case("evals/../evals/files/sales.csv"), True),
    Case("unicode", evals_text(eval_case(prompt="Café — 売上?")), True),
    # not JSON
    Case("not-json", "{", False),
    Case("trailing-comma", '{"evals": [],}', False),
    Case("single-quotes", "{'evals': []}", False),
    Case("empty-file", "", False),
    Case("byte-order-mark", "\ufeff" + GUIDE, False),
    # the top level
    Case("top-array", "[]", False),
    Case("top-string", '"evals"', False),
    Case("top-null", "null", False),
    Case("missing-evals", '{"skill_name": "csv-analyzer"}', False),
    Case("evals-object", '{"evals": {"id": 1}}', False),
    Case("evals-null", '{"evals": null}', False),
    Case("skill-name-number", evals_text(skill_name=7), False),
    Case("skill-name-empty", evals_text(skill_name=""), False),
    Case("skill-name-uppercase", evals_text(skill_name="CSV-Analyzer"), False),
    # test cases
    Case("case-string", evals_text("Top 3 months?"), False),
    Case("case-array", evals_text([1]), False),
    Case("missing-id", evals_text(eval_case(id=None)), False),
    Case("missing-prompt", evals_text(eval_case(prompt=None)), False),
    Case("missing-expected-output", evals_text(eval_case(expected_output=None)), False),
    Case("id-string", evals_text(eval_case(id="1")), False),
    Case("id-boolean", evals_text(eval_case(id=True)), False),
    Case("id-fraction", evals_text(eval_case(id=1.5)), False),
    Case("id-null", '{"evals": [{"id": null, "prompt": "a", "expected_output": "b"}]}', False),
    Case("prompt-empty", evals_text(eval_case(prompt="")), False),
    Case("prompt-blank", evals_text(eval_case(prompt=" \n ")), False),
    Case("prompt-list", evals_text(eval_case(prompt=["Top?"])), False),
    Case("expected-output-empty", evals_text(eval_case(expected_output="")), False),
    Case("expected-output-number", evals_text(eval_case(expected_output=3)), False),
    # files
    Case("files-string", evals_text(eval_case(files="evals/files/sales.csv")), False),
    Case("files-number-item", files_case(3), False),
    Case("files-null-item", files_case(None), False),
    Case("files-empty-item", files_case(""), False),
    Case("files-blank-item", files_case("  "), False),
    Case("files-absolute", files_case("/etc/passwd"), False),
    Case("files-drive", files_case("C:/data/sales.csv"), False),
    Case("files-backslash", files_case("evals\\files\\sales.csv"), False),
    Case("files-unc", files_case("\\\\server\\share\\sales.csv"), False),
    Case("files-parent", files_case("../other/sales.csv"), False),
    Case("files-parent-only", files_case(".."), False),
    # expectations
    Case("expectations-string", evals_text(eval_case(expectations="Both axes")), False),
    Case("expectations-number-item", expectations_case("Both axes", 3), False),
    Case("expectations-empty-item", expectations_case(""), False),
    Case("expectations-blank-item", expectations_case("\t"), False),
]


def evals_schema_valid(text: str) -> bool:
    """Parse with Python's json and validate against the packaged evals schema."""
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return not list(Draft202012Validator(load_schema("evals")).iter_errors(data))


def evals_verdict(root: Path, text: str) -> tuple[bool, list[str]]:
    """Whether `skillbook check` accepts `text` as the skill's evals file, and its KB206s."""
    write(root, "skills/csv-analyzer/SKILL.md", EVALS_SKILL)
    write(root, "skills/csv-analyzer/evals/files/sales.csv", "month,revenue\n")
    write(root, "skills/csv-analyzer/evals/files/customers.csv", "name,email\n")
    write(root, EVALS_PATH, text)
    result = analyse(root, check_elixir=False)
    problems = [str(d) for d in result.report.diagnostics if d.path == EVALS_PATH]
    assert all(" KB206 " in p for p in problems), problems
    return not problems, problems


@pytest.mark.parametrize("case", EVALS_CASES, ids=[c.id for c in EVALS_CASES])
def test_evals(case: Case, tmp_path: Path) -> None:
    ours, problems = evals_verdict(tmp_path, case.yaml)
    assert (ours, evals_schema_valid(case.yaml)) == (case.valid, case.valid), problems


# --- what JSON Schema cannot express: the documented differences --------------------------

LIMITS = [
    # (kind, case): the checker rejects each of these; the schema cannot
    ("skill", Case("duplicate-key", OK + "name: retry\n", False, True)),
    ("pattern", Case("duplicate-key", P + "title: Again\n", False, True)),
    ("session", Case("phase-2.0", "date: 2026-01-08\nphase: 2.0\n", False, True)),
    ("session", Case("hours-nan", S + "hours: .nan\n", False, True)),
    ("roadmap", Case("phase-id-2.0", R.replace("id: 2\n", "id: 2.0\n"), False, True)),
    (
        "roadmap",
        Case(
            "duplicate-key",
            R.replace("priority: high\n", "priority: high\n        priority: low\n"),
            False,
            True,
        ),
    ),
    ("roadmap", Case("task-id-twice", R + TASK + "        files: []\n", False, True)),
    (
        "roadmap",
        Case("phase-id-twice", R + "  - id: 2\n    title: Again\n    tasks: []\n", False, True),
    ),
]


@pytest.mark.parametrize("kind, case", LIMITS, ids=[f"{k}-{c.id}" for k, c in LIMITS])
def test_documented_limits(kind: str, case: Case, tmp_path: Path) -> None:
    if kind == "roadmap":
        write(tmp_path, ROADMAP, case.yaml)
        result = analyse(tmp_path, check_elixir=False)
        ours = not any(d.code == "KB401" for d in result.report.diagnostics)
        theirs = schema_valid(kind, case.yaml, first_line=1)
    else:
        path = {"skill": "skills/retry/SKILL.md", "pattern": PATTERN, "session": SESSION}[kind]
        write(tmp_path, path, frontmatter(case.yaml))
        ours = not field_problems(tmp_path, path, date_rule=kind == "session")
        theirs = schema_valid(kind, case.yaml)
    assert (ours, theirs) == (case.valid, case.schema_valid)


# the checker rejects each of these evals files; the schema cannot (uniqueness, keys given
# twice, NaN, 1.0 as an integer, skill_name against SKILL.md, the disk)
EVALS_LIMITS = [
    Case("duplicate-id", evals_text(eval_case(), eval_case()), False, True),
    Case("duplicate-key", '{"evals": [], "evals": []}', False, True),
    Case("nan", '{"evals": [], "score": NaN}', False, True),
    Case("id-1.0", '{"evals": [{"id": 1.0, "prompt": "a", "expected_output": "b"}]}', False, True),
    Case("skill-name-other", evals_text(skill_name="tsv-analyzer"), False, True),
    Case("files-missing", files_case("evals/files/missing.csv"), False, True),
    Case("files-folder", files_case("evals/files"), False, True),
    Case("files-climbs-later", files_case("evals/../../other/sales.csv"), False, True),
    Case("files-hidden", files_case("evals/.cache/sales.csv"), False, True),
]


@pytest.mark.parametrize("case", EVALS_LIMITS, ids=[c.id for c in EVALS_LIMITS])
def test_evals_documented_limits(case: Case, tmp_path: Path) -> None:
    ours, _ = evals_verdict(tmp_path, case.yaml)
    assert (ours, evals_schema_valid(case.yaml)) == (case.valid, case.schema_valid)


def test_enough_cases_of_every_verdict() -> None:
    for cases, least in (
        (SKILL_CASES, 15),
        (PATTERN_CASES, 15),
        (SESSION_CASES, 8),
        (ROADMAP_CASES, 10),
        (EVALS_CASES, 15),
    ):
        assert len(cases) >= least
        assert {c.valid for c in cases} == {True, False}
        assert len({c.id for c in cases}) == len(cases)
        assert all(c.schema_valid is None for c in cases)


# --- the schemas themselves --------------------------------------------------------------


def described(schema: Any, where: str = "") -> Iterator[str]:
    """Yield the path of every property or definition without a title and a description."""
    if not isinstance(schema, dict):
        return
    for group in ("properties", "$defs"):
        for key, sub in schema.get(group, {}).items():
            here = f"{where}/{group}/{key}"
            if not ("title" in sub and "description" in sub):
                yield here
            yield from described(sub, here)
    for key in ("items", "additionalProperties"):
        yield from described(schema.get(key), f"{where}/{key}")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_and_documented(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema_path(name).parent == REPO / "src" / "skillbook" / "schemas"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://skillbook.dev/schemas/{name}.schema.json"
    assert schema["title"] and schema["description"]
    assert list(described(schema)) == []


def test_unknown_schema_name() -> None:
    with pytest.raises(ValueError, match="unknown schema"):
        schema_path("catalogue")


# --- this repository's own files ---------------------------------------------------------


def repository_files() -> Iterator[tuple[str, str]]:
    """(schema name, repo-relative path) of every skill, pattern and session log here."""
    for pattern, kind in (
        ("skills/*/SKILL.md", "skill"),
        ("patterns/*.md", "pattern"),
        ("sessions/*/*.md", "session"),
    ):
        for path in sorted(REPO.glob(pattern)):
            if path.name != "README.md":
                yield kind, path.relative_to(REPO).as_posix()


REPO_FILES = list(repository_files())


def test_repository_has_files_of_every_kind() -> None:
    assert {kind for kind, _ in REPO_FILES} == {"skill", "pattern", "session"}
    assert (REPO / ROADMAP).is_file()


@pytest.mark.parametrize("kind, path", REPO_FILES, ids=[p for _, p in REPO_FILES])
def test_repository_file_validates(kind: str, path: str) -> None:
    parts = split((REPO / path).read_text(encoding="utf-8"))
    if parts.yaml_text is None and kind == "pattern":
        pytest.skip("a pattern without frontmatter has no fields to validate (KB102 warning)")
    assert parts.yaml_text is not None and parts.closed, f"{path} has no frontmatter"
    parsed = parse_yaml(parts.yaml_text, 2)
    assert parsed.error is None, parsed.error
    errors = [e.message for e in Draft202012Validator(load_schema(kind)).iter_errors(parsed.data)]
    assert errors == []


def test_repository_roadmap_validates() -> None:
    parsed = parse_yaml((REPO / ROADMAP).read_text(encoding="utf-8"), 1)
    assert parsed.error is None, parsed.error
    validator = Draft202012Validator(load_schema("roadmap"))
    assert [e.message for e in validator.iter_errors(parsed.data)] == []
