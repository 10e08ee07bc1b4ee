"""Hypothesis strategies: random frontmatter, Markdown bodies and whole knowledge bases.

Shared by tests/test_properties.py and bench/bench_fuzz.py. A knowledge base is drawn as a
mapping of repo-relative path to text or bytes, ready for `tests.conftest.write_tree`.
"""

from __future__ import annotations

import functools
import posixpath
from typing import Any

import yaml
from hypothesis import strategies as st

Files = dict[str, str | bytes]

# every field the schemas know, so random frontmatter often hits a real rule
KEYS = (
    "name",
    "description",
    "license",
    "compatibility",
    "allowed-tools",
    "metadata",
    "title",
    "summary",
    "tags",
    "date",
    "phase",
    "hours",
    "completed",
)

# characters YAML or Markdown give a meaning to, or that readers choke on
SPECIAL = (
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffe",
    "\U0001f600",
    "é",
    "e\u0301",
    ":",
    "#",
    "'",
    '"',
    "&",
    "*",
    "!",
    "|",
    ">",
    "-",
    "[",
    "]",
    "{",
    "}",
    "%",
    "`",
    "\\",
)


_CHARS = st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL))


@functools.cache
def texts(max_size: int = 20) -> st.SearchStrategy[str]:
    """Arbitrary unicode (control characters, no surrogates), salted with special characters."""
    return st.lists(_CHARS, max_size=max_size).map("".join)


# ----------------------------------------------------------------------------- frontmatter

TRICKY_STRINGS = (
    "",
    " ",
    "valid-name",
    "Valid Title",
    "2026-01-08",
    "2026-13-40",
    "2026-02-30",
    "yes",
    "no",
    "~",
    "null",
    "1e400",
    ".nan",
    "2.10",
    "0x1F",
    "1_000",
    "a, b,,c",
    "line\nbreak",
    "---",
    "--- x",
    "a" * 65,
    "d" * 1025,
)

scalars: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(10**400), 10**400),  # beyond any float
    st.floats(),
    st.dates(),
    st.datetimes(),
    texts(),
    st.sampled_from(TRICKY_STRINGS),
)

map_keys: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(KEYS), texts(10), st.integers(), st.booleans(), st.none()
)

values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(map_keys, children, max_size=4)
    ),
    max_leaves=12,
)

frontmatter_data: st.SearchStrategy[Any] = st.one_of(
    st.dictionaries(map_keys, values, max_size=8),
    st.dictionaries(map_keys, values, max_size=8),
    values,  # a list or a scalar: not a mapping
)


@st.composite
def dumped(draw: st.DrawFn, data: st.SearchStrategy[Any] = frontmatter_data) -> str:
    """`data` serialised by yaml.safe_dump in one of its styles."""
    return yaml.safe_dump(
        draw(data),
        allow_unicode=draw(st.booleans()),
        sort_keys=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([False, None, True])),
        width=draw(st.sampled_from([80, 20, 10_000])),
    )


YAML_PIECES = (
    "key: ",
    "- ",
    ": ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "'",
    '"',
    "''",
    "&a ",
    "*a",
    "*b",
    "&a [*a]",
    "&b {k: *b}",
    "<<: *a\n",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!null ",
    "!!timestamp ",
    "!!binary ",
    "!!set ",
    "!!omap ",
    "!!python/object:os.system ",
    "!local ",
    "!<tag:x> ",
    "? ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "#",
    "|",
    "|-\n",
    ">",
    "\n---\n",
    "---",
    "...",
    "%YAML 1.1\n",
    "%TAG ! tag:x:\n",
    "@",
    "`",
    "\\",
    "\x00",
    "\x85",
    "\u2028",
    "\ufeff",
)

_COMMON_YAML = st.one_of(
    st.sampled_from(YAML_PIECES),
    st.sampled_from(KEYS).map(lambda key: f"\n{key}: "),
    texts(8),
    st.sampled_from(TRICKY_STRINGS),
)
_RARE_YAML = st.one_of(
    st.sampled_from([1, 2, 10, 100, 1000, 5000]).map(lambda n: "[" * n + "]" * n),
    st.sampled_from([300, 4300, 4301, 5000]).map(lambda n: "9" * n),  # int digit limit
)


@st.composite
def _yaml_piece(draw: st.DrawFn) -> str:
    """Mostly short pieces; now and then a deep nesting or a very long number."""
    return draw(_RARE_YAML if draw(st.integers(0, 49)) == 0 else _COMMON_YAML)


