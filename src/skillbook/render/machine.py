"""Files for machine readers: catalog.json, llms.txt and llms-full.txt."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from skillbook.analysis import Analysis
from skillbook.export import Bundle, page_url
from skillbook.render.discovery import manifest
from skillbook.skill_scripts import scripts_by_skill

CATALOG_VERSION = 1
CATALOG_SCHEMA = "https://skillbook.dev/schemas/catalog.schema.json"
RAW_NAME = "index.md"  # raw Markdown sits beside each page's index.html


def raw_url(page: str) -> str:
    """Where the raw Markdown of a page at `page` (a directory URL) is published."""
    return page + RAW_NAME


def bundle_url(skill_page: str, name: str) -> str:
    """Where a skill's bundle zip is published: next to its page."""
    return f"{skill_page}{name}.zip"


def _abs(site_url: str | None, url: str) -> str:
    url = quote(url, safe="/#")  # file names may hold spaces, quotes or brackets
    return (site_url.rstrip("/") + "/" + url) if site_url else url


def _link_text(text: str) -> str:
    return _one_line(text).replace("[", "\\[").replace("]", "\\]")


def catalog(
    analysis: Analysis,
    *,
    site_url: str | None,
    docs_dir: str = "docs",
    bundles: Mapping[str, tuple[Bundle, str]] | None = None,
) -> dict[str, Any]:
    """Every skill and pattern with metadata, relations, task status and URLs; with
    `bundles` (skill path -> its bundle and discovery digest), each installable skill's
    digest and files."""
    published = bundles or {}
    kb, rel, status = analysis.kb, analysis.relations, analysis.status
    scripts = scripts_by_skill(kb)

    def url(path: str) -> str:
        return page_url(kb, path, docs_dir) or path

    def task(path: str) -> dict[str, str] | None:
        found = status.task_of.get(path)
        return (
            {"id": found.task.id, "title": found.task.title, "status": found.state}
            if found
            else None
        )

    def links(path: str, doc_links: Any) -> list[str]:
        out: list[str] = []
        for link in doc_links:
            if link.kind == "relative" and link.path and link.path != path and link.path not in out:
                out.append(link.path)
        return out

    skills = []
    for skill in sorted(kb.skills, key=lambda s: s.name):
        page = url(skill.path)
        installable = skill.path not in analysis.not_installable
        skills.append(
            {
                "name": skill.name,
                "description": skill.description,
                "tags": list(skill.tags),
                "path": skill.path,
                "url": _abs(site_url, page),
                "raw_url": _abs(site_url, raw_url(page)),
                # null for a skill that would not install: it has no bundle
                "bundle_url": _abs(site_url, bundle_url(page, skill.folder))
                if installable
                else None,
                "installable": installable,
                "patterns": list(rel.patterns_of.get(skill.path, ())),
                "skills": list(rel.skills_of.get(skill.path, ())),
                "links": links(skill.path, skill.doc.links),
                "backlinks": list(rel.linked_from.get(skill.path, ())),
                "task": task(skill.path),
                # as written, for clients that read more fields than the specification's
                "frontmatter": dict(skill.doc.frontmatter or {}),
                "digest": published[skill.path][1] if skill.path in published else None,
                "files": manifest(published[skill.path][0]) if skill.path in published else [],
                "scripts": list(scripts.get(skill.path, ())),
            }
        )
    patterns = []
    for pattern in sorted(kb.patterns, key=lambda p: p.id):
        page = url(pattern.path)
        patterns.append(
            {
                "id": pattern.id,
                "title": pattern.title,
                "summary": pattern.summary,
                "tags": list(pattern.tags),
                "path": pattern.path,
                "url": _abs(site_url, page),
                "raw_url": _abs(site_url, raw_url(page)),
                "used_by": list(rel.used_by.get(pattern.path, ())),
                "links": links(pattern.path, pattern.doc.links),
                "backlinks": list(rel.linked_from.get(pattern.path, ())),
                "task": task(pattern.path),
            }
        )
    return {
        "$schema": CATALOG_SCHEMA,
        "version": CATALOG_VERSION,
        "site_url": site_url,
        "skills": skills,
        "patterns": patterns,
        "errors": analysis.report.errors,
        "warnings": analysis.report.warnings,
    }


def catalog_json(
    analysis: Analysis,
    *,
    site_url: str | None,
    docs_dir: str = "docs",
    bundles: Mapping[str, tuple[Bundle, str]] | None = None,
) -> str:
    """`catalog` serialised (a YAML date in a frontmatter becomes its ISO text)."""
    found = catalog(analysis, site_url=site_url, docs_dir=docs_dir, bundles=bundles)
    # compact: an indented dump is made by json's pure-Python encoder, 5x slower
    return json.dumps(found, ensure_ascii=False, default=str) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def llms_txt(
    analysis: Analysis,
    *,
    title: str,
    summary: str | None,
    site_url: str | None,
    docs_dir: str = "docs",
) -> str:
    """The llmstxt.org index: title, summary, and sections of links to the raw Markdown."""
    kb = analysis.kb
    lines = [f"# {title}", ""]
    if summary:
        lines += [f"> {_one_line(summary)}", ""]
    about = (
        "Skills are Agent Skills (SKILL.md with YAML frontmatter); each has an installable zip "
        "bundle next to its page."
    )
    if kb.patterns:
        about += " Patterns are quick references that skills link to and share."
    lines += [about, "", "## Skills", ""]
    blocked: list[str] = []
    for skill in sorted(kb.skills, key=lambda s: s.name):
        page = page_url(kb, skill.path, docs_dir) or skill.path
        line = (
            f"- [{_link_text(skill.name)}]({_abs(site_url, raw_url(page))}): "
            f"{_one_line(skill.description)}"
        )
        if skill.path in analysis.not_installable:
            codes = ", ".join(dict.fromkeys(d.code for d in analysis.not_installable[skill.path]))
            blocked.append(f"{line} (not installable: {codes})")
        else:
            lines.append(line)
    if blocked:
        lines += ["", "## Skills that are not valid Agent Skills", "", *blocked]
    if kb.patterns:
        lines += ["", "## Patterns", ""]
    for pattern in sorted(kb.patterns, key=lambda p: p.title.lower()):
        page = page_url(kb, pattern.path, docs_dir) or pattern.path
        lines.append(
            f"- [{_link_text(pattern.title)}]({_abs(site_url, raw_url(page))}): "
            f"{_one_line(pattern.summary)}"
        )
    lines += [
        "",
        "## Optional",
        "",
        f"- [llms-full.txt]({_abs(site_url, 'llms-full.txt')}): the full text of every "
        + ("skill and pattern" if kb.patterns else "skill"),
        f"- [catalog.json]({_abs(site_url, 'catalog.json')}): metadata, relations and status as JSON",
    ]
    return "\n".join(lines) + "\n"


def llms_full_txt(analysis: Analysis, *, title: str) -> str:
    """Every skill and pattern in full, each under a heading naming its source file."""
    kb = analysis.kb
    parts = [f"# {title}\n"]
    for doc in [s.doc for s in sorted(kb.skills, key=lambda s: s.name)] + [
        p.doc for p in sorted(kb.patterns, key=lambda p: p.id)
    ]:
        if not doc.loaded:  # unreadable or over the size limit: reported as KB101 / KB106
            continue
        source = posixpath.normpath(doc.path)
        parts.append(f"\n---\n\n<!-- source: {source} -->\n\n{doc.text.strip()}\n")
    return "".join(parts)
