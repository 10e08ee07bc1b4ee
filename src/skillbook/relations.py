"""Who links to whom: indexes derived once from the links, read by checks and render alike."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import NamedTuple

from skillbook.model import KnowledgeBase


class Relations(NamedTuple):
    """Who links to whom, computed once from the links."""

    patterns_of: Mapping[str, tuple[str, ...]]  # skill path -> pattern paths, in link order
    skills_of: Mapping[str, tuple[str, ...]]  # skill path -> linked skill paths
    used_by: Mapping[str, tuple[str, ...]]  # pattern path -> skill paths
    linked_from: Mapping[str, tuple[str, ...]]  # any entry path -> entry paths linking to it


def skill_of(kb: KnowledgeBase) -> dict[str, str]:
    """Document path -> the path of the skill it belongs to: a skill's SKILL.md and every
    Markdown file in its folder (references/…), which its bundle carries."""
    owner = {s.path: s.path for s in kb.skills}
    folders = {posixpath.dirname(s.path): s.path for s in kb.skills}
    for doc in kb.skill_docs:
        folder = posixpath.dirname(doc.path)
        while folder not in folders and folder:
            folder = posixpath.dirname(folder)
        if folder in folders:
            owner[doc.path] = folders[folder]
    return owner


def relations(kb: KnowledgeBase) -> Relations:
    """Compute skill→pattern, skill→skill and backlink relations from the links.

    A link in a Markdown file inside a skill's folder (`references/notes.md`) is the skill's
    link: the skill's bundle carries that file, and the patterns it links with it.
    """
    pattern_paths = {p.path for p in kb.patterns}
    skill_paths = {s.path for s in kb.skills}
    owner = skill_of(kb)
    patterns_of: dict[str, list[str]] = {}
    skills_of: dict[str, list[str]] = {}
    used_by: dict[str, list[str]] = {p: [] for p in pattern_paths}
    linked_from: dict[str, list[str]] = {p: [] for p in pattern_paths | skill_paths}
    docs = [s.doc for s in kb.skills] + list(kb.skill_docs) + [p.doc for p in kb.patterns]
    for doc in docs:
        source = owner.get(doc.path, doc.path)
        for link in doc.links:
            target = link.path
            if link.kind != "relative" or target is None or target in (doc.path, source):
                continue
            if target in linked_from and source not in linked_from[target]:
                linked_from[target].append(source)
            if source in skill_paths:
                if target in pattern_paths:
                    _add(patterns_of, source, target)
                    if source not in used_by[target]:
                        used_by[target].append(source)
                elif target in skill_paths:
                    _add(skills_of, source, target)
    return Relations(
        {k: tuple(v) for k, v in patterns_of.items()},
        {k: tuple(v) for k, v in skills_of.items()},
        {k: tuple(v) for k, v in used_by.items()},
        {k: tuple(v) for k, v in linked_from.items()},
    )


def _add(table: dict[str, list[str]], key: str, value: str) -> None:
    items = table.setdefault(key, [])
    if value not in items:
        items.append(value)
