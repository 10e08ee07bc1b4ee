"""The generated pages as plain Markdown, for the export that engines without the plugin build.

The same data and page templates as the site's; where the site adds HTML to a converted page
(relations, catalogue cards) this writes Markdown with relative `.md` links, which any engine
resolves and checks.
"""

from __future__ import annotations

import re

from skillbook.model import Pattern, Skill
from skillbook.render.pages import STATUS_PAGE, Renderer, relative_to

_BURNUP = re.compile(r'<div class="skillbook-burnup">\n(<svg\b.*?</svg>)\n(.*?)\n</div>', re.DOTALL)
# an image of the chart has no page stylesheet: it brings its own colours, light and dark
_SVG_STYLE = (
    "<style>svg{color:#333}.skillbook-chart__line{stroke:#7e56c2}"
    ".skillbook-chart__dot{fill:#7e56c2}"
    "@media (prefers-color-scheme: dark){svg{color:#ddd}"
    ".skillbook-chart__line{stroke:#b39ddb}.skillbook-chart__dot{fill:#b39ddb}}</style>"
)


def chart_file(phase_id: int | str) -> str:
    """The export path of a phase's burn-up chart, beside the status page."""
    return f"status/phase-{phase_id}-burnup.svg"


class MarkdownRenderer(Renderer):
    """Renders the catalogues, relations, dashboard and journal as plain Markdown."""

    def skills_page(self, page: str) -> str:
        """The skills catalogue: the site's page with a table where its cards go."""
        href = relative_to(page)
        table = self._render(
            "markdown_skills_catalogue.md.j2",
            skills=[self._skill(s, href) for s in self._sorted_skills()],
            with_patterns=bool(self.analysis.kb.patterns),
        )
        return self.skills_index(page, table)

    def patterns_page(self, page: str) -> str:
        """The patterns catalogue: the site's page with a table where its table goes."""
        href = relative_to(page)
        table = self._render(
            "markdown_patterns_catalogue.md.j2",
            patterns=[self._pattern(p, href) for p in self._sorted_patterns()],
        )
        return self.patterns_index(page, table)

    def skill_relations_md(self, skill: Skill) -> str:
        """Markdown appended to a skill's page: its patterns and the skills it links."""
        href, rels = relative_to(skill.path), self.analysis.relations
        patterns = {p.path: p for p in self.analysis.kb.patterns}
        skills = {s.path: s for s in self.analysis.kb.skills}
        return self._render(
            "markdown_skill_relations.md.j2",
            patterns=[
                self._pattern(patterns[p], href) for p in rels.patterns_of.get(skill.path, ())
            ],
            skills=[self._skill(skills[s], href) for s in rels.skills_of.get(skill.path, ())],
            task=self._task(self.analysis.status.task_of.get(skill.path), href),
            with_patterns=bool(self.analysis.kb.patterns),
        )

    def pattern_relations_md(self, pattern: Pattern) -> str:
        """Markdown appended to a pattern's page: the skills that use it."""
        href = relative_to(pattern.path)
        skills = {s.path: s for s in self.analysis.kb.skills}
        users = self.analysis.relations.used_by.get(pattern.path, ())
        return self._render(
            "markdown_pattern_relations.md.j2",
            used_by=[self._skill(skills[s], href) for s in users],
            task=self._task(self.analysis.status.task_of.get(pattern.path), href),
        )

    def status_files(self) -> dict[str, str]:
        """The dashboard, each phase's chart an SVG file it shows as an image (the chart's
        data table stays in the page); export path -> text."""
        phases = [ph.phase.id for ph in self.analysis.status.phases]
        made: dict[str, str] = {}
        charts = iter(phases)

        def as_image(match: re.Match[str]) -> str:
            phase = next(charts)
            svg = match.group(1).replace(">", ">" + _SVG_STYLE, 1)
            made[chart_file(phase)] = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"
            image = chart_file(phase).rpartition("/")[2]
            return f"![Burn-up chart of phase {phase}]({image})\n\n{match.group(2)}"

        made[STATUS_PAGE] = _BURNUP.sub(as_image, self.status_page())
        return made
