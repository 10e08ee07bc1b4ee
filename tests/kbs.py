"""Knowledge bases shaped like real public skill repositories, as file trees for `write_tree`.

Each function returns `{repo-relative path: text}` with the recommended `mkdocs.yml` (Material
without its font service, search, tags and skillbook), so a real `mkdocs build` runs offline.
"""

from __future__ import annotations

Tree = dict[str, str | bytes]


def mkdocs_yml(
    site_name: str,
    description: str,
    options: str = "",
    *,
    features: tuple[str, ...] = ("navigation.indexes", "navigation.prune", "navigation.sections"),
) -> str:
    """The recommended configuration; `options` are extra lines of the skillbook plugin."""
    plugin = "  - skillbook:\n      elixir_check: false\n"
    for line in options.splitlines():
        plugin += f"      {line}\n"
    return (
        f"site_name: {site_name}\n"
        f"site_description: {description}\n"
        "site_url: https://kb.example.org/\n"
        "theme:\n"
        "  name: material\n"
        "  font: false\n"
        "  features:\n" + "".join(f"    - {feature}\n" for feature in features) + "plugins:\n"
        "  - search\n"
        "  - tags\n" + plugin + "markdown_extensions:\n"
        "  - admonition\n"
        "  - toc:\n"
        "      permalink: true\n"
        "  - pymdownx.superfences\n"
    )


def skill(name: str, description: str, body: str, *, metadata: str = "") -> str:
    """A SKILL.md with valid frontmatter (`metadata` lines go under `metadata:`)."""
    meta = "metadata:\n" + "".join(f"  {line}\n" for line in metadata.splitlines())
    return (
        f"---\nname: {name}\ndescription: {description}\n"
        + (meta if metadata else "")
        + f"---\n# {name}\n\n{body}\n"
    )


def _home(title: str) -> Tree:
    return {
        "docs/index.md": f"# {title}\n\nThe skills of this repository.\n",
        "docs/tags.md": "# Tags\n\n<!-- material/tags -->\n",
    }


def messy() -> Tree:
    """A repository as people write them: skills without frontmatter, a `skill.md` in lower
    case, a README.md at the top of skills/, raw HTML, and dozens of broken links (to files
    that moved, and GitHub-style anchors that the site's slugs do not match)."""
    broken = "\n".join(
        f"- [Step {i}](../gone-{i}/SKILL.md) and [section {i}](#{i}-step-{i}-run-claude--p)"
        for i in range(1, 16)
    )
    tree: Tree = {
        "mkdocs.yml": mkdocs_yml("Messy skills", "Skills collected from many places."),
        **_home("Messy skills"),
        "skills/README.md": "# Skills\n\nCopy a folder into `~/.claude/skills/`.\n",
        "skills/no-frontmatter/SKILL.md": (
            "# No frontmatter\n\nA skill written before frontmatter existed.\n\n"
            "See [the controllers](../phoenix_controllers.md).\n"
        ),
        "skills/lower-case/skill.md": (
            "---\nname: lower-case\ndescription: Named skill.md, not SKILL.md.\n---\n# Lower\n"
        ),
        "skills/pipelines/SKILL.md": skill(
            "pipelines",
            "Run assistants in pipelines. Use when scripting several steps.",
            '<div align="center">\n\n<strong>Pipelines</strong><br>\n\n</div>\n\n'
            "<details>\n<summary>Contents</summary>\n\n"
            "- [Sequential](#1-sequential-pipeline-claude--p)\n\n</details>\n\n"
            "## 1. Sequential pipeline (`claude -p`)\n\nRun one step after the other, "
            "<kbd>Ctrl</kbd>+<kbd>C</kbd> to stop.\n\n"
            "## 2. Fan out\n\nSee [controllers](../../patterns/phoenix_controllers.md) and "
            f"[the old guide](../../docs/old-guide.md).\n\n{broken}\n",
            metadata="tags: pipelines, automation",
        ),
        "patterns/phoenix_controllers.md": (
            "---\ntitle: Phoenix controllers\nsummary: Thin controllers that call contexts.\n---\n"
            "# Phoenix controllers\n\n## Actions\n\nKeep them small.\n"
        ),
    }
    return tree


def skills_only() -> Tree:
    """Only skills/: no patterns, no session logs, no roadmap."""
    tree: Tree = {
        "mkdocs.yml": mkdocs_yml("Writing skills", "Skills for technical writers."),
        **_home("Writing skills"),
    }
    for name, what in [
        ("changelog", "Write a changelog entry. Use when a release is cut."),
        ("release-notes", "Draft release notes. Use before a release."),
        ("style-guide", "Apply the house style. Use when editing prose."),
    ]:
        tree[f"skills/{name}/SKILL.md"] = skill(
            name, what, f"Steps for {name}.\n\nSee [style](../style-guide/SKILL.md).\n"
        )
    return tree


def nested(*, with_mkdocs_yml: bool = True) -> Tree:
    """Skills in a plugin's folder (`plugins/core/skills/<name>/SKILL.md`), configured with
    `skills_dir`; without mkdocs.yml, as the command line finds such a repository."""
    tree: Tree = {
        **_home("Core plugin"),
        "README.md": "# Core plugin\n",
        "plugins/core/skills/commit/SKILL.md": skill(
            "commit", "Write commit messages. Use when committing.", "Say what changed."
        ),
        "plugins/core/skills/review/SKILL.md": skill(
            "review",
            "Review a pull request. Use when asked for a review.",
            "First read [commit](../commit/SKILL.md).",
            metadata="tags: review",
        ),
    }
    if with_mkdocs_yml:
        tree["mkdocs.yml"] = mkdocs_yml(
            "Core plugin", "The core plugin's skills.", "skills_dir: plugins/core/skills"
        )
    return tree


def many(n: int = 230, *, fields_on_top: bool = False) -> Tree:
    """`n` valid skills with tags and the extra frontmatter fields some clients read
    (`version`, `homepage` under metadata), and a few patterns they link. With
    `fields_on_top`, those fields sit at the top of the frontmatter, as many public
    repositories write them (each an unknown field, KB203)."""
    tree: Tree = {
        "mkdocs.yml": mkdocs_yml("Many skills", "A large collection of skills."),
        **_home("Many skills"),
    }
    topics = ["testing", "security", "data", "frontend", "ops"]
    for i in range(n):
        name = f"skill-{i:03d}"
        topic = topics[i % len(topics)]
        extra = f'version: "1.{i}.0"\nhomepage: https://example.org/{name}'
        text = skill(
            name,
            f"Do task {i} in {topic}. Use when working on {topic} task {i}.",
            f"## Steps\n\n1. Read the [{topic} pattern](../../patterns/{topic}.md).\n"
            f"2. Do the work.\n\n## Notes\n\nMore about task {i}.\n",
            metadata=f"tags: {topic}, batch-{i % 3}" + ("" if fields_on_top else f"\n{extra}"),
        )
        if fields_on_top:
            text = text.replace("\nmetadata:", f"\n{extra}\nmetadata:", 1)
        tree[f"skills/{name}/SKILL.md"] = text
    for topic in topics:
        tree[f"patterns/{topic}.md"] = (
            f"---\ntitle: {topic.capitalize()}\nsummary: How {topic} work is done.\n"
            f"tags: [{topic}]\n---\n# {topic.capitalize()}\n\n## Steps\n\nDo it.\n"
        )
    return tree
