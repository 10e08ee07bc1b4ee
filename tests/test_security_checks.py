"""KB701–KB704: invisible controls, hidden text, credentials and encoded payloads."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from skillbook import content_safety
from skillbook.content_safety import (
    INVISIBLE,
    SECRETS,
    invisible_problems,
    markup_findings,
    payload_problems,
    secret_problems,
)
from skillbook.pipeline import analyse

from .conftest import write_tree

Check = Callable[[str, int], Iterator[tuple[int, str]]]
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u2060"


def lines(check: Check, text: str, first_line: int = 1) -> list[int]:
    return [line for line, _ in check(text, first_line)]


def hidden_problems(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    """KB702's (line, message) findings, as the reader finds them with KB307."""
    return ((line, m) for line, code, m in markup_findings(body, first_line) if code == "KB702")


# --- KB701 ---


@pytest.mark.parametrize("char", CONTROLS)
def test_each_control_is_named(char: str) -> None:
    [(line, message)] = invisible_problems(f"ok\nx{char}y\n")
    assert line == 2
    assert f"U+{ord(char):04X} " in message


def test_one_report_per_line_in_code_too() -> None:
    text = "```\nif a\u202e \u2066b\u2069\u202e:\n```\n"
    [(line, message)] = invisible_problems(text)
    assert line == 2
    assert message.count("U+202E") == 1 and "U+2066 LEFT-TO-RIGHT ISOLATE" in message


def test_allowed_invisibles() -> None:
    assert lines(invisible_problems, "\ufeff---\nsoft\u00adhyphen 👩\u200d💻 👍🏽\n") == []
    assert lines(invisible_problems, "a\ufeffb") == [1]  # not at the start
    assert lines(invisible_problems, "join\u200dwords") == [1]  # not between emoji


# --- KB702 ---


def test_comments_and_hidden_elements_outside_code() -> None:
    body = (
        "<!-- one\ntwo -->\n"
        "`<!-- span -->` <div hidden>h</div>\n"
        "```\n<!-- fenced -->\n<p hidden>x</p>\n```\n"
        '<p style="visibility:hidden">v</p> <p style="font-size: 0px">f</p>\n'
        '<p style="font-size: 0.9em; opacity: .5">visible</p> <p style="OPACITY:0">o</p>\n'
    )
    assert lines(hidden_problems, body, 5) == [5, 7, 12, 12, 13]


def test_unclosed_comment_is_reported_once() -> None:
    assert lines(hidden_problems, "a\n<!-- never closed\n<!-- again", 1) == [2]


def test_hidden_text_only_in_skill_folders(tmp_path: Path) -> None:
    comment = "<!-- note -->\n"
    root = write_tree(
        tmp_path,
        {
            "skills/retry/SKILL.md": "---\nname: retry\ndescription: Retry.\n---\n"
            "[b](../../patterns/backoff.md)\n" + comment,
            "skills/retry/references/more.md": comment,
            "patterns/backoff.md": "---\ntitle: Backoff\nsummary: Wait.\n---\n"
            "[r](../skills/retry/SKILL.md)\n" + comment,
        },
    )
    got = [(d.path, d.line) for d in analyse(root).report.diagnostics if d.code == "KB702"]
    assert got == [("skills/retry/SKILL.md", 6), ("skills/retry/references/more.md", 1)]


# --- KB703 ---

KEYS = {
    "AWS access key id": "AKIA" + "ABCDEFGHIJ234567",
    "GitHub token": "gh" + "p_" + "a1" * 18,
    "GitHub fine-grained token": "github" + "_pat_" + "A1_" * 10,
    "Slack token": "xo" + "xb-" + "1234-abcd-efgh",
    "Anthropic API key": "sk" + "-ant-api03-" + "x" * 30,
    "OpenAI API key": "sk" + "-proj-" + "x" * 30,
    "Google API key": "AI" + "za" + "S" * 35,
    "private key": "-----BEGIN " + "EC PRIVATE KEY-----",
}


