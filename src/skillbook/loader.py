"""Walk a knowledge base and load every file leniently, reporting what cannot be read.

Nothing here raises for bad content: a file is either loaded (with fallbacks, as an agent
client would load it) or named in a diagnostic, usually both.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from skillbook import markdown_scan, parallel
from skillbook.diagnostics import Diagnostic, Severity, diagnostic
from skillbook.frontmatter import parse_yaml, split
from skillbook.html_policy import unsafe_url
from skillbook.model import (
    CodeBlock,
    Document,
    Heading,
    KnowledgeBase,
    Layout,
    Link,
    LinkKind,
    Pattern,
    Session,
    Skill,
    Target,
)
from skillbook.reading import DEFAULT_MAX_FILE_SIZE, Problem, read_text, within
from skillbook.roadmap import load_roadmap
from skillbook.schema import ISO_DATE

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")
_SESSION_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>[a-z0-9][a-z0-9-]*)\.md$")


@dataclass(frozen=True, slots=True)
class _Cached:
    stamp: tuple[int, int]
    doc: Document


def clear_caches() -> None:
    """Empty the module-level caches of link classification, link resolution and headings."""
    _classify.cache_clear()
    markdown_scan.resolve_relative.cache_clear()
    markdown_scan.headings_in.cache_clear()


class DocumentCache:
    """Parsed documents kept between loads, reused while a file's mtime and size are unchanged."""

    def __init__(self) -> None:
        self._docs: dict[str, _Cached] = {}
        self.hits = 0

    def get(self, path: str, stamp: tuple[int, int]) -> Document | None:
        """The cached document for `path` if its stamp still matches."""
        cached = self._docs.get(path)
        if cached is not None and cached.stamp == stamp:
            self.hits += 1
            return cached.doc
        return None

    def put(self, path: str, stamp: tuple[int, int], doc: Document) -> None:
        """Remember a parsed document."""
        self._docs[path] = _Cached(stamp, doc)


def _stamp(full: str) -> tuple[int, int]:
    """A file's modification time (ns) and size: what tells a cached parse is current.
    Raises OSError."""
    stat = os.stat(full)
    return stat.st_mtime_ns, stat.st_size


def _cannot_stat(path: str, exc: OSError) -> Document:
    return _unreadable(path, (Problem("KB101", f"cannot be read: {exc.strerror or exc}"),))


def _is_hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def read_document(
    root: Path,
    path: str,
    *,
    missing_frontmatter: Severity | None,
    cache: DocumentCache | None = None,
    max_size: int = DEFAULT_MAX_FILE_SIZE,
) -> Document:
    """Read and parse one Markdown file (repo-relative `path`); problems become diagnostics."""
    full = os.path.join(root, path)  # plain strings: pathlib costs more than the read here
    stamp = (0, 0)
    if cache is not None:  # the stamp is only needed to reuse a parse between rebuilds
        try:
            stamp = _stamp(full)
        except OSError as exc:
            return _cannot_stat(path, exc)
        cached = cache.get(path, stamp)
        if cached is not None:
            return cached
    read = read_text(full, max_size)
    if read.text is None:
        doc = _unreadable(path, read.problems)
    else:
        doc = parse_document(path, read.text, missing_frontmatter=missing_frontmatter)
        if read.problems:
            doc = replace(doc, diagnostics=_diagnostics(path, read.problems) + doc.diagnostics)
    if cache is not None:
        cache.put(path, stamp, doc)
    return doc


