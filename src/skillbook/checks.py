"""Every check, as a generator of Diagnostics over a loaded KnowledgeBase.

Checks are pure: they read the KnowledgeBase and yield; they never stop at the first problem.
Elixir parsing (KB502, in `elixir`), the roadmap checks (KB4xx, in `status`, which need the
status these checks decide) and the skills' evals files (KB206, in `evals`, which reads files
the loader does not) are run beside them by `pipeline.analyse`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping, Sequence

from skillbook import schema
from skillbook.content_safety import check_content_safety, content_of
from skillbook.diagnostics import Diagnostic, diagnostic
from skillbook.headings import anchors_of, headings_in, suggest_anchor
from skillbook.model import Document, Heading, KnowledgeBase, Link, Target
from skillbook.portability import check_portability
from skillbook.relations import Relations, relations, skill_of
from skillbook.selection import Overlap, check_selection

MAX_SKILL_LINES = 500


def check_files(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """KB101–KB105: what the loader could not read or place."""
    yield from kb.diagnostics
    for doc in kb.documents():
        yield from doc.diagnostics
    yield from kb.roadmap.diagnostics


def _fields(doc: Document, kind: schema.Kind, skip: str = "") -> Iterator[Diagnostic]:
    if doc.frontmatter is None:
        return
    for code, key, message in kind.problems(doc.frontmatter):
        if not (code == "KB202" and key == skip):
            yield diagnostic(doc.path, doc.line_of(key), code, message)


def check_frontmatter(kb: KnowledgeBase, profile: str = "agentskills") -> Iterator[Diagnostic]:
    """KB201–KB204: fields of skills (those `profile` accepts), patterns and session logs."""
    skill_kind = schema.skill_kind(profile)
    for skill in kb.skills:
        yield from _fields(skill.doc, skill_kind)
        fm = skill.doc.frontmatter or {}
        name = fm.get("name")
        if isinstance(name, str) and name.strip() and name != skill.folder:
            yield diagnostic(
                skill.path,
                skill.doc.line_of("name"),
                "KB204",
                f"name '{name}' must equal the folder name '{skill.folder}'",
            )
    for pattern in kb.patterns:
        yield from _fields(pattern.doc, schema.PATTERN)
        if not schema.PATTERN_ID.match(pattern.id):
            yield diagnostic(
                pattern.path,
                None,
                "KB202",
                f"pattern id '{pattern.id}' must be lowercase words joined by '_' "
                f"(rename the file to {_snake(pattern.id)}.md)",
            )
    for session in kb.sessions:
        # a bad session date is KB405, reported with the roadmap checks
        yield from _fields(session.doc, schema.SESSION, skip="date")


def _snake(name: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "_" for c in name)
    return "_".join(part for part in out.split("_") if part) or "pattern"


def check_unique(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """KB205: two skills with one name, two patterns with one title.

    Names that differ only by case (two pattern ids among them) are the loader's KB205: it
    sees every file name, not only the entries.
    """
    seen: dict[str, str] = {}
    for skill in kb.skills:
        fm = skill.doc.frontmatter or {}
        if not isinstance(fm.get("name"), str):
            continue
        key = skill.name
        if key in seen:
            yield diagnostic(
                skill.path,
                skill.doc.line_of("name"),
                "KB205",
                f"skill name '{key}' is already used by {seen[key]}",
            )
        else:
            seen[key] = skill.path
    titles: dict[str, str] = {}
    for pattern in kb.patterns:
        title = pattern.title.strip().lower()
        if title in titles:
            yield diagnostic(
                pattern.path,
                pattern.doc.line_of("title"),
                "KB205",
                f"title '{pattern.title}' is already used by {titles[title]}",
            )
        else:
            titles[title] = pattern.path


def target_headings(
    kb: KnowledgeBase, path: str, docs: Mapping[str, Document]
) -> tuple[Heading, ...] | None:
    """The headings of the file a link points at, if known (a knowledge-base document, or a
    Markdown file outside the entries whose anchors are linked)."""
    doc = docs.get(path)
    if doc is not None:
        return headings_in(doc.body, doc.body_line)
    target = kb.targets.get(path)
    return None if target is None else target.headings


def target_anchors(
    kb: KnowledgeBase, path: str, docs: Mapping[str, Document]
) -> frozenset[str] | None:
    """The ids of the headings of the file a link points at, if known (see `target_headings`):
    a document's were found when it was read."""
    doc = docs.get(path)
    if doc is not None:
        return doc.anchors
    headings = target_headings(kb, path, docs)
    return None if headings is None else anchors_of(headings)


def broken_target(kb: KnowledgeBase, link: Link) -> bool:
    """Whether a relative link points at a file that does not exist (KB301)."""
    if link.kind != "relative" or link.path is None:
        return False
    target = kb.targets.get(link.path)
    return target is None or not target.exists


