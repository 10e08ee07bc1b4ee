"""Generated Markdown: catalogues, relations, dashboard and journal, from overridable templates."""

from __future__ import annotations

import posixpath
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jinja2

from skillbook.analysis import Analysis
from skillbook.check_reference import CheckReference
from skillbook.diagnostics import Diagnostic, Severity
from skillbook.errors import SkillbookError
from skillbook.model import Document, Pattern, Skill
from skillbook.render.chart import burnup_svg
from skillbook.render.environment import environment, md
from skillbook.render.health import health
from skillbook.render.lazy import Lazy, LazyList
from skillbook.skill_scripts import scripts_by_skill
from skillbook.status import TaskStatus

# `environment` is imported from here by the plugin
__all__ = ["STATUS_PAGE", "Href", "Renderer", "environment", "rel", "relative_to", "task_anchor"]

STATUS_PAGE = "status/index.md"
STATUS_CODES = frozenset({"KB401", "KB402", "KB403", "KB404", "KB405"})


def rel(target: str, page: str) -> str:
    """The relative link from the page at src path `page` to the file at src path `target`."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


Href = Callable[[str], str]
"""Maps the repo path of a published file to a link to it from the page being rendered."""


def relative_to(page: str) -> Href:
    """Links from the page at src path `page`, as written in Markdown (MkDocs converts them)."""
    return lambda target: rel(target, page)


def _template_place(exc: BaseException, name: str) -> str:
    """The template file and line an error was raised at (Jinja puts them in the traceback)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2"):
            return f"{frame.filename}, line {frame.lineno}"
    return name


def task_anchor(task_id: str) -> str:
    """The anchor of a task's row on the dashboard."""
    return "task-" + "".join(c if c.isalnum() else "-" for c in task_id)


