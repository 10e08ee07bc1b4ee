"""`skillbook check | status | new | export`: the command line over the same pipeline."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from skillbook import __version__
from skillbook.diagnostics import FORMATTERS
from skillbook.elixir_run import DEFAULT_TIMEOUT
from skillbook.errors import SkillbookError
from skillbook.layout import nothing_found, read_layout
from skillbook.parallel import cores, reader
from skillbook.pipeline import Previous, analyse

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _root(value: str) -> Path:
    root = Path(value)
    if not root.is_dir():
        raise SkillbookError(f"{value}: no such folder")
    return root


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 up, not {value!r}")
    return int(value)


def cmd_check(args: argparse.Namespace) -> int:
    """Check every skill, pattern, session log and the roadmap."""
    root = _root(args.root)
    layout = read_layout(root)
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
        previous=_previous(root, args.previous_index, None),
    )
    # finding nothing to check is an error, or CI goes green on a wrong root; what the walk
    # did find (a misplaced skill, KB105) goes to stderr first, as it says what is wrong
    config_file = root / "mkdocs.yml"
    empty = nothing_found(result.kb, config_file=config_file if config_file.is_file() else None)
    if empty is None:
        sys.stdout.write(FORMATTERS[args.format](result.report))
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
    for line in result.changes.lines() if result.changes else ():
        print(f"note: {line}", file=sys.stderr)
    if empty is not None:
        raise SkillbookError(empty)
    return EXIT_PROBLEMS if result.report.failed(strict=args.strict) else EXIT_OK


def _previous(root: Path, where: str | None, site_url: str | None) -> Previous | None:
    """The previous discovery index to compare with (`--previous-index`), if one is given."""
    if where is None:
        return None
    from skillbook.changes import read_index
    from skillbook.layout import read_site

    configured, docs_dir = read_site(root)
    return Previous(read_index(where), site_url or configured, docs_dir)


def cmd_status(args: argparse.Namespace) -> int:
    """Print the roadmap status computed from the files."""
    from skillbook.render.terminal import status_json, status_text

    root = _root(args.root)
    result = analyse(root, read_layout(root), check_elixir=False)
    if args.format == "json":
        sys.stdout.write(status_json(result.status, result.kb.roadmap))
    else:
        sys.stdout.write(status_text(result.status, result.kb))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    """Create a skill, pattern or session log from its template."""
    from skillbook import scaffold

    root = _root(args.root)
    layout = read_layout(root)
    if args.kind == "skill":
        created = scaffold.new_skill(root, layout, args.name, args.description)
    elif args.kind == "pattern":
        created = scaffold.new_pattern(root, layout, args.name, args.title)
    else:
        created = scaffold.new_session(root, layout, args.date, args.phase, args.slug)
    print(f"created {created.path.relative_to(root).as_posix()}: now {created.next_step}")
    return EXIT_OK


def _export_bundles(args: argparse.Namespace, root: Path, out: Path) -> int:
    """Write every skill as a self-contained Agent Skill folder and zip.

    A skill that would not install (no or broken frontmatter, an invalid field, a name that is
    not its folder's) is skipped with one line on stderr, and the exit code is 1.
    """
    from itertools import chain

    from skillbook.changes import compare
    from skillbook.checks import check_files, check_frontmatter
    from skillbook.export import build_bundles, install_problems, problems_of
    from skillbook.export_plugin import claude_plugin_files, plugin_name
    from skillbook.layout import read_names, read_site
    from skillbook.loader import load
    from skillbook.outputs import check_output_folder, write_export
    from skillbook.render.discovery import discovery_files

    site_url, docs_dir = read_site(root)
    site_url = args.site_url if args.site_url is not None else site_url
    layout = read_layout(root)
    check_output_folder(out, root, layout, docs_dir=None, what="--out")
    kb = load(root, layout)
    skipped = install_problems(kb, chain(check_files(kb), check_frontmatter(kb)))
    bundles = build_bundles(kb, site_url=site_url or None, docs_dir=docs_dir, exclude=skipped)
    files: dict[str, bytes] = {}
    for bundle in bundles:
        files.update((f"{bundle.name}/{path}", data) for path, data in bundle.files.items())
        files[f"{bundle.name}.zip"] = bundle.zip_bytes()
    # the discovery index and its artifacts, as the site serves them (see render.discovery)
    installable = [s for s in kb.skills if s.path not in skipped]
    archives = (b.zip_bytes(folder=False) for b in bundles)
    files.update(discovery_files(zip(installable, bundles, archives, strict=True))[0])
    if args.format == "claude-plugin":
        title, description, author = read_names(root)
        name = plugin_name(title or root.resolve().name)
        about = description or f"Skills of {title or name}."
        files = claude_plugin_files(
            bundles, name=name, description=about, owner=author or name, version=args.version
        )
    write_export(out, files)
    if args.format == "claude-plugin":
        print(
            f"{(out / '.claude-plugin/marketplace.json').as_posix()}: plugin {name}, {len(bundles)} skills"
        )
    for bundle in bundles if args.format == "bundles" else ():
        print(
            f"{(out / bundle.name).as_posix()}/ and {bundle.name}.zip: {len(bundle.files)} files, "
            f"{len(bundle.copied)} copied in"
        )
    for path, problems in sorted(skipped.items()):
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        print(
            f"skipped {path}: not a valid Agent Skill: {first.code} {first.message}{more}",
            file=sys.stderr,
        )
    for problem in problems_of(bundles):
        print(problem, file=sys.stderr)
    if (previous := _previous(root, args.previous_index, site_url)) is not None:
        changes, found = compare(
            previous.entries,
            zip(installable, bundles, (b.zip_bytes(folder=False) for b in bundles), strict=True),
        )
        for line in [*changes.lines(), *map(str, found)]:
            print(line, file=sys.stderr)
    return EXIT_PROBLEMS if problems_of(bundles) or skipped else EXIT_OK


def _export_markdown(args: argparse.Namespace, root: Path, out: Path) -> int:
    """Write the whole site as plain Markdown and a mkdocs.yml, for engines without plugins.

    Pages are written whatever problems the knowledge base has (as the site shows them); the
    exit code is 1 when it has errors, as `skillbook check` would say.
    """
    from skillbook.layout import site_config
    from skillbook.markdown_export import DOCS, markdown_export
    from skillbook.outputs import check_output_folder, write_export
    from skillbook.site import Options

    config = site_config(root)
    layout = read_layout(root)
    docs_dir = str(config.get("docs_dir") or "docs").strip("/")
    check_output_folder(out, root, layout, docs_dir=docs_dir, what="--out")
    site_url = args.site_url if args.site_url is not None else config.get("site_url")

    def text(key: str) -> str | None:
        value = config.get(key)
        return value if isinstance(value, str) and value else None

    options = Options(
        layout=layout,
        docs_dir=docs_dir,
        exports=False,
        site_url=site_url or None,
        site_name=text("site_name") or "",
        site_description=text("site_description"),
    )
    result = analyse(root, layout, check_elixir=False)
    files = markdown_export(result, options, repo_url=text("repo_url"), edit_uri=text("edit_uri"))
    write_export(out, files)
    pages = sum(1 for path in files if path.endswith(".md"))
    print(
        f"{out.as_posix()}/: mkdocs.yml and {pages} pages in {DOCS}/; build it with "
        f"`zensical build` or `mkdocs build` in {out.as_posix()}"
    )
    if result.report.errors:
        print(
            f"the knowledge base has {result.report.errors} error"
            f"{'' if result.report.errors == 1 else 's'}: run `skillbook check`",
            file=sys.stderr,
        )
    return EXIT_PROBLEMS if result.report.errors else EXIT_OK


EXPORTS = {
    "bundles": _export_bundles,
    "claude-plugin": _export_bundles,  # the same bundles, laid out as a plugin marketplace
    "markdown": _export_markdown,
}
"""`skillbook export --format`: each format's writer, (args, root, out) -> exit code."""


def cmd_export(args: argparse.Namespace) -> int:
    """Write the export `--format` names into `--out`."""
    from skillbook.engines import check_engine

    root = _root(args.root)
    for problem in check_engine(root):  # the refusal `check` reports, where it bears most
        print(f"note: {problem}", file=sys.stderr)
    code: int = EXPORTS[args.format](args, root, Path(args.out))
    return code


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `skillbook` command."""
    parser = _Parser(
        prog="skillbook", description="Check and publish a knowledge base of skills and patterns."
    )
    parser.add_argument("--version", action="version", version=f"skillbook {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="report every problem at its file and line")
    check.add_argument("root", nargs="?", default=".", help="the repository root (default: .)")
    check.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="output format")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except SkillbookError as exc:
        print(f"skillbook: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
