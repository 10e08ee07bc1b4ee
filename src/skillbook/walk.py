"""Walk the knowledge base's folders: which files to read and what each one is.

The walk reads no file: it lists folders, reports what must not be followed or read (symlinks
out of the repository or into a loop, names that collide on other systems, misplaced files),
and plans the reads, which the loader then does all at once.
"""

from __future__ import annotations

import os
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from skillbook.diagnostics import Diagnostic, Severity, diagnostic
from skillbook.model import Layout
from skillbook.reading import within

_SESSION_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>[a-z0-9][a-z0-9-]*)\.md$")


def _is_hidden(name: str) -> bool:
    return name.startswith((".", "_"))


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


def plan(
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

    def own(files: Iterable[str]) -> None:
        """A skill folder's other files: published as they are, its Markdown read and checked
        too (frontmatter optional)."""
        for path in files:
            assets.append(path)
            if path.endswith(".md"):
                read(path, None, "skill-doc")

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
        own(f for f in walker.files(".") if f != "SKILL.md")
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
                    own(f for f in folder_files if f != f"{rel}/SKILL.md")
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


def _skill_without_file(rel: str, folder_files: list[str]) -> Diagnostic:
    near = [f for f in folder_files if posixpath.basename(f).lower() == "skill.md"]
    hint = f" (found {posixpath.basename(near[0])}: rename it to SKILL.md)" if near else ""
    return diagnostic(
        f"{rel}/SKILL.md", None, "KB105", f"skill folder {rel}/ has no SKILL.md{hint}"
    )
