"""Load `sessions/roadmap.yml` strictly, with the line of every phase, task and file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from skillbook.diagnostics import Diagnostic, diagnostic
from skillbook.model import Phase, Roadmap, Task
from skillbook.reading import DEFAULT_MAX_FILE_SIZE, read_text, within
from skillbook.schema import MAX_HOURS, TASK_ID
from skillbook.yaml_compose import CONSTRUCTION_ERRORS, _explain, _Loader, hazard, line_counter

PRIORITIES = ("high", "medium", "low")
_PHASE_KEYS = {"id", "title", "tasks"}
_TASK_KEYS = {"id", "title", "priority", "files", "estimate_hours", "blocked"}


class _Reader:
    """Walks the YAML node tree, yielding KB401/KB402 for what breaks the schema."""

    def __init__(self, path: str, loader: Any, lines: Callable[[int], int]) -> None:
        self.path = path
        self.loader = loader
        self.lines = lines
        self.problems: list[Diagnostic] = []
        self.failed: set[int] = set()  # ids of nodes already reported: one problem per node
        self.seen_files: dict[str, int] = {}
        self.seen_tasks: dict[str, int] = {}
        self.seen_phases: dict[int, int] = {}

    def fail(self, node: yaml.Node, message: str, code: str = "KB401") -> None:
        if id(node) in self.failed:
            return
        self.failed.add(id(node))
        line = self.lines(node.start_mark.line) + 1 if node.start_mark else None
        self.problems.append(diagnostic(self.path, line, code, message))

    def value(self, node: yaml.Node) -> Any:
        """The node's value, or None (reported) when PyYAML cannot build it (`!!int x`)."""
        try:
            return self.loader.construct_object(node, deep=True)
        except (*CONSTRUCTION_ERRORS, yaml.YAMLError) as exc:
            self.fail(node, f"value cannot be read: {exc}".splitlines()[0])
            return None

    def mapping(self, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping")
            return None
        fields: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in fields:
                self.fail(key_node, f"{what} gives '{key}' twice")
            elif key not in allowed:
                self.fail(
                    key_node,
                    f"{what} has unknown key '{key}' (allowed: {', '.join(sorted(allowed))})",
                )
            else:
                fields[key] = value_node
        return fields

    def required(
        self, fields: dict[str, yaml.Node], key: str, what: str, node: yaml.Node
    ) -> yaml.Node | None:
        if key not in fields:
            self.fail(node, f"{what} is missing '{key}'")
            return None
        return fields[key]

    def text(self, node: yaml.Node | None, what: str) -> str | None:
        if node is None:
            return None
        value = self.value(node)
        if not isinstance(value, str) or not value.strip():
            self.fail(node, f'{what} must be a non-empty string (quote it: "{node.value}")')
            return None
        return value.strip()

    def phases(self, root: yaml.Node) -> tuple[Phase, ...]:
        top = self.mapping(root, "the roadmap", {"phases"})
        if top is None:
            return ()
        node = self.required(top, "phases", "the roadmap", root)
        if node is None:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, "'phases' must be a list")
            return ()
        return tuple(p for p in (self.phase(item) for item in node.value) if p is not None)

    def phase(self, node: yaml.Node) -> Phase | None:
        fields = self.mapping(node, "a phase", _PHASE_KEYS)
        if fields is None:
            return None
        id_node = self.required(fields, "id", "a phase", node)
        phase_id = self.value(id_node) if id_node is not None else None
        if id_node is not None and (not isinstance(phase_id, int) or isinstance(phase_id, bool)):
            self.fail(id_node, f"phase id must be a whole number, not '{id_node.value}'")
            phase_id = None
        if isinstance(phase_id, int) and id_node is not None:
            if phase_id in self.seen_phases:
                self.fail(
                    id_node,
                    f"phase {phase_id} is defined twice (first on line {self.seen_phases[phase_id]})",
                )
            self.seen_phases.setdefault(phase_id, id_node.start_mark.line + 1)
        title = self.text(self.required(fields, "title", "a phase", node), "phase title")
        tasks_node = self.required(fields, "tasks", "a phase", node)
        tasks: list[Task] = []
        if tasks_node is not None:
            if isinstance(tasks_node, yaml.SequenceNode):
                tasks = [t for t in (self.task(item) for item in tasks_node.value) if t is not None]
            else:
                self.fail(tasks_node, "'tasks' must be a list")
        if phase_id is None:
            return None
        return Phase(phase_id, title or f"Phase {phase_id}", tuple(tasks), node.start_mark.line + 1)

    def task(self, node: yaml.Node) -> Task | None:
        fields = self.mapping(node, "a task", _TASK_KEYS)
        if fields is None:
            return None
        line = node.start_mark.line + 1
        id_node = self.required(fields, "id", "a task", node)
        task_id = None
        if id_node is not None:
            raw = self.value(id_node)
            if isinstance(raw, str) and TASK_ID.fullmatch(raw.strip()):
                task_id = raw.strip()
            else:
                self.fail(
                    id_node,
                    f'task id must be a quoted string without spaces: id: "{id_node.value}"',
                )
        if task_id is not None and id_node is not None:
            if task_id in self.seen_tasks:
                self.fail(
                    id_node,
                    f"task '{task_id}' is defined twice (first on line {self.seen_tasks[task_id]})",
                )
                task_id = None
            else:
                self.seen_tasks[task_id] = id_node.start_mark.line + 1
        title = self.text(self.required(fields, "title", "a task", node), "task title")
        priority_node = self.required(fields, "priority", "a task", node)
        priority = self.value(priority_node) if priority_node is not None else None
        if priority_node is not None and priority not in PRIORITIES:
            self.fail(
                priority_node,
                f"priority must be one of {', '.join(PRIORITIES)}, not '{priority_node.value}'",
            )
            priority = None
        estimate = None
        if "estimate_hours" in fields:
            value = self.value(fields["estimate_hours"])
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and 0 <= value <= MAX_HOURS
            ):
                estimate = float(value)
            else:
                self.fail(
                    fields["estimate_hours"],
                    f"estimate_hours must be a number of hours from 0 to {MAX_HOURS:,}",
                )
        blocked = (
            self.text(fields.get("blocked"), "blocked (the reason)")
            if "blocked" in fields
            else None
        )
        files, file_lines = self.files(self.required(fields, "files", "a task", node), task_id)
        if task_id is None:
            return None
        return Task(
            task_id,
            title or task_id,
            priority or "medium",
            files,
            line,
            file_lines,
            estimate,
            blocked,
        )

    def files(
        self, node: yaml.Node | None, task_id: str | None
    ) -> tuple[tuple[str, ...], dict[str, int]]:
        if node is None:
            return (), {}
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, "'files' must be a list of repo-relative paths")
            return (), {}
        files: list[str] = []
        lines: dict[str, int] = {}
        for item in node.value:
            value = self.value(item)
            line = item.start_mark.line + 1
            if not isinstance(value, str) or not value.strip():
                self.fail(item, "each file must be a repo-relative path string")
                continue
            path = value.strip()
            if path in self.seen_files:
                self.fail(
                    item,
                    f"'{path}' is listed twice (first on line {self.seen_files[path]})",
                    "KB402",
                )
                continue
            self.seen_files[path] = line
            files.append(path)
            lines[path] = line
        return tuple(files), lines


