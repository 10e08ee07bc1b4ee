"""KB502: parse every ```elixir block with the real Elixir parser, in one process per run."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from skillbook.diagnostics import Diagnostic, diagnostic
from skillbook.model import CodeBlock, Document

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


@dataclass(frozen=True, slots=True)
class ElixirResult:
    """The outcome of a KB502 run: its diagnostics, or why it could not run."""

    diagnostics: tuple[Diagnostic, ...]
    blocks: int
    skipped: str | None = None


def find_elixir() -> str | None:
    """The `elixir` executable on PATH, if any."""
    return shutil.which("elixir")


def check_elixir(docs: Iterable[Document], executable: str | None = None) -> ElixirResult:
    """Parse every elixir fence of `docs` in one Elixir process; skip (and say so) without one."""
    blocks = [
        (doc.path, block) for doc in docs for block in doc.code_blocks if block.lang in LANGUAGES
    ]
    if not blocks:
        return ElixirResult((), 0)
    executable = executable or find_elixir()
    if executable is None:
        return ElixirResult((), len(blocks), "no `elixir` on PATH")
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
        return ElixirResult((), len(blocks), f"`elixir` could not run: {exc}")
    if run.returncode != 0:
        tail = run.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        return ElixirResult((), len(blocks), f"`elixir` failed: {tail[0]}")
    return ElixirResult(
        tuple(_parse_output(run.stdout.decode("utf-8", "replace"), blocks)), len(blocks)
    )


def _parse_output(output: str, blocks: list[tuple[str, CodeBlock]]) -> Iterator[Diagnostic]:
    for row in output.splitlines():
        parts = row.split("\t", 2)
        if len(parts) != 3 or not parts[0].isdigit():
            continue
        path = blocks[int(parts[0])][0]
        line = int(parts[1]) if parts[1].isdigit() and int(parts[1]) > 0 else None
        yield diagnostic(path, line, "KB502", f"elixir code block does not parse: {parts[2]}")
