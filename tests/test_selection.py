"""KB901-KB903: will the right skill fire? Overlapping descriptions, descriptions that never
say when to use their skill, and the listing budget; the catalogue shows the overlaps."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from skillbook import selection
from skillbook.check_config import settings_from_options
from skillbook.pipeline import analyse

from .conftest import mkdocs_build, write_tree

RETRY = (
    "Retry transient failures with exponential backoff, jitter, capped attempts and "
    "idempotency keys. Use when an HTTP call or database query fails for a moment."
)
BACKOFF = (
    "Exponential backoff with jitter and capped attempts for transient failures, keyed by "
    "idempotency keys. Use when a database query or HTTP call fails."
)
CACHE = "Cache computed values in ETS with a time to live. Use when a read repeats."


def skill(name: str, description: str, extra: str = "") -> str:
    return f"---\nname: {name}\ndescription: '{description}'\n{extra}---\n# {name}\n"


def kb(tmp_path: Path, descriptions: dict[str, str], **files: str) -> Path:
    tree = {f"skills/{n}/SKILL.md": skill(n, d) for n, d in descriptions.items()}
    return write_tree(tmp_path, {**tree, **files})


def codes(root: Path, **options: object) -> list[tuple[str, str]]:
    result = analyse(root, check_elixir=False, **options)  # type: ignore[arg-type]
    return [(d.path.split("/")[1], d.code) for d in result.report.diagnostics if d.code > "KB9"]


def test_terms_fold_plurals_and_drop_function_words() -> None:
    assert selection.terms("Use the Patterns and Policies when a user asks for help") == {
        "pattern",
        "policy",
    }
    assert selection.terms("Phoenix.PubSub, C++ and don't") == {"phoenix.pubsub", "c++", "don't"}


def test_overlapping_descriptions_name_each_other_and_the_shared_terms(tmp_path: Path) -> None:
    root = kb(tmp_path, {"retry": RETRY, "backoff": BACKOFF, "cache": CACHE})
    result = analyse(root, check_elixir=False)
    found = [str(d) for d in result.report.diagnostics if d.code == "KB901"]
    assert found == [
        "skills/backoff/SKILL.md:3: KB901 description overlaps skill 'retry' (82% of their "
        "distinctive terms shared: attempt, backoff, call, capped, database, exponential, fail, "
        "failure, …): an agent may pick either; say what sets this one apart",
        "skills/retry/SKILL.md:3: KB901 description overlaps skill 'backoff' (82% of their "
        "distinctive terms shared: attempt, backoff, call, capped, database, exponential, fail, "
        "failure, …): an agent may pick either; say what sets this one apart",
    ]
    assert result.overlaps == {
        "skills/backoff/SKILL.md": ("retry",),
        "skills/retry/SKILL.md": ("backoff",),
    }


def test_terms_the_whole_knowledge_base_uses_do_not_make_an_overlap(tmp_path: Path) -> None:
    """Every description says 'elixir phoenix ecto liveview otp': that is the knowledge
    base's subject, not a reason to call two skills alike."""
    common = "Elixir Phoenix Ecto LiveView OTP applications"
    topics = ["caching", "testing", "tracing", "sharding", "routing", "signing", "parsing"]
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]
    root = kb(
        tmp_path,
        {
            t: f"{t.capitalize()} {w} for {common}. Use when {t} matters."
            for t, w in zip(topics, words, strict=True)
        },
    )
    assert [c for c in codes(root) if c[1] == "KB901"] == []


def test_identical_descriptions_always_overlap_and_name_at_most_three(tmp_path: Path) -> None:
    root = kb(tmp_path, {f"same-{i:04d}": "Retry calls. Use when one fails." for i in range(400)})
    found = [c for c in codes(root) if c[1] == "KB901"]
    assert len(found) == 400 * selection.MAX_PARTNERS
    assert {name for name, _ in found} == {f"same-{i:04d}" for i in range(400)}


def test_a_description_that_never_says_when(tmp_path: Path) -> None:
    root = kb(tmp_path, {"cache": "Cache computed values in ETS with a time to live."})
    assert codes(root) == [("cache", "KB902")]
    # Claude Code's own field says when, under its profile only
    when = "when_to_use: When the same read repeats.\n"
    write_tree(tmp_path, {"skills/cache/SKILL.md": skill("cache", "Cache values in ETS.", when)})
    assert codes(root, profile="claude-code") == []
    assert ("cache", "KB902") in codes(root, profile="agentskills")


def test_the_listing_is_counted_as_claude_code_counts_it(tmp_path: Path) -> None:
    long = "x" * 2000
    root = write_tree(
        tmp_path,
        {
            "skills/a/SKILL.md": skill("a", "Do a. Use when a."),
            "skills/b/SKILL.md": skill("b", "Do b.", "when_to_use: When b.\n"),
            "skills/c/SKILL.md": skill("c", long),
            "skills/hidden/SKILL.md": skill("hidden", long, "disable-model-invocation: true\n"),
        },
    )
    skills = analyse(root, check_elixir=False, profile="claude-code").kb.skills
    lines = ["- a: Do a. Use when a.", "- b: Do b. - When b.", "- c: " + "x" * 1536]
    assert selection.listing_length(skills) == (len("\n".join(lines)), 3)