raw_yaml: st.SearchStrategy[str] = st.lists(_yaml_piece(), max_size=25).map("".join)


# ----------------------------------------------------------------------------- Markdown

LINK_TARGETS = (
    "",
    "#",
    "#intro",
    "#Intro",
    "#a_b",
    "x.md",
    "x.md#",
    "../x.md",
    "../../x.md",
    "../../../../etc/passwd",
    "./SKILL.md",
    "SKILL.md#top",
    "references/notes.md",
    "../../patterns/alpha.md",
    "../../patterns/alpha.md#notes",
    "../patterns/alpha.md",
    "../alpha/SKILL.md",
    "../../skills/alpha/SKILL.md#intro",
    "skills/",
    "/abs/path.md",
    "\\windows\\path.md",
    "C:\\x.md",
    "c:/x.md",
    "file:///etc/passwd",
    "//host/x.md",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<b>x</b>",
    "mailto:a@b",
    "http://x y/a%20b",
    "https://example.com/a b.md",
    "a%20b.md",
    "%2e%2e/%2e%2e/x.md",
    "%zz.md",
    "%",
    "caf%C3%A9.md",
    "x.md?raw=1#a",
    "?q",
    "<a b.md>",
    "<>",
    "x.md#a#b",
    "img.png",
)

path_parts = st.sampled_from(
    ["..", ".", "", "skills", "patterns", "sessions", "alpha", "SKILL.md", "README.md", "a b.md"]
)

link_targets: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(LINK_TARGETS),
    st.lists(path_parts, min_size=1, max_size=5).map("/".join),
    st.tuples(st.lists(path_parts, min_size=1, max_size=4).map("/".join), texts(6)).map(
        lambda pair: f"{pair[0]}#{pair[1]}"
    ),
    texts(12),
)

SOUP = (
    *("[", "]", "(", ")", "](", "![", "]:", "][", "<", ">", "\\", "*", "_", "**", "{#", "}"),
    *("&amp;", "&#x0;", "<span>", "\n", " ", "  ", "\t", "`", "~~~", "```"),
)


_INLINE_KINDS = st.sampled_from(["text", "link", "image", "ref", "def", "code", "soup"])
_SOUP = st.lists(st.sampled_from(SOUP), max_size=6).map("".join)
_TICKS = st.integers(0, 4)
_LABELS = st.one_of(st.sampled_from(["a", "ref", "A B", "", "[x]"]), texts(6))
_TITLES = st.sampled_from(["", ' "t"', " 't'", " (t)", ' "unclosed'])
_BLOCK_KINDS = st.sampled_from(["atx", "setext", "para", "para", "fence", "item", "quote", "rule"])
_HEADING_SPACE = st.sampled_from([" ", "", "  ", "\t"])
_ATTRS = st.sampled_from(["", " {#custom}", " {: #other .cls }", " {#}", " {.cls}", " {#a b}"])
_CLOSING_HASHES = st.sampled_from(["", " #", " ###", "#"])
_FENCE_INFO = st.sampled_from(["", "elixir", "python title='x'", "{.elixir}", "`x`"])
_ITEM = st.sampled_from(["- ", "* ", "1. ", "  - "])
_RULE = st.sampled_from(["---", "***", "___", "===", "- - -"])
_BLOCK_SEP = st.sampled_from(["\n\n", "\n\n", "\n", "\r\n", "\n\n\n", ""])


@st.composite
def inline(draw: st.DrawFn, targets: st.SearchStrategy[str] = link_targets) -> str:
    """One inline piece: words, a link, an image, a reference, a code span or bracket soup."""
    kind = draw(_INLINE_KINDS)
    if kind == "text":
        return draw(texts(12))
    if kind == "soup":
        return draw(_SOUP)
    if kind == "code":
        return "`" * (draw(_TICKS) + 1) + draw(texts(8)) + "`" * draw(_TICKS)
    label = draw(_LABELS)
    target = draw(targets)
    if draw(st.booleans()):
        target = f"<{target}>"
    title = draw(_TITLES)
    if kind == "link":
        return f"[{label}]({target}{title})"
    if kind == "image":
        return f"![{label}]({target}{title})"
    if kind == "ref":
        return f"[{draw(texts(6))}][{label}]"
    return f"\n{' ' * draw(_TICKS)}[{label}]: {target}{title}\n"


