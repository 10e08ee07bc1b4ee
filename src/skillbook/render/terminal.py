"""`skillbook status` output: a line per phase with a bar, then what is left."""

from __future__ import annotations

import json

from skillbook.model import KnowledgeBase, Roadmap
from skillbook.status import Status

BAR_WIDTH = 20


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """A text progress bar: `[#####---------------]`."""
    filled = round(width * done / total) if total else 0
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def status_text(status: Status, kb: KnowledgeBase) -> str:
    """The human-readable status report."""
    if not kb.roadmap.present:
        return f"no roadmap: {kb.roadmap.path} does not exist\n"
    lines: list[str] = []
    for phase in status.phases:
        lines.append(
            f"Phase {phase.phase.id} {phase.phase.title}  {bar(phase.tasks_done, len(phase.tasks))} "
            f"{phase.tasks_done}/{len(phase.tasks)} tasks, "
            f"{phase.files_present}/{phase.files_total} files"
            + (f", {phase.hours_logged:g} h logged" if phase.hours_logged else "")
            + (f" of {phase.estimate_hours:g} h estimated" if phase.estimate_hours else "")
        )
    for phase in status.phases:
        open_tasks = [t for t in phase.tasks if t.state != "done"]
        if not open_tasks:
            continue
        lines.append("")
        lines.append(f"Phase {phase.phase.id}: not done")
        for task in open_tasks:
            lines.append(
                f"  {task.task.id:<6} {task.state:<12} {task.task.priority:<7} {task.task.title}"
            )
            if task.task.blocked:
                lines.append(f"         blocked: {task.task.blocked}")
            for f in task.files:
                if not f.present:
                    lines.append(f"         missing: {f.path}")
                elif f.has_errors:
                    lines.append(f"         has errors: {f.path}")
    return "\n".join(lines) + "\n"


def status_data(status: Status, roadmap: Roadmap) -> dict[str, object]:
    """The JSON shape of DESIGN §3.1 (keys only ever grow); `roadmap` says where the
    roadmap is and whether it exists (without one, `phases` is empty)."""
    return {
        "roadmap": {"path": roadmap.path, "present": roadmap.present},
        "phases": [
            {
                "id": phase.phase.id,
                "title": phase.phase.title,
                "tasks_done": phase.tasks_done,
                "tasks_total": len(phase.tasks),
                "files_present": phase.files_present,
                "files_total": phase.files_total,
                "hours_logged": phase.hours_logged,
                "estimate_hours": phase.estimate_hours,
                "tasks": [
                    {
                        "id": task.task.id,
                        "title": task.task.title,
                        "priority": task.task.priority,
                        "status": task.state,
                        "blocked": task.task.blocked,
                        "files": [
                            {"path": f.path, "present": f.present, "errors": f.has_errors}
                            for f in task.files
                        ],
                    }
                    for task in phase.tasks
                ],
                "history": [
                    {
                        "date": point.date.isoformat(),
                        "session": point.session,
                        "completed": list(point.completed),
                        "tasks_claimed": point.cumulative,
                    }
                    for point in phase.history
                ],
            }
            for phase in status.phases
        ],
    }


def status_json(status: Status, roadmap: Roadmap) -> str:
    """`status_data` serialised."""
    return json.dumps(status_data(status, roadmap), indent=2, ensure_ascii=False) + "\n"
