"""KB502: parse every ```elixir block with the real Elixir parser, in one process per run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from skillbook.diagnostics import Diagnostic, diagnostic
from skillbook.model import CodeBlock, Document

DEFAULT_TIMEOUT = 10  # KB503: seconds for each block, and for each test (`elixir_run`)

LANGUAGES = frozenset({"elixir"})
TIMEOUT_SECONDS = 300

# Reads frames "<index> <line> <bytes>\n<code>" from stdin; prints "<index>\t<line>\t<message>"
# for each block that does not parse. Written for Elixir 1.13+ (IO.binread/2 with :eof).
_SCRIPT = r"""
defmodule SkillbookParse do
  def run(<<>>), do: :ok
  def run(data) do
    [header, rest] = :binary.split(data, "\n")
    [index, line, size] = String.split(header, " ")
    size = String.to_integer(size)
    <<code::binary-size(size), rest::binary>> = rest
    case Code.string_to_quoted(code, line: String.to_integer(line)) do
      {:ok, _} -> :ok
      {:error, {meta, message, token}} ->
        at = if is_list(meta), do: Keyword.get(meta, :line, 0), else: meta
        text = case message do
          {prefix, suffix} -> "#{prefix}#{token}#{suffix}"
          _ -> "#{message}#{token}"
        end
        IO.write("#{index}\t#{at}\t#{String.replace(text, ["\n", "\t"], " ")}\n")
    end
    run(rest)
  end
end
:ok = :io.setopts(:standard_io, binary: true, encoding: :latin1)
SkillbookParse.run(IO.binread(:stdio, :eof) |> then(fn :eof -> ""; d -> d end))
"""


class ElixirMemo:
    """Results of blocks already checked, kept across the rebuilds of `mkdocs serve`: a block
    whose text and first line are unchanged is not sent to Elixir again."""

    def __init__(self) -> None:
        # (text, first line) -> (line, message) of each KB502 problem of the block
        self.parsed: dict[tuple[str, int], tuple[tuple[int | None, str], ...]] = {}
        # KB503: a file's runnable blocks -> its diagnostics, skip notes and test count
        self.ran: dict[object, object] = {}


class ElixirResult(NamedTuple):
    """The outcome of a KB502 run: its diagnostics, or why it could not run."""

    diagnostics: tuple[Diagnostic, ...]
    blocks: int
    skipped: str | None = None


def find_elixir() -> str | None:
    """The `elixir` executable on PATH, if any."""
    import shutil  # the modules that run Elixir are imported when it runs: see `_parse`

    return shutil.which("elixir")


def check_elixir(
    docs: Iterable[Document], executable: str | None = None, memo: ElixirMemo | None = None
) -> ElixirResult:
    """Parse every elixir fence of `docs` in one Elixir process; skip (and say so) without one.
    With `memo`, only blocks it has no result for are parsed, and their results are kept."""
    every = [
        (doc.path, block) for doc in docs for block in doc.code_blocks if block.lang in LANGUAGES
    ]
    if not every:
        return ElixirResult((), 0)
    memo = memo or ElixirMemo()
    blocks = [(path, b) for path, b in every if (b.text, b.line) not in memo.parsed]
    executable = executable or find_elixir()
    if executable is None:
        return ElixirResult((), len(every), "no `elixir` on PATH")
    if blocks:
        found = _parse(blocks, executable)
        if isinstance(found, str):
            return ElixirResult((), len(every), found)
        for _, block in blocks:
            memo.parsed[(block.text, block.line)] = ()
        for index, line, message in found:
            block = blocks[index][1]
            key = (block.text, block.line)
            memo.parsed[key] = (*memo.parsed[key], (line, message))
    return ElixirResult(
        tuple(
            diagnostic(path, line, "KB502", f"elixir code block does not parse: {message}")
            for path, block in every
            for line, message in memo.parsed[(block.text, block.line)]
        ),
        len(every),
    )


def _parse(
    blocks: list[tuple[str, CodeBlock]], executable: str
) -> list[tuple[int, int | None, str]] | str:
    """(block index, line, message) of each block that does not parse, or why Elixir could
    not run."""
    import subprocess  # imported here: a check run without Elixir never needs it

    payload = bytearray()
    for index, (_, block) in enumerate(blocks):
        code = block.text.encode("utf-8")
        payload += f"{index} {block.line} {len(code)}\n".encode() + code
    try:
        run = subprocess.run(
            [executable, "-e", _SCRIPT],
            input=bytes(payload),
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`elixir` could not run: {exc}"
    if run.returncode != 0:
        tail = run.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        return f"`elixir` failed: {tail[0]}"
    found = []
    for row in run.stdout.decode("utf-8", "replace").splitlines():
        parts = row.split("\t", 2)
        if len(parts) != 3 or not parts[0].isdigit() or int(parts[0]) >= len(blocks):
            continue
        line = int(parts[1]) if parts[1].isdigit() and int(parts[1]) > 0 else None
        found.append((int(parts[0]), line, parts[2]))
    return found
