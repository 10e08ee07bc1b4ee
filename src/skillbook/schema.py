"""The frontmatter rules of skills, patterns and session logs, as data.

The rules follow the Agent Skills specification for skills (the limits of the reference
validator `skills-ref`), with two deliberate differences documented in docs/reference/checks.md:
YAML is read as YAML (so a number is not a string), and names are ASCII.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

SKILL_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PATTERN_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
TASK_ID = re.compile(r"^\S+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Check = Callable[[Any], str | None]  # returns the problem, or None when the value is fine


def _type_name(value: Any) -> str:
    names = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a mapping",
    }
    if isinstance(value, dt.date):
        return "a date"
    return names.get(type(value), "null" if value is None else type(value).__name__)


def text(
    max_len: int | None = None, *, pattern: re.Pattern[str] | None = None, hint: str = ""
) -> Check:
    """A non-empty string, optionally bounded and matching a pattern."""

    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be a string, not {_type_name(value)}{' (quote it)' if value is not None else ''}"
        if not value.strip():
            return "must not be empty"
        if max_len is not None and len(value) > max_len:
            return f"is {len(value)} characters long; the limit is {max_len}"
        if pattern is not None and not pattern.fullmatch(value):
            return hint or f"must match {pattern.pattern}"
        return None

    return check


def string_map(value: Any) -> str | None:
    """A mapping of string keys to string values (Agent Skills `metadata`)."""
    if not isinstance(value, dict):
        return f"must be a mapping of string keys to string values, not {_type_name(value)}"
    for key, item in value.items():
        if not isinstance(key, str):
            return f"key {key!r} must be a string"
        if not isinstance(item, str):
            return f"value of '{key}' must be a string, not {_type_name(item)} (quote it)"
    return None


def string_list(value: Any) -> str | None:
    """A list of non-empty strings."""
    if not isinstance(value, list):
        return f"must be a list of strings, not {_type_name(value)}"
    for item in value:
        if not isinstance(item, str) or not item.strip():
            return f"must hold only non-empty strings; {item!r} is {_type_name(item)}"
    return None


def boolean(value: Any) -> str | None:
    """`true` or `false`, unquoted."""
    if isinstance(value, bool):
        return None
    return f"must be true or false, not {_type_name(value)}"


def strings(value: Any) -> str | None:
    """A non-empty string, or a list of non-empty strings."""
    if isinstance(value, str):
        return None if value.strip() else "must not be empty"
    if isinstance(value, list):
        return string_list(value)
    return f"must be a string or a list of strings, not {_type_name(value)}"


def one_of(*choices: str, number: bool = False) -> Check:
    """One of `choices` (or, with `number`, a whole number)."""

    def check(value: Any) -> str | None:
        if value in choices and isinstance(value, str):
            return None
        if number and isinstance(value, int) and not isinstance(value, bool):
            return None
        listed = ", ".join(choices) + (" or a whole number" if number else "")
        return f"must be one of {listed}, not {value!r}"

    return check


def mapping(value: Any) -> str | None:
    """A mapping (its own contents are the client's to check)."""
    if isinstance(value, dict):
        return None
    return f"must be a mapping, not {_type_name(value)}"


def iso_date(value: Any) -> str | None:
    """A calendar date, YYYY-MM-DD."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return None
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        try:
            dt.date.fromisoformat(value.strip())
            return None
        except ValueError:
            pass
    return f"must be a date written YYYY-MM-DD, not {value!r}"


def whole_number(value: Any) -> str | None:
    """An integer (not a boolean)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    return f"must be a whole number, not {_type_name(value)}"


MAX_HOURS = 100_000


def hours(value: Any) -> str | None:
    """A number of hours from 0 to MAX_HOURS (more is a typo; far more overflows a float)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= MAX_HOURS:
        return None
    shown = "a very large number" if isinstance(value, int) and value > 10**12 else repr(value)
    return f"must be a number of hours from 0 to {MAX_HOURS:,}, not {shown[:80]}"


def task_ids(value: Any) -> str | None:
    """A list of quoted task ids ("2.1"): unquoted 2.10 would be read as the number 2.1."""
    if not isinstance(value, list):
        return f"must be a list of task ids, not {_type_name(value)}"
    for item in value:
        if not isinstance(item, str) or not TASK_ID.fullmatch(item):
            return f'must hold quoted task ids like "2.1"; {item!r} is {_type_name(item)}'
    return None


def one_sentence(max_len: int) -> Check:
    """A string of at most `max_len` characters on one line."""
    base = text(max_len)

    def check(value: Any) -> str | None:
        problem = base(value)
        if problem is None and "\n" in value.strip():
            return "must be one sentence on one line"
        return problem

    return check


class Field(NamedTuple):
    """One frontmatter field: whether it is required and how its value is checked."""

    name: str
    required: bool
    check: Check
    doc: str


class Kind(NamedTuple):
    """The frontmatter rules of one kind of file (made with `Kind.of`)."""

    name: str
    fields: tuple[Field, ...]
    by_name: Mapping[str, Field]

    @classmethod
    def of(cls, name: str, fields: tuple[Field, ...]) -> Kind:
        """The rules `fields` of the kind `name`, each found by its field's name."""
        return cls(name, fields, MappingProxyType({f.name: f for f in fields}))

    def field(self, name: str) -> Field | None:
        """The rule for `name`, if it is a known field."""
        return self.by_name.get(name)

    def problems(self, data: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
        """Yield (code, key, message) for every broken rule in `data`."""
        known = self.by_name
        for key in data:
            if str(key) not in known:
                allowed = ", ".join(f.name for f in self.fields)
                yield "KB203", str(key), f"unknown field '{key}' (a {self.name} allows: {allowed})"
        for rule in self.fields:
            if rule.name not in data:
                if rule.required:
                    yield "KB201", rule.name, f"required field '{rule.name}' is missing"
                continue
            problem = rule.check(data[rule.name])
            if problem is not None:
                yield "KB202", rule.name, f"'{rule.name}' {problem}"


SKILL = Kind.of(
    "skill",
    (
        Field(
            "name",
            True,
            text(
                64,
                pattern=SKILL_NAME,
                hint="must be lowercase a-z, 0-9 and single '-' "
                "between words (no leading, trailing or doubled '-')",
            ),
            "1-64 characters: a-z, 0-9 and '-'; equals the folder name",
        ),
        Field(
            "description",
            True,
            text(1024),
            "1-1024 characters: what the skill does and when to use it",
        ),
        Field("license", False, text(), "license name or the name of a bundled license file"),
        Field(
            "compatibility", False, text(500), "at most 500 characters: environment requirements"
        ),
        Field(
            "allowed-tools", False, text(), "space-separated tools the skill may use (experimental)"
        ),
        Field(
            "metadata", False, string_map, "string keys to string values; `tags` is comma-separated"
        ),
    ),
)

PATTERN = Kind.of(
    "pattern",
    (
        Field("title", True, text(), "the pattern's title"),
        Field("summary", True, one_sentence(300), "one sentence, at most 300 characters"),
        Field("tags", False, string_list, "list of tags"),
    ),
)

SESSION = Kind.of(
    "session log",
    (
        Field("date", True, iso_date, "the day of the session, YYYY-MM-DD"),
        Field("phase", True, whole_number, "the roadmap phase worked on"),
        Field("hours", False, hours, "hours spent"),
        Field("completed", False, task_ids, "ids of tasks this session finished, quoted"),
    ),
)


PROFILES = ("agentskills", "claude-code", "codex")
"""The clients whose skill fields `--profile` / the `profile` option accept; the first is the
default. `codex` documents no frontmatter field beyond the specification (its own settings
live in `agents/openai.yaml`), so it accepts what the specification does."""

# The fields Claude Code 2.1.332 reads from a skill's frontmatter, less those it marks
# internal (`version`, `arguments`, provenance markers): its own schema, in its code, and
# https://code.claude.com/docs/en/skills#frontmatter-reference. tests/test_profiles.py
# compares this list with the schema in the pinned client (tools/claude-code).
_CLAUDE_CODE = (
    Field(
        "when_to_use", False, text(), "when to reach for the skill; listed after the description"
    ),
    Field("argument-hint", False, text(), "hint shown in autocomplete for the arguments"),
    Field("disable-model-invocation", False, boolean, "true: only `/name` invokes the skill"),
    Field("user-invocable", False, boolean, "false: hidden from the `/` menu"),
    Field("model", False, text(), "the model to use while the skill is active"),
    Field("effort", False, one_of("low", "medium", "high", "max", number=True), "thinking effort"),
    Field("shell", False, one_of("bash", "powershell"), "shell for `!` command blocks"),
    Field("disallowed-tools", False, strings, "tools removed while the skill is active"),
    Field("paths", False, strings, "glob patterns of the files the skill applies to"),
    Field("context", False, one_of("inline", "fork"), "`fork` runs the skill in a subagent"),
    Field("agent", False, text(), "the subagent type used with `context: fork`"),
    Field("background", False, boolean, "with `context: fork`: run as a background agent"),
    Field("hooks", False, mapping, "hooks scoped to the skill's lifecycle"),
)
CLAUDE_CODE_LISTS = frozenset({"allowed-tools"})
"""Fields Claude Code also takes as a YAML list where the specification wants a string."""


def skill_kind(profile: str = "agentskills") -> Kind:
    """The rules of a skill's frontmatter under `profile` (one of PROFILES)."""
    if profile == "claude-code":
        return CLAUDE_CODE_SKILL
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}")
    return SKILL


CLAUDE_CODE_SKILL = Kind.of(
    "Claude Code skill",
    tuple(
        Field(f.name, f.required, strings, f.doc) if f.name in CLAUDE_CODE_LISTS else f
        for f in SKILL.fields
    )
    + _CLAUDE_CODE,
)