@pytest.mark.parametrize("kind", KEYS)
def test_each_key_format_is_found_in_prose_and_code(kind: str) -> None:
    key = KEYS[kind]
    [(line, message)] = secret_problems(f"text\n\n```sh\nexport X={key}\n```\n", 1)
    assert line == 4 and message.startswith(f"{kind} '{key[:4]}…'")
    assert key[4:] not in message
    assert lines(secret_problems, f"use {key} here") == [1]


def test_legacy_openai_key_and_word_boundaries() -> None:
    assert lines(secret_problems, "sk" + "-" + "Ab1" * 16) == [1]
    assert lines(secret_problems, "task" + "-" + "Ab1" * 16) == []
    assert lines(secret_problems, "AKIA" + "SHORT and $API_KEY, <your-key>, sk-...") == []


# --- KB704 ---


def test_payload_lengths_and_limits() -> None:
    base64 = "TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsu" * 6  # 216 characters
    assert [m for _, m in payload_problems(f"x\n{base64}==\n", 1)] == [
        "a base64 run of 218 characters: an encoded payload a reader cannot review; "
        "link the file it encodes or explain it"
    ]
    assert lines(payload_problems, "```\n" + "0a" * 64 + "\n```") == [2]
    assert lines(payload_problems, "0a" * 63) == []  # 126 hex digits
    assert lines(payload_problems, base64[:199]) == []
    assert lines(payload_problems, "a" * 500 + " " + "word" * 100) == []  # no digits
    assert lines(payload_problems, "src/" + "deep/" * 60) == []  # a path: no digits, no upper


# --- hostile input ---

