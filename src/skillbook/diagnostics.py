"""Diagnostics: the one record every check yields, the code registry, and output formats."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import NamedTuple


class Severity(enum.StrEnum):
    """How bad a diagnostic is: errors fail `check`, warnings fail only `--strict`."""

    ERROR = "error"
    WARNING = "warning"


class Rule(NamedTuple):
    """One registered check code."""

    code: str
    severity: Severity
    summary: str
    title: str  # the heading of its section in docs/reference/checks.md, after the code


def _rules(*rows: tuple[str, Severity, str, str]) -> dict[str, Rule]:
    return {row[0]: Rule(*row) for row in rows}


E, W = Severity.ERROR, Severity.WARNING

# Codes are stable and never reused; a retired code stays here, marked retired.
RULES: dict[str, Rule] = _rules(
    ("KB101", E, "file cannot be read or is not UTF-8", "File cannot be read or is not UTF-8"),
    (
        "KB102",
        E,
        "no frontmatter (an error for a skill, a warning for a pattern)",
        "No frontmatter",
    ),
    ("KB103", E, "frontmatter is not valid YAML", "Frontmatter is not valid YAML"),
    ("KB104", E, "frontmatter is not a mapping", "Frontmatter is not a mapping"),
    (
        "KB105",
        W,
        "Markdown file outside the knowledge-base layout",
        "Markdown file outside the layout",
    ),
    ("KB106", E, "file over the size limit, not loaded", "File over the size limit"),
    ("KB201", E, "required field missing", "Required field missing"),
    (
        "KB202",
        E,
        "field has the wrong type or breaks a length or charset rule",
        "Invalid field value",
    ),
    ("KB203", E, "unknown field", "Unknown field"),
    ("KB204", E, "skill name differs from its folder", "Skill name differs from its folder"),
    ("KB205", E, "two entries share a name or id", "Duplicate name, id or title"),
    ("KB206", E, "evals/evals.json breaks the evaluation format", "Invalid evals file"),
    ("KB301", E, "relative link to a file that does not exist", "Broken relative link"),
    ("KB302", E, "link to an anchor that does not exist in the target", "Missing anchor"),
    ("KB303", W, "pattern that no skill links to", "Orphan pattern"),
    ("KB304", W, "skill that links no pattern", "Skill that links no pattern"),
    (
        "KB305",
        E,
        "link that leaves the repository, or an absolute file path",
        "Link leaves the repository",
    ),
    ("KB306", E, "link to a javascript:, vbscript: or data: URL", "Script or data link"),
    (
        "KB307",
        W,
        "raw HTML the published page removes (scripts, event handlers, frames)",
        "Raw HTML the site removes",
    ),
    ("KB401", E, "roadmap unreadable or breaks its schema", "Invalid roadmap"),
    (
        "KB402",
        E,
        "roadmap lists a file outside skills/ and patterns/, or one file twice",
        "Bad file in the roadmap",
    ),
    ("KB403", W, "skill or pattern that no task lists", "Untracked skill or pattern"),
    ("KB404", W, "session claims a task that is not done", "Session claims an unfinished task"),
    (
        "KB405",
        E,
        "session names a task or phase the roadmap lacks, or has a bad date",
        "Invalid session log",
    ),
    ("KB501", W, "skill body over 500 lines", "Skill body too long"),
    ("KB502", E, "an elixir code block does not parse", "Elixir code block does not parse"),
    (
        "KB503",
        E,
        "an elixir code block does not compile or run, or its file's tests fail",
        "Elixir code block does not compile, or its tests fail",
    ),
    (
        "KB601",
        W,
        "skill changed since the previous index, its metadata.version did not",
        "Skill changed but its version did not",
    ),
    (
        "KB602",
        E,
        "the repository is set up for a site engine that runs no plugin",
        "Site engine runs no plugin",
    ),
    (
        "KB603",
        W,
        "skill's files, with the patterns it copies in, 30 MB or more (a skill upload's limit)",
        "Skill too large to upload",
    ),
    (
        "KB701",
        E,
        "invisible or bidirectional Unicode control character",
        "Invisible or bidirectional control character",
    ),
    (
        "KB702",
        W,
        "text in a skill's files hidden from the page (HTML comment, hidden element)",
        "Text hidden from the page",
    ),
    ("KB703", E, "credential or private key in a file", "Credential in a file"),
    ("KB704", W, "long base64 or hex payload", "Encoded payload"),
    (
        "KB801",
        W,
        "description written as a block scalar (| or >)",
        "Description written as a block scalar",
    ),
    ("KB802", W, "skill body over about 5,000 tokens", "Skill body over the token budget"),
    (
        "KB804",
        W,
        "metadata.github-* install record in a skill's source",
        "Install record in the source",
    ),
    (
        "KB901",
        W,
        "two skills' descriptions overlap strongly: an agent may pick either",
        "Descriptions that overlap",
    ),
    (
        "KB902",
        W,
        "description never says when to use the skill",
        "Description that never says when to use the skill",
    ),
    (
        "KB903",
        W,
        "the descriptions together pass Claude Code's skill listing budget",
        "Descriptions over the listing budget",
    ),
)


MAX_PER_FILE = 100
"""The most diagnostics of one code listed for one file; a hostile file could bring 100,000."""


class Diagnostic(NamedTuple):
    """One problem at one place: `path:line: CODE message`."""

    path: str
    line: int | None
    code: str
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.code} {self.message}"

    def sort_key(self) -> tuple[str, int, str, str]:
        """Order by file, then line (file-level first), then code."""
        return (self.path, self.line or 0, self.code, self.message)


def diagnostic(
    path: str, line: int | None, code: str, message: str, severity: Severity | None = None
) -> Diagnostic:
    """Build a Diagnostic with the registry's severity unless one is given."""
    return Diagnostic(path, line, code, severity or RULES[code].severity, message)


