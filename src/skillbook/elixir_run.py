"""KB503: compile every self-contained ```elixir block and run the ExUnit tests a file defines.

Opt-in (`skillbook check --compile`, `elixir_compile: true`), because it runs the code. One
`elixir` process per run, in a temporary working folder; the blocks of one file are compiled
in order (a later block may use an earlier block's modules), then the file's ExUnit tests run,
then the file's modules are unloaded before the next file. A block that needs Hex packages or
is an excerpt of a larger application says so in its leading comments and is only parsed
(KB502); a block that needs a newer Elixir or OTP says so and is skipped, with a note, where
the runtime is older.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from skillbook.diagnostics import Diagnostic, diagnostic
from skillbook.elixir import DEFAULT_TIMEOUT, LANGUAGES, ElixirMemo, find_elixir
from skillbook.model import Document

_NEEDS = re.compile(r"#\s*needs:(?P<items>.*)")
_EXCERPT = re.compile(r"#\s*excerpt\b")
_OTP = re.compile(r"(?i)OTP\s+(?P<release>\d+)\+?")
_ELIXIR = re.compile(r"(?i)Elixir\s+(?P<version>\d+\.\d+(?:\.\d+)?)\+?")
# a Hex package name, optionally with a version requirement ("req ~> 0.5", "plug >= 1.16.0")
_PACKAGE = re.compile(r"[a-z][a-z0-9_]*(?:\s+(?:~>|>=|<=|==|>|<)\s*\d[0-9A-Za-z.+-]*)?")
_MISSING_MODULE = ("is not loaded and could not be found", "is not available")


@dataclass(frozen=True, slots=True)
class Needs:
    """What a block's leading comments say it needs (`# needs: …`, `# excerpt`)."""

    packages: tuple[str, ...] = ()
    otp: int | None = None
    elixir: str | None = None
    excerpt: bool = False
    # (line offset in the block, message) of a `# needs:` item that cannot be read
    problems: tuple[tuple[int, str], ...] = ()

    @property
    def compiled(self) -> bool:
        """Whether the block is self-contained: compiled and run, not only parsed."""
        return not self.packages and not self.excerpt


def read_needs(code: str) -> Needs:
    """The markers in the comment lines that open `code` (blank lines between them allowed)."""
    packages: list[str] = []
    otp: int | None = None
    version: str | None = None
    excerpt = False
    problems: list[tuple[int, str]] = []
    for offset, raw in enumerate(code.splitlines()):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        if _EXCERPT.match(line):
            excerpt = True
        elif match := _NEEDS.match(line):
            for item in filter(None, (part.strip() for part in match["items"].split(","))):
                if found := _OTP.fullmatch(item):
                    otp = max(otp or 0, int(found["release"]))
                elif found := _ELIXIR.fullmatch(item):
                    version = found["version"]
                elif _PACKAGE.fullmatch(item):
                    packages.append(item)
                else:
                    problems.append(
                        (
                            offset,
                            f"cannot read {item!r} in '# needs:': write a Hex package "
                            "('req ~> 0.5'), 'OTP 27' or 'Elixir 1.17'",
                        )
                    )
    return Needs(tuple(packages), otp, version, excerpt, tuple(problems))


@dataclass(frozen=True, slots=True)
class RunResult:
    """The outcome of a KB503 run."""

    diagnostics: tuple[Diagnostic, ...] = ()
    compiled: int = 0  # blocks compiled and run
    parsed_only: int = 0  # blocks marked as needing Hex packages or as excerpts
    tests: int = 0
    # "path:line: needs OTP 27 (this is OTP 25)" for each block the runtime is too old for
    skipped: tuple[str, ...] = ()
    not_run: str | None = None  # why nothing was compiled, e.g. no `elixir` on PATH

    def notes(self) -> list[str]:
        """One-line notes for stderr or the build log: what was skipped, and why."""
        if self.not_run:
            return [f"KB503 skipped for {self.compiled} elixir code blocks: {self.not_run}"]
        found = [
            f"KB503 compiled {self.compiled} elixir code blocks and ran {self.tests} tests; "
            f"{self.parsed_only} marked blocks were only parsed"
        ]
        found.extend(f"KB503 skipped {where}" for where in self.skipped)
        return found


# The runner (scripts/run_examples.exs in the package): reads the blocks as frames on stdin,
# writes its findings to the file it is given.
_SCRIPT = "run_examples.exs"


def run_examples(
    docs: Iterable[Document],
    executable: str | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    memo: ElixirMemo | None = None,
) -> RunResult:
    """Compile and run the self-contained elixir blocks of `docs` in one Elixir process.
    With `memo`, a file whose runnable blocks are unchanged is not run again."""
    problems: list[Diagnostic] = []
    files: list[_File] = []
    parsed_only = 0
    for doc in docs:
        blocks = []
        for block in doc.code_blocks:
            if block.lang not in LANGUAGES:
                continue
            needs = read_needs(block.text)
            problems.extend(
                diagnostic(doc.path, block.line + offset, "KB503", message)
                for offset, message in needs.problems
            )
            if needs.compiled:
                blocks.append((block.line, needs, block.text))
            else:
                parsed_only += 1
        if blocks:
            files.append(_File(doc.path, tuple(blocks)))
    count = sum(len(f.blocks) for f in files)
    if not files:
        return RunResult(tuple(problems), parsed_only=parsed_only)
    executable = executable or find_elixir()
    if executable is None:
        return RunResult(tuple(problems), count, parsed_only, not_run="no `elixir` on PATH")
    memo = memo or ElixirMemo()
    to_run = [f for f in files if (f, timeout) not in memo.ran]
    found: dict[_File, _Outcome] = {}
    if to_run:
        ran = _run(to_run, executable, timeout)
        if isinstance(ran, str):
            return RunResult(tuple(problems), count, parsed_only, not_run=ran)
        found, complete = ran
        if complete:  # a run that stopped early is not remembered
            memo.ran.update(((f, timeout), outcome) for f, outcome in found.items())
    results = [found.get(f) or cast(_Outcome, memo.ran[(f, timeout)]) for f in files]
    diagnostics = [d for r in results for d in r.diagnostics]
    skipped = tuple(note for r in results for note in r.skipped)
    tests = sum(r.tests for r in results)
    return RunResult((*problems, *diagnostics), count - len(skipped), parsed_only, tests, skipped)