def read_documents(
    root: Path,
    wanted: Sequence[tuple[str, Severity | None]],
    *,
    cache: DocumentCache | None = None,
    max_size: int = DEFAULT_MAX_FILE_SIZE,
    jobs: int = 1,
    ahead: ReadAhead | None = None,
) -> list[Document]:
    """`read_document` for each (path, missing-frontmatter severity), in order.

    With `jobs` above 1, a large set of files to read is shared out over forked processes;
    with a cache, only the files it does not hold are read, and what is read goes into it.
    With `ahead`, the files it reads are taken from it (if unchanged since) and the others
    are read here meanwhile.
    """
    if ahead is not None and cache is None:
        cache = DocumentCache()  # the stamps tell whether what `ahead` read is still current

    def work(share: Sequence[tuple[str, Severity | None]]) -> list[Document]:
        return [
            read_document(root, path, missing_frontmatter=missing, max_size=max_size)
            for path, missing in share
        ]

    if cache is None:
        return parallel.map_shares(work, wanted, jobs, encode=_plain, decode=_document)
    docs: list[Document] = []
    missed: list[tuple[int, tuple[int, int]]] = []  # (index in docs, stamp) of what to read
    for path, _ in wanted:
        try:
            stamp = _stamp(os.path.join(root, path))
        except OSError as exc:
            docs.append(_cannot_stat(path, exc))
            continue
        cached = cache.get(path, stamp)
        if cached is None:
            missed.append((len(docs), stamp))
            cached = _unreadable(path, ())  # a place, filled below
        docs.append(cached)
    if ahead is not None:  # it reads its share on the other core: read the rest here
        ours = [(i, stamp) for i, stamp in missed if wanted[i][0] not in ahead.paths]
        theirs = [(i, stamp) for i, stamp in missed if wanted[i][0] in ahead.paths]
        read = work([wanted[i] for i, _ in ours])
        taken = ahead.take()
        for index, stamp in theirs:
            got = taken.get(wanted[index][0])
            if got is not None and got[0] == stamp:
                read.append(got[1])
            else:  # changed since, or the child could not stat it: read it now
                read.extend(work([wanted[index]]))
        missed = ours + theirs
    else:
        read = parallel.map_shares(
            work, [wanted[i] for i, _ in missed], jobs, encode=_plain, decode=_document
        )
    for (index, stamp), doc in zip(missed, read, strict=True):
        docs[index] = doc
        cache.put(doc.path, stamp, doc)
    return docs


class ReadAhead:
    """Knowledge-base files read in a forked child while the caller goes on.

    Made before the knowledge base is loaded (the MkDocs plugin makes one when the build
    starts, while MkDocs sets itself up); `load(..., ahead=...)` takes what it read where
    the file is unchanged since, and reads the other files meanwhile. The child reads the
    last `share` of the files, all of them if they are fewer than `parallel.MIN_ITEMS` (it
    has read those by the time the loader needs them). Where forking is not safe (see
    `parallel.can_fork`), or the child fails, `take` reads its files in this process.
    """

    def __init__(self, root: Path, layout: Layout, *, share: float = 3 / 4) -> None:
        wanted = _plan(root, layout)[0]
        if len(wanted) < parallel.MIN_ITEMS:
            share = 1.0
        theirs = wanted[len(wanted) - int(len(wanted) * share) :]
        self.paths = frozenset(path for path, _ in theirs)
        max_size = layout.max_file_size

        def work() -> list[tuple[str, tuple[int, int], tuple[Any, ...]]]:
            read = []
            for path, missing in theirs:
                try:
                    stamp = _stamp(os.path.join(root, path))
                except OSError:  # read (and reported) by the loader
                    continue
                doc = read_document(root, path, missing_frontmatter=missing, max_size=max_size)
                read.append((path, stamp, _plain(doc)))
            return read

        self._child = parallel.Deferred(work)

    @property
    def forked(self) -> bool:
        """Whether a child is reading (until `take` collects it)."""
        return self._child.forked

    def take(self) -> dict[str, tuple[tuple[int, int], Document]]:
        """What was read: path -> (mtime and size when read, document)."""
        return {path: (stamp, _document(plain)) for path, stamp, plain in self._child.result()}

    def cancel(self) -> None:
        """Stop the child, if it still runs."""
        self._child.cancel()


def _plain(doc: Document) -> tuple[Any, ...]:
    """A document as tuples and builtins: what a worker sends back (fast to pickle)."""
    return (
        doc.path,
        doc.frontmatter,
        doc.has_frontmatter,
        doc.key_lines,
        doc.body,
        doc.body_line,
        [(lk.target, lk.line, lk.kind, lk.path, lk.anchor, lk.image) for lk in doc.links],
        [(b.lang, b.line, b.text) for b in doc.code_blocks],
        doc.diagnostics,
        doc.loaded,
    )


def _document(plain: tuple[Any, ...]) -> Document:
    """The document `_plain` made plain."""
    path, fm, has_fm, key_lines, body, body_line, links, blocks, diagnostics, loaded = plain
    return Document(
        path,
        fm,
        has_fm,
        key_lines,
        body,
        body_line,
        tuple(Link(*link) for link in links),
        tuple(CodeBlock(*block) for block in blocks),
        diagnostics,
        loaded,
    )


