"""A large knowledge base read on several cores: what `skillbook check` does, never the plugin.

Reading and parsing files is most of a check run, and each file is independent. The files
are cut into batches, large first and smaller to the end; the parent forks one child per
other core, and every process takes batches from a shared queue until it is empty, so they
finish together however fast each runs. A child writes each batch's results as one pickle
of plain tuples (a named tuple or a dataclass pickles as a call to its class, which costs
more than the parallel work saves) into an anonymous in-memory file and notes where on a
pipe; the parent unpacks them between its own batches. Forking is only done where it is safe
and cheap: on Linux, with no other thread running (a fork copies locks other threads may
hold), and with at least MIN_SHARE items a process. Whatever goes wrong with a child (it fails, dies or sends nothing readable), the
batches it did not deliver are done again in the parent, so the result never depends on the
workers.

Only the CLI imports this module: the MkDocs plugin runs in MkDocs' own process and never
forks (see DESIGN.md, "Architecture").
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import struct
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from skillbook import documents
from skillbook.diagnostics import Severity
from skillbook.documents import ReadFiles
from skillbook.model import CodeBlock, Document, Link

T = TypeVar("T")
R = TypeVar("R")

# Below MIN_ITEMS files a fork costs more than it saves (on 2 cores, files of about 3 KB:
# 25 files 5.1 ms in one process against 5.9 ms in two, 50 files 10.1 ms against 7.8 ms);
# MIN_SHARE files a process at the least: many cores do not mean many forks.
MIN_ITEMS = 50
MIN_SHARE = 25
# A batch is the items left over jobs × GUIDED: large while much is left, smaller towards the
# end, so that when the queue runs out no process is far into a long batch (the others would
# wait for it); but no smaller than MIN_BATCH, as each batch costs a pickle and a note.
GUIDED = 8
MIN_BATCH = 10
_NOTE = struct.Struct("<IIQQ")  # a child's note: child, batch, offset, length of its results


def cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking here is safe: Linux, and no other thread that could hold a lock.

    Threads are counted by `threading`; where nothing has imported it, no thread was started
    through it (and the command does not pay for importing it)."""
    threading = sys.modules.get("threading")
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "memfd_create")
        and (threading is None or threading.active_count() == 1)
    )


