"""load → check → (status): the one pipeline the CLI and the plugin both run."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

from skillbook import elixir
from skillbook.checks import Relations, relations, run_checks
from skillbook.diagnostics import Report
from skillbook.loader import DocumentCache, ReadAhead, load
from skillbook.model import KnowledgeBase, Layout
from skillbook.status import Status


@dataclass(frozen=True, slots=True)
class Analysis:
    """A loaded knowledge base with everything derived from it."""

    kb: KnowledgeBase
    report: Report
    relations: Relations
    status: Status
    elixir: elixir.ElixirResult


def analyse(
    root: Path,
    layout: Layout | None = None,
    *,
    cache: DocumentCache | None = None,
    check_elixir: bool = True,
    jobs: int = 1,
    ahead: ReadAhead | None = None,
) -> Analysis:
    """Load the knowledge base at `root`, run every check and compute status.

    `jobs` above 1 lets a large knowledge base be read in that many processes; `ahead` is
    a read started earlier (see `ReadAhead`).
    """
    # The run allocates many small objects and no cycles; the cyclic collector would walk
    # them again and again (a third of the run on 10,000 files), so it waits until the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        kb = load(root, layout, cache=cache, jobs=jobs, ahead=ahead)
        if check_elixir:
            result = elixir.check_elixir(kb.documents())
        else:
            result = elixir.ElixirResult((), 0, "turned off")
        rel = relations(kb)
        report, status = run_checks(kb, extra=[result.diagnostics], rel=rel)
        return Analysis(kb, report, rel, status, result)
    finally:
        if collecting:
            gc.enable()