def _diagnostics(path: str, problems: Iterable[Problem]) -> tuple[Diagnostic, ...]:
    return tuple(diagnostic(path, p.line, p.code, p.message) for p in problems)


def _unreadable(path: str, problems: Iterable[Problem]) -> Document:
    return Document(path, None, False, {}, "", 1, (), (), _diagnostics(path, problems), False)


def parse_document(path: str, text: str, *, missing_frontmatter: Severity | None) -> Document:
    """Parse the text of a Markdown file at repo-relative `path`."""
    problems: list[Diagnostic] = []
    parts = split(text)
    frontmatter: Mapping[str, Any] | None = None
    key_lines: Mapping[str, int] = {}
    if parts.yaml_text is None:
        if missing_frontmatter is not None:
            problems.append(
                diagnostic(
                    path,
                    1,
                    "KB102",
                    "has no frontmatter: start the file with a `---` line, the YAML fields, "
                    "and a closing `---` line",
                    missing_frontmatter,
                )
            )
    elif not parts.closed:
        problems.append(
            diagnostic(path, 1, "KB103", "frontmatter opened on line 1 is never closed by `---`")
        )
    else:
        parsed = parse_yaml(parts.yaml_text, 2)
        if parsed.error is not None:
            message, line = parsed.error
            problems.append(
                diagnostic(path, line, "KB103", f"frontmatter is not valid YAML: {message}")
            )
        elif not isinstance(parsed.data, dict):
            kind = "empty" if parsed.data is None else f"a {type(parsed.data).__name__}"
            problems.append(
                diagnostic(path, 2, "KB104", f"frontmatter must be a mapping of fields, not {kind}")
            )
        else:
            frontmatter, key_lines = parsed.data, parsed.key_lines
            problems.extend(
                diagnostic(
                    path, line, "KB103", f"duplicate key '{key}' (first given on line {first})"
                )
                for key, line, first in parsed.duplicates
            )
    found = markdown_scan.scan(parts.body, parts.body_line)
    links = tuple(_resolve(path, raw) for raw in found.links)
    return Document(
        path=path,
        frontmatter=frontmatter,
        has_frontmatter=parts.yaml_text is not None,
        key_lines=key_lines,
        body=parts.body,
        body_line=parts.body_line,
        links=links,
        code_blocks=found.code_blocks,
        diagnostics=tuple(problems),
    )


def _resolve(doc_path: str, raw: markdown_scan.RawLink) -> Link:
    """Classify a link and resolve a relative one against the document's folder."""
    kind, path, anchor = _classify(doc_path.rpartition("/")[0], raw.target)
    return Link(
        raw.target, raw.line, kind, doc_path if kind == "anchor" else path, anchor, raw.image
    )


@functools.lru_cache(maxsize=1 << 16)
def _classify(folder: str, target: str) -> tuple[LinkKind, str | None, str | None]:
    """(kind, repo path, anchor) of a link written in a file in repo folder `folder`.

    Cached: the same link text in the same folder (every pattern linking a skill from
    `patterns/`) resolves the same way. An anchor-only link's path is its own file, filled
    in by the caller.
    """
    if unsafe_url(target):
        return "unsafe", None, None
    if _WINDOWS_PATH.match(target) or target.lower().startswith("file:"):
        return "absolute", None, None
    if _SCHEME.match(target) or target.startswith("//"):
        return "external", None, None
    path_part, _, anchor = target.partition("#")
    if "?" in path_part:
        path_part = path_part.split("?", 1)[0]
    if "%" in path_part:
        path_part = unquote(path_part)
    if not path_part:
        return "anchor", None, anchor or None
    if path_part.startswith(("/", "\\")):
        return "absolute", None, anchor or None
    resolved = posixpath.normpath(f"{folder}/{path_part}" if folder else path_part)
    if resolved == ".." or resolved.startswith("../"):
        return "outside", None, anchor or None
    return "relative", resolved, anchor or None


