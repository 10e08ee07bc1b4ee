"""Which codes a run reports, and at what severity: the `checks` option and `--select`,
`--ignore`, `--severity`, applied once to every diagnostic, for the CLI and the build alike.

The rules follow ruff's. A code is named whole (`KB303`) or by a prefix (`KB3`, `KB30`;
`KB` and `ALL` name every code). A code is reported when the longest `select` prefix that
matches it is longer than the longest `ignore` prefix that does (a tie ignores it), so
`select: [KB3]` with `ignore: [KB303]` keeps every 3xx code but KB303, and `ignore: [KB3]`
with `select: [KB303]` keeps only KB303 of them. `per_file` ignores codes, or changes their
severity, for the files a glob matches; a severity for a longer prefix wins over one for a
shorter, and a file's own over the whole run's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import NamedTuple

from skillbook.diagnostics import RULES, Diagnostic, Severity
from skillbook.errors import SkillbookError

_PREFIX = re.compile(r"KB\d{0,3}")
KEYS = ("select", "ignore", "severity", "per_file")
FILE_KEYS = ("ignore", "severity")


def _longest(code: str, prefixes: Iterable[str]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


class FileRule(NamedTuple):
    """The ignores and severities of the files one glob matches."""

    glob: str
    pattern: re.Pattern[str]
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = MappingProxyType({})  # (read-only: one is shared)


class CheckSettings(NamedTuple):
    """Selected and ignored codes, severity overrides, and per-file rules."""

    select: tuple[str, ...] = ("KB",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = MappingProxyType({})  # (read-only: one is shared)
    per_file: tuple[FileRule, ...] = ()

    @property
    def default(self) -> bool:
        """True when the settings change nothing."""
        return self.select == ("KB",) and not (self.ignore or self.severity or self.per_file)

    def enabled(self, code: str) -> bool:
        """Whether `code` is reported at all (before any file's own rules)."""
        return _longest(code, self.select) > _longest(code, self.ignore)

    def with_command_line(
        self,
        *,
        select: tuple[str, ...] | None = None,
        ignore: tuple[str, ...] = (),
        severity: Mapping[str, Severity] | None = None,
    ) -> CheckSettings:
        """These settings under the command line's: `--select` replaces the configured
        selection, `--ignore` and `--severity` add to the configured ones."""
        return CheckSettings(
            select=self.select if select is None else select,
            ignore=(*self.ignore, *ignore),
            severity={**self.severity, **(severity or {})},
            per_file=self.per_file,
        )

    def apply(self, diagnostics: Iterable[Diagnostic]) -> Iterator[Diagnostic]:
        """The diagnostics these settings report, each at its configured severity."""
        if self.default:
            yield from diagnostics
            return
        decided: dict[tuple[str, str], Severity | None] = {}  # (path, code) -> severity
        for d in diagnostics:
            key = (d.path, d.code)
            if key not in decided:
                decided[key] = self._severity(d.path, d.code, d.severity)
            severity = decided[key]
            if severity is None:
                continue
            # a code whose severity depends on the file (KB102) keeps its own unless overridden
            if severity is not d.severity and self._overridden(d.path, d.code):
                d = Diagnostic(d.path, d.line, d.code, severity, d.message)
            yield d

    def _rules_for(self, path: str) -> list[FileRule]:
        return [rule for rule in self.per_file if rule.pattern.fullmatch(path)]

    def _overridden(self, path: str, code: str) -> bool:
        maps = [self.severity, *(rule.severity for rule in self._rules_for(path))]
        return any(_longest(code, m) >= 0 for m in maps)

    def _severity(self, path: str, code: str, given: Severity) -> Severity | None:
        if not self.enabled(code):
            return None
        rules = self._rules_for(path)
        if any(_longest(code, rule.ignore) >= 0 for rule in rules):
            return None
        for overrides in [*(rule.severity for rule in reversed(rules)), self.severity]:
            best = max((p for p in overrides if code.startswith(p)), key=len, default=None)
            if best is not None:
                return overrides[best]
        return given


def parse_codes(value: object, *, where: str) -> tuple[str, ...]:
    """Codes or prefixes from a list or a comma-separated string; `ALL` is `KB`.

    Raises SkillbookError, in one line, for anything that names no code.
    """
    if isinstance(value, str):
        items: list[object] = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise SkillbookError(f"{where}: must be a list of codes, not {type(value).__name__}")
    codes: list[str] = []
    for item in items:
        code = str(item).strip().upper() if isinstance(item, str) else None
        code = "KB" if code == "ALL" else code
        if code is None or not _PREFIX.fullmatch(code) or not _names_a_code(code):
            raise SkillbookError(
                f"{where}: unknown code {item!r} (a code such as KB303, a prefix such as KB3, "
                f"or ALL; the codes are listed in the check reference)"
            )
        codes.append(code)
    return tuple(codes)


def _names_a_code(prefix: str) -> bool:
    return any(code.startswith(prefix) for code in RULES)


def parse_severities(value: object, *, where: str) -> dict[str, Severity]:
    """`{KB303: error}` (or `KB303=error,KB5=warning` from the command line)."""
    if isinstance(value, str):
        pairs: list[tuple[object, object]] = []
        for part in filter(None, (p.strip() for p in value.split(","))):
            left, sep, right = part.partition("=")
            if not sep:
                raise SkillbookError(f"{where}: '{part}' must be CODE=error or CODE=warning")
            pairs.append((left, right))
    elif isinstance(value, Mapping):
        pairs = list(value.items())
    else:
        raise SkillbookError(f"{where}: must map codes to error or warning")
    found: dict[str, Severity] = {}
    for key, level in pairs:
        (name,) = parse_codes([key], where=where)
        if not isinstance(level, str) or level.strip().lower() not in {"error", "warning"}:
            raise SkillbookError(
                f"{where}: {key}: severity must be error or warning, not {level!r}"
            )
        found[name] = Severity(level.strip().lower())
    return found


def glob_pattern(glob: str) -> re.Pattern[str]:
    """A path glob as a regular expression: `**` crosses folders, `*` and `?` do not; a glob
    without wildcards (`skills/legacy`) also matches everything under it."""
    glob = glob.strip().strip("/")
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    tail = "" if any(c in glob for c in "*?") else "(?:/.*)?"
    return re.compile("".join(out) + tail)


def _mapping(value: object, keys: tuple[str, ...], *, where: str) -> Mapping[str, object]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SkillbookError(f"{where}: must be a mapping with {', '.join(keys)}")
    unknown = [str(k) for k in value if k not in keys]
    if unknown:
        raise SkillbookError(f"{where}: unknown key '{unknown[0]}' (it may hold {', '.join(keys)})")
    return value


def settings_from_options(value: object, *, where: str) -> CheckSettings:
    """The `checks` option of the plugin (`where` starts each error message)."""
    options = _mapping(value, KEYS, where=where)
    per_file = []
    files = options.get("per_file") or {}
    if not isinstance(files, Mapping):
        raise SkillbookError(f"{where}.per_file: must map path globs to ignore and severity")
    for glob, rules in files.items():
        at = f"{where}.per_file['{glob}']"
        rule = _mapping(rules, FILE_KEYS, where=at)
        per_file.append(
            FileRule(
                str(glob),
                glob_pattern(str(glob)),
                parse_codes(rule.get("ignore") or [], where=f"{at}.ignore"),
                parse_severities(rule.get("severity") or {}, where=f"{at}.severity"),
            )
        )
    select = options.get("select")
    return CheckSettings(
        select=("KB",) if select is None else parse_codes(select, where=f"{where}.select"),
        ignore=parse_codes(options.get("ignore") or [], where=f"{where}.ignore"),
        severity=parse_severities(options.get("severity") or {}, where=f"{where}.severity"),
        per_file=tuple(per_file),
    )
