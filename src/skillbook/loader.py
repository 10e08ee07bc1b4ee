"""Load a knowledge base: walk its folders, read every file leniently, make the entries.

Nothing here raises for bad content: a file is either loaded (with fallbacks, as an agent
client would load it) or named in a diagnostic, usually both. The parts: `walk` plans what
to read, `documents` reads and parses each file, `targets` looks up what links point at.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path

from skillbook.documents import (
    DocumentCache,
    ReadFiles,
    clear_caches,
    parse_document,
    read_document,
    read_documents,
)
from skillbook.headings import first_paragraph, heading_text, headings_in, plain_text
from skillbook.model import Document, KnowledgeBase, Layout, Pattern, Roadmap, Session, Skill
from skillbook.schema import ISO_DATE
from skillbook.targets import find_targets
from skillbook.walk import plan

# what callers (the MkDocs plugin among them) import from here, beside `load`
__all__ = [
    "DocumentCache",
    "ReadFiles",
    "clear_caches",
    "first_heading",
    "load",
    "parse_document",
    "read_document",
]


def _str(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _skill(doc: Document, folder: str) -> Skill:
    fm = doc.frontmatter or {}
    name = _str(fm.get("name")) or folder
    description = _str(fm.get("description")) or plain_text(first_paragraph(doc.body))
    metadata = fm.get("metadata")
    raw_tags = metadata.get("tags") if isinstance(metadata, dict) else None
    tags = (
        tuple(t.strip() for t in raw_tags.split(",") if t.strip())
        if isinstance(raw_tags, str)
        else ()
    )
    return Skill(doc, folder, name, description, tags)


def first_heading(doc: Document) -> str | None:
    """The text of the body's first `# heading`, or None."""
    for heading in headings_in(doc.body, doc.body_line):
        if heading.level == 1:
            return heading_text(heading.text).strip() or None
    return None


def _pattern(doc: Document, pattern_id: str) -> Pattern:
    fm = doc.frontmatter or {}
    title = _str(fm.get("title")) or first_heading(doc) or pattern_id.replace("_", " ").capitalize()
    summary = _str(fm.get("summary")) or plain_text(first_paragraph(doc.body))
    raw_tags = fm.get("tags")
    tags = (
        tuple(str(t) for t in raw_tags if isinstance(t, str)) if isinstance(raw_tags, list) else ()
    )
    return Pattern(doc, pattern_id, title, summary, tags)


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _session(doc: Document) -> Session:
    fm = doc.frontmatter or {}
    phase = fm.get("phase")
    hours = fm.get("hours")
    completed = fm.get("completed")
    title = first_heading(doc) or posixpath.basename(doc.path)[:-3]
    return Session(
        doc,
        _date(fm.get("date")),
        phase if isinstance(phase, int) and not isinstance(phase, bool) else None,
        float(hours)
        if isinstance(hours, int | float) and not isinstance(hours, bool) and abs(hours) < 1e9
        else None,
        tuple(c for c in completed if isinstance(c, str)) if isinstance(completed, list) else (),
        title,
    )


def _roadmap(root: Path, layout: Layout) -> Roadmap:
    """The roadmap (`roadmap.load_roadmap`), whose module, with PyYAML, is imported only when
    there is one to read."""
    if not (root / layout.roadmap).is_file():
        return Roadmap(layout.roadmap, False)
    from skillbook.roadmap import load_roadmap

    return load_roadmap(root, layout.roadmap, layout.max_file_size)


def load(
    root: Path | str,
    layout: Layout | None = None,
    *,
    cache: DocumentCache | None = None,
    read: ReadFiles | None = None,
) -> KnowledgeBase:
    """Load the knowledge base under `root`.

    With a cache, files unchanged since they went into it are not read again; `read` reads
    the others (default: one by one, in this process; see `documents.ReadFiles`).
    """
    root = Path(root)
    layout = layout or Layout()
    wanted, entries, problems, assets = plan(root, layout)
    skills: list[Skill] = []
    patterns: list[Pattern] = []
    sessions: list[Session] = []
    intros: dict[str, Document] = {}
    skill_docs: list[Document] = []
    docs = read_documents(root, wanted, cache=cache, max_size=layout.max_file_size, read=read)
    for (kind, name), doc in zip(entries, docs, strict=True):
        if kind == "skill":
            skills.append(_skill(doc, name))
        elif kind == "pattern":
            patterns.append(_pattern(doc, name))
        elif kind == "session":
            sessions.append(_session(doc))
        elif kind == "skill-doc":
            skill_docs.append(doc)
        else:
            intros[name] = doc
    files_read = len(wanted)
    roadmap = _roadmap(root, layout)
    if roadmap.present:
        files_read += 1
    kb_docs = [s.doc for s in skills] + [p.doc for p in patterns] + [s.doc for s in sessions]
    kb_docs += [*intros.values(), *skill_docs]
    targets = find_targets(root, kb_docs, {d.path for d in kb_docs}, assets, layout.max_file_size)
    return KnowledgeBase(
        root=root,
        layout=layout,
        skills=tuple(skills),
        patterns=tuple(patterns),
        sessions=tuple(sorted(sessions, key=lambda s: s.path)),
        roadmap=roadmap,
        intros=intros,
        assets=tuple(assets),
        targets=targets,
        diagnostics=tuple(problems),
        files_read=files_read,
        skill_docs=tuple(skill_docs),
    )