def _str(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _skill(doc: Document, folder: str) -> Skill:
    fm = doc.frontmatter or {}
    name = _str(fm.get("name")) or folder
    description = _str(fm.get("description")) or markdown_scan.first_paragraph(doc.body)
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
    lead = doc.body.lstrip("\n")
    if lead.startswith("# "):  # the usual page: its title on the first line, no scan needed
        end = lead.find("\n")
        found = markdown_scan.headings_in(lead if end < 0 else lead[:end], 1)
        if found and found[0].level == 1:
            return markdown_scan.heading_text(found[0].text).strip() or None
    for heading in doc.headings:
        if heading.level == 1:
            return markdown_scan.heading_text(heading.text).strip() or None
    return None


def _pattern(doc: Document, pattern_id: str) -> Pattern:
    fm = doc.frontmatter or {}
    title = _str(fm.get("title")) or first_heading(doc) or pattern_id.replace("_", " ").capitalize()
    summary = _str(fm.get("summary")) or markdown_scan.first_paragraph(doc.body)
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


class _Walker:
    """Lists folders of the knowledge base, reporting what must not be followed or read.

    A symlink that leads outside the repository is never followed (KB305), one that leads back
    into a folder being walked is a loop and is not followed (KB101), nor is a broken one; names
    that differ only by case or Unicode normalisation collide on macOS and Windows (KB205).
    Real paths are tracked without a system call for ordinary folders.
    """

    def __init__(self, root: Path, problems: list[Diagnostic]) -> None:
        self.root = str(root)
        self.root_real = os.path.realpath(root)
        self.problems = problems
        self._real: dict[str, str] = {"": self.root_real}

    def _report(self, path: str, code: str, message: str) -> None:
        self.problems.append(diagnostic(path, None, code, message))

    def entries(self, folder: str) -> list[os.DirEntry[str]]:
        """The usable entries of repo folder `folder` ("" for the root), sorted by name."""
        try:
            found = sorted(os.scandir(os.path.join(self.root, folder)), key=lambda e: e.name)
        except OSError as exc:
            self._report(folder, "KB101", f"folder cannot be read: {exc.strerror or exc}")
            return []
        prefix = f"{folder}/" if folder else ""
        folder_real = self._real.get(folder)
        if folder_real is None:  # a configured folder below the root, such as docs/skills
            folder_real = self._real[folder] = os.path.realpath(os.path.join(self.root, folder))
            if not within(self.root_real, folder_real):
                self._report(folder, "KB305", "leads outside the repository; it is not read")
                return []
        kept: list[os.DirEntry[str]] = []
        keys: dict[str, str] = {}
        for entry in found:
            if entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            if entry.is_symlink():
                followed = self._follow(entry, rel, folder)
                if followed is None:
                    continue
                real = followed
            else:
                real = f"{folder_real}/{entry.name}"
            key = unicodedata.normalize("NFC", entry.name).casefold()
            if key in keys:
                self._report(
                    rel,
                    "KB205",
                    f"name differs from {prefix}{keys[key]} only by case or accents: the two "
                    f"are one file on macOS and Windows checkouts; rename one",
                )
            else:
                keys[key] = entry.name
            if entry.is_dir():
                self._real[rel] = real
            elif not entry.is_file():
                self._report(rel, "KB101", "is not a regular file (a pipe, socket or device)")
                continue
            kept.append(entry)
        return kept

    def _follow(self, entry: os.DirEntry[str], rel: str, folder: str) -> str | None:
        """The real path a symlink may be followed to, or None (reported) when it may not."""
        try:
            written = os.readlink(entry.path)
        except OSError:
            written = "?"
        real = os.path.realpath(entry.path)
        if not within(self.root_real, real):
            self._report(
                rel,
                "KB305",
                f"is a symlink to '{written}', outside the repository; it is not followed",
            )
            return None
        if not os.path.exists(real):
            self._report(rel, "KB101", f"is a broken symlink (to '{written}'), or a symlink loop")
            return None
        ancestors = [folder]
        while ancestors[-1]:
            ancestors.append(ancestors[-1].rpartition("/")[0])
        if os.path.isdir(real) and any(self._real.get(a) == real for a in ancestors):
            self._report(rel, "KB101", f"is a symlink to '{written}', a folder that contains it")
            return None
        return real

    def files(self, folder: str) -> Iterable[str]:
        """Every file below repo folder `folder` ("." for the root), sorted, hidden ones skipped."""
        start = "" if folder == "." else folder
        prefix = f"{start}/" if start else ""
        for entry in self.entries(start):
            if entry.is_dir():
                if not _is_hidden(entry.name):
                    yield from self.files(prefix + entry.name)
            else:
                yield prefix + entry.name


_Wanted = list[tuple[str, Severity | None]]  # (path, severity of missing frontmatter)


def _plan(
    root: Path, layout: Layout
) -> tuple[_Wanted, list[tuple[str, str]], list[Diagnostic], list[str]]:
    """Walk the knowledge base: the files to read, what each is (kind, folder / pattern id /
    intro's section), the problems of the walk, and the other files (assets)."""
    problems: list[Diagnostic] = []
    assets: list[str] = []
    # the walk lists what to read; the files are read afterwards, all at once
    wanted: list[tuple[str, Severity | None]] = []
    entries: list[tuple[str, str]] = []  # (kind, folder / pattern id / intro's section)

    def read(path: str, missing: Severity | None, kind: str, name: str = "") -> None:
        wanted.append((path, missing))
        entries.append((kind, name))

    walker = _Walker(root, problems)
    top = {entry.name: entry for entry in walker.entries("")}
    skills_dir = layout.skills_dir.strip("/")
    patterns_dir = layout.patterns_dir.strip("/")
    sessions_dir = layout.sessions_dir.strip("/")

    def is_dir(folder: str) -> bool:
        # a configured folder may be nested (docs/skills); its top component must be usable
        first, _, rest = folder.partition("/")
        return first in top and top[first].is_dir() and (not rest or (root / folder).is_dir())

    if "SKILL.md" in top and not is_dir(skills_dir):
        # a single skill folder (an installed skill, or an exported bundle) checked on its own
        read("SKILL.md", Severity.ERROR, "skill", root.resolve().name)
        assets.extend(f for f in walker.files(".") if f != "SKILL.md")
    elif is_dir(skills_dir):
        for item in walker.entries(skills_dir):
            entry = item.name
            rel = f"{skills_dir}/{entry}"
            if _is_hidden(entry):
                continue
            if item.is_dir():
                folder_files = list(walker.files(rel))
                if f"{rel}/SKILL.md" in folder_files:
                    read(f"{rel}/SKILL.md", Severity.ERROR, "skill", entry)
                    assets.extend(f for f in folder_files if f != f"{rel}/SKILL.md")
                else:
                    problems.append(_skill_without_file(rel, folder_files))
            elif entry == "README.md":
                read(rel, None, "intro", "skills")
            elif entry.endswith(".md"):
                problems.append(
                    diagnostic(
                        rel,
                        None,
                        "KB105",
                        f"is not a skill: a skill is a folder holding SKILL.md "
                        f"(move it to {skills_dir}/{entry[:-3]}/SKILL.md)",
                    )
                )

    if is_dir(patterns_dir):
        for rel in walker.files(patterns_dir):
            inner = rel[len(patterns_dir) + 1 :]
            if not rel.endswith(".md"):
                assets.append(rel)
            elif "/" in inner:
                problems.append(
                    diagnostic(
                        rel,
                        None,
                        "KB105",
                        f"is in a subfolder and is not published: patterns are files directly "
                        f"in {patterns_dir}/",
                    )
                )
            elif inner == "README.md":
                read(rel, None, "intro", "patterns")
            else:
                read(rel, Severity.WARNING, "pattern", inner[:-3])

    if is_dir(sessions_dir):
        for rel in walker.files(sessions_dir):
            name = posixpath.basename(rel)
            if not rel.endswith(".md"):
                continue
            if rel == f"{sessions_dir}/README.md":
                read(rel, None, "intro", "sessions")
                continue
            read(rel, Severity.ERROR, "session")
            match = _SESSION_NAME.match(name)
            if not match:
                problems.append(
                    diagnostic(
                        rel,
                        None,
                        "KB405",
                        "session log name must be YYYY-MM-DD-slug.md "
                        "(a date, then lowercase words joined by '-')",
                    )
                )
            elif posixpath.basename(posixpath.dirname(rel)) != match.group("date")[:4]:
                problems.append(
                    diagnostic(
                        rel,
                        None,
                        "KB405",
                        f"session log belongs in {sessions_dir}/{match.group('date')[:4]}/",
                    )
                )

    return wanted, entries, problems, assets


def load(
    root: Path | str,
    layout: Layout | None = None,
    *,
    cache: DocumentCache | None = None,
    jobs: int = 1,
    ahead: ReadAhead | None = None,
) -> KnowledgeBase:
    """Load the knowledge base under `root`, reading files in up to `jobs` processes (or
    taking what `ahead` read, where the file is unchanged)."""
    root = Path(root)
    layout = layout or Layout()
    wanted, entries, problems, assets = _plan(root, layout)
    skills: list[Skill] = []
    patterns: list[Pattern] = []
    sessions: list[Session] = []
    intros: dict[str, Document] = {}
    docs = read_documents(
        root, wanted, cache=cache, max_size=layout.max_file_size, jobs=jobs, ahead=ahead
    )
    for (kind, name), doc in zip(entries, docs, strict=True):
        if kind == "skill":
            skills.append(_skill(doc, name))
        elif kind == "pattern":
            patterns.append(_pattern(doc, name))
        elif kind == "session":
            sessions.append(_session(doc))
        else:
            intros[name] = doc
    files_read = len(wanted)
    roadmap = load_roadmap(root, layout.roadmap, layout.max_file_size)
    if roadmap.present:
        files_read += 1
    kb_docs = [s.doc for s in skills] + [p.doc for p in patterns] + [s.doc for s in sessions]
    kb_docs += list(intros.values())
    targets = _targets(root, kb_docs, {d.path for d in kb_docs}, assets, layout.max_file_size)
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
    )


