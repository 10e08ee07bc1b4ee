"""Reading a knowledge base in several processes gives exactly what one process gives."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from skillbook import loader, parallel
from skillbook.cli import main
from skillbook.model import Layout
from skillbook.pipeline import Analysis, analyse

from .conftest import write_tree

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
    real = loader.read_document

    def read(root: Path, path: str, **kwargs: object) -> object:
        hook(path)
        return real(root, path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "read_document", read)


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
    sequential = analyse(root, check_elixir=False, jobs=1)
    assert {d.code for d in sequential.report.diagnostics} >= {"KB101", "KB102", "KB103", "KB301"}
    _same(analyse(root, check_elixir=False, jobs=jobs), sequential)


@pytest.mark.usefixtures("few_items")
def test_the_repository_reads_the_same_in_parallel() -> None:
    _same(
        analyse(ROOT, check_elixir=False, jobs=2),
        analyse(ROOT, check_elixir=False, jobs=1),
    )


@pytest.mark.usefixtures("few_items")
def test_work_is_shared_out(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(10))
    seen = _counting(monkeypatch)
    kb = loader.load(root, jobs=2)
    assert 0 < len(seen) < kb.files_read  # the parent read its share, a child the rest
    assert len(kb.skills) == 11 and len(kb.patterns) == 12


@pytest.mark.usefixtures("few_items")
def test_a_failing_worker_is_redone_in_the_parent(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(10))
    sequential = analyse(root, check_elixir=False, jobs=1)
    parent = os.getpid()
    read_here: list[str] = []

    def fail_in_children(path: str) -> None:
        if os.getpid() != parent:
            raise RuntimeError(f"a worker fails on {path}")
        read_here.append(path)

    _before_each_read(monkeypatch, fail_in_children)
    redone = analyse(root, check_elixir=False, jobs=2)
    _same(redone, sequential)
    assert len(read_here) == redone.kb.files_read  # the failed share was read here after all


@pytest.mark.usefixtures("few_items")
def test_a_refused_fork_leaves_the_share_to_the_parent(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(6))
    sequential = analyse(root, check_elixir=False, jobs=1)

    def no_more_processes() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_more_processes)
    _same(analyse(root, check_elixir=False, jobs=3), sequential)


@pytest.mark.usefixtures("few_items")
def test_no_fork_while_another_thread_runs(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(5))
    seen = _counting(monkeypatch)
    with _another_thread():
        kb = loader.load(root, jobs=2)
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
    kb = loader.load(root, jobs=64)
    assert len(forks) == 1  # 23 // 10: two processes, the parent and one child
    assert len(kb.patterns) == 12


def test_small_sets_stay_in_one_process(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(5))
    seen = _counting(monkeypatch)
    kb = loader.load(root, jobs=4)
    assert kb.files_read < parallel.MIN_ITEMS and len(seen) == kb.files_read


@pytest.mark.parametrize(
    ("items", "count", "weight", "sizes"),
    [
        (10, 3, 1.0, [3, 4, 3]),
        (2, 5, 1.0, [1, 1]),
        (0, 2, 1.0, []),
        (7, 1, 1.0, [7]),
        (100, 2, 1.15, [53, 47]),
        (10, 4, 3.0, [5, 2, 2, 1]),
        (3, 3, 9.0, [1, 1, 1]),
    ],
)
def test_shares_cover_everything_in_order(
    items: int, count: int, weight: float, sizes: list[int]
) -> None:
    found = parallel.shares(list(range(items)), count, weight)
    assert [len(s) for s in found if s] == sizes
    assert [x for share in found for x in share] == list(range(items))


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


# Deferred: one piece of work done in a child while the caller goes on

forking = pytest.mark.usefixtures("fork_despite_earlier_threads")


def _where_and_what(parent: int) -> tuple[bool, dict[str, bytes]]:
    return os.getpid() != parent, {"a.zip": b"\x00\x01" * 1000, "b.txt": "é".encode()}


@forking
def test_deferred_work_is_done_in_a_child() -> None:
    parent = os.getpid()
    later = parallel.Deferred(lambda: _where_and_what(parent))
    assert later.forked
    in_child, value = later.result()
    assert in_child and value == _where_and_what(parent)[1]
    assert later.result() is later.result()  # collected once


@forking
def test_deferred_work_without_fork_is_done_by_result() -> None:
    parent = os.getpid()
    later = parallel.Deferred(lambda: _where_and_what(parent), fork=False)
    assert not later.forked
    assert later.result() == (False, _where_and_what(parent)[1])


@forking
def test_a_failing_deferred_child_is_redone_here() -> None:
    parent = os.getpid()

    def work() -> str:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return "made here"

    later = parallel.Deferred(work)
    assert later.forked
    assert later.result() == "made here"


@forking
def test_a_deferred_error_here_is_raised() -> None:
    def work() -> str:
        raise ValueError("a broken template")

    later = parallel.Deferred(work)
    with pytest.raises(ValueError, match="a broken template"):
        later.result()


@forking
def test_a_deferred_child_is_stopped_by_cancel() -> None:
    stop = threading.Event()
    later = parallel.Deferred(lambda: stop.wait(60))  # the child would wait a minute
    assert later.forked
    pid = later._child[0]  # type: ignore[index]
    later.cancel()
    assert not later.forked
    with pytest.raises(ChildProcessError):  # stopped and reaped: no such child any more
        os.waitpid(pid, os.WNOHANG)


@forking
def test_no_deferred_fork_while_another_thread_runs() -> None:
    with _another_thread():
        later = parallel.Deferred(lambda: os.getpid())
        assert not later.forked
        assert later.result() == os.getpid()


# Feed: items worked on in a child as they are produced


def _shout(text: str) -> tuple[bool, str]:
    return os.getpid() != PARENT, text.upper()


PARENT = os.getpid()


@forking
def test_a_feed_works_in_a_child_in_order() -> None:
    feed: parallel.Feed[str, tuple[bool, str]] = parallel.Feed(_shout)
    assert feed.forked
    items = [f"page {i} " + "é" * (i % 7) for i in range(10_000)]  # many batches
    for item in items:
        feed.send(item)
    results = feed.results()
    assert [text for _, text in results] == [item.upper() for item in items]
    assert all(in_child for in_child, _ in results)
    assert not feed.forked and feed.results() == []  # ended; nothing more was sent


@forking
def test_a_feed_without_fork_works_here() -> None:
    feed: parallel.Feed[str, tuple[bool, str]] = parallel.Feed(_shout, fork=False)
    for item in ["a", "b"]:
        feed.send(item)
    assert feed.results() == [(False, "A"), (False, "B")]


@forking
def test_a_failing_feed_child_is_redone_here() -> None:
    def fails_in_child(text: str) -> str:
        if os.getpid() != PARENT:
            raise RuntimeError("the child fails")
        return text.upper()

    feed = parallel.Feed(fails_in_child)
    assert feed.forked
    for item in ["x"] * 100:
        feed.send(item)
    assert feed.results() == ["X"] * 100


@forking
def test_a_feed_whose_child_died_is_redone_here() -> None:
    feed: parallel.Feed[str, tuple[bool, str]] = parallel.Feed(_shout)
    pid = feed._child[0]  # type: ignore[index]
    os.kill(pid, 9)
    for item in ["y"] * 100:  # sending to a dead child gives up on it, without raising
        feed.send(item)
    assert feed.results() == [(False, "Y")] * 100


@forking
def test_a_cancelled_feed_stops_its_child() -> None:
    feed: parallel.Feed[str, tuple[bool, str]] = parallel.Feed(_shout)
    pid = feed._child[0]  # type: ignore[index]
    feed.send("z")
    feed.cancel()
    assert not feed.forked
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    assert feed.results() == [(False, "Z")]


@forking
def test_no_feed_fork_while_another_thread_runs() -> None:
    with _another_thread():
        assert not parallel.Feed(_shout).forked


@pytest.mark.usefixtures("few_items")
def test_a_cache_is_filled_by_a_parallel_read(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(8))
    sequential = analyse(root, check_elixir=False, jobs=1)
    cache = loader.DocumentCache()
    seen = _counting(monkeypatch)
    _same(analyse(root, check_elixir=False, jobs=2, cache=cache), sequential)
    assert 0 < len(seen) < sequential.kb.files_read  # shared out, though there is a cache
    seen.clear()
    (root / "patterns/p3.md").write_text("---\ntitle: P3\nsummary: Changed.\n---\n# P3\n")
    again = analyse(root, check_elixir=False, jobs=2, cache=cache)
    assert seen == ["patterns/p3.md"]  # the rest came from the cache
    assert next(p for p in again.kb.patterns if p.path == "patterns/p3.md").summary == "Changed."


@forking
def test_a_read_ahead_is_taken_by_the_load(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(8))
    sequential = analyse(root, check_elixir=False, jobs=1)
    ahead = loader.ReadAhead(root, Layout())
    assert ahead.forked and len(ahead.paths) == sequential.kb.files_read  # few files: all
    cache = loader.DocumentCache()
    seen = _counting(monkeypatch)
    _same(analyse(root, check_elixir=False, cache=cache, ahead=ahead), sequential)
    assert seen == []  # every file came from the child
    _same(analyse(root, check_elixir=False, jobs=1, cache=cache), sequential)
    assert seen == [] and cache.hits == sequential.kb.files_read  # and went into the cache


@forking
def test_a_read_ahead_shares_a_large_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        f"patterns/p{i:04d}.md": f"---\ntitle: P{i}\nsummary: S.\n---\n# P{i}\n"
        for i in range(1200)
    }
    root = write_tree(tmp_path, files)
    ahead = loader.ReadAhead(root, Layout())
    assert len(ahead.paths) == 900 and "patterns/p1199.md" in ahead.paths  # the last 3/4
    seen = _counting(monkeypatch)
    kb = loader.load(root, ahead=ahead)
    assert len(kb.patterns) == 1200 and kb.patterns[1199].title == "P1199"
    assert sorted(seen) == [f"patterns/p{i:04d}.md" for i in range(300)]  # the rest, here


@forking
def test_what_changed_since_the_read_ahead_is_read_again(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(8))
    ahead = loader.ReadAhead(root, Layout())
    taken = ahead.take()
    stale = {path: ((0, 0), doc) for path, (_, doc) in taken.items()}  # as if all had changed
    monkeypatch.setattr(ahead, "take", lambda: stale | {"patterns/p3.md": taken["patterns/p3.md"]})
    seen = _counting(monkeypatch)
    loader.load(root, ahead=ahead)
    assert "patterns/p3.md" not in seen and sorted(seen) == sorted(set(taken) - {"patterns/p3.md"})


def test_without_a_fork_the_read_ahead_is_read_by_the_load(
    make_kb: Callable[[Mapping[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(_messy(8))
    sequential = analyse(root, check_elixir=False, jobs=1)
    with _another_thread():
        ahead = loader.ReadAhead(root, Layout())
    assert not ahead.forked
    _same(analyse(root, check_elixir=False, ahead=ahead), sequential)