def _link_problem(
    kb: KnowledgeBase,
    doc: Document,
    link: Link,
    docs: Mapping[str, Document],
    anchors: dict[str, frozenset[str] | None],
) -> Diagnostic | None:
    _, line, kind, path, anchor, _ = link  # each field looked up once: this runs for every link
    if kind == "relative":  # the usual link first
        assert path is not None
        target = kb.targets.get(path)
        if target is None or not target.exists or target.outside:
            return _target_problem(doc, link, target)
    elif kind != "anchor":
        return _kind_problem(doc, link)
    if anchor is None:
        return None
    assert path is not None
    if path not in anchors:  # each target's anchors once a run: many links share one
        anchors[path] = target_anchors(kb, path, docs)
    known = anchors[path]
    if known is None or anchor in known:
        return None
    headings = target_headings(kb, path, docs) or ()
    close = suggest_anchor(anchor, headings)
    hint = f"; did you mean '#{close}'?" if close else ""
    where = "this file" if kind == "anchor" else path
    return diagnostic(
        doc.path,
        line,
        "KB302",
        f"link '{link.target}': {where} has no heading with the anchor '#{anchor}'{hint}",
    )


def _kind_problem(doc: Document, link: Link) -> Diagnostic | None:
    """What is wrong with a link that is neither relative nor an anchor, if anything."""
    if link.kind == "unsafe":
        return diagnostic(
            doc.path,
            link.line,
            "KB306",
            f"link '{link.target[:60]}' would run code or inline content in a reader's browser; "
            f"the published page keeps the link text, without the link",
        )
    if link.kind == "absolute":
        return diagnostic(
            doc.path,
            link.line,
            "KB305",
            f"link '{link.target}' is an absolute path: write it relative to this file "
            f"so it works on GitHub, on the site and in an installed skill",
        )
    if link.kind == "outside":
        return diagnostic(
            doc.path,
            link.line,
            "KB305",
            f"link '{link.target}' leaves the repository",
        )
    return None  # external


def _target_problem(doc: Document, link: Link, target: Target | None) -> Diagnostic:
    """KB305 or KB301 for a relative link whose target is outside or missing."""
    if target is not None and target.outside:
        return diagnostic(
            doc.path,
            link.line,
            "KB305",
            f"link '{link.target}' reaches {link.path} through a symlink that leads "
            f"outside the repository",
        )
    hint = ""
    if target is not None and target.suggestion:
        suggestion = posixpath.relpath(target.suggestion, posixpath.dirname(doc.path))
        hint = f"; did you mean '{suggestion}'?"
    return diagnostic(
        doc.path,
        link.line,
        "KB301",
        f"link '{link.target}' points to {link.path}, which does not exist{hint}",
    )


def check_links(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """KB301, KB302, KB305: every relative link resolves, to an anchor that exists."""
    docs = {doc.path: doc for doc in kb.documents()}
    anchors: dict[str, frozenset[str] | None] = {}
    for doc in docs.values():
        for link in doc.links:
            problem = _link_problem(kb, doc, link, docs, anchors)
            if problem is not None:
                yield problem


def check_raw_html(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """KB307: raw HTML in a body that the published page removes."""
    for doc in kb.documents():
        if "<" not in doc.body:
            continue
        for line, code, message in content_of(doc):  # found by the reader
            if code == "KB307":
                yield diagnostic(doc.path, line, code, message)


def check_relations(kb: KnowledgeBase, rel: Relations | None = None) -> Iterator[Diagnostic]:
    """KB303, KB304: orphan patterns and skills without patterns."""
    rel = rel or relations(kb)
    for pattern in kb.patterns:
        if not rel.used_by.get(pattern.path):
            yield diagnostic(
                pattern.path,
                1,
                "KB303",
                "no skill links to this pattern: link it from the skill that uses it",
            )
    if not kb.patterns:
        return
    prefix = kb.layout.patterns_dir.strip("/") + "/"
    tried: set[str] = set()  # skills with a link into patterns/, its references/ included
    owner = skill_of(kb)
    for doc in [s.doc for s in kb.skills] + list(kb.skill_docs):
        if any(link.path and link.path.startswith(prefix) for link in doc.links):
            tried.add(owner.get(doc.path, doc.path))
    for skill in kb.skills:
        # a broken link into patterns/ is already KB301; do not also call the skill pattern-less
        if not rel.patterns_of.get(skill.path) and skill.path not in tried:
            yield diagnostic(
                skill.path,
                skill.doc.line_of("name"),
                "KB304",
                f"links no pattern: link the patterns it relies on "
                f"(e.g. [Title](../../{kb.layout.patterns_dir}/<id>.md))",
            )


def check_size(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """KB501: a skill body over 500 lines (the Agent Skills guidance)."""
    for skill in kb.skills:
        lines = skill.doc.body_lines
        if lines > MAX_SKILL_LINES:
            yield diagnostic(
                skill.path,
                skill.doc.body_line + MAX_SKILL_LINES,
                "KB501",
                f"body is {lines} lines; keep SKILL.md under {MAX_SKILL_LINES} lines and move "
                f"detail into files under references/",
            )


def file_checks(
    kb: KnowledgeBase,
    rel: Relations,
    profile: str = "agentskills",
    overlaps: Sequence[Overlap] | None = None,
) -> Iterator[Diagnostic]:
    """Every check of the files, in order: all but the roadmap's (KB4xx, which need status)
    and Elixir parsing (KB502, which needs a program). `overlaps`: the skills whose
    descriptions overlap (`selection.overlaps`), when the caller already has them."""
    yield from check_files(kb)
    yield from check_frontmatter(kb, profile)
    yield from check_unique(kb)
    yield from check_links(kb)
    yield from check_raw_html(kb)
    yield from check_relations(kb, rel)
    yield from check_size(kb)
    yield from check_portability(kb)
    yield from check_content_safety(kb)
    yield from check_selection(kb, profile, overlaps)
