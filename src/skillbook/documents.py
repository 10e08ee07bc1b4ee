"""Read one Markdown file into a Document: frontmatter, body, links classified and resolved.

Nothing here raises for bad content: a file is either loaded (with fallbacks, as an agent
client would load it) or named in a diagnostic, usually both. Parsed documents can be kept in
a `DocumentCache` between loads (the plugin keeps one across `serve` rebuilds).
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple
from urllib.parse import unquote

from skillbook import content_safety, headings, markdown_scan
from skillbook.diagnostics import Diagnostic, Severity, diagnostic
from skillbook.frontmatter import parse_yaml, split
from skillbook.html_policy import unsafe_url
from skillbook.model import Document, Link, LinkKind
from skillbook.reading import DEFAULT_MAX_FILE_SIZE, Problem, read_text

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")

# Reads these (path, severity of a missing frontmatter) pairs, in order: how `load` reads the
# files it does not find in its cache. `read_documents` reads them one by one; the CLI passes
# one that shares them out over several processes (`parallel.reader`).
ReadFiles = Callable[[Sequence[tuple[str, Severity | None]]], list[Document]]


class _Cached(NamedTuple):
    stamp: tuple[int, int]
    doc: Document


def clear_caches() -> None:
    """Empty the module-level caches of link classification, link resolution and headings."""
    _target.cache_clear()
    markdown_scan.resolve_relative.cache_clear()
    headings.headings_in.cache_clear()
    headings.anchored_cache_clear()


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
        doc = parse_document(
            path, read.text, missing_frontmatter=missing_frontmatter, size=read.size
        )
        if read.problems:
            doc = doc._replace(diagnostics=_diagnostics(path, read.problems) + doc.diagnostics)
    if cache is not None:
        cache.put(path, stamp, doc)
    return doc


def read_documents(
    root: Path,
    wanted: Sequence[tuple[str, Severity | None]],
    *,
    cache: DocumentCache | None = None,
    max_size: int = DEFAULT_MAX_FILE_SIZE,
    read: ReadFiles | None = None,
) -> list[Document]:
    """`read_document` for each (path, missing-frontmatter severity), in order.

    `read` reads the files (default: one by one, here); with a cache, only the files it does
    not hold are given to `read`, and what is read goes into it.
    """
    if read is None:

        def read(share: Sequence[tuple[str, Severity | None]]) -> list[Document]:
            return [
                read_document(root, path, missing_frontmatter=missing, max_size=max_size)
                for path, missing in share
            ]

    if cache is None:
        return read(wanted)
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
    fresh = read([wanted[index] for index, _ in missed])
    for (index, stamp), doc in zip(missed, fresh, strict=True):
        docs[index] = doc
        cache.put(doc.path, stamp, doc)
    return docs


def _diagnostics(path: str, problems: Iterable[Problem]) -> tuple[Diagnostic, ...]:
    return tuple(diagnostic(path, p.line, p.code, p.message) for p in problems)


def _unreadable(path: str, problems: Iterable[Problem]) -> Document:
    return Document(path, None, False, {}, "", 1, (), (), _diagnostics(path, problems), False)


def parse_document(
    path: str, text: str, *, missing_frontmatter: Severity | None, size: int | None = None
) -> Document:
    """Parse the text of a Markdown file at repo-relative `path` (`size` bytes as read)."""
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
    folder = path.rpartition("/")[0]
    links = tuple(_resolve(path, folder, raw) for raw in found.links)
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
        head=text[: len(text) - len(parts.body)],  # the body is the end of the text
        anchors=headings.find_anchors(found.headings),
        content=content_safety.findings(text)
        + content_safety.markup_findings(parts.body, parts.body_line, found.fences),
        size=size,
    )


def _resolve(doc_path: str, folder: str, raw: markdown_scan.RawLink) -> Link:
    """Classify a link and resolve a relative one against the document's `folder`."""
    kind, path, anchor = _classify(folder, raw[0])
    return Link(raw[0], raw[1], kind, doc_path if kind == "anchor" else path, anchor, raw[2])


def _classify(folder: str, target: str) -> tuple[LinkKind, str | None, str | None]:
    """(kind, repo path, anchor) of a link written in a file in repo folder `folder`.

    An anchor-only link's path is its own file, filled in by the caller.
    """
    kind, path_part, anchor = _target(target)
    if kind != "relative":
        return kind, None, anchor
    kind, resolved = resolve_path(folder, path_part)
    return kind, resolved, anchor


@functools.lru_cache(maxsize=1 << 16)
def _target(target: str) -> tuple[LinkKind, str, str | None]:
    """What a link's text says wherever it is written: (kind, its path part decoded, its
    anchor), the kind "relative" for a path to resolve against the folder (`resolve_path`).

    Cached: the same link text recurs in many files (every pattern linking a skill).
    """
    if unsafe_url(target):
        return "unsafe", "", None
    if ":" in target and (_WINDOWS_PATH.match(target) or target[:5].lower() == "file:"):
        return "absolute", "", None
    if (":" in target and _SCHEME.match(target)) or target.startswith("//"):
        return "external", "", None
    path_part, _, anchor = target.partition("#")
    if "?" in path_part:
        path_part = path_part.split("?", 1)[0]
    if "%" in path_part:
        path_part = unquote(path_part)
    if not path_part:
        return "anchor", "", anchor or None
    if _absolute(path_part):
        return "absolute", "", anchor or None
    return "relative", path_part, anchor or None


def _absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or (":" in path[1:3] and bool(_WINDOWS_PATH.match(path)))


def resolve_path(
    folder: str, path: str
) -> tuple[Literal["relative", "absolute", "outside"], str | None]:
    """Where a file path written in repo folder `folder` leads: ("relative", its repo path,
    normalised), or ("absolute", None) for `/x`, `\\x` and `C:\\x`, or ("outside", None)
    when `..` leads out of the repository. With `folder` "", the path is resolved against a
    folder taken as the root (a skill's folder: "outside" is then out of the skill).

    `folder` is a normalised repo path (no `.`, `..` or empty part), as a document's is.
    """
    if _absolute(path):
        return "absolute", None
    rest, base, up = path, folder, 0
    while rest.startswith("../"):  # each leading `..` takes a part off the folder
        rest = rest[3:]
        up += 1
    if up:
        parts = folder.split("/") if folder else []
        if up > len(parts):  # (normpath keeps a `..` that leads out)
            return "outside", None
        base = "/".join(parts[: len(parts) - up])
    if rest and rest[0] not in "./" and rest[-1] != "/" and "//" not in rest and "/." not in rest:
        return "relative", f"{base}/{rest}" if base else rest  # normal already
    resolved = posixpath.normpath(f"{folder}/{path}" if folder else path)
    if resolved == ".." or resolved.startswith("../"):
        return "outside", None
    return "relative", resolved
