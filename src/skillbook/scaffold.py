"""`skillbook new`: files from templates that pass `skillbook check` straight away."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from skillbook import schema
from skillbook.errors import SkillbookError
from skillbook.model import Layout
from skillbook.render.environment import environment
from skillbook.roadmap import load_roadmap


@dataclass(frozen=True, slots=True)
class Created:
    """A file `skillbook new` wrote, and what to do next."""

    path: Path
    next_step: str


def _render(template: str, **context: object) -> str:
    env = environment()
    env.filters["json"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    return env.get_template(template).render(**context)


def _write_new(path: Path, text: str) -> None:
    """Create `path` with `text`; never overwrite (exclusive create)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError as exc:
        raise SkillbookError(f"{path} already exists; nothing was written") from exc


def new_skill(root: Path, layout: Layout, name: str, description: str | None = None) -> Created:
    """Create `skills/<name>/SKILL.md`."""
    problem = schema.SKILL.fields[0].check(name)
    if problem is not None:
        raise SkillbookError(f"invalid skill name '{name}': it {problem}")
    folder = root / layout.skills_dir / name
    if folder.exists():
        raise SkillbookError(f"{folder} already exists; choose another name (nothing was written)")
    text = _render(
        "new_skill.md.j2",
        name=name,
        title=name.replace("-", " ").capitalize(),
        description=description or f"What {name} does, and when an assistant should use it.",
        patterns_dir=layout.patterns_dir,
    )
    path = folder / "SKILL.md"
    _write_new(path, text)
    return Created(path, "describe it, link its patterns, and list it in a roadmap task")


def _module_name(pattern_id: str) -> str:
    return "".join(part.capitalize() for part in pattern_id.split("_"))


def new_pattern(root: Path, layout: Layout, pattern_id: str, title: str | None = None) -> Created:
    """Create `patterns/<id>.md`."""
    if not schema.PATTERN_ID.match(pattern_id):
        raise SkillbookError(
            f"invalid pattern id '{pattern_id}': use lowercase words joined by '_' (e.g. circuit_breaker)"
        )
    path = root / layout.patterns_dir / f"{pattern_id}.md"
    if path.exists():
        raise SkillbookError(f"{path} already exists; choose another id (nothing was written)")
    title = title or pattern_id.replace("_", " ").capitalize()
    text = _render(
        "new_pattern.md.j2",
        title=title,
        summary=f"One sentence on what {title.lower()} gives you.",
        module=_module_name(pattern_id),
    )
    _write_new(path, text)
    return Created(path, "link it from the skills that use it (until then it is an orphan, KB303)")


def new_session(
    root: Path,
    layout: Layout,
    date: str | None = None,
    phase: int | None = None,
    slug: str = "session",
) -> Created:
    """Create `sessions/<YYYY>/<YYYY-MM-DD>-<slug>.md` for a phase of the roadmap."""
    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError as exc:
        raise SkillbookError(f"invalid date '{date}': write it YYYY-MM-DD") from exc
    if not schema.SKILL_NAME.match(slug):
        raise SkillbookError(f"invalid slug '{slug}': use lowercase words joined by '-'")
    roadmap = load_roadmap(root, layout.roadmap)
    phases = [p.id for p in roadmap.phases]
    if phase is None:
        phase = phases[-1] if phases else 1
    elif roadmap.present and phase not in phases:
        known = ", ".join(str(p) for p in phases) or "none"
        raise SkillbookError(f"phase {phase} is not in {layout.roadmap} (phases: {known})")
    path = root / layout.sessions_dir / f"{day.year:04d}" / f"{day.isoformat()}-{slug}.md"
    if path.exists():
        raise SkillbookError(
            f"{path} already exists; pass --slug to name this session (nothing was written)"
        )
    text = _render(
        "new_session.md.j2", date=day.isoformat(), phase=phase, title=slug.replace("-", " ")
    )
    _write_new(path, text)
    return Created(path, "write the summary, the hours and the tasks it completed")
