"""Plain frontmatter read without libyaml gives what libyaml gives, or is left to it."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from skillbook.frontmatter import parse_yaml, read_plain, split
from skillbook.plain_yaml import NOT_STRINGS
from skillbook.yaml_compose import _Loader, parse_composed

from .conftest import REPO

STRING = "tag:yaml.org,2002:str"

KEYS = [
    "name",
    "description",
    "tags",
    "metadata",
    "a-b",
    "_x",
    "key1",
    "on",
    "yes",
    "No",
    "null",
    "True",
    "y",
    "n",
    "x" * 200,
]
VALUES = [
    "plain words",
    "Use when: x",
    "C# code",
    "a #comment",
    "a:b",
    "ends:",
    "yes",
    "no",
    "Off",
    "null",
    "NULL",
    "~",
    "123",
    "1.5",
    ".inf",
    "-dash",
    "* star",
    "&anchor",
    "*alias",
    "!tag",
    "%x",
    "@x",
    "`tick`",
    "é unicode",
    "trailing  ",
    "'single'",
    "'it''s'",
    '"double"',
    '"with \\\\ escape"',
    '"a" b',
    "'a' # c",
    "[a, b]",
    "[yes]",
    "[]",
    "[ a , b ]",
    "[a b]",
    "[a,]",
    '["q"]',
    "{a: b}",
    "Bash(git:*)",
    "a\tb",
    "a\u2028b",
    "a\x85b",
    "x\ufeffy",
    "| block",
    "> folded",
    "it's",
    'say "hi"',
    "[a, [b]]",
    "=",
    "<<",
    "",
    "Tab\there",
    "a  b",
    "Ünïcode wörds",
    "x" * 1100,
    "a [b] {c}, d",
    "a - b ? c | d > e & f * g ! h % i @ j ` k",
    "a\\b",
    "x é",
    "a :",
    "a\xa0b",
    "a'b\"c",
    "x:y: z",
]


def _line(key: str, sep: str, value: str, indent: str) -> str:
    return f"{indent}{key}{sep}{value}"


lines = st.builds(
    _line,
    st.sampled_from(KEYS),
    st.sampled_from([": ", ":", ":  ", " : ", ":\t"]),
    st.sampled_from(VALUES),
    st.sampled_from(["", "", "", "  ", "  ", "   ", " ", "\t", "- "]),
)
texts = st.lists(
    st.one_of(lines, st.sampled_from(["", "# comment", "- item", "  - item", "---", "..."])),
    min_size=0,
    max_size=8,
).map("\n".join)


def _typed(value: Any) -> Any:
    """`value` with the type of every part, so `True` and `"True"` or 1 and True differ."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, value)


def _same_as_libyaml(text: str) -> bool:
    """Whether `text` was read here (else None), asserting it reads as libyaml reads it."""
    plain = read_plain(text, 2)
    if plain is None:
        return False
    composed = parse_composed(text, 2)
    assert composed.error is None, composed.error
    assert composed.duplicates == ()
    assert _typed(composed.data) == _typed(plain[0])
    assert composed.key_lines == plain[1]
    return True


@settings(max_examples=1500, deadline=None)
@given(text=texts)
@example(text='name: x\ndescription: Use when a b.\nmetadata:\n  tags: "a, b"')
@example(text="a:\nb: c")
@example(text="a:\n  b: c\n  d: [e, f]\ng: h")
@example(text="a:\n  b: c\n   d: e")
def test_plain_frontmatter_reads_as_libyaml_reads_it(text: str) -> None:
    _same_as_libyaml(text)
    assert parse_yaml(text, 2) == parse_composed(text, 2)


@pytest.mark.parametrize(
    "text",
    [
        "name: retry\ndescription: Retry failed calls. Use when a call fails.",
        "title: Backoff\nsummary: Wait, then retry.\ntags: [otp, retry]",
        "name: x\nmetadata:\n  tags: \"a, b\"\n  version: '2'",
        "name: x\nlicense:\ncompatibility: Needs Elixir 1.17 or later",
    ],
)
def test_the_usual_frontmatter_is_read_without_libyaml(text: str) -> None:
    assert _same_as_libyaml(text)


@pytest.mark.parametrize(
    "text",
    [
        "on: push",  # a key PyYAML reads as True
        "name: yes",  # a value it reads as True
        "version: 1.0",  # a number
        "description: Use when: x",  # a mapping inside a plain scalar: an error
        "name: x # a comment",
        "name: x\n\ntitle: y",  # a blank line
        "name: x\nname: y",  # a duplicate
        "tags:\n  - a",  # a block list
        "name: 'it''s'",  # an escape
        "a:\n  b:\n    c: d",  # two levels in
        "name:\tx",
    ],
)
def test_anything_else_is_left_to_libyaml(text: str) -> None:
    assert read_plain(text, 2) is None
    assert parse_yaml(text, 2) == parse_composed(text, 2)


