"""KB206: a skill's test cases, `evals/evals.json`, in the format of the Agent Skills guide.

"Evaluating skill output quality" (https://agentskills.io/skill-creation/evaluating-skills)
stores a skill's test cases in `evals/evals.json` inside its folder. The specification does not
define the file, so only a skill that has one is checked. Keys the guide does not name are
accepted: the format grows (`expectations` came after the first examples), and tools add their
own (`assertions`, `should_trigger`).

`evals_problems` is the pure core, given the text; `check_evals` reads each skill's file
through the bounded reader and looks the listed input files up on disk.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from skillbook.diagnostics import Diagnostic, diagnostic
from skillbook.documents import resolve_path
from skillbook.model import KnowledgeBase, Skill
from skillbook.reading import read_bytes, within

if TYPE_CHECKING:  # a skill with an evals.json brings the parser in
    from skillbook.json_text import JsonPath, JsonText

EVALS_FILE = "evals/evals.json"
"""Where a skill keeps its test cases, inside its folder."""

SUGGESTIONS = 20
"""How many missing input files of one evals file get a "did you mean"."""
SIBLINGS = 500
"""The most names in one folder compared with a missing file's name, for a "did you mean"."""

# what a listed input file is wrong about ("" when it is fine), given the path as written
FileProblem = Callable[[str], str]


def _shown(value: object) -> str:
    """A value as a message shows it: `"1"`, `true`, `1.5`, `an array`, `an object`."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _quoted(text: str, limit: int = 60) -> str:
    """`text` between single quotes, on one line, at most `limit` characters of it shown."""
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text[: limit + 1])
    return f"'{shown if len(shown) <= limit else shown[: limit - 1] + '…'}'"


def _where(path: JsonPath) -> str:
    """`evals[0].files[1]` for ("evals", 0, "files", 1)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _walked(path: JsonPath) -> bool:
    """Whether the array or object at `path` holds values KB206 reports on (their lines are
    needed): the top level, `evals`, each case, and a case's `files` and `expectations`."""
    if not path:
        return True
    if path[0] != "evals":
        return False
    return len(path) <= 2 or (len(path) == 3 and path[2] in ("files", "expectations"))


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