@dataclass(frozen=True, slots=True)
class _File:
    """A file's runnable blocks: (first line, markers, code) of each; a memo's key."""

    path: str
    blocks: tuple[tuple[int, Needs, str], ...]


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What running one file found."""

    diagnostics: tuple[Diagnostic, ...] = ()
    skipped: tuple[str, ...] = ()
    tests: int = 0


def _run(
    files: list[_File], executable: str, timeout: int
) -> tuple[dict[_File, _Outcome], bool] | str:
    """Run `files` in one Elixir process: each file's outcome and whether the run got to its
    end, or why Elixir could not run."""
    where: list[tuple[str, int]] = []  # block index -> (path, first line)
    payload = bytearray()
    for file_index, file in enumerate(files):
        name = file.path.encode("utf-8")
        payload += f"F {file_index} {len(name)}\n".encode() + name
        for line, needs, text in file.blocks:
            code = text.encode("utf-8")
            otp, version = needs.otp or "-", needs.elixir or "-"
            payload += f"B {len(where)} {line} {otp} {version} {len(code)}\n".encode() + code
            where.append((file.path, line))
    import subprocess  # imported when blocks run: a check run without KB503 never needs them
    import tempfile
    from importlib import resources

    with (
        tempfile.TemporaryDirectory(prefix="skillbook-kb503-") as work,
        resources.as_file(resources.files("skillbook") / "scripts" / _SCRIPT) as script,
    ):
        results = Path(work) / ".results"
        try:
            run = subprocess.run(
                [executable, str(script), str(results), str(timeout)],
                input=bytes(payload),
                capture_output=True,
                cwd=work,
                # each block and each test is bounded inside; this bounds the whole run
                timeout=timeout * (2 * len(where) + 30),
                check=False,
            )
            failed = run.returncode
            stderr = run.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            failed, stderr = -1, "the run took too long and was stopped"
        except OSError as exc:
            return f"{exc}"
        rows = results.read_text("utf-8", "replace").splitlines() if results.exists() else []
    found = list(_read_rows(rows, where, [f.path for f in files]))
    complete = ["done"] in [row.split("\t") for row in rows]
    if not complete:
        found.extend(_crash(rows, where, failed, stderr))
    skips = [(where[int(r[1])], r[2]) for r in _rows(rows, "skip", 3)]
    tests = {files[int(r[1])].path: int(r[2]) for r in _rows(rows, "tests", 3) if r[2].isdigit()}
    outcomes = {
        file: _Outcome(
            tuple(d for d in found if d.path == file.path),
            tuple(f"{path}:{line}: {why}" for (path, line), why in skips if path == file.path),
            tests.get(file.path, 0),
        )
        for file in files
    }
    return outcomes, complete


def _rows(rows: list[str], kind: str, size: int) -> Iterator[list[str]]:
    for row in rows:
        fields = row.split("\t", size - 1)
        if fields[0] == kind and len(fields) == size:
            yield fields


def _hint(message: str) -> str:
    if any(text in message for text in _MISSING_MODULE):
        return (
            f"{message}; a block that needs Hex packages says so on its first line "
            "('# needs: <package>'), an excerpt of a larger application with '# excerpt'"
        )
    return message


def _read_rows(
    rows: list[str], where: list[tuple[str, int]], paths: list[str]
) -> Iterator[Diagnostic]:
    for _, index, line, message in _rows(rows, "fail", 4):
        path, first = where[int(index)]
        at = int(line) if line.isdigit() and int(line) > 0 else first
        yield diagnostic(path, at, "KB503", f"elixir code block {_hint(message)}")
    for _, path, line, message in _rows(rows, "test", 4):
        yield diagnostic(path, int(line) if line.isdigit() else None, "KB503", message)
    for _, index, message in _rows(rows, "abort", 3):
        yield diagnostic(paths[int(index)], None, "KB503", message)


def _crash(
    rows: list[str], where: list[tuple[str, int]], code: int, stderr: str
) -> Iterator[Diagnostic]:
    """The run stopped early (a block halted the VM, or it ran out of time): blame the block
    that was running."""
    started = [int(r[1]) for r in _rows(rows, "start", 2)]
    tail = (stderr.strip().splitlines() or ["no output"])[-1][:200]
    if started:
        path, line = where[started[-1]]
        yield diagnostic(
            path,
            line,
            "KB503",
            f"the Elixir process stopped (exit code {code}) while this block or its file's "
            f"tests ran, and the blocks after it were not checked: {tail}",
        )
    else:
        path, line = where[0]
        yield diagnostic(path, line, "KB503", f"`elixir` could not run the blocks: {tail}")
