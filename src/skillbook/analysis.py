"""What one run of the pipeline knows: the loaded knowledge base and everything derived from it.

Data only, so the renderers can take it without importing the loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from skillbook.diagnostics import Diagnostic, Report
from skillbook.elixir import ElixirResult
from skillbook.model import KnowledgeBase
from skillbook.relations import Relations
from skillbook.status import Status

if TYPE_CHECKING:  # imported by the pipeline only when a run needs them
    from skillbook.baseline import Baseline
    from skillbook.changes import Changes
    from skillbook.elixir_run import RunResult


class Analysis(NamedTuple):
    """A loaded knowledge base with everything derived from it."""

    kb: KnowledgeBase
    report: Report
    relations: Relations
    status: Status
    elixir: ElixirResult
    # skill path -> the errors that keep it from installing (`export.install_problems`)
    not_installable: Mapping[str, tuple[Diagnostic, ...]] = MappingProxyType({})
    # KB503, when asked for (`compile_elixir`); None when it was not
    examples: RunResult | None = None
    # the baseline whose findings were left out, and how many it matched, when one was given
    baseline: Baseline | None = None
    # what changed since a previous discovery index, when one was given (`changes`)
    changes: Changes | None = None
    # skill path -> the names of the skills whose descriptions it overlaps (KB901, as reported)
    overlaps: Mapping[str, tuple[str, ...]] = MappingProxyType({})