def test_over_the_budget_one_warning_at_the_longest(tmp_path: Path) -> None:
    descriptions = {f"s{i}": f"{chr(97 + i) * 900} Use when {i} is due." for i in range(9)}
    root = kb(tmp_path, descriptions)
    result = analyse(root, check_elixir=False)
    over = [d for d in result.report.diagnostics if d.code == "KB903"]
    assert len(over) == 1 and over[0].path == "skills/s8/SKILL.md"
    assert "9 skills' descriptions take 8,333 characters" in over[0].message
    del descriptions["s8"]
    assert [c for c in codes(kb(tmp_path / "fewer", descriptions)) if c[1] == "KB903"] == []


def test_an_ignored_overlap_is_not_shown_on_the_catalogue_either(tmp_path: Path) -> None:
    root = kb(tmp_path, {"retry": RETRY, "backoff": BACKOFF})
    checks = settings_from_options(
        {"per_file": {"skills/retry/**": {"ignore": ["KB901"]}}}, where="checks"
    )
    result = analyse(root, check_elixir=False, checks=checks)
    assert [d.path for d in result.report.diagnostics if d.code == "KB901"] == [
        "skills/backoff/SKILL.md"
    ]
    assert result.overlaps == {"skills/backoff/SKILL.md": ("retry",)}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["retry", "cache", "node", "queue", "timer", "pool", "ets"]),
            max_size=12,
        ),
        min_size=2,
        max_size=12,
    )
)
def test_overlaps_are_mutual_unless_a_skill_already_names_three(
    tmp_path_factory: object, texts: list[list[str]]
) -> None:
    root = kb(
        tmp_path_factory.mktemp("kb"),  # type: ignore[attr-defined]
        {f"s{i:02d}": " ".join(words) + " words." for i, words in enumerate(texts)},
    )
    result = analyse(root, check_elixir=False)
    named = {(p.split("/")[1], o) for p, others in result.overlaps.items() for o in others}
    for a, b in named:
        assert (b, a) in named or len(result.overlaps[f"skills/{b}/SKILL.md"]) == 3


def test_the_catalogue_card_shows_overlaps_and_scripts(tmp_path: Path) -> None:
    root = kb(
        tmp_path,
        {"retry": RETRY, "backoff": BACKOFF, "cache": CACHE},
        **{
            "mkdocs.yml": "site_name: KB\ntheme:\n  name: material\nplugins:\n  - skillbook\n",
            "docs/index.md": "# KB\n",
            "skills/cache/scripts/warm.sh": "#!/bin/sh\necho warm\n",
            "skills/cache/scripts/evict.py": "print('evict')\n",
        },
    )
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    page = (root / "site/skills/index.html").read_text(encoding="utf-8")
    cards = {
        c.split("</strong>")[0].rsplit(">", 2)[-2].split("<")[0]: c for c in page.split("<li ")[1:]
    }
    assert (
        'class="skillbook-overlaps">Description overlaps <a href="backoff/">backoff</a>'
        in (cards["retry"])
    )
    assert "skillbook-overlaps" not in cards["cache"]
    assert ">2 scripts</span>" in cards["cache"]
    assert "script" not in cards["retry"].split("skillbook-overlaps")[0]


_WHEN_TEXT = st.lists(
    st.sampled_from(
        [
            "Use",
            "use",
            "USE",
            "when",
            "WHEN",
            "Whenever",
            "if",
            "it",
            "this skill",
            "for",
            " ",
            "-",
            "_",
            "x",
            "ſ",
            "K",
            "İ",
            "é",
            "\n",
            "trigger",
            "Triggered",
            "invokes",
            "ok.",
            "0",
            "whe",
            "n",
        ]
    ),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_WHEN_TEXT.map(" ".join), _WHEN_TEXT.map("".join), st.text(max_size=60)))
def test_saying_when_is_the_case_blind_search(text: str) -> None:
    """The ASCII shortcuts (lower case, then `when` as a word) find a 'when' exactly where
    the case-blind search does, words run together or apart."""
    assert selection.says_when(text) == bool(selection._WHEN.search(text))


_WORDY = st.text(alphabet="abcXYZ019_.+#'- \n\t,;:!é", max_size=60)


@settings(max_examples=600, deadline=None)
@given(st.one_of(_WORDY, st.text(max_size=60)))
def test_the_ascii_words_are_the_unicode_patterns_words(text: str) -> None:
    """In lower-case ASCII text the ASCII word pattern finds what the Unicode one finds."""
    lowered = text.lower()
    if lowered.isascii():
        assert selection._ASCII_WORD.findall(lowered) == selection._WORD.findall(lowered)
    assert selection.terms(text) == frozenset(
        t for w in selection._WORD.findall(lowered) if (t := selection._fold(w))
    )
