"""What the links of a knowledge base point at, looked up on disk once per load."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from pathlib import Path

from skillbook.frontmatter import split
from skillbook.headings import headings_in
from skillbook.model import Document, Heading, Target
from skillbook.reading import read_text, within


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
        import difflib  # for a missing target only

        close = same_case or difflib.get_close_matches(part, sorted(names), n=1, cutoff=0.75)
        if not close:
            return None
        return "/".join(([folder] if folder else []) + [close[0], *rest])


_LOADED = Target(True, False, None, None, False)  # a file the load read: its own headings


def find_targets(
    root: Path, docs: list[Document], loaded: set[str], assets: list[str], max_size: int
) -> Mapping[str, Target]:
    """What each relative link of `docs` points at: whether it exists (with this case), a near
    miss, and the headings of a Markdown file outside the entries when an anchor is linked."""
    listing = _Listing(root)
    root_real = os.path.realpath(root)
    known = loaded | set(assets)
    by_name: dict[str, list[str]] = {}  # file name -> known paths: made when a link misses
    wanted: dict[str, bool] = {}
    for doc in docs:
        for link in doc.links:
            if link.kind == "relative" and link.path is not None:
                wanted[link.path] = wanted.get(link.path, False) or link.anchor is not None
    targets: dict[str, Target] = {}
    for path, needs_anchors in sorted(wanted.items()):
        if path in loaded:  # a document of the load: all there is to know of it (shared)
            targets[path] = _LOADED
            continue
        if path in known:
            exists, suggestion = True, None
        else:
            exists, suggestion = listing.lookup(path)
            if not exists and suggestion is None:
                if not by_name:
                    for entry in sorted(known):
                        by_name.setdefault(posixpath.basename(entry), []).append(entry)
                suggestion = _same_name(path, by_name)
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


def _same_name(path: str, by_name: Mapping[str, list[str]]) -> str | None:
    """The one known file of the same name elsewhere, which a link to a missing `path` most
    likely means (`../x.md` written in a skill for `patterns/x.md`); None when no file or
    several share the name (every skill is a SKILL.md: no guess among them)."""
    found = by_name.get(posixpath.basename(path), [])
    return found[0] if len(found) == 1 else None


def _headings_of(full: Path, max_size: int) -> tuple[Heading, ...] | None:
    read = read_text(str(full), max_size)
    if read.text is None:
        return None
    parts = split(read.text)
    return headings_in(parts.body, parts.body_line)
