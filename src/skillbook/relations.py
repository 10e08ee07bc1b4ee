"""Who links to whom: indexes derived once from the links, read by checks and render alike."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from skillbook.model import KnowledgeBase


@dataclass(frozen=True, slots=True)
class Relations:
    """Who links to whom, computed once from the links."""

    patterns_of: Mapping[str, tuple[str, ...]]  # skill path -> pattern paths, in link order
    skills_of: Mapping[str, tuple[str, ...]]  # skill path -> linked skill paths
    used_by: Mapping[str, tuple[str, ...]]  # pattern path -> skill paths
    linked_from: Mapping[str, tuple[str, ...]]  # any entry path -> entry paths linking to it


def relations(kb: KnowledgeBase) -> Relations:
    """Compute skill→pattern, skill→skill and backlink relations from the links."""
    pattern_paths = {p.path for p in kb.patterns}
    skill_paths = {s.path for s in kb.skills}
    patterns_of: dict[str, list[str]] = {}
    skills_of: dict[str, list[str]] = {}
    used_by: dict[str, list[str]] = {p: [] for p in pattern_paths}
    linked_from: dict[str, list[str]] = {p: [] for p in pattern_paths | skill_paths}
    for doc in [s.doc for s in kb.skills] + [p.doc for p in kb.patterns]:
        for link in doc.links:
            target = link.path
            if link.kind != "relative" or target is None or target == doc.path:
                continue
            if target in linked_from and doc.path not in linked_from[target]:
                linked_from[target].append(doc.path)
            if doc.path in skill_paths:
                if target in pattern_paths:
                    _add(patterns_of, doc.path, target)
                    if doc.path not in used_by[target]:
                        used_by[target].append(doc.path)
                elif target in skill_paths:
                    _add(skills_of, doc.path, target)
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