class _Checker:
    """The problems of one parsed evals file, as (line, message)."""

    def __init__(self, parsed: JsonText, skill_name: str, file_problem: FileProblem) -> None:
        self.parsed = parsed
        self.skill_name = skill_name
        self.file_problem = file_problem
        self.found: list[tuple[int, str]] = []

    def report(self, path: JsonPath, message: str) -> None:
        self.found.append((self.parsed.line_of(path), message))

    def wrong(self, path: JsonPath, value: object, wanted: str) -> None:
        self.report(path, f"{_where(path)} must be {wanted}, not {_shown(value)}")

    def run(self) -> list[tuple[int, str]]:
        data = self.parsed.data
        if not isinstance(data, dict):
            self.report(
                (),
                f'the file must hold one JSON object, {{"skill_name": …, "evals": […]}}, '
                f"not {_shown(data)}",
            )
            return self.found
        self.skill_name_of(data)
        cases = data.get("evals")
        if "evals" not in data:
            self.report(
                (),
                'has no "evals": list the test cases as "evals": [{"id": 1, "prompt": …, '
                '"expected_output": …}]',
            )
        elif not isinstance(cases, list):
            self.wrong(("evals",), cases, "an array of test cases")
        else:
            ids: dict[int, JsonPath] = {}
            for index, case in enumerate(cases):
                self.case(("evals", index), case, ids)
        return self.found

    def skill_name_of(self, data: Mapping[str, Any]) -> None:
        if "skill_name" not in data:
            return
        name = data["skill_name"]
        if not isinstance(name, str):
            self.wrong(("skill_name",), name, f"a string, the skill's name '{self.skill_name}'")
        elif name != self.skill_name:
            self.report(
                ("skill_name",),
                f"skill_name {_quoted(name)} must equal the name of the skill, '{self.skill_name}'",
            )

    def case(self, at: JsonPath, case: object, ids: dict[int, JsonPath]) -> None:
        if not isinstance(case, dict):
            self.wrong(at, case, "an object, a test case with id, prompt and expected_output")
            return
        self.case_id(at, case, ids)
        for key, what in (
            ("prompt", "the user's message the test sends"),
            ("expected_output", "a description of what a successful output looks like"),
        ):
            if key not in case:
                self.report(at, f'{_where(at)} has no "{key}": write {what}')
            elif not _filled(case[key]):
                self.wrong((*at, key), case[key], f"a non-empty string, {what}")
        if "files" in case:
            self.files((*at, "files"), case["files"])
        if "expectations" in case:
            self.expectations((*at, "expectations"), case["expectations"])

    def case_id(self, at: JsonPath, case: Mapping[str, Any], ids: dict[int, JsonPath]) -> None:
        if "id" not in case:
            self.report(at, f'{_where(at)} has no "id": give each test case its own integer id')
            return
        value = case["id"]
        if not isinstance(value, int) or isinstance(value, bool):
            self.wrong((*at, "id"), value, "an integer")
        elif value in ids:
            first = ids[value]
            self.report(
                (*at, "id"),
                f"{_where((*at, 'id'))} {value} is already the id of {_where(first)} (line "
                f"{self.parsed.line_of((*first, 'id'))}): give each test case its own id",
            )
        else:
            ids[value] = at

    def files(self, at: JsonPath, files: object) -> None:
        if not isinstance(files, list):
            self.wrong(at, files, "an array of paths inside the skill folder")
            return
        for index, written in enumerate(files):
            item = (*at, index)
            if not isinstance(written, str):
                self.wrong(item, written, "a path, as a string")
                continue
            problem = self.file_problem(written)
            if problem:
                self.report(item, f"{_where(item)} {_quoted(written)} {problem}")

    def expectations(self, at: JsonPath, expectations: object) -> None:
        if not isinstance(expectations, list):
            self.wrong(at, expectations, "an array of statements a grader can verify")
            return
        for index, statement in enumerate(expectations):
            if not _filled(statement):
                self.wrong((*at, index), statement, "a non-empty string, a verifiable statement")


def evals_problems(
    text: str, *, skill_name: str, file_problem: FileProblem = lambda _: ""
) -> list[tuple[int, str]]:
    """(line, message) for every problem of an evals file's text, in file order.

    `skill_name` is the name `skill_name` must equal; `file_problem` says what is wrong with
    an input file listed under `files` ("" when nothing is).
    """
    found: list[tuple[int, str]] = []
    if text.startswith("\ufeff"):
        found.append(
            (
                1,
                "starts with a byte-order mark, which JSON does not allow (Python's json.load "
                "refuses the file): save it as UTF-8 without one",
            )
        )
        text = text[1:]
    from skillbook.json_text import parse_json  # (only for a skill with evals)

    parsed = parse_json(text, _walked)
    found.extend(parsed.problems)
    if parsed.valid:
        found.extend(_Checker(parsed, skill_name, file_problem).run())
    return sorted(found, key=lambda problem: problem[0])


