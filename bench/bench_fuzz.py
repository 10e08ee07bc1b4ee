"""The properties of tests/test_properties.py with many more examples, timed.

    python -m bench.bench_fuzz [--examples 2000] [--only frontmatter markdown kb bytes]
                               [--seed N] [--shrink]

Each property runs under Hypothesis on `--examples` generated examples (explicit `@example`
regressions and the example database are left to pytest). By default every example runs:
a failure is tallied by where it happened (exception type and innermost skillbook or test
line) with the smallest input seen for it, so a known bug does not end the search for new
ones. With --shrink, Hypothesis works as under pytest instead: it stops soon after the first
failure and shrinks one example per distinct bug (on a whole knowledge base that can take
minutes).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning
from tests import test_properties as props
from tests.strategies import first_lines, frontmatter_inputs, knowledge_bases, markdown_inputs

PROPERTIES: dict[str, tuple[Callable[..., None], dict[str, st.SearchStrategy[Any]]]] = {
    "frontmatter": (props.test_frontmatter_never_raises, {"text": frontmatter_inputs}),
    "markdown": (
        props.test_markdown_scan_never_raises,
        {"body": markdown_inputs, "first_line": first_lines},
    ),
    "kb": (props.test_knowledge_base_never_raises, {"files": knowledge_bases()}),
    "bytes": (props.test_broken_files_never_raise, {"files": knowledge_bases(broken_bytes=True)}),
}
SHOWN = 1500  # characters of a failing input and its traceback to print


@dataclass
class Failure:
    """One distinct failure: how often it happened and the smallest input that caused it."""

    count: int
    example: str
    trace: str


def _where(exc: BaseException) -> str:
    """Exception type and its innermost line in skillbook or the tests (else anywhere)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/skillbook/" in f.filename or "/tests/" in f.filename]
    frame = (ours or frames)[-1]
    return f"{type(exc).__name__} at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"


def run(name: str, examples: int, seed_value: int | None, shrink: bool) -> bool:
    """Run one property; print what ran, how long it took, and its failures. True if it held."""
    test, strategies = PROPERTIES[name]
    inner = test.hypothesis.inner_test  # type: ignore[attr-defined]
    calls = 0
    failures: dict[str, Failure] = {}

    def body(**kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if shrink:
            inner(**kwargs)
            return
        try:
            inner(**kwargs)
        except Exception as exc:  # tally and go on: the point is to find every distinct bug
            where, example = _where(exc), repr(kwargs)
            seen = failures.get(where)
            if seen is None or len(example) < len(seen.example):
                trace = "".join(traceback.format_exception(exc, limit=-4))
                failures[where] = Failure(seen.count if seen else 0, example, trace)
            failures[where].count += 1

    fuzz = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink] if shrink else [Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(given(**strategies)(body))
    if seed_value is not None:
        fuzz = seed(seed_value)(fuzz)
    start = time.perf_counter()
    try:
        fuzz()
    except Exception as exc:  # only with --shrink: Hypothesis' report of what it found
        bugs = list(exc.exceptions) if isinstance(exc, ExceptionGroup) else [exc]
        for bug in bugs:
            notes = "\n".join(getattr(bug, "__notes__", []))
            failures[_where(bug)] = Failure(1, notes, "".join(traceback.format_exception(bug)))
    elapsed = time.perf_counter() - start
    failing = sum(f.count for f in failures.values())
    print(
        f"{name:12} {calls:6} examples {elapsed:8.2f} s {calls / elapsed:6.0f}/s  "
        + (f"{failing} failed, {len(failures)} distinct" if failures else "ok")
    )
    for where, failure in sorted(failures.items()):
        print(f"  {where} ({failure.count}x); smallest input:")
        print("    " + failure.example[:SHOWN])
        print("    " + failure.trace[-SHOWN:].rstrip().replace("\n", "\n    "))
    return not failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--only", nargs="+", choices=sorted(PROPERTIES), default=list(PROPERTIES))
    parser.add_argument("--seed", type=int, default=None, help="fix Hypothesis' random seed")
    parser.add_argument("--shrink", action="store_true", help="stop at failures and shrink them")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", "Generating overly large repr", HypothesisWarning)
    mode = "shrinking failures" if args.shrink else "every example runs"
    print(f"up to {args.examples} examples per property ({mode})")
    start = time.perf_counter()
    held = [run(name, args.examples, args.seed, args.shrink) for name in args.only]
    print(f"total {time.perf_counter() - start:.2f} s; {held.count(False)} properties failed")
    sys.exit(0 if all(held) else 1)


if __name__ == "__main__":
    main()