def paragraphs(
    targets: st.SearchStrategy[str] = link_targets, max_size: int = 8
) -> st.SearchStrategy[str]:
    """A run of inline pieces."""
    return st.lists(inline(targets), max_size=max_size).map("".join)


_PARAGRAPHS = paragraphs()


@st.composite
def block(draw: st.DrawFn, text: st.SearchStrategy[str] = _PARAGRAPHS) -> str:
    """One block: heading (ATX or setext), paragraph, fenced code, list, quote, rule."""
    kind = draw(_BLOCK_KINDS)
    if kind == "atx":
        hashes = "#" * draw(st.integers(1, 7))
        indent = " " * draw(_TICKS)
        heading = f"{draw(_HEADING_SPACE)}{draw(text)}{draw(_ATTRS)}{draw(_CLOSING_HASHES)}"
        return f"{indent}{hashes}{heading}"
    if kind == "setext":
        bar = draw(st.sampled_from("=-")) * draw(st.integers(1, 5))
        return f"{draw(text)}\n{' ' * draw(_TICKS)}{bar}"
    if kind == "fence":
        marker = draw(st.sampled_from("`~")) * draw(st.integers(3, 5))
        indent = " " * draw(_TICKS)
        content = "\n".join(draw(st.lists(text, max_size=3)))
        closing = draw(
            st.sampled_from([marker, marker + draw(st.sampled_from("`~")), "```", "~~~", ""])
        )
        return f"{indent}{marker}{draw(_FENCE_INFO)}\n{content}\n{indent}{closing}"
    if kind == "item":
        return f"{draw(_ITEM)}{draw(text)}"
    if kind == "quote":
        return f"> {draw(text)}"
    if kind == "rule":
        return draw(_RULE)
    return draw(text)


@st.composite
def bodies(
    draw: st.DrawFn, targets: st.SearchStrategy[str] = link_targets, max_blocks: int = 8
) -> str:
    """A Markdown body: blocks joined by random line breaks."""
    pieces = block(paragraphs(targets, max_size=max_blocks))
    parts: list[str] = []
    for piece in draw(st.lists(pieces, max_size=max_blocks)):
        parts.append(piece)
        parts.append(draw(_BLOCK_SEP))
    return "".join(parts)


# ----------------------------------------------------------------------------- files


_SHAPES = st.sampled_from(["closed", "closed", "closed", "closed", "unclosed", "none", "spaces"])
_NEWLINES = st.sampled_from(["\n", "\n", "\n", "\n", "\r\n", "\r"])
_DUMPED = dumped()


@st.composite
def documents(
    draw: st.DrawFn,
    frontmatter: st.SearchStrategy[str] = _DUMPED,
    targets: st.SearchStrategy[str] = link_targets,
    max_blocks: int = 8,
) -> str:
    """A whole Markdown file: frontmatter (valid, odd or broken) and a body."""
    choice = draw(st.integers(0, 4))
    yaml_text = draw(raw_yaml if choice == 0 else _DUMPED if choice == 1 else frontmatter)
    if yaml_text and not yaml_text.endswith("\n"):
        yaml_text += "\n"
    body = draw(bodies(targets, max_blocks))
    if draw(st.integers(0, 49)) == 0:
        body += "long\n" * 501  # over the skill size limit
    shape = draw(_SHAPES)
    if shape == "closed":
        text = f"---\n{yaml_text}---\n{body}"
    elif shape == "unclosed":
        text = f"---\n{yaml_text}{body}"
    elif shape == "spaces":
        text = f"--- \t\n{yaml_text}---  \n{body}"
    else:
        text = body
    newline = draw(_NEWLINES)
    if newline != "\n":
        text = text.replace("\n", newline)
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    return text


_MANGLE_KINDS = st.sampled_from(["binary", "edit", "edit", "edit", "utf16", "latin1"])
_BAD_BYTES = st.sampled_from(
    [
        b"\x00",
        b"\xff",
        b"\xc3(",
        b"\xed\xa0\x80",  # an encoded surrogate
        b"\xe2\x82",  # a truncated sequence
        b"\xef\xbb\xbf",
        b"\r",
        b"\r\n",
        b"\n",
    ]
)
_LINE_ENDS = st.sampled_from([b"\r\n", b"\r", b"\n\r"])


