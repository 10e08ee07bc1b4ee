"""Work done in forked processes: a large knowledge base read on several cores, and a
build's self-contained work done beside it.

Reading and parsing files is most of a check run, and each file is independent. The parent
takes the first share itself and forks one child per other share; a child writes its results
as one pickle of plain tuples (pickling dataclasses costs more than the parallel work saves)
into an anonymous in-memory file and exits, and the parent unpickles it straight from a
memory map. Forking is only done where it is safe and cheap: on Linux, with no other thread
running (a fork copies locks other threads may hold), and with at least MIN_SHARE items a
process. Whatever goes wrong with a child (it fails, dies or sends nothing readable), its
share is done again in the parent, so the result never depends on the workers.

`Deferred` is the same for one piece of work the caller does not need yet: the plugin's
exports and relations are made in a child while MkDocs converts the pages. `Feed` is a
child that works on items as the caller produces them: the plugin's pages are sanitised in
one while MkDocs converts the next.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
U = TypeVar("U")

MIN_ITEMS = 1000  # below this, a fork costs more than it saves
MIN_SHARE = 500  # items a process at the least: many cores do not mean many forks
# A child also packs its results, and the parent unpacks them after its own share: the
# parent's share is larger by about what packing costs (measured: 1/7 of parsing a file).
PARENT_WEIGHT = 1.15


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
    first, *rest = shares(items, jobs, PARENT_WEIGHT)
    children: list[tuple[int, int] | None] = []  # None: no child could be started
    try:
        for share in rest:
            try:
                children.append(_fork(work, share, encode))
            except OSError:  # no process or file to spare: the parent does that share
                children.append(None)
        results = work(first)
        for index, share in enumerate(rest):
            child, children[index] = children[index], None
            payload = None if child is None else _collect(*child)
            results.extend(work(share) if payload is None else [decode(p) for p in payload])
        return results
    finally:
        for child in children:  # only children not collected, when something raised
            if child is not None:
                _stop(*child)


class Deferred(Generic[R]):
    """`work()` done in a forked child while the caller goes on; `result()` waits for it.

    Where forking is not safe (see `can_fork`) or the child fails, `result()` does the work
    in this process, so the result is the same either way. The result must pickle.
    """

    def __init__(self, work: Callable[[], R], *, fork: bool = True) -> None:
        self._work = work
        self._child: tuple[int, int] | None = None
        self._value: list[R] = []  # empty until known
        if fork and can_fork():
            with contextlib.suppress(OSError):  # no process or file to spare: done here later
                self._child = _fork(lambda _: [work()], (), lambda r: r)

    @property
    def forked(self) -> bool:
        """Whether a child is doing the work (until `result` collects it)."""
        return self._child is not None

    def result(self) -> R:
        """The work's result: the child's, or else made here."""
        if not self._value:
            payload = None
            if self._child is not None:
                child, self._child = self._child, None
                payload = _collect(*child)
            self._value = payload if payload and len(payload) == 1 else [self._work()]
        return self._value[0]

    def cancel(self) -> None:
        """Stop the child, if one still runs (a build that failed does not need it)."""
        if self._child is not None:
            child, self._child = self._child, None
            _stop(*child)


_RECORD = struct.Struct("<QQ")  # a batch's offset and length in a feed's inbox; (0, 0) ends


class Feed(Generic[T, U]):
    """A forked child applying `each` to every item sent to it, while the caller goes on.

    Items travel in batches (pickled) through an in-memory file, and each batch's place is
    written to a pipe the child waits on; the pipe carries only these small records, so
    sending never waits for the child. `results()` ends the feed and returns `each(item)`
    for every item sent, in order. Where forking is not safe, or anything goes wrong with
    the child, the items are done in this process by `results()`, so the results never
    depend on it. Items and results must pickle.
    """

    BATCH = 32  # items a batch

    def __init__(self, each: Callable[[T], U], *, fork: bool = True) -> None:
        self._each = each
        self._sent: list[T] = []
        self._batch: list[T] = []
        self._offset = 0
        self._child: tuple[int, int, int, int] | None = None  # pid, inbox, bell, outbox
        if fork and can_fork():
            with contextlib.suppress(OSError):  # no process or file to spare: done here
                self._child = self._start()

    @property
    def forked(self) -> bool:
        """Whether a child is doing the work (until `results` collects it)."""
        return self._child is not None

    def _start(self) -> tuple[int, int, int, int]:
        inbox = os.memfd_create("skillbook-feed-in", os.MFD_CLOEXEC)
        try:
            bell_out, bell_in = os.pipe()
        except OSError:
            os.close(inbox)
            raise

        def serve(_: Sequence[object]) -> list[U]:  # in the child: its results, in order
            os.close(bell_in)
            return self._serve(inbox, bell_out)

        try:
            pid, outbox = _fork(serve, (), lambda result: result)
        except OSError:
            for fd in (inbox, bell_out, bell_in):
                os.close(fd)
            raise
        os.close(bell_out)
        os.set_blocking(bell_in, False)  # a full pipe is a failure, never a wait
        return pid, inbox, bell_in, outbox

    def _serve(self, inbox: int, bell: int) -> list[U]:
        """The child's loop: each item of each batch rung in, until the end record."""
        results: list[U] = []
        with os.fdopen(bell, "rb") as records:
            while len(record := records.read(_RECORD.size)) == _RECORD.size:
                offset, length = _RECORD.unpack(record)
                if length == 0:
                    return results
                results.extend(map(self._each, pickle.loads(os.pread(inbox, length, offset))))
        raise EOFError("the feed ended without its end record")

    def send(self, item: T) -> None:
        """Give the child one more item."""
        self._sent.append(item)
        if self._child is not None:
            self._batch.append(item)
            if len(self._batch) >= self.BATCH:
                self._flush()

    def _flush(self) -> None:
        if self._child is None or not self._batch:
            return
        _, inbox, bell, _ = self._child
        data = pickle.dumps(self._batch, pickle.HIGHEST_PROTOCOL)
        self._batch = []
        try:
            os.pwrite(inbox, data, self._offset)
            os.write(bell, _RECORD.pack(self._offset, len(data)))
        except OSError:  # the child is gone, or the pipe is full: do everything here
            self.cancel()
            return
        self._offset += len(data)

    def results(self) -> list[U]:
        """`each(item)` for every item sent, in order: the child's, or else made here."""
        payload: Any = None
        if self._child is not None:
            self._flush()
            child, self._child = self._child, None
            if child is not None:  # (the flush may have given up on it)
                pid, inbox, bell, outbox = child
                try:
                    os.write(bell, _RECORD.pack(0, 0))
                except OSError:
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                finally:
                    os.close(bell)
                    os.close(inbox)
                payload = _collect(pid, outbox)
        sent, self._sent = self._sent, []
        if isinstance(payload, list) and len(payload) == len(sent):
            return payload
        return [self._each(item) for item in sent]

    def cancel(self) -> None:
        """Stop the child, if one still runs; `results` then does the items here."""
        if self._child is not None:
            child, self._child = self._child, None
            pid, inbox, bell, outbox = child
            for fd in (inbox, bell):
                with contextlib.suppress(OSError):
                    os.close(fd)
            _stop(pid, outbox)
        self._batch = []


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