class Report(NamedTuple):
    """The result of a check run: every diagnostic, sorted, and how many files were read."""

    diagnostics: tuple[Diagnostic, ...]
    files: int

    @classmethod
    def of(cls, diagnostics: Iterable[Diagnostic], files: int) -> Report:
        """Sort and de-duplicate diagnostics into a report, at most MAX_PER_FILE per code
        and file: past that, one more diagnostic says how many were left out."""
        unique = sorted(set(diagnostics), key=Diagnostic.sort_key)
        kept: list[Diagnostic] = []
        seen: dict[tuple[str, str], int] = {}
        severity_of: dict[tuple[str, str], Severity] = {}  # as configured, not the registry's
        for d in unique:
            key = (d.path, d.code)
            seen[key] = seen.get(key, 0) + 1
            severity_of[key] = d.severity
            if seen[key] <= MAX_PER_FILE:
                kept.append(d)
        for (path, code), count in seen.items():
            if count > MAX_PER_FILE:
                rest = count - MAX_PER_FILE
                severity = severity_of[(path, code)]
                kept.append(
                    Diagnostic(
                        path,
                        None,
                        code,
                        severity,
                        f"and {rest} more {code} in this file, not listed "
                        f"(at most {MAX_PER_FILE} per code and file are shown)",
                    )
                )
        return cls(tuple(sorted(kept, key=Diagnostic.sort_key)), files)

    @property
    def errors(self) -> int:
        """Number of error diagnostics."""
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        """Number of warning diagnostics."""
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)

    def failed(self, *, strict: bool) -> bool:
        """True when the run should fail: any error, or any warning under strict."""
        return self.errors > 0 or (strict and self.warnings > 0)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(report: Report) -> str:
    """`N errors, M warnings in K files`."""
    return (
        f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')} "
        f"in {_plural(report.files, 'file')}"
    )


def build_summary(report: Report) -> str:
    """One line for a whole build: `N errors, M warnings in K files (KB203 ×270, KB301 ×18)`,
    codes by count, most first, and how to see each diagnostic."""
    counts: dict[str, int] = {}
    for d in report.diagnostics:
        counts[d.code] = counts.get(d.code, 0) + 1
    if not counts:
        return f"no problems in {_plural(report.files, 'file')}"
    by_code = ", ".join(
        f"{code} \u00d7{n}" for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return (
        f"{summary_line(report)} ({by_code}); run `skillbook check` or `mkdocs build -v` "
        f"to see each"
    )


def format_text(report: Report) -> str:
    """One `path:line: CODE message` line per diagnostic, then the summary line."""
    lines = [str(d) for d in report.diagnostics]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _gh_escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_property(value: str) -> str:
    return _gh_escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report) -> str:
    """GitHub Actions workflow commands, which become annotations on pull requests."""
    lines = []
    for d in report.diagnostics:
        props = [f"file={_gh_escape_property(d.path)}"]
        if d.line is not None:
            props.append(f"line={d.line}")
        props.append(f"title={_gh_escape_property(d.code)}")
        lines.append(f"::{d.severity.value} {','.join(props)}::{_gh_escape_data(d.message)}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> dict[str, object]:
    """The machine-readable shape of DESIGN §3.1 (keys only ever grow)."""
    return {
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "code": d.code,
                "severity": d.severity.value,
                "message": d.message,
            }
            for d in report.diagnostics
        ],
        "errors": report.errors,
        "warnings": report.warnings,
        "files": report.files,
    }


def format_json(report: Report) -> str:
    """`as_json` serialised, with a trailing newline."""
    import json

    return json.dumps(as_json(report), indent=2, ensure_ascii=False) + "\n"


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
