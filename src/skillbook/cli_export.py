"""`skillbook export`: the knowledge base written for installers and other site engines."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skillbook.check_config import (
    CheckSettings,
    parse_codes,
    parse_severities,
    settings_from_options,
)
from skillbook.errors import SkillbookError
from skillbook.layout import read_layout, read_plugin_options
from skillbook.pipeline import Previous, analyse
from skillbook.schema import PROFILES

EXIT_OK, EXIT_PROBLEMS = 0, 1


def check_settings(root: Path, args: argparse.Namespace) -> CheckSettings:
    """The `checks` option of mkdocs.yml under `--select`, `--ignore` and `--severity`."""
    where = f"{root / 'mkdocs.yml'}: skillbook option 'checks'"
    settings = settings_from_options(read_plugin_options(root).get("checks"), where=where)
    select = getattr(args, "select", None)
    return settings.with_command_line(
        select=None if select is None else parse_codes(select, where="--select"),
        ignore=parse_codes(getattr(args, "ignore", None) or "", where="--ignore"),
        severity=parse_severities(getattr(args, "severity", None) or "", where="--severity"),
    )


def profile_of(root: Path, args: argparse.Namespace) -> str:
    """`--profile`, else the `profile` option of mkdocs.yml, else the specification's."""
    given = getattr(args, "profile", None)
    if given is not None:
        return str(given)
    configured = read_plugin_options(root).get("profile", PROFILES[0])
    if configured not in PROFILES:
        raise SkillbookError(
            f"{root / 'mkdocs.yml'}: skillbook option 'profile' must be one of "
            f"{', '.join(PROFILES)}, not {configured!r}"
        )
    return str(configured)


def existing_root(value: str) -> Path:
    """The repository root given on the command line; SkillbookError when it is no folder."""
    root = Path(value)
    if not root.is_dir():
        raise SkillbookError(f"{value}: no such folder")
    return root


def previous_index(root: Path, where: str | None, site_url: str | None) -> Previous | None:
    """The previous discovery index to compare with (`--previous-index`), if one is given."""
    if where is None:
        return None
    from skillbook.changes import read_index
    from skillbook.layout import read_site

    configured, docs_dir = read_site(root)
    return Previous(read_index(where), site_url or configured, docs_dir)


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
    settings = check_settings(root, args)
    fields = check_frontmatter(kb, profile_of(root, args))  # the `profile` option
    skipped = install_problems(kb, settings.apply(chain(check_files(kb), fields)))
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
    if (previous := previous_index(root, args.previous_index, site_url)) is not None:
        changes, found = compare(previous.entries, zip(installable, bundles, strict=True))
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

    root = existing_root(args.root)
    for problem in check_engine(root):  # the refusal `check` reports, where it bears most
        print(f"note: {problem}", file=sys.stderr)
    code: int = EXPORTS[args.format](args, root, Path(args.out))
    return code
