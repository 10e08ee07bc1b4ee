"""Work split over forked processes, for reading a large knowledge base on several cores.

Reading and parsing files is most of a check run, and each file is independent. The parent
takes the first share itself and forks one child per other share; a child sends its results
back through a pipe as one pickle of plain tuples (pickling dataclasses costs more than the
parallel work saves) and exits. Forking is only done where it is safe and cheap: on Linux,
with no other thread running (a fork copies locks other threads may hold). Whatever goes
wrong with a child (it fails, dies or sends nothing readable), its share is done again in
the parent, so the result never depends on the workers.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 1000  # below this, a fork costs more than it saves


def cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking here is safe: Linux, and no other thread that could hold a lock."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def shares(items: Sequence[T], count: int) -> list[Sequence[T]]:
    """`items` cut into `count` contiguous shares of nearly equal size (none empty)."""
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    out: list[Sequence[T]] = []
    start = 0
    for index in range(count):
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

    `encode` turns a result into plain data for the pipe and `decode` turns it back; they
    run in the child and the parent respectively.
    """
    if jobs < 2 or len(items) < MIN_ITEMS or not can_fork():
        return work(items)
    first, *rest = shares(items, jobs)
    children = [_fork(work, share, encode) for share in rest]
    try:
        results = work(first)
        for (pid, reader), share in zip(children, rest, strict=True):
            payload = _collect(pid, reader)
            results.extend(work(share) if payload is None else [decode(p) for p in payload])
        children = []
        return results
    finally:
        for pid, reader in children:  # only when the parent's own share raised
            _stop(pid, reader)


def _fork(
    work: Callable[[Sequence[T]], list[R]], share: Sequence[T], encode: Callable[[R], Any]
) -> tuple[int, int]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.close(reader)
            data = pickle.dumps([encode(r) for r in work(share)], pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(data)
            code = 0
        except BaseException:  # whatever it was, the parent redoes the share
            pass
        finally:
            os._exit(code)
    os.close(writer)
    return pid, reader


def _collect(pid: int, reader: int) -> list[Any] | None:
    """The child's results, or None when it failed."""
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not data:
        return None
    try:
        payload = pickle.loads(data)
    except Exception:  # a broken payload: the share is done again
        return None
    return payload if isinstance(payload, list) else None


def _stop(pid: int, reader: int) -> None:
    with contextlib.suppress(OSError):  # already gone
        os.kill(pid, signal.SIGKILL)
    os.close(reader)
    os.waitpid(pid, 0)
