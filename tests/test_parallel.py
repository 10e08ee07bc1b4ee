"""`skillbook check` reading a knowledge base in several processes gives exactly what one
process gives."""

from __future__ import annotations

import contextlib
import math
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from skillbook import documents, parallel
from skillbook.analysis import Analysis
from skillbook.cli import main
from skillbook.documents import DocumentCache, ReadFiles
from skillbook.loader import load
from skillbook.pipeline import analyse
from skillbook.reading import DEFAULT_MAX_FILE_SIZE

ROOT = Path(__file__).resolve().parent.parent


def _messy(count: int) -> dict[str, str | bytes]:
    """Skills and patterns with problems of many kinds, so diagnostics travel too."""
    files: dict[str, str | bytes] = {}
    for i in range(count):
        files[f"skills/skill-{i}/SKILL.md"] = (
            f"---\nname: skill-{i}\ndescription: Skill {i}.\nmetadata:\n  tags: a, b\n---\n"
            f"# Skill {i}\n\nSee [p](../../patterns/p{i}.md#why) and [gone](../../patterns/x.md).\n"
            "```elixir\nIO.puts(1)\n```\n"
        )
        files[f"patterns/p{i}.md"] = (
            f"---\ntitle: P{i}\nsummary: Pattern {i}.\ntags: [x]\n---\n# P{i}\n\n## Why\n\n"
            f"Used by [s](../skills/skill-{i}/SKILL.md) and `[not](a link)`.\n"
        )
    files["skills/bad/SKILL.md"] = "---\nname: Bad Name\nextra: 1\n---\nbody\n"
    files["patterns/broken.md"] = b"---\ntitle: [unclosed\n---\n\xff\xfe bytes\n"
    files["patterns/plain.md"] = "# No frontmatter\n\nText.\n"
    return files


def _reader(root: Path, jobs: int) -> ReadFiles:
    """What `skillbook check --jobs <jobs>` reads with."""
    return parallel.reader(root, DEFAULT_MAX_FILE_SIZE, jobs)


def _analyse(root: Path, jobs: int, cache: DocumentCache | None = None) -> Analysis:
    return analyse(root, check_elixir=False, cache=cache, read=_reader(root, jobs))


def _same(one: Analysis, other: Analysis) -> None:
    assert one.report == other.report
    assert one.kb.skills == other.kb.skills
    assert one.kb.patterns == other.kb.patterns
    assert one.kb.intros == other.kb.intros
    assert one.kb.files_read == other.kb.files_read