def test_every_frontmatter_of_this_repository_reads_as_libyaml_reads_it() -> None:
    read_plainly = 0
    files = [
        *REPO.glob("skills/*/SKILL.md"),
        *REPO.glob("patterns/*.md"),
        *REPO.glob("sessions/*.md"),
    ]
    for path in files:
        parts = split(path.read_text(encoding="utf-8"))
        if parts.yaml_text is not None:
            read_plainly += _same_as_libyaml(parts.yaml_text)
    assert files and read_plainly >= len(files) // 2  # most of it is plain


def _resolves_to_string(word: str) -> bool:
    """Whether the loader that composes frontmatter reads the plain scalar `word` as a string."""
    loader = _Loader("")
    try:
        return bool(loader.resolve(yaml.ScalarNode, word, (True, False)) == STRING)
    finally:
        loader.dispose()


def test_the_words_read_as_other_types_are_pyyamls() -> None:
    # every resolver for a scalar starting with a letter or `_` is for booleans or null…
    firsts = {
        first
        for first in _Loader.yaml_implicit_resolvers
        if first is None or first == "_" or (first.isascii() and first.isalpha())
    }
    assert None not in firsts
    assert firsts == set("yYnNtTfFoO")
    assert {tag for first in firsts for tag, _ in _Loader.yaml_implicit_resolvers[first]} == {
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
    }
    # …and every word those resolvers take is one of plain_yaml's
    for word in NOT_STRINGS:
        assert not _resolves_to_string(word), word
    assert not _Loader.yaml_path_resolvers


@pytest.mark.parametrize("word", ["y", "n", "yes", "no", "true", "false", "on", "off", "null"])
def test_every_casing_of_yaml_11_booleans_and_null_is_read_as_pyyaml_reads_it(word: str) -> None:
    for letters in itertools.product(*((c.lower(), c.upper()) for c in word)):
        variant = "".join(letters)
        assert (variant not in NOT_STRINGS) == _resolves_to_string(variant), variant


@settings(max_examples=800, deadline=None)
@given(
    word=st.one_of(
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,6}", fullmatch=True),
        st.sampled_from(sorted(NOT_STRINGS)).map(lambda w: w + "x"),
        st.sampled_from(["y", "Y", "n", "N", "yES", "nULL", "oN", "TRue", "Off", "ofF", "_"]),
    )
)
def test_a_plain_word_is_a_string_exactly_when_pyyaml_says_so(word: str) -> None:
    assert (word not in NOT_STRINGS) == _resolves_to_string(word)


def test_plain_frontmatter_is_checked_without_importing_pyyaml(tmp_path: Path) -> None:
    skill = "---\nname: retry\ndescription: Retry calls. Use when a call fails.\n---\n# Retry\n"
    (tmp_path / "skills" / "retry").mkdir(parents=True)
    (tmp_path / "skills" / "retry" / "SKILL.md").write_text(skill, encoding="utf-8")
    probe = (
        "import sys; from skillbook.cli import main; main(['check', '--no-elixir', sys.argv[1]]); "
        "print(sorted(m for m in sys.modules if m == 'yaml' or m.startswith('yaml.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"
    # frontmatter that is not plain brings it in, and is read the same
    (tmp_path / "skills" / "retry" / "SKILL.md").write_text(
        skill.replace("name: retry", "name: retry\nmetadata: {version: '1'}"), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert "'yaml'" in done.stdout.splitlines()[-1]
    assert done.stdout.splitlines()[0] == "0 errors, 0 warnings in 1 file"


def test_keys_are_one_string_across_files() -> None:
    """Every file's `name` key is the same string object: a batch of documents sent from a
    reading process pickles it once, and the parent holds one copy."""
    first = read_plain("name: a\nmetadata:\n  tags: x", 2)
    second = read_plain("name: b\nmetadata:\n  tags: y", 2)
    assert first is not None and second is not None
    (name_1, *_), (name_2, *_) = first[0], second[0]
    assert name_1 == name_2 == "name" and name_1 is name_2
    lines_1, lines_2 = list(first[1]), list(second[1])
    assert lines_1[-1] == "metadata.tags" and lines_1[-1] is lines_2[-1]