@st.composite
def mangled(draw: st.DrawFn, text: st.SearchStrategy[str]) -> bytes:
    """Bytes of a file gone wrong: invalid UTF-8, NUL, BOMs, CRLF or lone CR, UTF-16."""
    kind = draw(_MANGLE_KINDS)
    if kind == "binary":
        return draw(st.binary(max_size=200))
    source = draw(text)
    if kind == "utf16":
        return source.encode("utf-16")
    if kind == "latin1":
        return source.encode("latin-1", errors="replace")
    data = source.encode("utf-8")
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(_BAD_BYTES) + data[at:]
    if draw(st.booleans()):
        data = data.replace(b"\n", draw(_LINE_ENDS))
    return data


NAMES = (
    "alpha",
    "beta-two",
    "gamma_three",
    "Delta",
    "README",
    "SKILL",
    "index",
    "a" * 70,
    "café",
    "with space",
    "x.y",
    "-lead",
    "_hidden",
    ".dot",
    "UPPER_case",
)

names: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(NAMES),
    st.text(
        st.characters(codec="utf-8", exclude_characters="/\x00"),
        min_size=1,
        max_size=12,
    ).filter(lambda s: s not in (".", "..") and len(s.encode()) < 100),
)


@st.composite
def mostly(
    draw: st.DrawFn, good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any] = scalars
) -> Any:
    """Usually a value from `good`; now and then (about one draw in three) one from `bad`."""
    return draw(bad if draw(st.integers(0, 4)) == 0 else good)


def _skill_fields(folder: str, others: list[str]) -> st.SearchStrategy[str]:
    plausible = st.fixed_dictionaries(
        {
            "name": mostly(st.sampled_from([folder, *others])),
            "description": mostly(texts(40)),
        },
        optional={
            "license": mostly(st.just("MIT")),
            "compatibility": scalars,
            "allowed-tools": mostly(st.just("Bash Read")),
            "metadata": mostly(
                st.dictionaries(st.sampled_from(["tags", "author"]), texts(10), max_size=2),
                values,
            ),
        },
    )
    return dumped(plausible)


TITLES = ("Retry", "retry", "Circuit breaker")  # so two patterns sometimes share a title


def _pattern_fields() -> st.SearchStrategy[str]:
    plausible = st.fixed_dictionaries(
        {
            "title": mostly(st.one_of(texts(20), st.sampled_from(TITLES))),
            "summary": mostly(texts(40)),
        },
        optional={"tags": mostly(st.lists(texts(6), max_size=3), values)},
    )
    return dumped(plausible)


def _session_fields(date: str, phases: list[int], tasks: list[str]) -> st.SearchStrategy[str]:
    plausible = st.fixed_dictionaries(
        {
            "date": mostly(st.just(date)),
            "phase": mostly(st.sampled_from([*phases, 1, 99])),
        },
        optional={
            "hours": mostly(st.floats(0, 12)),
            "completed": mostly(
                st.lists(st.sampled_from([*tasks, "9.9", "1.1"]), max_size=3), values
            ),
        },
    )
    return dumped(plausible)


@st.composite
def _roadmap(draw: st.DrawFn, files: list[str]) -> tuple[str, list[int], list[str]]:
    """A roadmap that mostly follows the schema, its phase ids and its task ids."""
    paths = st.sampled_from([*files, "skills/x/SKILL.md", "docs/x.md", "../x.md"])
    task = st.fixed_dictionaries(
        {
            "id": mostly(st.sampled_from(["1.1", "1.2", "2.1", "2.10"])),
            "title": mostly(st.just("A task")),
            "priority": mostly(st.sampled_from(["high", "medium", "low"])),
            "files": mostly(st.lists(paths, max_size=4), values),
        },
        optional={
            "estimate_hours": mostly(st.floats(0, 40)),
            "blocked": mostly(st.just("waiting")),
            "extra": values,
        },
    )
    phase = st.fixed_dictionaries(
        {
            "id": mostly(st.integers(0, 3)),
            "title": mostly(st.just("A phase")),
            "tasks": mostly(st.lists(task, max_size=3), values),
        }
    )
    data = draw(st.fixed_dictionaries({"phases": mostly(st.lists(phase, max_size=3), values)}))
    listed = (
        [p for p in data["phases"] if isinstance(p, dict)]
        if isinstance(data["phases"], list)
        else []
    )
    phases = [p.get("id") for p in listed]
    tasks = [
        t["id"]
        for p in listed
        if isinstance(p.get("tasks"), list)
        for t in p["tasks"]
        if isinstance(t, dict) and isinstance(t.get("id"), str)
    ]
    text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False)
    return text, [p for p in phases if isinstance(p, int)], tasks