HOSTILE = {
    "base64": "QUJDa1" * 175_000,
    "comments": "<!--" * 260_000,
    "tags": '<p style="opacity' * 60_000,
    "almost hex": ("0a" * 63 + " ") * 8_000,
    "key prefixes": "ghp_sk-AKIAxoxb-AIza" * 50_000,
    "private key headers": "-----BEGIN " * 95_000,
    "controls": "\u202e" * 1_000_000,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_is_checked_in_linear_time(name: str) -> None:
    """A guard against quadratic searches, not a speed target: CPU time (other processes on
    the machine do not count) for 1 MB stays within 2 s where quadratic work would take
    minutes."""
    text = HOSTILE[name]
    assert len(text) >= 900_000
    start = time.process_time()
    for check in (invisible_problems, secret_problems, payload_problems, hidden_problems):
        for _ in check(text, 1):
            pass
    assert time.process_time() - start < 2.0


# --- properties ---

_PLAIN = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=CONTROLS + "\ufeff"),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(text=_PLAIN, data=st.data())
def test_inserting_a_control_is_reported_at_its_line(text: str, data: st.DataObject) -> None:
    assert lines(invisible_problems, text) == []
    at = data.draw(st.integers(0, len(text)))
    char = data.draw(st.sampled_from("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
    changed = text[:at] + char + text[at:]
    expected = changed.count("\n", 0, at) + 7
    assert lines(invisible_problems, changed, 7) == [expected]
    assert INVISIBLE.search(text) is None


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_short_text_never_holds_a_payload_or_a_key(text: str) -> None:
    """Below 20 characters nothing has a credential's or a payload's length."""
    short = text[:19]
    assert lines(secret_problems, short) == []
    assert lines(payload_problems, short) == []


def test_each_key_literal_starts_with_its_groups_start() -> None:
    """A text without the group's start cannot hold the literal, so skipping it skips no key
    (a regular expression start is found inside the literal: any text holding the literal
    holds that match too, its look-behind included)."""
    for start, keys in SECRETS:
        for kind, pattern, literals in keys:
            for literal in literals:
                if isinstance(start, str):
                    assert literal.startswith(start), kind
                else:
                    assert start.search(literal), kind
            assert pattern.pattern.startswith(literals[0][:2]), kind  # a match starts so


def _searched_everywhere(text: str) -> list[tuple[int, str, str]]:
    """(offset, kind, start) of each key and payload that searching the whole text with
    every pattern finds, as KB703 and KB704 were first written."""
    found = [
        (m.start(), kind, m.group()[:4])
        for _, keys in SECRETS
        for kind, pattern, _ in keys
        for m in pattern.finditer(text)
        if m.start() == 0 or text[m.start() - 1] not in content_safety._WORD
    ]
    for m in content_safety._RUN.finditer(text):
        run = m.group().rstrip("=")
        has_digit = any(c.isdigit() for c in run)
        if content_safety._HEX.fullmatch(run) and has_digit:
            found.append((m.start(), "hex", str(len(run))))
        elif (
            len(run) >= content_safety.MIN_BASE64
            and has_digit
            and any(c.isupper() for c in run)
            and any(c.islower() for c in run)
        ):
            found.append((m.start(), "base64", str(len(m.group()))))
    return found


_PIECES = st.one_of(
    st.sampled_from([*KEYS.values(), " ", "\n", "\t", "\xa0", "\u2028", "\x1c", "=", "-"]),
    st.builds(
        lambda start, n: start + "AB9" * n,
        st.sampled_from([*(f"gh{c}_" for c in "pousr"), *(f"xox{c}-" for c in "baprs")]),
        st.integers(0, 14),
    ),
    st.sampled_from(
        ["ASIA", "sk-", "sk-svcacct-", "github_pat_", "-----BEGIN RSA PRIVATE KEY-----"]
    ),
    st.sampled_from(["0a", "QUJDa1", "ab/+", "Z9", "x"]).flatmap(
        lambda unit: st.integers(1, 130).map(lambda n: unit * n)
    ),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(_PIECES, max_size=30))
@example(pieces=["0a" * 64])  # a run of just MIN_HEX characters
@example(pieces=["é", "0a" * 63 + "9", "\u2028", "0a" * 63])  # beside non-ASCII
@example(pieces=["ghr_" + "AB9" * 12, " sk-" + "Ab1" * 11])
def test_keys_and_payloads_are_those_a_search_of_the_whole_text_finds(pieces: list[str]) -> None:
    """Looking for a key's first letters, and for a word long enough to hold a payload,
    before searching skips only texts in which the search finds nothing."""
    text = "".join(pieces)
    expected = _searched_everywhere(text)
    found = list(secret_problems(text, 1)) + list(payload_problems(text, 1))
    assert len(found) == len(expected)
    lines_found = sorted(line for line, _ in found)
    assert lines_found == sorted(text.count("\n", 0, offset) + 1 for offset, _, _ in expected)


# --- the scripts of a skill, in catalog.json ---


def test_scripts_are_listed_in_the_catalogue(tmp_path: Path) -> None:
    import json

    from jsonschema import Draft202012Validator

    from skillbook.render.environment import environment
    from skillbook.render.machine import catalog
    from skillbook.render.pages import Renderer

    root = write_tree(
        tmp_path,
        {
            "skills/retry/SKILL.md": "---\nname: retry\ndescription: Retry.\n---\n"
            "[b](../../patterns/backoff.md)\n",
            "skills/retry/scripts/fetch.sh": "curl example.org\n",
            "skills/retry/scripts/Tool.PY": "print(1)\n",
            "skills/retry/bin/run": "#!/bin/sh\necho run\n",
            "skills/retry/bin/exec": "echo exec\n",
            "skills/retry/assets/data.json": "{}\n",
            "skills/retry/references/notes.md": "Notes.\n",
            "patterns/backoff.md": "---\ntitle: Backoff\nsummary: Wait.\n---\n"
            "[r](../skills/retry/SKILL.md)\n",
        },
    )
    (root / "skills/retry/bin/exec").chmod(0o755)
    analysis = analyse(root, check_elixir=False)
    found = catalog(analysis, site_url=None)
    assert found["skills"][0]["scripts"] == [
        "bin/exec",
        "bin/run",
        "scripts/Tool.PY",
        "scripts/fetch.sh",
    ]
    schema_file = Path(__file__).parents[1] / "src/skillbook/schemas/catalog.schema.json"
    Draft202012Validator(json.loads(schema_file.read_text(encoding="utf-8"))).validate(found)
    page = Renderer(analysis, environment()).skill_relations(analysis.kb.skills[0], str)
    assert "Scripts in this skill" in page and "<li><code>bin/run</code></li>" in page
