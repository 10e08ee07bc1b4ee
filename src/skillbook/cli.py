"""`skillbook check | status | new | export`: the command line over the same pipeline."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from skillbook import __version__
from skillbook.cli_export import (
    EXPORTS,
    check_settings,
    cmd_export,
    existing_root,
    previous_index,
    profile_of,
)
from skillbook.diagnostics import FORMATTERS, Report
from skillbook.elixir import DEFAULT_TIMEOUT
from skillbook.errors import SkillbookError
from skillbook.layout import nothing_found, read_layout, read_plugin_options
from skillbook.parallel import cores, reader
from skillbook.pipeline import analyse, no_cyclic_collection
from skillbook.schema import PROFILES

if TYPE_CHECKING:
    from skillbook.analysis import Analysis
    from skillbook.baseline import Baseline

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 up, not {value!r}")
    return int(value)


FORMATS = sorted([*FORMATTERS, "sarif"])


def _format(name: str, report: Report) -> str:
    if name == "sarif":  # imported when asked for: it brings in Markdown's slugify
        from skillbook.sarif import format_sarif

        return format_sarif(report)
    return FORMATTERS[name](report)


def _baseline(root: Path, args: argparse.Namespace) -> Baseline | None:
    """`--baseline FILE`, else the `baseline` option of mkdocs.yml; none when writing one."""
    if args.write_baseline:
        if args.baseline:
            raise SkillbookError("--write-baseline records every finding: drop --baseline")
        return None
    configured = args.baseline or read_plugin_options(root).get("baseline")
    if not configured:
        return None
    from skillbook.baseline import read_baseline  # (only a run with a baseline needs it)

    return read_baseline(Path(args.baseline) if args.baseline else root / str(configured))


def cmd_check(args: argparse.Namespace) -> int:
    """Check every skill, pattern, session log and the roadmap."""
    with no_cyclic_collection():  # until the report is written (see the function)
        code, analysis = _check(args)
        if args.leave:
            end_now(code)
        del analysis
        return code


def end_now(code: int) -> NoReturn:
    """End the process now, with `code`, once what it wrote is flushed.

    The `skillbook` command calls this when its report is written: ending normally, Python
    would free each object of the analysis one by one, then its modules and caches (40 ms
    after a check of 10,000 files, about 4 % of the check). Nothing is left to do by then:
    files are closed, no thread runs and nothing is registered to run at exit.
    """
    try:
        _flush()
    except SkillbookError as exc:
        with contextlib.suppress(OSError):
            sys.stderr.write(f"skillbook: error: {exc}\n")
        code = EXIT_USAGE
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)


def _report(text: str) -> None:
    """Write the report to stdout (see `_flush` for what can go wrong)."""
    try:
        sys.stdout.write(text)
    except OSError as exc:
        _unwritten(exc)


def _flush() -> None:
    try:
        sys.stdout.flush()
    except OSError as exc:
        _unwritten(exc)


def _unwritten(exc: OSError) -> None:
    """A report that cannot be written (a full disk) is an error; a reader that stopped
    reading (`| head`) took what it wanted: the rest goes nowhere."""
    if isinstance(exc, BrokenPipeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    raise SkillbookError(f"cannot write the report: {exc.strerror or exc}") from None


def _check(args: argparse.Namespace) -> tuple[int, Analysis]:
    root = existing_root(args.root)
    layout = read_layout(root)
    settings = check_settings(root, args)
    baseline = _baseline(root, args)
    if args.compile and args.no_elixir:
        raise SkillbookError("--compile runs the elixir blocks it parses: drop --no-elixir")
    read = reader(root, layout.max_file_size, args.jobs or cores())
    result = analyse(
        root,
        layout,
        check_elixir=not args.no_elixir,
        compile_elixir=args.compile,
        compile_timeout=args.compile_timeout,
        read=read,
        checks=settings,
        profile=profile_of(root, args),
        baseline=baseline,
        previous=previous_index(root, args.previous_index, None),
    )
    # finding nothing to check is an error, or CI goes green on a wrong root; what the walk
    # did find (a misplaced skill, KB105) goes to stderr first, as it says what is wrong
    config_file = root / "mkdocs.yml"
    empty = nothing_found(result.kb, config_file=config_file if config_file.is_file() else None)
    if empty is None and args.write_baseline:
        from skillbook.baseline import line_texts, write_baseline

        write_baseline(Path(args.write_baseline), result.report, line_texts(result.kb))
        count = len(result.report.diagnostics)
        print(
            f"skillbook: wrote {count} finding{'' if count == 1 else 's'} to "
            f"{args.write_baseline}; check with --baseline {args.write_baseline} to see only "
            f"new ones",
            file=sys.stderr,
        )
        return EXIT_OK, result
    if empty is None:
        _report(_format(args.format, result.report))
    elif result.report.diagnostics:
        sys.stderr.write(FORMATTERS["text"](result.report))
    if result.elixir.skipped and result.elixir.blocks:
        print(
            f"note: KB502 skipped for {result.elixir.blocks} elixir code block"
            f"{'' if result.elixir.blocks == 1 else 's'}: {result.elixir.skipped}",
            file=sys.stderr,
        )
    for note in result.examples.notes() if result.examples else ():
        print(f"note: {note}", file=sys.stderr)
    if baseline is not None and empty is None:
        print(f"note: {_baseline_note(baseline)}", file=sys.stderr)
    for line in result.changes.lines() if result.changes else ():
        print(f"note: {line}", file=sys.stderr)
    if empty is not None:
        raise SkillbookError(empty)
    return EXIT_PROBLEMS if result.report.failed(strict=args.strict) else EXIT_OK, result


def _baseline_note(baseline: Baseline) -> str:
    def findings(n: int) -> str:
        return f"{n} finding{'' if n == 1 else 's'}"

    note = f"{findings(baseline.matched)} of the baseline {baseline.path} not shown"
    if baseline.fixed:
        note += (
            f"; {findings(baseline.fixed)} of it no longer found: "
            f"--write-baseline {baseline.path} drops them"
        )
    return note


def cmd_status(args: argparse.Namespace) -> int:
    """Print the roadmap status computed from the files."""
    from skillbook.render.terminal import status_json, status_text

    root = existing_root(args.root)
    result = analyse(
        root,
        read_layout(root),
        check_elixir=False,
        checks=check_settings(root, args),
        profile=profile_of(root, args),
    )
    if args.format == "json":
        sys.stdout.write(status_json(result.status, result.kb.roadmap))
    else:
        sys.stdout.write(status_text(result.status, result.kb))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    """Create a skill, pattern or session log from its template."""
    from skillbook import scaffold

    root = existing_root(args.root)
    layout = read_layout(root)
    if args.kind == "skill":
        created = scaffold.new_skill(root, layout, args.name, args.description)
    elif args.kind == "pattern":
        created = scaffold.new_pattern(root, layout, args.name, args.title)
    else:
        created = scaffold.new_session(root, layout, args.date, args.phase, args.slug)
    print(f"created {created.path.relative_to(root).as_posix()}: now {created.next_step}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `skillbook` command."""
    parser = _Parser(
        prog="skillbook", description="Check and publish a knowledge base of skills and patterns."
    )
    parser.add_argument("--version", action="version", version=f"skillbook {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="report every problem at its file and line")
    check.add_argument("root", nargs="?", default=".", help="the repository root (default: .)")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument(
        "--profile",
        choices=PROFILES,
        help="accept the extra skill fields of this client (default: the 'profile' option "
        "of mkdocs.yml, else agentskills, the specification)",
    )
    check.add_argument(
        "--select",
        metavar="CODES",
        help="report only these codes or prefixes, comma-separated (e.g. KB2,KB301); "
        "replaces the 'select' of mkdocs.yml",
    )
    check.add_argument(
        "--ignore",
        metavar="CODES",
        help="do not report these codes or prefixes, comma-separated (e.g. KB403,KB5); "
        "adds to the 'ignore' of mkdocs.yml",
    )
    check.add_argument(
        "--severity",
        metavar="CODE=LEVEL",
        help="report codes at another severity, comma-separated (e.g. KB303=error,KB4=warning)",
    )
    check.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings this baseline does not record (default: the 'baseline' "
        "option of mkdocs.yml, if any)",
    )
    check.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record every finding in FILE and exit with 0 (it must be new or a baseline)",
    )
    check.add_argument(
        "--no-elixir", action="store_true", help="skip parsing elixir code blocks (KB502)"
    )
    check.add_argument(
        "--previous-index",
        metavar="FILE_OR_URL",
        help="compare with a previously published discovery index "
        "(/.well-known/agent-skills/index.json): a changed skill must raise its "
        "metadata.version (KB601)",
    )
    check.add_argument(
        "--compile",
        action="store_true",
        help="also compile and run the self-contained elixir blocks and their tests (KB503); "
        "this runs the knowledge base's code",
    )
    check.add_argument(
        "--compile-timeout",
        type=_jobs,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"time for each block and each test under --compile (default: {DEFAULT_TIMEOUT})",
    )
    check.add_argument(
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help="processes that read a large knowledge base (default: one per core; 1: no others)",
    )
    check.set_defaults(func=cmd_check)

    status = commands.add_parser("status", help="roadmap progress computed from the files")
    status.add_argument("root", nargs="?", default=".", help="the repository root (default: .)")
    status.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    status.set_defaults(func=cmd_status)

    new = commands.add_parser("new", help="create a skill, pattern or session log from a template")
    kinds = new.add_subparsers(dest="kind", required=True, parser_class=_Parser)
    skill = kinds.add_parser("skill", help="skills/NAME/SKILL.md")
    skill.add_argument("name", help="lowercase words joined by '-', e.g. circuit-breakers")
    skill.add_argument("--description", help="what the skill does and when to use it")
    pattern = kinds.add_parser("pattern", help="patterns/ID.md")
    pattern.add_argument(
        "name", metavar="id", help="lowercase words joined by '_', e.g. circuit_breaker"
    )
    pattern.add_argument("--title", help="the pattern's title")
    session = kinds.add_parser("session", help="sessions/YYYY/YYYY-MM-DD-SLUG.md")
    session.add_argument("--date", help="YYYY-MM-DD (default: today)")
    session.add_argument("--phase", type=int, help="roadmap phase (default: the last one)")
    session.add_argument(
        "--slug", default="session", help="words for the file name (default: session)"
    )
    for sub in (skill, pattern, session):
        sub.add_argument("--root", default=".", help="the repository root (default: .)")
        sub.set_defaults(func=cmd_new)

    export = commands.add_parser(
        "export",
        help="write installable skill bundles (folders and zips), or the site as plain Markdown",
    )
    export.add_argument("root", nargs="?", default=".", help="the repository root (default: .)")
    export.add_argument("--out", required=True, help="folder to write the export into")
    export.add_argument(
        "--format",
        choices=list(EXPORTS),
        default="bundles",
        help="bundles: one Agent Skill folder and zip per skill, and the discovery index "
        "(default); claude-plugin: a Claude Code plugin marketplace holding the skills; "
        "markdown: the whole site as Markdown pages and a mkdocs.yml, for Zensical or MkDocs "
        "without the plugin",
    )
    export.add_argument(
        "--previous-index",
        metavar="FILE_OR_URL",
        help="list the skills added, removed and changed since this published discovery "
        "index, and each changed skill whose metadata.version did not change (KB601)",
    )
    export.add_argument(
        "--plugin-version",
        dest="version",
        default="0.1.0",
        metavar="SEMVER",
        help="under --format claude-plugin: the plugin's version (default: 0.1.0); raise it "
        "when the skills change, so that installs update",
    )
    export.add_argument(
        "--site-url",
        help="base URL for links that leave a bundle (default: site_url of mkdocs.yml; '' for none)",
    )
    export.set_defaults(func=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None, *, leave: bool = False) -> int:
    """Run the command line; returns the exit code. `leave`: a check ends the process as soon
    as its report is written (`run`, `end_now`)."""
    args = build_parser().parse_args(argv)
    args.leave = leave
    try:
        code: int = args.func(args)
    except SkillbookError as exc:
        print(f"skillbook: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return code


def run() -> NoReturn:
    """The `skillbook` command: `main`, ending the process as soon as a check is reported."""
    sys.exit(main(leave=True))


if __name__ == "__main__":  # pragma: no cover
    run()
