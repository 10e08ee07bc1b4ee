"""KB603: a skill too large for the upload Anthropic documents for a skill.

Anthropic's guide to Skills in the Claude API, on uploading a custom skill: "Total upload size
must be under 30 MB (uncompressed)"
(https://platform.claude.com/docs/en/build-with-claude/skills-guide). Claude.ai's upload
(Settings > Skills), which the download zip is made for, publishes no number of its own. A
skill's download holds its bundle, the patterns it links copied in, so the check adds up the
bundle's files uncompressed.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Collection, Iterator, Mapping

from skillbook.diagnostics import Diagnostic, diagnostic
from skillbook.export import bundle_sizes
from skillbook.model import Document, KnowledgeBase, Skill

# "30 MB", read as decimal megabytes: the smaller of the two readings
UPLOAD_LIMIT = 30_000_000


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _read_size(kb: KnowledgeBase, doc: Document) -> int:
    """The bytes of a document's file: as the reader read them, else from the disk."""
    return doc.size if doc.size is not None else _size(os.path.join(kb.root, doc.path))


def _own_sizes(kb: KnowledgeBase, skills: Collection[Skill]) -> dict[str, int]:
    """Skill path -> the bytes of the files in its folder (SKILL.md and its assets)."""
    folders = {posixpath.dirname(s.path): s.path for s in skills}
    own = {s.path: _read_size(kb, s.doc) for s in skills}
    for asset in kb.assets:
        folder = posixpath.dirname(asset)
        while folder and folder not in folders:
            folder = posixpath.dirname(folder)
        if folder in folders:
            own[folders[folder]] += _size(os.path.join(kb.root, asset))
    return own


def _tree_size(folder: str, read: Mapping[str, int]) -> float:
    """The bytes of every file under `folder`, the most a bundle can copy from it; infinite
    when a folder there is a symlink, which a bundle may follow and this does not. `read`:
    the sizes of files the reader read, by path, which are not looked up again."""
    total: float = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                total += _tree_size(entry.path, read)
            elif entry.is_symlink():
                total += float("inf") if os.path.isdir(entry.path) else _size(entry.path)
            elif entry.is_file(follow_symlinks=False):
                size = read.get(entry.path)
                total += entry.stat(follow_symlinks=False).st_size if size is None else size
        except OSError:
            continue
    return total


def check_upload_size(kb: KnowledgeBase, not_installable: Collection[str]) -> Iterator[Diagnostic]:
    """KB603: an installable skill whose bundle is 30 MB or more, uncompressed."""
    skills = [s for s in kb.skills if s.path not in not_installable]
    # a skill's own files plus everything under patterns/ bound its bundle: only a skill that
    # the bound does not clear has its bundle's files collected (following every link)
    root = os.fspath(kb.root)  # (joined to a string, a path is not converted each time)
    read = {os.path.join(root, p.path): p.doc.size for p in kb.patterns if p.doc.size is not None}
    own, patterns = (
        _own_sizes(kb, skills),
        _tree_size(os.path.join(kb.root, kb.layout.patterns_dir), read),
    )
    near = {s.path: s for s in skills if own[s.path] + patterns >= UPLOAD_LIMIT}
    if not near:
        return
    for path, sizes in bundle_sizes(kb, near.values()).items():
        total = sum(sizes.values())
        if total < UPLOAD_LIMIT:
            continue
        largest = max(sorted(sizes), key=sizes.__getitem__)
        skill = near[path]
        yield diagnostic(
            path,
            skill.doc.line_of("name"),
            "KB603",
            f"skill '{skill.name}' is {total:,} bytes uncompressed in {len(sizes)} files, the "
            f"patterns it links included (the largest is {largest}, {sizes[largest]:,} bytes); "
            f"a skill upload must be under 30 MB ({UPLOAD_LIMIT:,} bytes): keep large data out "
            f"of the skill folder, or split the skill, so that its download can be uploaded",
        )
