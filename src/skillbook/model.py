"""Frozen data: what the loader reads and every later stage works from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from skillbook.diagnostics import Diagnostic

LinkKind = Literal["relative", "anchor", "external", "absolute", "outside", "unsafe"]


class Link(NamedTuple):
    """A link or image in a Markdown body, resolved against the repository root.

    A named tuple, as `CodeBlock` is: a read makes one for every link of every file, and a
    tuple is made several times faster than a frozen dataclass.
    """

    target: str  # as written
    line: int
    kind: LinkKind
    path: str | None  # repo-relative, `/`-separated; None unless relative or anchor
    anchor: str | None
    image: bool = False


class Heading(NamedTuple):
    """A Markdown heading: its raw inline text and an `{#id}` given with attr_list."""

    text: str
    line: int
    level: int
    custom_id: str | None = None


class CodeBlock(NamedTuple):
    """A fenced code block; `line` is the line of its first content line."""

    lang: str
    line: int
    text: str


class Document(NamedTuple):
    """One parsed Markdown file: frontmatter with key lines, and the scanned body.

    A named tuple, as the model's other records are: a run makes one for every file,
    and a tuple is made several times faster than a frozen dataclass (a forked reader's
    documents are made twice: once in the reader, again where they arrive).
    """

    path: str
    frontmatter: Mapping[str, Any] | None  # None: absent, broken or not a mapping
    has_frontmatter: bool  # a `---` block was present (even if broken)
    key_lines: Mapping[str, int]  # "name" and "metadata.tags" style keys to 1-based lines
    body: str
    body_line: int  # file line of the body's first line
    links: tuple[Link, ...]
    code_blocks: tuple[CodeBlock, ...]
    diagnostics: tuple[Diagnostic, ...] = ()  # problems found while reading (KB1xx)
    loaded: bool = True  # False: unreadable or over the size limit, so body and links are empty
    head: str = ""  # the text before the body (the frontmatter block), as read
    # the ids MkDocs' `toc` gives the headings, found with the links (the headings, with
    # their lines, are `headings.headings_in(body, body_line)`)
    anchors: frozenset[str] = frozenset()
    # (line, code, message) of what the checks the reader runs found: KB701, KB703, KB704 in
    # the text, KB702 and KB307 in the body; None: not looked for yet (a document not made
    # by the reader; `content_safety.content_of` looks then)
    content: tuple[tuple[int, str, str], ...] | None = None
    size: int | None = None  # bytes of the file as read; None: not read by the reader

    @property
    def text(self) -> str:
        """The file's text as loaded: `head` and `body`."""
        return self.head + self.body

    def line_of(self, key: str) -> int:
        """Line of a frontmatter key, else the opening `---` line (1)."""
        return self.key_lines.get(key, 1)

    @property
    def body_lines(self) -> int:
        """Number of lines in the body."""
        return self.body.count("\n") + (0 if self.body.endswith("\n") or not self.body else 1)


class Skill(NamedTuple):
    """A skill: `skills/<folder>/SKILL.md`."""

    doc: Document
    folder: str
    name: str  # from frontmatter when valid, else the folder
    description: str
    tags: tuple[str, ...]

    @property
    def path(self) -> str:
        """Repo-relative path of SKILL.md."""
        return self.doc.path


class Pattern(NamedTuple):
    """A pattern: `patterns/<id>.md`."""

    doc: Document
    id: str
    title: str
    summary: str
    tags: tuple[str, ...]

    @property
    def path(self) -> str:
        """Repo-relative path of the pattern file."""
        return self.doc.path


class Session(NamedTuple):
    """A dated work-session log under `sessions/`."""

    doc: Document
    date: dt.date | None
    phase: int | None
    hours: float | None
    completed: tuple[str, ...]
    title: str

    @property
    def path(self) -> str:
        """Repo-relative path of the log."""
        return self.doc.path


class Task(NamedTuple):
    """A roadmap task: the files it must produce."""

    id: str
    title: str
    priority: str
    files: tuple[str, ...]
    line: int
    file_lines: Mapping[str, int] = MappingProxyType({})  # (read-only: one is shared)
    estimate_hours: float | None = None
    blocked: str | None = None


class Phase(NamedTuple):
    """A roadmap phase."""

    id: int
    title: str
    tasks: tuple[Task, ...]
    line: int


class Roadmap(NamedTuple):
    """`sessions/roadmap.yml`; `present` is False when the file does not exist."""

    path: str
    present: bool
    phases: tuple[Phase, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


class Target(NamedTuple):
    """What a link points at, looked up on disk once per load."""

    exists: bool
    is_dir: bool = False
    suggestion: str | None = None  # repo-relative near miss, for "did you mean"
    headings: tuple[Heading, ...] | None = None  # for Markdown targets outside the entries
    outside: bool = False  # reached through a symlink that leads outside the repository


class Layout(NamedTuple):
    """Where the knowledge base lives under the root (from mkdocs.yml or defaults)."""

    skills_dir: str = "skills"
    patterns_dir: str = "patterns"
    sessions_dir: str = "sessions"
    roadmap: str = "sessions/roadmap.yml"
    max_file_size: int = 1024 * 1024  # bytes (reading.DEFAULT_MAX_FILE_SIZE); larger: KB106


class KnowledgeBase(NamedTuple):
    """Everything loaded from one root: entries, logs, roadmap and link targets."""

    root: Path
    layout: Layout
    skills: tuple[Skill, ...]
    patterns: tuple[Pattern, ...]
    sessions: tuple[Session, ...]
    roadmap: Roadmap
    intros: Mapping[str, Document]  # section ("skills" / "patterns") to its README.md
    assets: tuple[str, ...]  # other files inside skill folders (their Markdown too), repo-relative
    targets: Mapping[str, Target]
    diagnostics: tuple[Diagnostic, ...]  # problems of files that are not entries
    files_read: int
    # the Markdown files among the assets (references/…): published and checked, not skills
    skill_docs: tuple[Document, ...] = ()

    def documents(self) -> tuple[Document, ...]:
        """Every Markdown document whose links are checked."""
        return (
            tuple(s.doc for s in self.skills)
            + self.skill_docs
            + tuple(p.doc for p in self.patterns)
            + tuple(s.doc for s in self.sessions)
            + tuple(self.intros.values())
        )
