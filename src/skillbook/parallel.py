"""A large knowledge base read on several cores: what `skillbook check` does, never the plugin.

Reading and parsing files is most of a check run, and each file is independent. The files
are dealt into shares (each with the same mix of skills and patterns); the parent takes the
first share itself and forks one child per other share; a child writes its results
as one pickle of plain tuples (pickling dataclasses costs more than the parallel work saves)
into an anonymous in-memory file and exits, and the parent unpickles it straight from a
memory map. Forking is only done where it is safe and cheap: on Linux, with no other thread
running (a fork copies locks other threads may hold), and with at least MIN_SHARE items a
process. Whatever goes wrong with a child (it fails, dies or sends nothing readable), its
share is done again in the parent, so the result never depends on the workers.

Only the CLI imports this module: the MkDocs plugin runs in MkDocs' own process and never
forks (see DESIGN.md, "Architecture").
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from skillbook import documents
from skillbook.diagnostics import Severity
from skillbook.documents import ReadFiles
from skillbook.model import CodeBlock, Document, Link

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 1000  # below this, a fork costs more than it saves
MIN_SHARE = 500  # items a process at the least: many cores do not mean many forks
# The parent's share against a child's. Each share holds the same mix of files (`deal`); a
# child packs its results and the parent unpacks them after its own share, each a few per
# cent of reading a file, so the shares are equal.
PARENT_WEIGHT = 1.0


def cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking here is safe: Linux, and no other thread that could hold a lock."""
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "memfd_create")
        and threading.active_count() == 1
    )


def shares(items: Sequence[T], count: int, first_weight: float = 1.0) -> list[Sequence[T]]:
    """`items` cut into `count` contiguous shares (none empty), the first `first_weight`
    times the size of the others."""
    count = max(1, min(count, len(items)))
    total = len(items)
    first = min(
        total - (count - 1), max(1, round(total * first_weight / (first_weight + count - 1)))
    )
    size, extra = divmod(total - first, count - 1) if count > 1 else (0, 0)
    out: list[Sequence[T]] = [items[:first]]
    start = first
    for index in range(count - 1):
        end = start + size + (1 if index < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def deal(count: int, jobs: int, first_weight: float = 1.0) -> list[list[int]]:
    """The positions 0..count-1 dealt into the shares `shares` sizes, spread evenly over
    the sequence: each position goes to the share furthest behind its size (ties to the
    first), so every share holds the same mix of what the sequence holds in runs (the
    skills, then the patterns, then the rest) and the shares take alike per item."""
    if first_weight == 1.0:  # equal shares: every jobs-th position
        return [list(range(k, count, jobs)) for k in range(max(1, min(jobs, count)))]
    sizes = [len(share) for share in shares(range(count), jobs, first_weight)]
    dealt: list[list[int]] = [[] for _ in sizes]
    for position in range(count):
        behind = min(range(len(sizes)), key=lambda k: (len(dealt[k]) + 1) / sizes[k])
        dealt[behind].append(position)
    return dealt


def map_shares(
    work: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    jobs: int,
    *,
    encode: Callable[[R], Any],
    decode: Callable[[Any], R],
) -> list[R]:
    """`work` over `items`, in order, using up to `jobs` processes.

    `encode` turns a result into plain data and `decode` turns it back; they run in the
    child and the parent respectively.
    """
    jobs = min(jobs, len(items) // MIN_SHARE)
    if jobs < 2 or len(items) < MIN_ITEMS or not can_fork():
        return work(items)
    positions = deal(len(items), jobs, PARENT_WEIGHT)
    first, *rest = [[items[i] for i in share] for share in positions]
    children: list[tuple[int, int] | None] = []  # None: no child could be started
    try:
        for share in rest:
            try:
                children.append(_fork(work, share, encode))
            except OSError:  # no process or file to spare: the parent does that share
                children.append(None)
        done = [work(first)]
        for index, share in enumerate(rest):
            child, children[index] = children[index], None
            payload = None if child is None else _collect(*child)
            done.append(work(share) if payload is None else [decode(p) for p in payload])
        results: list[R] = [None] * len(items)  # type: ignore[list-item]  # all filled below
        for share_positions, share_results in zip(positions, done, strict=True):
            for position, result in zip(share_positions, share_results, strict=True):
                results[position] = result
        return results
    finally:
        for child in children:  # only children not collected, when something raised
            if child is not None:
                _stop(*child)


def _fork(
    work: Callable[[Sequence[T]], list[R]], share: Sequence[T], encode: Callable[[R], Any]
) -> tuple[int, int]:
    """Start a child doing `work(share)`; its pid, and the file it leaves its results in."""
    fd = os.memfd_create("skillbook-share", os.MFD_CLOEXEC)
    try:
        pid = os.fork()
    except OSError:
        os.close(fd)
        raise
    if pid == 0:  # the child: never returns
        code = 1
        try:
            data = pickle.dumps([encode(r) for r in work(share)], pickle.HIGHEST_PROTOCOL)
            with os.fdopen(fd, "wb", closefd=False) as out:
                out.write(data)
            code = 0
        except BaseException:  # whatever it was, the parent redoes the share
            pass
        finally:
            os._exit(code)
    return pid, fd


def _collect(pid: int, fd: int) -> list[Any] | None:
    """The child's results, or None when it failed."""
    try:
        _, status = os.waitpid(pid, 0)
        size = os.fstat(fd).st_size
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or size == 0:
            return None
        with mmap.mmap(fd, size, access=mmap.ACCESS_READ) as data:
            payload = pickle.loads(data)
    except Exception:  # a broken payload: the share is done again
        return None
    finally:
        os.close(fd)
    return payload if isinstance(payload, list) else None


def _stop(pid: int, fd: int) -> None:
    with contextlib.suppress(OSError):  # already gone
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)
    with contextlib.suppress(OSError):  # closed already if it was collected
        os.close(fd)


def reader(root: Path, max_size: int, jobs: int) -> ReadFiles:
    """What reads a load's files in up to `jobs` processes (see `documents.ReadFiles`)."""

    def work(share: Sequence[tuple[str, Severity | None]]) -> list[Document]:
        return [
            documents.read_document(root, path, missing_frontmatter=missing, max_size=max_size)
            for path, missing in share
        ]

    def read(wanted: Sequence[tuple[str, Severity | None]]) -> list[Document]:
        return map_shares(work, wanted, jobs, encode=_plain, decode=_document)

    return read


def _plain(doc: Document) -> tuple[Any, ...]:
    """A document as tuples and builtins: what a worker sends back (fast to pickle)."""
    return (
        doc.path,
        doc.frontmatter,
        doc.has_frontmatter,
        doc.key_lines,
        doc.body,
        doc.body_line,
        [(lk.target, lk.line, lk.kind, lk.path, lk.anchor, lk.image) for lk in doc.links],
        [(b.lang, b.line, b.text) for b in doc.code_blocks],
        doc.diagnostics,
        doc.loaded,
        doc.head,
        doc.anchors,
        doc.content,
    )


def _document(plain: tuple[Any, ...]) -> Document:
    """The document `_plain` made plain."""
    path, fm, has_fm, key_lines, body, body_line, links, blocks, diagnostics, *rest = plain
    loaded, head, anchors, content = rest
    return Document(
        path,
        fm,
        has_fm,
        key_lines,
        body,
        body_line,
        tuple(Link(*link) for link in links),
        tuple(CodeBlock(*block) for block in blocks),
        diagnostics,
        loaded,
        head,
        anchors,
        content,
    )