def _skill_without_file(rel: str, folder_files: list[str]) -> Diagnostic:
    near = [f for f in folder_files if posixpath.basename(f).lower() == "skill.md"]
    hint = f" (found {posixpath.basename(near[0])}: rename it to SKILL.md)" if near else ""
    return diagnostic(
        f"{rel}/SKILL.md", None, "KB105", f"skill folder {rel}/ has no SKILL.md{hint}"
    )


class _Listing:
    """Case-sensitive directory listings, read once per folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, frozenset[str] | None] = {}

    def names(self, folder: str) -> frozenset[str] | None:
        if folder not in self._cache:
            try:
                self._cache[folder] = frozenset(
                    os.listdir(self.root / folder if folder else self.root)
                )
            except OSError:
                self._cache[folder] = None
        return self._cache[folder]

    def lookup(self, path: str) -> tuple[bool, str | None]:
        """(exists with this exact case, suggestion)."""
        parts = path.split("/")
        folder = ""
        for index, part in enumerate(parts):
            names = self.names(folder)
            if names is None:
                return False, None
            if part not in names:
                return False, self._suggest(folder, part, names, parts[index + 1 :])
            folder = f"{folder}/{part}" if folder else part
        return True, None

    def _suggest(
        self, folder: str, part: str, names: frozenset[str], rest: list[str]
    ) -> str | None:
        same_case = [n for n in names if n.lower() == part.lower()]
        close = same_case or difflib.get_close_matches(part, sorted(names), n=1, cutoff=0.75)
        if not close:
            return None
        return "/".join(([folder] if folder else []) + [close[0], *rest])


def _targets(
    root: Path, docs: list[Document], loaded: set[str], assets: list[str], max_size: int
) -> Mapping[str, Target]:
    listing = _Listing(root)
    root_real = os.path.realpath(root)
    known = loaded | set(assets)
    wanted: dict[str, bool] = {}
    for doc in docs:
        for link in doc.links:
            if link.kind == "relative" and link.path is not None:
                wanted[link.path] = wanted.get(link.path, False) or link.anchor is not None
    targets: dict[str, Target] = {}
    for path, needs_anchors in sorted(wanted.items()):
        if path in known:
            exists, suggestion = True, None
        else:
            exists, suggestion = listing.lookup(path)
        outside = (
            exists and path not in known and not within(root_real, os.path.realpath(root / path))
        )
        is_dir = exists and not outside and path not in known and (root / path).is_dir()
        headings: tuple[Heading, ...] | None = None
        if (
            exists
            and not outside
            and needs_anchors
            and path not in loaded
            and path.endswith(".md")
            and not is_dir
        ):
            headings = _headings_of(root / path, max_size)
        targets[path] = Target(exists, is_dir, suggestion, headings, outside)
    return targets


def _headings_of(full: Path, max_size: int) -> tuple[Heading, ...] | None:
    read = read_text(str(full), max_size)
    if read.text is None:
        return None
    parts = split(read.text)
    return markdown_scan.headings_in(parts.body, parts.body_line)
