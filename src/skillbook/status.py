"""Roadmap status, computed from the files: never typed in, so it cannot drift."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal, NamedTuple

from skillbook.diagnostics import Diagnostic, Severity, diagnostic
from skillbook.model import KnowledgeBase, Phase, Task

TaskState = Literal["done", "in-progress", "planned", "blocked"]
_SESSION_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-")


class FileStatus(NamedTuple):
    """One planned file: does it exist, and is it free of errors."""

    path: str
    present: bool
    has_errors: bool


class TaskStatus(NamedTuple):
    """A task with its computed state."""

    task: Task
    state: TaskState
    files: tuple[FileStatus, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """Planned files that do not exist yet."""
        return tuple(f.path for f in self.files if not f.present)


class HistoryPoint(NamedTuple):
    """What one session claims, and how many tasks were claimed done by then."""

    date: dt.date
    session: str
    completed: tuple[str, ...]
    cumulative: int


class PhaseStatus(NamedTuple):
    """A phase's progress."""

    phase: Phase
    tasks: tuple[TaskStatus, ...]
    hours_logged: float
    history: tuple[HistoryPoint, ...]

    @property
    def tasks_done(self) -> int:
        """Tasks whose every file exists without errors."""
        return sum(1 for t in self.tasks if t.state == "done")

    @property
    def files_total(self) -> int:
        """Files the phase plans."""
        return sum(len(t.files) for t in self.tasks)

    @property
    def files_present(self) -> int:
        """Planned files that exist."""
        return sum(1 for t in self.tasks for f in t.files if f.present)

    @property
    def estimate_hours(self) -> float | None:
        """Sum of task estimates, when any task has one."""
        estimates = [t.task.estimate_hours for t in self.tasks if t.task.estimate_hours is not None]
        return sum(estimates) if estimates else None


class Status(NamedTuple):
    """The whole roadmap's computed status."""

    phases: tuple[PhaseStatus, ...]
    task_of: Mapping[str, TaskStatus]  # planned file path -> its task

    def task(self, task_id: str) -> TaskStatus | None:
        """The status of a task by id."""
        for phase in self.phases:
            for task in phase.tasks:
                if task.task.id == task_id:
                    return task
        return None


def compute_status(kb: KnowledgeBase, diagnostics: Iterable[Diagnostic]) -> Status:
    """Compute every task's state from which files exist and which have errors."""
    errors = {d.path for d in diagnostics if d.severity is Severity.ERROR}
    present = {s.path for s in kb.skills} | {p.path for p in kb.patterns}
    phases: list[PhaseStatus] = []
    task_of: dict[str, TaskStatus] = {}
    for phase in kb.roadmap.phases:
        tasks = []
        for task in phase.tasks:
            files = tuple(FileStatus(f, f in present, f in errors) for f in task.files)
            done = bool(files) and all(f.present and not f.has_errors for f in files)
            state: TaskState
            if done:
                state = "done"
            elif task.blocked:
                state = "blocked"
            elif any(f.present for f in files):
                state = "in-progress"
            else:
                state = "planned"
            status = TaskStatus(task, state, files)
            tasks.append(status)
            for f in task.files:
                task_of[f] = status
        sessions = sorted(
            (s for s in kb.sessions if s.phase == phase.id and s.date is not None),
            key=lambda s: (s.date, s.path),
        )
        known = {t.id for t in phase.tasks}
        claimed: set[str] = set()
        history = []
        for session in sessions:
            assert session.date is not None
            claimed.update(c for c in session.completed if c in known)
            history.append(
                HistoryPoint(session.date, session.path, session.completed, len(claimed))
            )
        hours = sum(s.hours or 0.0 for s in sessions)
        phases.append(PhaseStatus(phase, tuple(tasks), hours, tuple(history)))
    return Status(tuple(phases), task_of)


def check_roadmap(kb: KnowledgeBase, status: Status) -> Iterator[Diagnostic]:
    """KB402–KB405: the roadmap against the files, and session claims against the roadmap."""
    roadmap = kb.roadmap
    sections = (kb.layout.skills_dir.strip("/") + "/", kb.layout.patterns_dir.strip("/") + "/")
    for phase in roadmap.phases:
        for task in phase.tasks:
            for path in task.files:
                if not path.startswith(sections) or posixpath.normpath(path) != path:
                    yield diagnostic(
                        roadmap.path,
                        task.file_lines.get(path),
                        "KB402",
                        f"task {task.id} lists '{path}', which is not a file under "
                        f"{sections[0]} or {sections[1]}",
                    )
    if roadmap.present and roadmap.phases:
        for path in [*(s.path for s in kb.skills), *(p.path for p in kb.patterns)]:
            if path not in status.task_of:
                yield diagnostic(
                    path,
                    None,
                    "KB403",
                    f"no roadmap task lists this file: add it to a task's files in {roadmap.path}",
                )
    phases = {p.phase.id: p for p in status.phases}
    for session in kb.sessions:
        doc = session.doc
        fm = doc.frontmatter or {}
        name_date = _SESSION_DATE.match(posixpath.basename(doc.path))
        if session.date is None and "date" in fm:
            yield diagnostic(
                doc.path,
                doc.line_of("date"),
                "KB405",
                f"date {fm['date']!r} is not a date written YYYY-MM-DD",
            )
        elif (
            session.date is not None
            and name_date
            and name_date.group(1) != session.date.isoformat()
        ):
            yield diagnostic(
                doc.path,
                doc.line_of("date"),
                "KB405",
                f"date {session.date.isoformat()} differs from the file name's {name_date.group(1)}",
            )
        if not roadmap.present or session.phase is None:
            continue
        if session.phase not in phases:
            yield diagnostic(
                doc.path,
                doc.line_of("phase"),
                "KB405",
                f"phase {session.phase} is not in {roadmap.path}",
            )
            continue
        for task_id in session.completed:
            claimed = status.task(task_id)
            if claimed is None:
                yield diagnostic(
                    doc.path,
                    doc.line_of("completed"),
                    "KB405",
                    f"claims task '{task_id}', which is not in {roadmap.path}",
                )
            elif claimed.task.id not in {t.task.id for t in phases[session.phase].tasks}:
                yield diagnostic(
                    doc.path,
                    doc.line_of("completed"),
                    "KB405",
                    f"claims task '{task_id}', which belongs to another phase than {session.phase}",
                )
            elif claimed.state != "done":
                missing = ", ".join(claimed.missing) or "files with errors"
                yield diagnostic(
                    doc.path,
                    doc.line_of("completed"),
                    "KB404",
                    f"claims task '{task_id}' is complete, but it is {claimed.state} ({missing})",
                )