@pytest.fixture
def few_items(monkeypatch: pytest.MonkeyPatch, fork_despite_earlier_threads: None) -> None:
    """Small test sets take the parallel way."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    monkeypatch.setattr(parallel, "MIN_SHARE", 1)


@contextlib.contextmanager
def _another_thread() -> Iterator[None]:
    """A second thread runs while the block does (as the server's does under `mkdocs serve`)."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        yield
    finally:
        stop.set()
        other.join(timeout=5)


def _before_each_read(monkeypatch: pytest.MonkeyPatch, hook: Callable[[str], None]) -> None:
    """Call `hook(path)` before every file the loader reads, in whichever process reads it."""
    real = documents.read_document

    def read(root: Path, path: str, **kwargs: object) -> object:
        hook(path)
        return real(root, path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(documents, "read_document", read)


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the files this process reads (a forked child's reads are not seen here)."""
    seen: list[str] = []
    _before_each_read(monkeypatch, seen.append)
    return seen


@pytest.mark.usefixtures("few_items")
@pytest.mark.parametrize("jobs", [2, 3])
def test_parallel_result_equals_sequential(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], jobs: int
) -> None:
    root = make_kb(_messy(12))
    sequential = analyse(root, check_elixir=False)
    assert {d.code for d in sequential.report.diagnostics} >= {"KB101", "KB102", "KB103", "KB301"}
    _same(_analyse(root, jobs), sequential)


@pytest.mark.usefixtures("few_items")
def test_the_repository_reads_the_same_in_parallel() -> None:
    _same(
        _analyse(ROOT, 2),
        analyse(ROOT, check_elixir=False),
    )


@pytest.mark.usefixtures("few_items")
def test_work_is_shared_out(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(10))
    seen = _counting(monkeypatch)
    kb = load(root, read=_reader(root, 2))
    assert 0 < len(seen) < kb.files_read  # the parent read its share, a child the rest
    assert len(kb.skills) == 11 and len(kb.patterns) == 12


@pytest.mark.usefixtures("few_items")
def test_a_failing_worker_is_redone_in_the_parent(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(10))
    sequential = analyse(root, check_elixir=False)
    parent = os.getpid()
    read_here: list[str] = []

    def fail_in_children(path: str) -> None:
        if os.getpid() != parent:
            raise RuntimeError(f"a worker fails on {path}")
        read_here.append(path)

    _before_each_read(monkeypatch, fail_in_children)
    redone = _analyse(root, 2)
    _same(redone, sequential)
    assert len(read_here) == redone.kb.files_read  # the failed share was read here after all


@pytest.mark.usefixtures("few_items")
def test_a_refused_fork_leaves_the_share_to_the_parent(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(6))
    sequential = analyse(root, check_elixir=False)

    def no_more_processes() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_more_processes)
    _same(_analyse(root, 3), sequential)


def test_a_check_forks_without_importing_threading(tmp_path: Path) -> None:
    """Where nothing imported `threading`, no thread was started through it: the guard says
    so without importing it (a check does not pay for it), and says no once one runs."""
    probe = (
        "import sys; from skillbook import parallel; first = parallel.can_fork(); "
        "imported = 'threading' in sys.modules; import threading; "
        "stop = threading.Event(); threading.Thread(target=stop.wait, daemon=True).start(); "
        "print(first, imported, parallel.can_fork()); stop.set()"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False", "False"]


def test_no_fork_while_another_thread_runs(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real guard, not the fixture's: with a thread beside it, the read stays here."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    monkeypatch.setattr(parallel, "MIN_SHARE", 1)
    root = make_kb(_messy(5))
    seen = _counting(monkeypatch)
    with _another_thread():
        kb = load(root, read=_reader(root, 2))
    assert len(seen) == kb.files_read  # everything read here: a fork could copy held locks


@pytest.mark.usefixtures("few_items")
def test_no_more_processes_than_shares_of_min_share(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(10))  # 23 files
    monkeypatch.setattr(parallel, "MIN_SHARE", 10)
    forks: list[int] = []
    real_fork = parallel._fork

    def counted(*args: object) -> tuple[int, int]:
        forks.append(1)
        return real_fork(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_fork", counted)
    kb = load(root, read=_reader(root, 64))
    assert len(forks) == 1  # 23 // 10: two processes, the parent and one child
    assert len(kb.patterns) == 12


def test_small_sets_stay_in_one_process(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(5))
    seen = _counting(monkeypatch)
    kb = load(root, read=_reader(root, 4))
    assert kb.files_read < parallel.MIN_ITEMS and len(seen) == kb.files_read


@pytest.mark.parametrize(
    ("count", "jobs"), [(10, 2), (23, 3), (1000, 2), (10000, 2), (7, 8), (100_000, 4)]
)
def test_batches_cover_every_position_once_in_order(count: int, jobs: int) -> None:
    found = parallel.batches(count, jobs)
    assert [p for batch in found for p in batch] == list(range(count))
    assert len(found) >= min(count, jobs)  # a first batch for every process
    sizes = [len(batch) for batch in found]
    assert sizes == sorted(sizes, reverse=True)  # large first, smaller to the end
    # while the queue lasts, a batch is at most what is left over jobs × GUIDED, so no
    # process is far into a long batch when it runs out; and each is worth its pickle
    for batch in found:
        left = count - batch.start
        assert len(batch) <= max(parallel.MIN_BATCH, left // (jobs * parallel.GUIDED))
        assert len(batch) >= min(left, parallel.MIN_BATCH, count // (jobs * parallel.GUIDED) or 1)
    assert len(found) <= jobs * parallel.GUIDED * (1 + math.log(max(count, 1))) + 1


@pytest.mark.usefixtures("few_items")
def test_a_slow_process_takes_fewer_batches(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batches are taken from a queue: while the parent is slowed down, the child
    reads most of the files, and the result is still the one-process result."""
    import time

    root = make_kb(_messy(20))
    sequential = analyse(root, check_elixir=False)
    parent = os.getpid()
    read_here: list[str] = []

    def slow_parent(path: str) -> None:
        if os.getpid() == parent:
            read_here.append(path)
            time.sleep(0.02)

    _before_each_read(monkeypatch, slow_parent)
    shared = _analyse(root, 2)
    _same(shared, sequential)
    assert 0 < len(read_here) < shared.kb.files_read / 2


@pytest.mark.parametrize("value", ["0", "-1", "two", ""])
def test_cli_rejects_bad_jobs(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--jobs", value, str(ROOT)])
    assert exit_info.value.code == 2
    assert "--jobs" in capsys.readouterr().err


def test_cli_check_with_jobs(
    make_kb: Callable[[Mapping[str, str | bytes]], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    monkeypatch.setattr(parallel, "MIN_SHARE", 1)
    root = make_kb(_messy(4))
    outputs = []
    for jobs in ("1", "2"):
        code = main(["check", "--no-elixir", "--jobs", jobs, str(root)])
        outputs.append((code, capsys.readouterr().out))
    assert outputs[0] == outputs[1] and outputs[0][0] == 1


@pytest.mark.usefixtures("few_items")
def test_a_cache_is_filled_by_a_parallel_read(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(8))
    sequential = analyse(root, check_elixir=False)
    cache = DocumentCache()
    seen = _counting(monkeypatch)
    _same(_analyse(root, 2, cache), sequential)
    assert 0 < len(seen) < sequential.kb.files_read  # shared out, though there is a cache
    seen.clear()
    (root / "patterns/p3.md").write_text("---\ntitle: P3\nsummary: Changed.\n---\n# P3\n")
    again = _analyse(root, 2, cache)
    assert seen == ["patterns/p3.md"]  # the rest came from the cache
    assert next(p for p in again.kb.patterns if p.path == "patterns/p3.md").summary == "Changed."


def test_a_document_sent_back_is_the_document_read(make_kb: Callable[..., Path]) -> None:
    """What a reading process sends is made back into the same document, field for field
    and of the same types (a named tuple equals a plain tuple: the types are checked too)."""
    from skillbook.model import CodeBlock, Document, Link

    assert Document._fields[parallel._LINKS : parallel._LINKS + 2] == ("links", "code_blocks")
    root = make_kb(_messy(2))
    for path in ("skills/skill-0/SKILL.md", "patterns/p1.md", "patterns/broken.md"):
        doc = documents.read_document(root, path, missing_frontmatter=None)
        back = parallel._document(parallel._plain(doc))
        assert back == doc and type(back) is Document
        assert [type(link) for link in back.links] == [Link] * len(doc.links)
        assert [type(block) for block in back.code_blocks] == [CodeBlock] * len(doc.code_blocks)
        assert back._asdict() == doc._asdict()
    first = documents.read_document(root, "skills/skill-0/SKILL.md", missing_frontmatter=None)
    assert first.links and first.code_blocks  # (what the type checks above look at)