class _SkillFiles:
    """Says what is wrong with a path listed in a skill's evals file, from the walk's files
    and, for the rest, the disk."""

    def __init__(self, kb: KnowledgeBase, folder: str, assets: frozenset[str]) -> None:
        self.root = kb.root
        self.folder = folder
        self.prefix = f"{folder}/" if folder else ""
        self.assets = assets
        self.folder_real = os.path.realpath(kb.root / folder)
        self._mine: dict[str, str] | None = None  # lowercase -> a file inside the skill folder
        self._suggested = 0

    def __call__(self, written: str) -> str:
        if not written.strip():
            return "is empty: write a path inside the skill folder, such as evals/files/input.csv"
        if "\\" in written:
            return "uses '\\': separate folders with '/', as in evals/files/input.csv"
        kind, inner = resolve_path("", written)
        if kind == "absolute":
            return "is an absolute path: write it relative to the skill folder (evals/files/…)"
        if kind == "outside" or inner is None:
            return (
                "leaves the skill folder: an installed skill has only its own folder, so "
                "keep input files under evals/files/"
            )
        full = os.path.join(self.root, self.prefix + inner)
        outside = os.path.lexists(full) and not within(self.folder_real, os.path.realpath(full))
        if outside:
            return (
                "leads outside the skill folder through a symlink: an installed skill has only "
                "its own folder, so copy the file in"
            )
        if self.prefix + inner in self.assets:
            return ""
        if inner == "." or os.path.isdir(full):
            return "is a folder: list the files in it"
        parts = inner.split("/")
        hidden = parts[-1].startswith(".") or any(p.startswith((".", "_")) for p in parts[:-1])
        if hidden and os.path.isfile(full):
            return (
                "is hidden (a file named .x, or in a folder named .x or _x): it is not "
                "published with the skill"
            )
        where = f"{self.folder}/" if self.folder else "the skill folder"
        return f"does not exist in {where}{self._near(inner)}"

    def _near(self, inner: str) -> str:
        """ "; did you mean 'x'?" for a file of the skill named like `inner`, or "": one that
        differs only by case, else a close name in the same folder. Bounded: the first
        SUGGESTIONS missing files get one, among at most SIBLINGS names."""
        self._suggested += 1
        if self._suggested > SUGGESTIONS:
            return ""
        if self._mine is None:
            self._mine = {}
            for asset in self.assets:
                if asset.startswith(self.prefix):
                    mine = asset[len(self.prefix) :]
                    self._mine.setdefault(mine.lower(), mine)
        close = self._mine.get(inner.lower())
        if close is None:
            folder, _, name = inner.rpartition("/")
            start = f"{folder}/" if folder else ""
            siblings = sorted(
                p[len(start) :] for p in self._mine.values() if posixpath.dirname(p) == folder
            )
            if len(siblings) <= SIBLINGS:
                import difflib

                found = difflib.get_close_matches(name, siblings, n=1, cutoff=0.75)
                close = start + found[0] if found else None
        return f"; did you mean '{close}'?" if close else ""


def _evals_path(skill: Skill) -> str:
    folder = posixpath.dirname(skill.path)
    return f"{folder}/{EVALS_FILE}" if folder else EVALS_FILE


def evals_files(kb: KnowledgeBase) -> list[tuple[Skill, str]]:
    """Each skill that has an evals file, with the file's repo path."""
    assets = frozenset(kb.assets)
    return [(s, path) for s in kb.skills if (path := _evals_path(s)) in assets]


def check_evals(
    kb: KnowledgeBase, found: list[tuple[Skill, str]] | None = None
) -> Iterator[Diagnostic]:
    """KB206 for each skill's `evals/evals.json`; KB101 and KB106 when it cannot be read
    (`found`: `evals_files(kb)`, when the caller already has it)."""
    if found is None:
        found = evals_files(kb)
    assets = frozenset(kb.assets) if found else frozenset()
    for skill, path in found:
        read = read_bytes(str(kb.root / path), kb.layout.max_file_size)
        for problem in read.problems:
            yield diagnostic(path, problem.line, problem.code, problem.message)
        if read.data is None:
            continue
        try:
            text = read.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = read.data.count(b"\n", 0, exc.start) + 1
            yield diagnostic(
                path, line, "KB206", f"is not valid UTF-8 (byte {exc.start}): save it as UTF-8"
            )
            continue
        files = _SkillFiles(kb, posixpath.dirname(skill.path), assets)
        for line, message in evals_problems(text, skill_name=skill.name, file_problem=files):
            yield diagnostic(path, line, "KB206", message)