def _without_clashes(files: Files) -> Files:
    """Drop files whose path is also a folder of another file."""
    folders = {posixpath.dirname(path) for path in files}
    folders |= {f for path in folders for f in _parents(path)}
    return {path: content for path, content in files.items() if path not in folders}


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


KB_BLOCKS = 4  # blocks per body in a knowledge base: many files, each kept short


@st.composite
def knowledge_bases(draw: st.DrawFn, broken_bytes: bool = False) -> Files:
    """A small random knowledge base: skills, patterns, session logs, READMEs and a roadmap.

    With `broken_bytes`, any skill, pattern or session file may be invalid bytes instead.
    """
    folders = draw(st.lists(names, max_size=4, unique=True))
    pattern_ids = draw(st.lists(names, max_size=5, unique=True))
    skill_files = {
        folder: draw(st.sampled_from(["SKILL.md"] * 6 + ["skill.md", "Skill.md", "README.md"]))
        for folder in folders
    }
    skill_paths = [f"skills/{folder}/{name}" for folder, name in skill_files.items()]
    pattern_paths = [f"patterns/{pid}.md" for pid in pattern_ids]
    known = [*skill_paths, *pattern_paths]
    # links that can hit the generated files, from a skill (two folders down) or a pattern
    near = [f"../../{path}" for path in known] + [f"../{path}" for path in known]
    anchors = st.sampled_from(["", "#intro", "#notes", "#custom", "#notes_1", "#x"])
    targets = st.one_of(
        link_targets,
        st.tuples(st.sampled_from(near), anchors).map("".join) if near else link_targets,
    )

    def content(fields: st.SearchStrategy[str]) -> str | bytes:
        text = documents(fields, targets, KB_BLOCKS)
        if broken_bytes and draw(st.booleans()):
            return draw(mangled(text))
        return draw(text)

    files: Files = {}
    roadmap_kind = draw(st.sampled_from(["none", "plausible", "plausible", "raw"]))
    roadmap, phases, tasks = draw(_roadmap(known)) if roadmap_kind == "plausible" else ("", [], [])
    for folder, name in skill_files.items():
        files[f"skills/{folder}/{name}"] = content(_skill_fields(folder, folders))
        extras = st.sampled_from(["references/notes.md", "scripts/run.py", "deep/SKILL.md", "x.md"])
        for extra in draw(st.lists(extras, max_size=2)):
            files[f"skills/{folder}/{extra}"] = draw(
                documents(targets=targets, max_blocks=KB_BLOCKS)
            )
    for path in pattern_paths:
        files[path] = content(_pattern_fields())
    for _ in range(draw(st.integers(0, 3))):
        date = draw(st.dates()).isoformat()
        slug = draw(st.one_of(st.sampled_from(["work", "a-b", "Bad_Slug", ""]), names))
        path = draw(
            st.sampled_from(
                [
                    f"sessions/{date[:4]}/{date}-{slug}.md",
                    f"sessions/{date[:4]}/{date}-{slug}.md",
                    f"sessions/1999/{date}-{slug}.md",
                    f"sessions/{date}-{slug}.md",
                    f"sessions/{slug}.md",
                ]
            )
        )
        files[path] = content(_session_fields(date, phases, tasks))
    extra_files = st.sampled_from(
        [
            "skills/README.md",
            "patterns/README.md",
            "sessions/README.md",
            "skills/stray.md",
            "skills/_draft/SKILL.md",
            "skills/.hidden.md",
            "patterns/sub/nested.md",
            "patterns/_private.md",
            "patterns/.hidden.md",
            "patterns/_drafts/x.md",
            "patterns/image.png",
            "README.md",
        ]
    )
    for path in draw(st.lists(extra_files, max_size=3, unique=True)):
        files[path] = draw(documents(targets=targets, max_blocks=KB_BLOCKS))
    if roadmap_kind != "none":
        text = roadmap if roadmap_kind == "plausible" else draw(raw_yaml)
        broken = broken_bytes and draw(st.booleans())
        files["sessions/roadmap.yml"] = draw(mangled(st.just(text))) if broken else text
    return _without_clashes(files)


# ----------------------------------------------------------------------------- test inputs

frontmatter_inputs: st.SearchStrategy[str] = st.one_of(documents(), raw_yaml, _DUMPED, texts(200))
markdown_inputs: st.SearchStrategy[str] = st.one_of(bodies(), texts(200))
first_lines: st.SearchStrategy[int] = st.integers(1, 1000)