class Renderer:
    """Renders every generated page of one analysis."""

    def __init__(
        self,
        analysis: Analysis,
        env: jinja2.Environment,
        *,
        check_reference: CheckReference | None = None,
    ) -> None:
        self.analysis = analysis
        self.env = env
        self.check_reference = check_reference  # links codes to their sections, if the site has it
        self._skills_by_path: Mapping[str, Skill] = {s.path: s for s in analysis.kb.skills}
        self._patterns_by_path: Mapping[str, Pattern] = {p.path: p for p in analysis.kb.patterns}
        self._path_of_name = {s.name: s.path for s in reversed(analysis.kb.skills)}  # the first
        self._error_paths = frozenset(
            d.path for d in analysis.report.diagnostics if d.severity is Severity.ERROR
        )
        self._scripts: Mapping[str, tuple[str, ...]] | None = None  # made on first use

    def scripts(self, skill: Skill) -> tuple[str, ...]:
        """The scripts in a skill's folder (`skill_scripts`), found once for every skill."""
        if self._scripts is None:
            self._scripts = scripts_by_skill(self.analysis.kb)
        return self._scripts.get(skill.path, ())

    def _render(self, template: str, /, **context: Any) -> str:
        """Render a template; a broken one (a site's override) is a SkillbookError naming it."""
        try:
            return self.env.get_template(template).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            where = exc.filename or exc.name or template
            raise SkillbookError(f"template {where}, line {exc.lineno}: {exc.message}") from exc
        except jinja2.TemplateError as exc:  # raised while rendering: undefined names, filters
            raise SkillbookError(f"template {_template_place(exc, template)}: {exc}") from exc

    def _skill(self, skill: Skill, href: Href) -> dict[str, Any]:
        return {
            "name": skill.name,
            "description": skill.description,
            "tags": skill.tags,
            "link": href(skill.path),
            "pattern_count": len(self.analysis.relations.patterns_of.get(skill.path, ())),
            "has_errors": skill.path in self._error_paths,
            "script_count": len(self.scripts(skill)),
            "overlaps": [
                {"name": name, "link": href(path) if path else None}
                for name in self.analysis.overlaps.get(skill.path, ())
                for path in [self._path_of_name.get(name)]
            ],
        }

    def _pattern(self, pattern: Pattern, href: Href) -> Mapping[str, Any]:
        skills = self._skills_by_path
        users = self.analysis.relations.used_by.get(pattern.path, ())
        # `used_by` is made when a template asks for it: a skill page lists its patterns
        # without their users, and making them costs a link per user
        return Lazy(
            {
                "title": pattern.title,
                "summary": pattern.summary,
                "tags": pattern.tags,
                "link": href(pattern.path),
            },
            used_by=lambda: [self._skill(skills[s], href) for s in users],
        )

    def _intro(self, section: str) -> str:
        doc = self.analysis.kb.intros.get(section)
        if doc is None:
            return ""
        lines = doc.body.strip().splitlines()
        if lines and lines[0].startswith("# "):  # the page already has its own title
            lines = lines[1:]
        return "\n".join(lines).strip()

    def skills_index(self, page: str, catalogue: str = "") -> str:
        """The skills catalogue page, as Markdown; `catalogue` marks where the cards go."""
        skills = self._sorted_skills()
        href = relative_to(page)
        return self._render(
            "skills_index.md.j2",
            intro=self._intro("skills"),
            skills=LazyList(len(skills), lambda: [self._skill(s, href) for s in skills]),
            catalogue=catalogue,
        )

    def skills_catalogue(self, href: Href) -> str:
        """The cards of the skills catalogue, as HTML (`href` gives final links)."""
        skills = self._sorted_skills()
        return self._render(
            "skills_catalogue.html.j2",
            skills=[self._skill(s, href) for s in skills],
            tags=_all_tags(s.tags for s in skills),
            what="skills",
            with_patterns=bool(self.analysis.kb.patterns),
        )

    def patterns_index(self, page: str, catalogue: str = "") -> str:
        """The patterns catalogue page, as Markdown; `catalogue` marks where the table goes."""
        patterns = self._sorted_patterns()
        href = relative_to(page)
        return self._render(
            "patterns_index.md.j2",
            intro=self._intro("patterns"),
            patterns=LazyList(len(patterns), lambda: [self._pattern(p, href) for p in patterns]),
            catalogue=catalogue,
        )

    def patterns_catalogue(self, href: Href) -> str:
        """The table of the patterns catalogue, as HTML (`href` gives final links)."""
        patterns = self._sorted_patterns()
        return self._render(
            "patterns_catalogue.html.j2",
            patterns=[self._pattern(p, href) for p in patterns],
            tags=_all_tags(p.tags for p in patterns),
            what="patterns",
        )

    def _sorted_skills(self) -> list[Skill]:
        return sorted(self.analysis.kb.skills, key=lambda s: s.name)

    def _sorted_patterns(self) -> list[Pattern]:
        return sorted(self.analysis.kb.patterns, key=lambda p: p.title.lower())

    def _task(self, task: TaskStatus | None, href: Href) -> dict[str, Any] | None:
        if task is None:
            return None
        return {
            "id": task.task.id,
            "title": task.task.title,
            "state": task.state,
            "link": href(STATUS_PAGE) + "#" + task_anchor(task.task.id),
        }

    def skill_relations(self, skill: Skill, href: Href, permalink: str | None = None) -> str:
        """The HTML appended to a skill's page: its patterns (if any), skills and scripts.

        HTML, not Markdown: it is added to the converted page, which spares Python-Markdown a
        second pass over text whose every value is escaped here anyway. `href` gives the
        final link to a file from this page.
        """
        page = skill.path
        patterns = self._patterns_by_path
        skills = self._skills_by_path
        rels = self.analysis.relations
        return self._render(
            "skill_relations.html.j2",
            patterns=[self._pattern(patterns[p], href) for p in rels.patterns_of.get(page, ())],
            skills=[self._skill(skills[s], href) for s in rels.skills_of.get(page, ())],
            task=self._task(self.analysis.status.task_of.get(page), href),
            permalink=permalink,
            with_patterns=bool(self.analysis.kb.patterns),
            scripts=self.scripts(skill),
        )

    def pattern_relations(self, pattern: Pattern, href: Href, permalink: str | None = None) -> str:
        """The HTML appended to a pattern's page: the skills that use it."""
        page = pattern.path
        skills = self._skills_by_path
        return self._render(
            "pattern_relations.html.j2",
            used_by=[
                self._skill(skills[s], href) for s in self.analysis.relations.used_by.get(page, ())
            ],
            task=self._task(self.analysis.status.task_of.get(page), href),
            permalink=permalink,
        )

    def download(self, skill: Skill, site_url: str | None, href: Href | None = None) -> str:
        """The "Download skill" button and one-line install command of a skill page, or,
        for a skill that would not install, a note saying why in their place."""
        problems = self.analysis.not_installable.get(skill.path)
        if problems:
            ref = self.check_reference
            return self._render(
                "not_installable.html.j2",
                problems=problems,
                links={d.code: ref.link(d.code, href) for d in problems} if ref and href else {},
            )
        zip_name = f"{skill.folder}.zip"
        base = (
            (site_url.rstrip("/") + "/" + posixpath.dirname(skill.path) + "/") if site_url else None
        )
        return self._render(
            "download.html.j2",
            name=skill.name,
            zip_name=zip_name,
            zip_url=(base + zip_name) if base else None,
            patterns=len(self.analysis.relations.patterns_of.get(skill.path, ())),
        )

    def lead(self, text: str) -> str:
        """A skill's description or a pattern's summary, under its page's title."""
        return self._render("lead.html.j2", text=text)

    def unloaded(self, doc: Document, title: str) -> str:
        """The page of a file that could not be loaded (unreadable, or over the size limit)."""
        reasons = "; ".join(d.message for d in doc.diagnostics) or "cannot be read"
        return f"# {md(title)}\n\nThe content of `{doc.path}` is not published: it {md(reasons)}.\n"

    def notice(self, diagnostics: Iterable[Diagnostic]) -> str:
        """The notice at the top of a page whose source has problems."""
        items = list(diagnostics)
        errors = any(d.severity is Severity.ERROR for d in items)
        return self._render("notice.html.j2", diagnostics=items, errors=errors)

    def status_page(self) -> str:
        """The /status/ dashboard."""
        page = STATUS_PAGE
        phases = []
        for ph in self.analysis.status.phases:
            total = len(ph.tasks)
            phases.append(
                {
                    "id": ph.phase.id,
                    "title": ph.phase.title,
                    "tasks_done": ph.tasks_done,
                    "tasks_total": total,
                    "percent": round(100 * ph.tasks_done / total) if total else 0,
                    "files_present": ph.files_present,
                    "files_total": ph.files_total,
                    "hours_logged": ph.hours_logged,
                    "estimate_hours": ph.estimate_hours,
                    "chart": burnup_svg(ph),
                    "tasks": [
                        {
                            "id": t.task.id,
                            "anchor": task_anchor(t.task.id)[len("task-") :],
                            "title": t.task.title,
                            "priority": t.task.priority,
                            "state": t.state,
                            "blocked": t.task.blocked,
                            "files": [
                                {
                                    "path": f.path,
                                    "present": f.present,
                                    "has_errors": f.has_errors,
                                    "link": rel(f.path, page),
                                }
                                for f in t.files
                            ],
                        }
                        for t in ph.tasks
                    ],
                }
            )
        problems = [d for d in self.analysis.report.diagnostics if d.code in STATUS_CODES]
        kb = self.analysis.kb
        published = {*self._skills_by_path, *self._patterns_by_path}
        published.update(s.path for s in kb.sessions)
        ref = self.check_reference
        return self._render(
            "status.md.j2",
            phases=phases,
            problems=problems,
            roadmap_path=kb.roadmap.path,
            present=kb.roadmap.present,
            health=health(
                self.analysis,
                page_link=lambda path: rel(path, page) if path in published else None,
                code_link=lambda code: (
                    ref.link(code, lambda p: rel(ref.src_path, page)) if ref else None
                ),
            ),
        )

    def sessions_index(self, page: str) -> str:
        """The /sessions/ journal, newest first."""
        status = self.analysis.status
        rows = []
        for session in sorted(
            self.analysis.kb.sessions,
            key=lambda s: (s.date.isoformat() if s.date else "", s.path),
            reverse=True,
        ):
            completed = []
            for task_id in session.completed:
                task = status.task(task_id)
                completed.append(
                    {
                        "id": task_id,
                        "state": task.state if task else "unknown",
                        "link": rel(STATUS_PAGE, page) + "#" + task_anchor(task_id),
                    }
                )
            rows.append(
                {
                    "date": session.date.isoformat() if session.date else "?",
                    "title": session.title,
                    "phase": session.phase,
                    "hours": session.hours,
                    "completed": completed,
                    "link": rel(session.path, page),
                }
            )
        return self._render(
            "sessions_index.md.j2",
            intro=self._intro("sessions"),
            sessions=rows,
            status_link=rel(STATUS_PAGE, page),
        )


def _all_tags(tags: Iterable[Iterable[str]]) -> list[str]:
    """Every tag once, sorted as a reader looks for them (case aside)."""
    return sorted({tag for some in tags for tag in some}, key=lambda tag: (tag.lower(), tag))
