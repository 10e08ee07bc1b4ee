"""`skillbook check` on a large synthetic knowledge base, against two baselines, in one run.

(a) a bare loop that only reads every file and parses its frontmatter with the C YAML loader:
    the floor for any tool that must read the files;
(b) the reference validator `skills_ref.validate` over the same skills, in one process.

    python -m bench.bench_check [--skills 2500 --patterns 7500] [--repeat 3] [--anchors]

Each is timed in this process, and `skillbook check --no-elixir` and the bare loop also as
whole processes (interpreter start and imports included), each with a warm bytecode cache.

KB502 (Elixir parsing) is measured separately: it runs one external process per run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.bare_loop import bare_loop
from bench.generate import generate
from skillbook import elixir
from skillbook.loader import load
from skillbook.parallel import cores, reader
from skillbook.pipeline import analyse
from skillbook.reading import DEFAULT_MAX_FILE_SIZE


def reference(root: Path) -> int:
    from skills_ref import validate

    bad = 0
    for folder in sorted((root / "skills").iterdir()):
        bad += bool(validate(folder))
    return bad


def process(argv: list[str], env: dict[str, str]) -> Callable[[], object]:
    """A run of `argv` as a process of its own, its output thrown away."""

    def run() -> object:
        return subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=False)

    return run


def best_of(repeat: int, fn: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def alternating(
    repeat: int, first: Callable[[], object], second: Callable[[], object]
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(best, median) of each of two runs timed in turns, so a change of load on the
    machine falls on both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return (min(times[0]), statistics.median(times[0])), (
        min(times[1]),
        statistics.median(times[1]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skills", type=int, default=2500)
    parser.add_argument("--patterns", type=int, default=7500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--anchors", action="store_true", help="every link names a heading (#solution)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = generate(root, args.skills, args.patterns, anchors=args.anchors)
        bare_loop(root)  # warm the page cache for everyone
        jobs = cores()
        read = reader(root, DEFAULT_MAX_FILE_SIZE, jobs)  # what `skillbook check` passes
        check_best, check_median = best_of(
            args.repeat, lambda: analyse(root, check_elixir=False, read=read)
        )
        one_best, one_median = best_of(args.repeat, lambda: analyse(root, check_elixir=False))
        bare_best, bare_median = best_of(args.repeat, lambda: bare_loop(root))
        ref_best, ref_median = best_of(args.repeat, lambda: reference(root))
        # whole processes, with a bytecode cache (the first run of each fills it)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(root / ".pycache")
        check_run = process([sys.executable, "-m", "skillbook", "check", "--no-elixir", tmp], env)
        bare_run = process([sys.executable, "-m", "bench.bare_loop", tmp], env)
        check_run(), bare_run()
        (check_proc, check_proc_median), (bare_proc, bare_proc_median) = alternating(
            args.repeat, check_run, bare_run
        )
        kb = load(root)
        start = time.perf_counter()
        result = elixir.check_elixir(kb.documents())
        elixir_time = time.perf_counter() - start
    per_skill_ours = check_best / files  # every file, skills and patterns alike
    per_skill_ref = ref_best / args.skills
    print(f"files: {files} ({args.skills} skills, {args.patterns} patterns), best of {args.repeat}")
    print(
        f"skillbook check (no KB502):   {check_best:7.3f} s  (median {check_median:.3f}), "
        f"{jobs} processes, as `skillbook check` runs here"
    )
    print(f"  the same in one process:    {one_best:7.3f} s  (median {one_median:.3f})")
    print(f"(a) read + C YAML loop:       {bare_best:7.3f} s  (median {bare_median:.3f})")
    print(
        f"(b) skills_ref.validate:      {ref_best:7.3f} s  for {args.skills} skills (median {ref_median:.3f})"
    )
    print(f"check / bare loop:            {check_best / bare_best:7.2f}x")
    print(f"  in one process:             {one_best / bare_best:7.2f}x")
    print(
        f"as whole processes: check {check_proc:.3f} s (median {check_proc_median:.3f}), "
        f"bare loop {bare_proc:.3f} s (median {bare_proc_median:.3f}): "
        f"{check_proc / bare_proc:.2f}x   (target <= 2x)"
    )
    print(
        f"per file: skillbook {per_skill_ours * 1e6:.0f} us, skills-ref {per_skill_ref * 1e6:.0f} us per skill"
    )
    print(
        f"skills-ref / skillbook per skill: {per_skill_ref / per_skill_ours:6.1f}x   (target >= 10x), "
        f"{per_skill_ref / (one_best / files):.1f}x against one process"
    )
    if result.skipped:
        print(f"KB502: skipped ({result.skipped})")
    else:
        print(f"KB502: {result.blocks} elixir blocks parsed in one process in {elixir_time:.3f} s")


if __name__ == "__main__":
    main()
