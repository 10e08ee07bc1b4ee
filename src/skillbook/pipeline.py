"""load → check → status: the one pipeline the CLI and the plugin both run."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from skillbook import elixir
from skillbook.analysis import Analysis
from skillbook.check_config import CheckSettings
from skillbook.checks import file_checks
from skillbook.diagnostics import Diagnostic, Report, build_summary
from skillbook.documents import DocumentCache, ReadFiles
from skillbook.engines import check_engine
from skillbook.evals import check_evals, evals_files
from skillbook.export import build_bundles, install_problems
from skillbook.loader import load
from skillbook.model import KnowledgeBase, Layout
from skillbook.relations import relations
from skillbook.selection import overlaps, shown_overlaps
from skillbook.status import check_roadmap, compute_status
from skillbook.upload_size import check_upload_size

if TYPE_CHECKING:  # imported where a run has a baseline or a previous index
    from skillbook.baseline import Baseline
    from skillbook.changes import Changes

__all__ = ["Analysis", "analyse", "build_log", "no_cyclic_collection"]


@contextlib.contextmanager
def no_cyclic_collection() -> Iterator[None]:
    """The cyclic garbage collector paused for the block.

    An analysis allocates many small objects and no cycles; the collector would walk them
    again and again (a third of the run on 10,000 files), and once more, all of them, soon
    after it is turned back on while they are still alive. A command that reports on an
    analysis keeps it paused until it has written its report.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def analyse(
    root: Path,
    layout: Layout | None = None,
    *,
    cache: DocumentCache | None = None,
    check_elixir: bool = True,
    compile_elixir: bool = False,
    compile_timeout: int = elixir.DEFAULT_TIMEOUT,
    read: ReadFiles | None = None,
    memo: elixir.ElixirMemo | None = None,
    checks: CheckSettings | None = None,
    baseline: Baseline | None = None,
    previous: Previous | None = None,
    profile: str = "agentskills",
) -> Analysis:
    """Load the knowledge base at `root`, run every check and compute status.

    `compile_elixir` also compiles and runs the self-contained elixir blocks (KB503, which
    runs the knowledge base's code: opt-in), with `compile_timeout` seconds for each block.

    `previous` compares the skills with a previously published discovery index (KB601).
    Each installable skill's bundle is measured against the upload limit (KB603).
    `memo` keeps the results of unchanged elixir blocks across the rebuilds of `mkdocs serve`.
    `read` reads the files the cache does not hold (default: one by one, in this process);
    the CLI passes `parallel.reader(...)` to read a large knowledge base on several cores.
    `checks` selects, ignores and re-grades codes (the `checks` option): what it leaves out
    neither fails the run nor counts against a task's status, a page or an install.
    `profile` names the client whose extra skill fields are accepted (`schema.PROFILES`).
    `baseline` leaves out, in the same way, the findings it records (see `baseline`).
    """
    with no_cyclic_collection():
        kb = load(root, layout, cache=cache, read=read)
        if check_elixir or compile_elixir:  # a block is parsed before it is compiled
            result = elixir.check_elixir(kb.documents(), memo=memo)
        else:
            result = elixir.ElixirResult((), 0, "turned off")
        examples = None
        if compile_elixir:  # (its module is imported only to run the blocks)
            from skillbook import elixir_run

            examples = elixir_run.run_examples(kb.documents(), timeout=compile_timeout, memo=memo)
        rel = relations(kb)
        settings = checks or CheckSettings()
        similar = overlaps(kb)
        evals = evals_files(kb)  # read by their own check, so counted apart
        found = [
            *file_checks(kb, rel, profile, similar),
            *result.diagnostics,
            *check_engine(root),
            *check_evals(kb, evals),
        ]
        if examples is not None:
            found.extend(examples.diagnostics)
        text = None
        if baseline is not None:
            from skillbook.baseline import line_texts

            text = line_texts(kb)

        def known(found: list[Diagnostic]) -> list[Diagnostic]:  # less the baseline's
            return found if baseline is None or text is None else baseline.filter(found, text)

        diagnostics = known(list(settings.apply(found)))
        # status is computed from the file checks: the roadmap checks (KB4xx) report only on
        # the roadmap and session logs, which are never files a task produces
        status = compute_status(kb, diagnostics)
        diagnostics.extend(known(list(settings.apply(check_roadmap(kb, status)))))
        files = kb.files_read + len(evals)
        report = Report.of(diagnostics, files)
        blocked = install_problems(kb, report.diagnostics)
        oversized = known(list(settings.apply(check_upload_size(kb, blocked))))
        if oversized:  # a warning: the skill still installs
            report = Report.of([*report.diagnostics, *oversized], files)
        changes = None
        if previous is not None:
            changes, compared = _compare(kb, blocked, previous)
            found_now = known(list(settings.apply(compared)))
            report = Report.of([*report.diagnostics, *found_now], files)
        shown = shown_overlaps(similar, report.diagnostics)
        return Analysis(
            kb, report, rel, status, result, blocked, examples, baseline, changes, shown
        )


class Previous(NamedTuple):
    """A previously published discovery index, and how the skills are published now."""

    entries: Mapping[str, Mapping[str, object]]  # skill name -> index entry (`read_index`)
    site_url: str | None = None
    docs_dir: str = "docs"


def _compare(
    kb: KnowledgeBase, blocked: Mapping[str, object], previous: Previous
) -> tuple[Changes, list[Diagnostic]]:
    from skillbook.changes import compare

    installable = [s for s in kb.skills if s.path not in blocked]
    bundles = build_bundles(
        kb, site_url=previous.site_url, docs_dir=previous.docs_dir, exclude=blocked
    )
    return compare(previous.entries, zip(installable, bundles, strict=True))


def build_log(analysis: Analysis) -> list[tuple[int, str]]:
    """(logging level, message) of what a build logs of its analysis: each diagnostic at
    DEBUG (`mkdocs build -v`), then one summary line, an ERROR or a WARNING when there is any
    problem (so that `--strict` fails on it), else INFO."""
    import logging  # for its levels; the CLI never logs

    report = analysis.report
    found = [(logging.DEBUG, str(d)) for d in report.diagnostics]
    level = logging.ERROR if report.errors else logging.WARNING if report.warnings else logging.INFO
    found.append((level, build_summary(report)))
    if analysis.elixir.skipped and analysis.elixir.blocks:
        found.append(
            (
                logging.INFO,
                f"KB502 skipped for {analysis.elixir.blocks} elixir code blocks: "
                f"{analysis.elixir.skipped}",
            )
        )
    if analysis.examples is not None:
        found.extend((logging.INFO, note) for note in analysis.examples.notes())
    if analysis.changes is not None:
        found.extend((logging.INFO, line) for line in analysis.changes.lines())
    return found
