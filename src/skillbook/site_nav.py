"""The navigation the plugin builds: a plain function of the knowledge base and docs/ pages.

Pages of their own (Home, Status, the loose pages of docs/ such as the tags index) come first,
then one section each for Skills, Patterns and Sessions, then one per folder of docs/. With
Material's `navigation.sections` a page listed after a section reads as part of it, so no
single page follows a section.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from skillbook.model import KnowledgeBase


@dataclass(frozen=True, slots=True)
class Nav:
    """The navigation, the sections cut to their catalogue, and the pages it leaves out."""

    items: list[Any]
    cut: tuple[str, ...]  # titles of sections past the limit: only their catalogue is listed
    unlisted: frozenset[str]  # src paths of their entries, and of Markdown files in skill folders


def html_text(value: str) -> str:
    """A value as HTML text on one line (Material prints titles and tags unescaped)."""
    return html.escape(" ".join(value.split()), quote=True)


def _folderhtml_text(folder: str) -> str:
    return folder.replace("-", " ").replace("_", " ").capitalize()


def build_nav(
    kb: KnowledgeBase,
    *,
    home: bool,
    docs_pages: Iterable[str],
    limit: int,
    status_page: str,
    patterns: bool,
    sessions: bool,
) -> Nav:
    """Home, Status and docs/' loose pages; then Skills, Patterns (when the knowledge base
    has patterns), Sessions (when it has session logs) and one section per docs/ folder.

    Every page renders its section's navigation, so listing 1,000 entries in it makes each
    page large and the build quadratic: past `limit` a section lists only its catalogue, which
    lists every entry. A section keeps its own heading either way.
    """
    layout = kb.layout
    cut: list[str] = []
    unlisted: set[str] = set()

    def section(title: str, index: str, entries: list[tuple[str, str]]) -> dict[str, Any]:
        if len(entries) <= limit:
            return {title: [index, *({name: path} for name, path in entries)]}
        cut.append(title)
        unlisted.update(path for _, path in entries)
        return {title: [index]}

    loose: list[Any] = []
    folders: dict[str, list[str]] = defaultdict(list)
    for src in docs_pages:
        if src == "index.md":
            continue
        top, _, rest = src.partition("/")
        if rest:
            folders[_folderhtml_text(top)].append(src)
        else:
            loose.append(src)
    items: list[Any] = [{"Home": "index.md"}] if home else []
    items += [{"Status": status_page}, *sorted(loose)]
    skills = sorted(kb.skills, key=lambda s: s.name)
    items.append(
        section(
            "Skills", f"{layout.skills_dir}/index.md", [(html_text(s.name), s.path) for s in skills]
        )
    )
    if patterns:
        ordered = sorted(kb.patterns, key=lambda p: p.title.lower())
        items.append(
            section(
                "Patterns",
                f"{layout.patterns_dir}/index.md",
                [(html_text(p.title), p.path) for p in ordered],
            )
        )
    if sessions:
        logs = sorted(kb.sessions, key=lambda s: s.path, reverse=True)
        items.append(
            section(
                "Sessions",
                f"{layout.sessions_dir}/index.md",
                [(html_text(s.title), s.path) for s in logs],
            )
        )
    items.extend({title: sorted(paths)} for title, paths in sorted(folders.items()))
    unlisted.update(path for path in kb.assets if path.endswith(".md"))  # references/ pages
    return Nav(items, tuple(cut), frozenset(unlisted))
