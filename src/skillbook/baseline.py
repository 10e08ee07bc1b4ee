"""Baselines: today's findings recorded in a file, so that a run reports only new ones.

A finding is matched by its code, its file and a fingerprint of what it is about (the text
of its line, whitespace collapsed, and its message, numbers blanked), never by its line
number: an edit that moves it up or down leaves it matched, and an edit of the line itself,
or a second finding of the same kind, is new. Matching counts: a baseline that holds one
finding with a fingerprint hides one such finding, not two.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from skillbook import __version__
from skillbook.diagnostics import Diagnostic, Report
from skillbook.errors import SkillbookError
from skillbook.model import KnowledgeBase

FORMAT = "skillbook-baseline"
VERSION = 1
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+")

Key = tuple[str, str, str]  # code, path, fingerprint
LineText = Callable[[str, int | None], str]


def fingerprint(d: Diagnostic, line_text: str) -> str:
    """16 hex digits of SHA-256 over the code, the path, the line's text and the message."""
    text = _SPACE.sub(" ", line_text).strip()
    message = _NUMBER.sub("#", d.message)
    digest = hashlib.sha256("\0".join((d.code, d.path, text, message)).encode("utf-8"))
    return digest.hexdigest()[:16]


def line_texts(kb: KnowledgeBase) -> LineText:
    """The text of a line of a loaded document ("" for other files and file-level findings);
    each document is split into lines once, when first asked."""
    docs = {doc.path: doc for doc in kb.documents()}
    split: dict[str, list[str]] = {}

    def text(path: str, line: int | None) -> str:
        doc = docs.get(path)
        if doc is None or line is None:
            return ""
        if path not in split:
            split[path] = doc.text.splitlines()
        lines = split[path]
        return lines[line - 1] if 0 < line <= len(lines) else ""

    return text


def keys(diagnostics: Iterable[Diagnostic], text: LineText) -> Iterator[tuple[Diagnostic, Key]]:
    """Each diagnostic with its matching key."""
    for d in diagnostics:
        yield d, (d.code, d.path, fingerprint(d, text(d.path, d.line)))


@dataclass(eq=False)
class Baseline:
    """A baseline read from its file; `filter` consumes the findings it matches."""

    path: str
    left: Counter[Key] = field(default_factory=Counter)
    matched: int = 0

    def filter(self, diagnostics: Iterable[Diagnostic], text: LineText) -> list[Diagnostic]:
        """The diagnostics the baseline does not hold."""
        new = []
        seen: set[Diagnostic] = set()  # a check may yield one finding twice; the report has it once
        for d, key in keys(diagnostics, text):
            if d in seen:
                continue
            seen.add(d)
            if self.left[key] > 0:
                self.left[key] -= 1
                self.matched += 1
            else:
                new.append(d)
        return new

    @property
    def fixed(self) -> int:
        """Findings of the baseline that this run no longer found."""
        return sum(self.left.values())


def _is_baseline(data: object) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT


def read_baseline(path: Path) -> Baseline:
    """The baseline in `path`; a SkillbookError, in one line, if it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SkillbookError(
            f"{path}: no such baseline (write one with --write-baseline {path})"
        ) from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SkillbookError(f"{path}: not a skillbook baseline ({exc})".splitlines()[0]) from exc
    if not _is_baseline(data):
        raise SkillbookError(f'{path}: not a skillbook baseline (no "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise SkillbookError(
            f"{path}: baseline version {data.get('version')!r} is not {VERSION}: write it again"
        )
    found: Counter[Key] = Counter()
    for item in data.get("findings") or []:
        try:
            found[(str(item["code"]), str(item["path"]), str(item["fingerprint"]))] += 1
        except (KeyError, TypeError) as exc:
            raise SkillbookError(f"{path}: a finding lacks code, path or fingerprint") from exc
    return Baseline(str(path), found)


def baseline_json(report: Report, text: LineText) -> str:
    """The baseline of a report: every finding, sorted, with its line and message to read."""
    findings = [
        {
            "code": d.code,
            "path": d.path,
            "fingerprint": key[2],
            "line": d.line,
            "message": d.message,
        }
        for d, key in keys(report.diagnostics, text)
    ]
    data = {
        "format": FORMAT,
        "version": VERSION,
        "tool": f"skillbook {__version__}",
        "findings": findings,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: Path, report: Report, text: LineText) -> None:
    """Write the baseline of `report` to `path`, which must be new or a baseline already."""
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            data = None
        if not _is_baseline(data):
            raise SkillbookError(f"{path}: exists and is not a skillbook baseline; not overwritten")
    try:
        path.write_text(baseline_json(report, text), encoding="utf-8")
    except OSError as exc:
        raise SkillbookError(f"{path}: cannot be written: {exc.strerror or exc}") from exc
