"""Read one file of the knowledge base: regular files only, size-bounded, decoded leniently.

Whatever the bytes are, the result is text a page can show plus the problems found: a file
over the size limit is not read at all, bytes that are not UTF-8 become U+FFFD, NUL bytes too,
and every line ending becomes `\\n`.
"""

from __future__ import annotations

import os
import stat
from typing import NamedTuple

DEFAULT_MAX_FILE_SIZE = 1024 * 1024
"""Largest file loaded, in bytes (1 MiB; a long skill is 40 KB). The `max_file_size` option."""


def within(root_real: str, real: str) -> bool:
    """Whether the resolved path `real` is the resolved root `root_real` or inside it."""
    return real == root_real or real.startswith(root_real + os.sep)


class Problem(NamedTuple):
    """Something wrong with a file's bytes: a KB1xx code, the message and the line."""

    code: str
    message: str
    line: int | None = None


class Text(NamedTuple):
    """A file's text (None when it was not read), what was wrong with its bytes, and how
    many bytes were read."""

    text: str | None
    problems: tuple[Problem, ...] = ()
    size: int = 0


class Bytes(NamedTuple):
    """A file's bytes (None when it was not read) and why it was not read."""

    data: bytes | None
    problems: tuple[Problem, ...] = ()


def read_bytes(full: str, limit: int = DEFAULT_MAX_FILE_SIZE) -> Bytes:
    """Read the regular file at `full`, at most `limit` bytes, reporting instead of raising."""
    try:
        # O_NONBLOCK: opening a FIFO planted in the tree must not wait for a writer
        fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return Bytes(None, (Problem("KB101", f"cannot be read: {exc.strerror or exc}"),))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Bytes(None, (Problem("KB101", "is not a regular file; it is not read"),))
        if info.st_size > limit:
            return Bytes(
                None,
                (
                    Problem(
                        "KB106",
                        f"is {info.st_size:,} bytes, over the limit of {limit:,} "
                        f"(option max_file_size); it is not loaded",
                    ),
                ),
            )
        # one read for the whole file (a regular file returns short only at its end); a file
        # that grew since fstat is read on, but never past the limit
        chunks = [os.read(fd, info.st_size + 1)]
        size = len(chunks[0])
        while size > info.st_size and size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks) if len(chunks) > 1 else chunks[0]
    except OSError as exc:
        return Bytes(None, (Problem("KB101", f"cannot be read: {exc.strerror or exc}"),))
    finally:
        os.close(fd)
    if len(data) > limit:
        return Bytes(
            None,
            (Problem("KB106", f"grew over the limit of {limit:,} bytes while being read"),),
        )
    return Bytes(data)


def read_text(full: str, limit: int = DEFAULT_MAX_FILE_SIZE) -> Text:
    """Read the file at `full` as UTF-8 text, reporting instead of raising."""
    read = read_bytes(full, limit)
    return Text(None, read.problems) if read.data is None else decode(read.data)


def decode(data: bytes) -> Text:
    """Decode `data` leniently; say where it breaks the rules."""
    problems: list[Problem] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(
            Problem("KB101", f"is not valid UTF-8 (byte {exc.start}); save it as UTF-8", line)
        )
        text = data.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.append(
            Problem("KB101", "contains NUL bytes (is it a binary file?); they are shown as �", line)
        )
        text = text.replace("\x00", "\ufffd")
    return Text(text, tuple(problems), len(data))