def batches(count: int, jobs: int) -> list[range]:
    """Positions 0..count-1 cut into consecutive batches that shrink towards the end (see
    GUIDED); at least `jobs` of them when there are that many positions."""
    share = jobs * GUIDED
    least = max(1, min(MIN_BATCH, count // share))
    found = []
    start = 0
    while start < count:
        size = max(least, (count - start) // share)
        found.append(range(start, min(start + size, count)))
        start += size
    return found


def map_shares(
    work: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    jobs: int,
    *,
    encode: Callable[[R], Any],
    decode: Callable[[Any], R],
) -> list[R]:
    """`work` over `items`, in order, using up to `jobs` processes.

    The items are cut into batches, which the processes take from a shared queue (a pipe
    holding their numbers) until it is empty, so a process that runs slower takes fewer.
    Each child starts with a batch of its own, then takes from the queue; after each batch
    it appends the results to its file and notes where they are on a second pipe. Between
    its own batches the parent unpacks what the children have noted, and at the end it does
    again any batch a child took but did not deliver. `encode` turns a result into plain
    data and `decode` turns it back; they run in the child and the parent respectively.
    """
    jobs = min(jobs, len(items) // MIN_SHARE)
    if jobs < 2 or len(items) < MIN_ITEMS or not can_fork():
        return work(items)
    cut = batches(len(items), jobs)
    done: dict[int, list[R]] = {}

    def run(batch: int) -> list[R]:
        return work(items[cut[batch].start : cut[batch].stop])

    queue_in, queue_out = os.pipe()
    notes_in, notes_out = os.pipe()
    children: list[tuple[int, int]] = []  # pid, results file
    try:
        # the first batch is the parent's, the next one each child's; the rest are queued
        os.write(queue_out, b"".join(struct.pack("<I", b) for b in range(jobs, len(cut))))
        os.close(queue_out)
        queue_out = -1
        for child in range(1, jobs):
            with contextlib.suppress(OSError):  # no process to spare: the batches wait
                children.append(_fork(run, child, queue_in, notes_out, len(children), encode))
        os.close(notes_out)
        notes_out = -1
        os.set_blocking(notes_in, False)
        batch: int | None = 0
        while batch is not None:
            done[batch] = run(batch)
            _receive(notes_in, children, decode, done)
            batch = _take(queue_in)
        for index, (pid, fd) in enumerate(children):
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
            children[index] = (0, fd)  # reaped: its pid may be another process's now
        _receive(notes_in, children, decode, done)  # every writer gone: all that was noted
        for batch in range(len(cut)):  # what a child took and did not deliver
            if batch not in done:
                done[batch] = run(batch)
        return [result for batch in range(len(cut)) for result in done[batch]]
    finally:
        for pid, fd in children:
            _stop(pid, fd)  # stops a child still running (something raised), closes its file
        for fd in (queue_in, queue_out, notes_in, notes_out):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)


def _take(queue: int) -> int | None:
    """The number of the next batch in the queue, or None when it is empty (the writing end
    is closed, so a read never waits; a 4-byte read from a pipe is never split)."""
    data = os.read(queue, 4)
    return struct.unpack("<I", data)[0] if len(data) == 4 else None


def _fork(
    run: Callable[[int], list[R]],
    first: int,
    queue: int,
    notes: int,
    index: int,
    encode: Callable[[R], Any],
) -> tuple[int, int]:
    """Start a child doing batch `first`, then the batches it takes from `queue`; its pid,
    and the file it leaves its results in."""
    fd = os.memfd_create("skillbook-share", os.MFD_CLOEXEC)
    try:
        pid = os.fork()
    except OSError:
        os.close(fd)
        raise
    if pid == 0:  # the child: never returns
        code = 1
        try:
            offset = 0
            batch: int | None = first
            while batch is not None:
                data = pickle.dumps([encode(r) for r in run(batch)], pickle.HIGHEST_PROTOCOL)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.write(notes, _NOTE.pack(index, batch, offset, len(data)))  # under PIPE_BUF
                offset += len(data)
                batch = _take(queue)
            code = 0
        except BaseException:  # whatever it was, the parent does the batch again
            pass
        finally:
            os._exit(code)
    return pid, fd


def _receive(
    notes: int,
    children: list[tuple[int, int]],
    decode: Callable[[Any], R],
    done: dict[int, list[R]],
) -> None:
    """Unpack the batches the children have noted so far (a note is written only once its
    results are whole); one that cannot be read is left to be done again."""
    while True:
        try:
            data = os.read(notes, _NOTE.size * 64)  # notes are whole: writes under PIPE_BUF
        except BlockingIOError:
            return
        if not data:
            return
        for index, batch, offset, length in _NOTE.iter_unpack(data):
            try:
                payload = pickle.loads(os.pread(children[index][1], length, offset))
                done[batch] = [decode(p) for p in payload]
            except Exception:  # a broken record: the batch is done again
                continue


def _stop(pid: int, fd: int) -> None:
    if pid:  # 0: reaped already
        with contextlib.suppress(OSError):  # already gone
            import signal  # (building its enums costs a millisecond: only when needed)

            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
    with contextlib.suppress(OSError):
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


# a document's links and code blocks, consecutive fields, are sent as plain tuples
_LINKS = Document._fields.index("links")


def _plain(doc: Document) -> tuple[Any, ...]:
    """A document as tuples and builtins, what a worker sends back: its fields in order, its
    links and code blocks plain tuples (a named tuple pickles as a call to its class)."""
    return (
        *doc[:_LINKS],
        [tuple(link) for link in doc.links],
        [tuple(block) for block in doc.code_blocks],
        *doc[_LINKS + 2 :],
    )


# the named tuples made again from plain ones, without `_make`'s check of their length
_link = functools.partial(tuple.__new__, Link)
_code_block = functools.partial(tuple.__new__, CodeBlock)
_new_document = functools.partial(tuple.__new__, Document)


def _document(plain: tuple[Any, ...]) -> Document:
    """The document `_plain` made plain."""
    return _new_document(
        (
            *plain[:_LINKS],
            tuple(map(_link, plain[_LINKS])),
            tuple(map(_code_block, plain[_LINKS + 1])),
            *plain[_LINKS + 2 :],
        )
    )