def load_roadmap(root: Path, path: str, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Roadmap:
    """Read the roadmap at repo-relative `path`; absent is not an error."""
    full = root / path
    if not full.is_file():
        return Roadmap(path, False)
    if not within(os.path.realpath(root), os.path.realpath(full)):
        return Roadmap(
            path,
            True,
            (),
            (diagnostic(path, None, "KB305", "is a symlink outside the repository; not read"),),
        )
    read = read_text(str(full), max_size)
    problems = tuple(
        diagnostic(path, p.line, "KB401" if p.code == "KB101" else p.code, p.message)
        for p in read.problems
    )
    if read.text is None or problems:
        return Roadmap(path, True, (), problems)
    text: str = read.text
    lines = line_counter(text)
    refused = hazard(text)
    if refused is not None:
        message, at = refused
        return Roadmap(
            path, True, (), (diagnostic(path, lines(at) + 1, "KB401", f"roadmap {message}"),)
        )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Roadmap(
                path,
                True,
                (),
                (diagnostic(path, 1, "KB401", "roadmap is empty: it needs 'phases:'"),),
            )
        reader = _Reader(path, loader, lines)
        phases = reader.phases(node)
    except yaml.reader.ReaderError as exc:  # a control character: its position, not a mark
        at = text.count("\n", 0, exc.position) + 1
        message = f"roadmap is not valid YAML: character {exc.character!r} is not allowed"
        return Roadmap(path, True, (), (diagnostic(path, at, "KB401", message),))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = lines(mark.line) + 1 if mark else None
        return Roadmap(
            path,
            True,
            (),
            (
                diagnostic(
                    path,
                    line,
                    "KB401",
                    f"roadmap is not valid YAML: {_explain(exc.problem or 'invalid YAML')}",
                ),
            ),
        )
    finally:
        loader.dispose()
    return Roadmap(path, True, phases, tuple(reader.problems))
